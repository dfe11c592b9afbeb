import { schemaOfModel } from "../models/compile.ts";
import type { Project } from "../models/project.ts";
import type { ValidatedStatement } from "../validate/report.ts";
import { CAPTURED_EVENTS } from "./objects.ts";
import {
  DRY_RUN_SETTINGS,
  graphTests,
  procedureQueries,
  renderObjects,
  type SnowflakeObject,
} from "./render.ts";

/**
 * What `validate` checks of the Snowflake side besides the models it compiles itself: the provisioning
 * DDL (sqlfluff reads the kinds it knows; the golden dry-run file covers the rest), the tables it creates
 * (they join polyglot's schema), and the SQL inside each procedure as the task graph runs it (graph
 * sources, the pending-batch bound), parsed and name-checked by polyglot on its own.
 */
export function snowflakeStatements(project: Project): ValidatedStatement[] {
  const objects = renderObjects(project, DRY_RUN_SETTINGS);
  const statements: ValidatedStatement[] = objects.flatMap((object) => {
    const checks = ddlChecks(object);
    return checks.length === 0
      ? []
      : [{ file: object.template, name: `${object.kind} ${object.name}`, sql: object.statement, checks }];
  });
  // The view every graph step reads raw events through has raw's columns (`select events.*`): polyglot
  // learns them as a table of its own, since it reads its schema from CREATE TABLE statements.
  const raw = objects.find((object) => object.name === "raw.amplitude_events")!;
  statements.push({
    file: "snowflake/view_captured_events.sql",
    name: `schema of ${CAPTURED_EVENTS}`,
    sql: raw.statement.replace("raw.amplitude_events", CAPTURED_EVENTS),
    checks: ["polyglot"],
  });
  const relation = (name: string) => {
    const model = project.models.get(name);
    return model ? [`${schemaOfModel(model)}.${name}`] : [];
  };
  for (const query of procedureQueries(project)) {
    statements.push({
      file: query.path,
      name: `procedure pipeline.build_${query.model} (${query.build} build)`,
      sql: query.sql,
      checks: ["polyglot"],
      reads: relation(query.model),
    });
  }
  for (const test of graphTests(project)) {
    statements.push({
      file: test.declaredIn,
      name: `finalizer test ${test.name}`,
      sql: test.sql,
      checks: ["polyglot"],
      reads: [...test.on.flatMap(relation), ...(test.needs ?? [])],
    });
  }
  return statements;
}

/**
 * sqlfluff 1.4 refuses a storage integration's valid syntax; polyglot keeps pipes, streams, stages and
 * file formats as raw text but reads tables and views.
 */
function ddlChecks(object: SnowflakeObject): Array<"polyglot" | "sqlfluff"> {
  switch (object.kind) {
    case "table":
    case "view":
      return ["polyglot", "sqlfluff"];
    case "storage integration":
    case "column masking":
      // Column masking renders only a comment naming the columns; its ALTERs depend on the account.
      return [];
    case "task":
      // sqlfluff 1.4 knows neither FINALIZE nor an AFTER list of more than one task (Snowflake takes both).
      return /\bfinalize\s*=/.test(object.statement) || (object.after?.length ?? 0) > 1 ? [] : ["sqlfluff"];
    case "procedure":
      // The body is one string to both parsers (and the tests procedure, with two forms of most tests, is 300 KB of it): the queries
      // inside are checked on their own above.
      return [];
    default:
      return ["sqlfluff"];
  }
}
