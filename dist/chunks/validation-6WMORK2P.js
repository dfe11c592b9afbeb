import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  CAPTURED_EVENTS,
  DRY_RUN_SETTINGS,
  graphTests,
  procedureQueries,
  renderObjects
} from "./chunk-R2LSW7R3.js";
import {
  schemaOfModel
} from "./chunk-KVYT4TEJ.js";
import "./chunk-JC7DLJCH.js";
import "./chunk-OYBGSQDJ.js";
import "./chunk-R47Z7GPO.js";
import "./chunk-DLZUFQUX.js";
import "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";

// src/snowflake/validation.ts
function snowflakeStatements(project) {
  const objects = renderObjects(project, DRY_RUN_SETTINGS);
  const statements = objects.flatMap((object) => {
    const checks = ddlChecks(object);
    return checks.length === 0 ? [] : [{ file: object.template, name: `${object.kind} ${object.name}`, sql: object.statement, checks }];
  });
  const raw = objects.find((object) => object.name === "raw.amplitude_events");
  statements.push({
    file: "snowflake/view_captured_events.sql",
    name: `schema of ${CAPTURED_EVENTS}`,
    sql: raw.statement.replace("raw.amplitude_events", CAPTURED_EVENTS),
    checks: ["polyglot"]
  });
  const relation = (name) => {
    const model = project.models.get(name);
    return model ? [`${schemaOfModel(model)}.${name}`] : [];
  };
  for (const query of procedureQueries(project)) {
    statements.push({
      file: query.path,
      name: `procedure pipeline.build_${query.model} (${query.build} build)`,
      sql: query.sql,
      checks: ["polyglot"],
      reads: relation(query.model)
    });
  }
  for (const test of graphTests(project)) {
    statements.push({
      file: test.declaredIn,
      name: `finalizer test ${test.name}`,
      sql: test.sql,
      checks: ["polyglot"],
      reads: [...test.on.flatMap(relation), ...test.needs ?? []]
    });
  }
  return statements;
}
function ddlChecks(object) {
  switch (object.kind) {
    case "table":
    case "view":
      return ["polyglot", "sqlfluff"];
    case "storage integration":
    case "column masking":
      return [];
    case "task":
      return /\bfinalize\s*=/.test(object.statement) || (object.after?.length ?? 0) > 1 ? [] : ["sqlfluff"];
    case "procedure":
      return [];
    default:
      return ["sqlfluff"];
  }
}
export {
  snowflakeStatements
};
