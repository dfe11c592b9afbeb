import { createHash } from "node:crypto";
import { join } from "node:path";
import nunjucks from "nunjucks";
import { ConfigurationError } from "../errors.ts";
import { compileModel, REBUILD_SHARE, type CompiledModel } from "../models/compile.ts";
import type { PlannedTest } from "../models/data-tests.ts";
import { isPersonal, type Project } from "../models/project.ts";
import { planProject, planTests } from "../models/runner.ts";
import { SEED_LOADS, seedLoadsStatement } from "../models/seeds.ts";
import { DEFAULT_FULL_TESTS_EVERY_HOURS, TEST_PASSES } from "../models/test-passes.ts";
import { SCHEMAS } from "../warehouse/warehouse.ts";
import {
  buildProcedure,
  CAPTURED_EVENTS,
  CAPTURED_ROWS,
  DEFAULT_STORAGE_INTEGRATION,
  FINALIZER_TASK,
  GRAPH_REPORTS,
  MASK_PII_STRING,
  MASK_PII_VARIANT,
  modelTask,
  PIPELINE_SCHEMA,
  ROOT_TASK,
  SNAPSHOTS_PIPE,
  SNAPSHOTS_TABLE,
  TASK_TIMEOUT_MS,
  TRIGGER_INTERVAL_SECONDS,
} from "./objects.ts";

export type ObjectKind =
  | "schema"
  | "table"
  | "file format"
  | "storage integration"
  | "stage"
  | "view"
  | "pipe"
  | "stream"
  | "procedure"
  | "task"
  | "masking policy"
  | "column masking";

/** Objects that hold data or state: created once and evolved forward, never replaced unless asked. */
const STATEFUL: ReadonlySet<ObjectKind> = new Set([
  "schema",
  "table",
  "storage integration",
  "stage",
  "pipe",
  "stream",
  // Set on columns, a policy cannot be replaced: created once, its body altered forward.
  "masking policy",
  // The policies set on a model table's personal columns: set once, recorded, set again when they change.
  "column masking",
]);

export interface TableColumn {
  name: string;
  /** As written in the template: `varchar not null`. */
  definition: string;
}

export interface SnowflakeObject {
  kind: ObjectKind;
  /** `schema.name` (schemas and integrations: the bare name), lowercase. */
  name: string;
  stateful: boolean;
  /** The statement that creates it: `create … if not exists` for stateful objects, `create or replace` otherwise. */
  statement: string;
  /** For a pipe or stream: the statement that replaces it, run only with `--allow-replace`. */
  replaceStatement?: string;
  /** sha256 of the statement: what the change history compares. */
  checksum: string;
  /** The template it came from, relative to the project (`snowflake/pipe_events.sql`), for messages. */
  template: string;
  /** Tables: their columns, to add the ones a table lacks. */
  columns?: TableColumn[];
  /** Stages: the URL. Streams: the table. Pipes: the COPY statement. What a change is compared on. */
  definition?: string;
  /** Tasks: the tasks it runs after. */
  after?: string[];
  /** Procedures and tasks that build a model. */
  model?: string;
  /** Only referenced: provision checks it exists and never creates it (an integration an admin made). */
  referenceOnly?: boolean;
  /** Masking policies: the body, for `alter masking policy … set body`. */
  body?: string;
  /** Column masking: the model table (`core.users`) and its personal columns. */
  relation?: string;
  piiColumns?: string[];
}

export interface ProvisionSettings {
  /** The virtual warehouse the tasks run on (SNOWFLAKE_WAREHOUSE). */
  warehouse: string;
  /** `s3://bucket/prefix/`: the lake root the stage points at, with a trailing slash. */
  lakeUrl: string;
  integration: string;
  /** Create the storage integration (needs CREATE INTEGRATION); otherwise it must exist. */
  createIntegration: boolean;
  /** The IAM role Snowflake assumes to read the bucket; needed with createIntegration. */
  awsRoleArn?: string;
  /**
   * Mask personal columns outside restricted (needs Enterprise Edition); undefined when
   * SNOWFLAKE_MASKING=off. `pipelineRole` (the role that owns the procedures and tasks) and `piiRole`
   * (SNOWFLAKE_PII_ROLE, a role that may see personal data) read the real values.
   */
  masking?: { pipelineRole: string; piiRole?: string };
  /**
   * The finalizer tests whole tables when no whole pass of the data tests finished in this many hours
   * (0: every graph run); default DEFAULT_FULL_TESTS_EVERY_HOURS.
   */
  fullTestsEveryHours?: number;
}

/** What a graph run's incremental steps read since: the first row of the batches not yet completed. */
export const PENDING_BATCHES_SINCE =
  "(select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)";

/** The graph's steps read raw events as of their batch's capture. */
const GRAPH_SOURCES = { "amplitude.events": CAPTURED_EVENTS };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Checks the names that go into statements unquoted: a warehouse or integration name, a lake URL. */
export function checkSettings(settings: ProvisionSettings): void {
  for (const [what, value] of [
    ["SNOWFLAKE_WAREHOUSE", settings.warehouse],
    ["--integration", settings.integration],
    ["SNOWFLAKE_ROLE", settings.masking?.pipelineRole],
    ["SNOWFLAKE_PII_ROLE", settings.masking?.piiRole],
  ] as const) {
    // An empty role is read from the session before anything is planned.
    if (value !== undefined && value !== "" && !IDENTIFIER.test(value)) {
      throw new ConfigurationError(
        `${what} ${JSON.stringify(value)} is not a plain Snowflake identifier (letters, digits, _ and $)`,
      );
    }
  }
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([^'\\]*\/)?$/.test(settings.lakeUrl)) {
    throw new ConfigurationError(
      `the lake ${JSON.stringify(settings.lakeUrl)} is not an S3 location Snowflake can stage: use --lake s3://bucket/prefix`,
    );
  }
  if (
    settings.createIntegration &&
    !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(settings.awsRoleArn ?? "")
  ) {
    throw new ConfigurationError(
      "--create-integration needs the IAM role Snowflake assumes to read the bucket: set --aws-role-arn " +
        "(or SNOWFLAKE_STORAGE_AWS_ROLE_ARN) to arn:aws:iam::<account>:role/<name>",
    );
  }
}

/** Placeholders for what a dry run (and `validate`) would otherwise read from the environment. */
export const DRY_RUN_SETTINGS: ProvisionSettings = {
  warehouse: "amplitude_pipeline",
  lakeUrl: "s3://amplitude-lake/",
  integration: DEFAULT_STORAGE_INTEGRATION,
  createIntegration: false,
  masking: { pipelineRole: "AMPLITUDE_PIPELINE" },
};

/**
 * Every object of the Snowflake side, in the order they are created: schemas, the change history, file
 * formats, the integration and stage, raw tables (events, snapshots, manifests), views, pipes (events,
 * manifests, snapshots), the stream, procedures, then the task
 * graph (root, one task per model in graph order, finalizer). Models are compiled for Snowflake by the
 * compiler the embedded runner uses.
 */
export function renderObjects(project: Project, settings: ProvisionSettings): SnowflakeObject[] {
  checkSettings(settings);
  const environment = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(join(project.root, "snowflake")),
    {
      autoescape: false,
      throwOnUndefined: true,
    },
  );
  const variables = {
    warehouse: settings.warehouse,
    lake_url: settings.lakeUrl,
    integration: settings.integration,
    aws_role_arn: settings.awsRoleArn ?? "",
    task_timeout_ms: TASK_TIMEOUT_MS,
    trigger_interval_seconds: TRIGGER_INTERVAL_SECONDS,
  };
  const render = (template: string, extra: Record<string, unknown> = {}) =>
    environment
      .render(template, { ...variables, ...extra })
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
  const objects: SnowflakeObject[] = [];
  const add = (kind: ObjectKind, name: string, template: string, extra: Partial<SnowflakeObject> = {}) => {
    const statement = extra.statement ?? render(template);
    objects.push({
      kind,
      name,
      stateful: STATEFUL.has(kind),
      statement,
      checksum: checksum(statement),
      template: `snowflake/${template}`,
      ...extra,
    });
  };
  const table = (name: string, template: string) => {
    const statement = render(template);
    add("table", name, template, { statement, columns: tableColumns(statement, template) });
  };

  // The change history first: every object after it is recorded there as it is applied.
  const schema = (name: string) =>
    add("schema", name, "(schema)", { statement: `create schema if not exists ${name}` });
  schema(PIPELINE_SCHEMA);
  table("pipeline.change_history", "change_history.sql");
  for (const name of SCHEMAS) schema(name);
  // Early, so an account whose edition has no masking policies fails before anything else changes.
  if (settings.masking) {
    for (const [policy, type, masked] of [
      [MASK_PII_STRING, "varchar", "'***MASKED***'"],
      [MASK_PII_VARIANT, "variant", "to_variant('***MASKED***')"],
    ] as const) {
      // Indented as in the CREATE, so `alter masking policy … set body` reads the same.
      const body = render("masking_policy_body.sql", {
        pipeline_role: settings.masking.pipelineRole.toUpperCase(),
        pii_role: settings.masking.piiRole?.toUpperCase() ?? "",
        masked,
      })
        .split("\n")
        .map((line) => `    ${line}`)
        .join("\n");
      add("masking policy", policy, "masking_policy.sql", {
        statement: render("masking_policy.sql", { policy, type, body }),
        body,
      });
    }
  }
  add("file format", "raw.amplitude_json_gz", "file_format_events.sql");
  add("file format", "raw.amplitude_manifest_json", "file_format_manifests.sql");
  add("storage integration", settings.integration, "storage_integration.sql", {
    referenceOnly: !settings.createIntegration,
  });
  add("stage", "raw.amplitude_lake", "stage.sql", {
    definition: `${settings.lakeUrl} ${settings.integration}`,
  });
  table("raw.amplitude_events", "table_amplitude_events.sql");
  table(SNAPSHOTS_TABLE, "table_amplitude_snapshots.sql");
  table("raw.lake_manifests", "table_lake_manifests.sql");
  table("pipeline.stream_batches", "table_stream_batches.sql");
  table(CAPTURED_ROWS, "table_captured_rows.sql");
  table("pipeline.test_results", "table_test_results.sql");
  table(TEST_PASSES, "table_test_passes.sql");
  table(GRAPH_REPORTS, "table_graph_reports.sql");
  // The seeds' load record; the seeds themselves are loaded after the objects are applied (buildSeeds).
  const seedLoads = seedLoadsStatement("timestamp_ntz");
  add("table", SEED_LOADS, "(seeds)", {
    statement: seedLoads,
    columns: tableColumns(seedLoads, "(seeds)"),
    template: "src/models/seeds.ts",
  });
  add("view", CAPTURED_EVENTS, "view_captured_events.sql");
  // `select events.*` is expanded when the view is created: a column raw gains must replace the view too.
  const captured = objects.at(-1)!;
  const raw = objects.find((object) => object.name === "raw.amplitude_events")!;
  captured.checksum = checksum(`${captured.statement}\n-- raw.amplitude_events ${raw.checksum}`);
  add("view", "raw.extract_windows", "view_extract_windows.sql");
  add("view", "raw.load_history", "view_load_history.sql");
  for (const [name, template] of [
    ["raw.amplitude_events_pipe", "pipe_events.sql"],
    ["raw.lake_manifests_pipe", "pipe_manifests.sql"],
    [SNAPSHOTS_PIPE, "pipe_snapshots.sql"],
  ] as const) {
    const statement = render(template, { replace: false });
    add("pipe", name, template, {
      statement,
      replaceStatement: render(template, { replace: true }),
      definition: copyStatement(statement),
    });
  }
  const stream = render("stream_events.sql", { replace: false });
  add("stream", "raw.amplitude_events_stream", "stream_events.sql", {
    statement: stream,
    replaceStatement: render("stream_events.sql", { replace: true }),
    definition: /\bon table ([\w.]+)/i.exec(stream)?.[1]?.toLowerCase(),
  });

  const { compiled, order } = planProject(project, "snowflake");
  add("procedure", "pipeline.capture_batch", "procedure_capture_batch.sql");
  for (const name of order) {
    add("procedure", buildProcedure(name), "procedure_build_model.sql", {
      statement: render("procedure_build_model.sql", {
        ...buildVariables(project, compiled.get(name)!),
        pii_columns: settings.masking ? maskedColumns(project, compiled.get(name)!) : [],
        string_policy: MASK_PII_STRING,
        variant_policy: MASK_PII_VARIANT,
      }),
      model: name,
    });
  }
  // Tables built before their columns were marked (or before masking was on) get the policies here;
  // a table the procedure builds later gets them from the procedure.
  for (const name of settings.masking ? order : []) {
    const model = compiled.get(name)!;
    const columns = maskedColumns(project, model);
    if (columns.length === 0) continue;
    const statement = `-- ${model.relation}: ${columns.join(", ")} masked by ${MASK_PII_STRING} (${MASK_PII_VARIANT} for variant columns)`;
    add("column masking", `${model.relation}.masking`, "(column masking)", {
      statement,
      relation: model.relation,
      piiColumns: columns,
      model: name,
    });
  }
  // Each test in both forms: the rows of the pending batches, and the whole table (when a whole pass is due).
  const whole = new Map(graphTests(project, compiled, { whole: true }).map((test) => [test.name, test.sql]));
  add("procedure", "pipeline.run_data_tests", "procedure_run_data_tests.sql", {
    statement: render("procedure_run_data_tests.sql", {
      tests: graphTests(project, compiled).map((test) => ({ ...test, whole_sql: whole.get(test.name)! })),
      finalizer_name: FINALIZER_TASK.split(".")[1],
      full_tests_every_hours: fullTestsEveryHours(settings),
    }),
  });

  add("task", ROOT_TASK, "task_root.sql", { after: [] });
  for (const name of order) {
    const model = compiled.get(name)!;
    const after = model.refs.length === 0 ? [ROOT_TASK] : [...model.refs].sort().map(modelTask);
    add("task", modelTask(name), "task_model.sql", {
      statement: render("task_model.sql", {
        task: modelTask(name),
        relation: model.relation,
        procedure: buildProcedure(name),
        after,
      }),
      after,
      model: name,
    });
  }
  add("task", FINALIZER_TASK, "task_finalizer.sql", { after: [] });
  return objects;
}

/**
 * The personal columns (`meta: { pii: true }`) of a model that Snowflake masks: every model outside
 * restricted, which grants protect instead (masking there would hide the data from the few roles
 * allowed to read it).
 */
export function maskedColumns(project: Project, model: CompiledModel): string[] {
  const [schema] = model.relation.split(".");
  if (schema === "restricted") return [];
  return project.models
    .get(model.name)!
    .columns.filter(isPersonal)
    .map((column) => column.name.toLowerCase());
}

/**
 * The tests the finalizer runs: the embedded runner's list, checking the rows of the pending batches, or
 * with `whole`, whole tables (over the rows every capture took).
 */
export function graphTests(
  project: Project,
  compiled?: Map<string, CompiledModel>,
  options: { whole?: boolean } = {},
): PlannedTest[] {
  const models = compiled ?? planProject(project, "snowflake").compiled;
  const newerThan = new Map<string, string>();
  for (const model of models.values()) {
    if (model.config.materialized === "incremental" && !options.whole)
      newerThan.set(model.name, PENDING_BATCHES_SINCE);
  }
  return planTests(project, models, new Set(models.keys()), "snowflake", newerThan, GRAPH_SOURCES);
}

/** The hours between the finalizer's whole passes, checked: a whole number from 0 (every run). */
export function fullTestsEveryHours(settings: Pick<ProvisionSettings, "fullTestsEveryHours">): number {
  const hours = settings.fullTestsEveryHours ?? DEFAULT_FULL_TESTS_EVERY_HOURS;
  if (!Number.isInteger(hours) || hours < 0) {
    throw new ConfigurationError(
      `--full-tests-every ${hours}: give a whole number of hours (0 tests whole tables in every graph run)`,
    );
  }
  return hours;
}

/**
 * The SQL inside each model's procedure, on its own: polyglot cannot read a Snowflake Scripting body, so
 * `validate` checks these statements before they are placed in one.
 */
export function procedureQueries(
  project: Project,
): Array<{ model: string; path: string; build: "full" | "incremental" | "scope"; sql: string }> {
  const { compiled, order } = planProject(project, "snowflake");
  return order.flatMap((name) => {
    const variables = buildVariables(project, compiled.get(name)!);
    const path = compiled.get(name)!.path;
    return [
      { model: name, path, build: "full" as const, sql: variables.full_sql },
      { model: name, path, build: "incremental" as const, sql: variables.increment_sql },
      { model: name, path, build: "scope" as const, sql: variables.scope_sql },
    ].filter((query) => query.sql !== "");
  });
}

function buildVariables(project: Project, model: CompiledModel) {
  const file = project.models.get(model.name)!;
  const [schema, name] = model.relation.split(".");
  const compile = (options: { incremental?: boolean; scope?: boolean }) =>
    compileModel(project, file, {
      dialect: "snowflake",
      sources: GRAPH_SOURCES,
      incrementalSince: options.incremental ? PENDING_BATCHES_SINCE : undefined,
      ...options,
    }).sql;
  const incremental = model.config.materialized === "incremental";
  const keys = model.config.uniqueKey;
  return {
    procedure: buildProcedure(model.name),
    model: model.name,
    relation: model.relation,
    schema,
    name,
    materialized: model.config.materialized,
    strategy: model.config.strategy,
    keys: keys.join(", "),
    key_literals: keys.map((key) => `'${key}'`).join(", "),
    merge_on: keys.map((key) => `target.${key} = source.${key}`).join(" and "),
    full_sql: compile({}),
    increment_sql: incremental ? compile({ incremental: true }) : "",
    scope_sql: incremental && model.config.scope ? compile({ incremental: true, scope: true }) : "",
    rebuild_share: REBUILD_SHARE,
  };
}

export function checksum(statement: string): string {
  const normalized = statement
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trim();
  return createHash("sha256").update(normalized).digest("hex");
}

/** The columns of one of our own `create table if not exists x ( … )` templates, one per line. */
function tableColumns(statement: string, template: string): TableColumn[] {
  const body = statement.slice(statement.indexOf("(") + 1, statement.lastIndexOf(")"));
  const columns = body
    .split("\n")
    .map((line) => line.trim().replace(/,$/, ""))
    .filter((line) => line !== "")
    .map((line) => {
      const match = /^([a-z_][a-z0-9_]*)\s+(.+)$/.exec(line);
      if (!match)
        throw new Error(`snowflake/${template}: cannot read the column line ${JSON.stringify(line)}`);
      return { name: match[1]!, definition: match[2]! };
    });
  return columns;
}

/** A pipe's COPY statement, after `as`: what Snowflake's PIPES view shows as its definition. */
function copyStatement(statement: string): string {
  const index = statement.search(/\n\s*as\n/);
  return normalize(index === -1 ? statement : statement.slice(index).replace(/^\s*as\s*/, ""));
}

/** Whitespace and case folded, to compare a definition Snowflake stores with the rendered one. */
export function normalize(sql: string): string {
  return sql.replace(/\s+/g, " ").trim().toLowerCase();
}
