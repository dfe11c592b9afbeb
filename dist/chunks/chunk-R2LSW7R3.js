import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  REBUILD_SHARE,
  SEED_LOADS,
  compileModel,
  isPersonal,
  planProject,
  planTests,
  require_nunjucks,
  seedLoadsStatement
} from "./chunk-KVYT4TEJ.js";
import {
  DEFAULT_FULL_TESTS_EVERY_HOURS,
  TEST_PASSES
} from "./chunk-R47Z7GPO.js";
import {
  SCHEMAS
} from "./chunk-DLZUFQUX.js";
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";
import {
  __toESM
} from "./chunk-QNAMUATI.js";

// src/snowflake/objects.ts
var PIPELINE_SCHEMA = "pipeline";
var CHANGE_HISTORY = `${PIPELINE_SCHEMA}.change_history`;
var STREAM_BATCHES = `${PIPELINE_SCHEMA}.stream_batches`;
var CAPTURED_ROWS = `${PIPELINE_SCHEMA}.captured_rows`;
var TEST_RESULTS = `${PIPELINE_SCHEMA}.test_results`;
var GRAPH_REPORTS = `${PIPELINE_SCHEMA}.graph_reports`;
var CAPTURED_EVENTS = `${PIPELINE_SCHEMA}.captured_events`;
var FILE_FORMAT = "raw.amplitude_json_gz";
var MANIFEST_FILE_FORMAT = "raw.amplitude_manifest_json";
var STAGE = "raw.amplitude_lake";
var MANIFESTS_TABLE = "raw.lake_manifests";
var EVENTS_PIPE = "raw.amplitude_events_pipe";
var SNAPSHOTS_TABLE = "raw.amplitude_snapshots";
var SNAPSHOTS_PIPE = "raw.amplitude_snapshots_pipe";
var MANIFESTS_PIPE = "raw.lake_manifests_pipe";
var EVENTS_STREAM = "raw.amplitude_events_stream";
var ROOT_TASK = `${PIPELINE_SCHEMA}.amplitude_root`;
var TASK_TIMEOUT_MS = 2 * 60 * 60 * 1e3;
var TRIGGER_INTERVAL_SECONDS = 3600;
var FINALIZER_TASK = `${PIPELINE_SCHEMA}.amplitude_finalizer`;
var CAPTURE_PROCEDURE = `${PIPELINE_SCHEMA}.capture_batch`;
var MERGE_PROCEDURE = `${PIPELINE_SCHEMA}.merge_increment`;
var TESTS_PROCEDURE = `${PIPELINE_SCHEMA}.run_data_tests`;
function modelTask(model) {
  return `${PIPELINE_SCHEMA}.run_${model}`;
}
function buildProcedure(model) {
  return `${PIPELINE_SCHEMA}.build_${model}`;
}
function modelOfTask(taskName) {
  const name = taskName.toLowerCase().replace(/^.*\./, "");
  return name.startsWith("run_") ? name.slice("run_".length) : null;
}
var MASK_PII_STRING = `${PIPELINE_SCHEMA}.mask_pii_string`;
var MASK_PII_VARIANT = `${PIPELINE_SCHEMA}.mask_pii_variant`;
function maskingPolicyFor(dataType) {
  return dataType.toUpperCase() === "VARIANT" ? MASK_PII_VARIANT : MASK_PII_STRING;
}
var DEFAULT_STORAGE_INTEGRATION = "amplitude_pipeline_s3";
function upperParts(relation) {
  const [schema, name] = relation.split(".");
  return { schema: schema.toUpperCase(), name: name.toUpperCase() };
}

// src/snowflake/render.ts
var import_nunjucks = __toESM(require_nunjucks(), 1);
import { createHash } from "node:crypto";
import { join } from "node:path";
var STATEFUL = /* @__PURE__ */ new Set([
  "schema",
  "table",
  "storage integration",
  "stage",
  "pipe",
  "stream",
  // Set on columns, a policy cannot be replaced: created once, its body altered forward.
  "masking policy",
  // The policies set on a model table's personal columns: set once, recorded, set again when they change.
  "column masking"
]);
var PENDING_BATCHES_SINCE = "(select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)";
var GRAPH_SOURCES = { "amplitude.events": CAPTURED_EVENTS };
var IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
function checkSettings(settings) {
  for (const [what, value] of [
    ["SNOWFLAKE_WAREHOUSE", settings.warehouse],
    ["--integration", settings.integration],
    ["SNOWFLAKE_ROLE", settings.masking?.pipelineRole],
    ["SNOWFLAKE_PII_ROLE", settings.masking?.piiRole]
  ]) {
    if (value !== void 0 && value !== "" && !IDENTIFIER.test(value)) {
      throw new ConfigurationError(
        `${what} ${JSON.stringify(value)} is not a plain Snowflake identifier (letters, digits, _ and $)`
      );
    }
  }
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([^'\\]*\/)?$/.test(settings.lakeUrl)) {
    throw new ConfigurationError(
      `the lake ${JSON.stringify(settings.lakeUrl)} is not an S3 location Snowflake can stage: use --lake s3://bucket/prefix`
    );
  }
  if (settings.createIntegration && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(settings.awsRoleArn ?? "")) {
    throw new ConfigurationError(
      "--create-integration needs the IAM role Snowflake assumes to read the bucket: set --aws-role-arn (or SNOWFLAKE_STORAGE_AWS_ROLE_ARN) to arn:aws:iam::<account>:role/<name>"
    );
  }
}
var DRY_RUN_SETTINGS = {
  warehouse: "amplitude_pipeline",
  lakeUrl: "s3://amplitude-lake/",
  integration: DEFAULT_STORAGE_INTEGRATION,
  createIntegration: false,
  masking: { pipelineRole: "AMPLITUDE_PIPELINE" }
};
function renderObjects(project, settings) {
  checkSettings(settings);
  const environment = new import_nunjucks.default.Environment(
    new import_nunjucks.default.FileSystemLoader(join(project.root, "snowflake")),
    {
      autoescape: false,
      throwOnUndefined: true
    }
  );
  const variables = {
    warehouse: settings.warehouse,
    lake_url: settings.lakeUrl,
    integration: settings.integration,
    aws_role_arn: settings.awsRoleArn ?? "",
    task_timeout_ms: TASK_TIMEOUT_MS,
    trigger_interval_seconds: TRIGGER_INTERVAL_SECONDS
  };
  const render = (template, extra = {}) => environment.render(template, { ...variables, ...extra }).split("\n").map((line) => line.trimEnd()).join("\n").replace(/\n{3,}/g, "\n\n").trim();
  const objects = [];
  const add = (kind, name, template, extra = {}) => {
    const statement = extra.statement ?? render(template);
    objects.push({
      kind,
      name,
      stateful: STATEFUL.has(kind),
      statement,
      checksum: checksum(statement),
      template: `snowflake/${template}`,
      ...extra
    });
  };
  const table = (name, template) => {
    const statement = render(template);
    add("table", name, template, { statement, columns: tableColumns(statement, template) });
  };
  const schema = (name) => add("schema", name, "(schema)", { statement: `create schema if not exists ${name}` });
  schema(PIPELINE_SCHEMA);
  table("pipeline.change_history", "change_history.sql");
  for (const name of SCHEMAS) schema(name);
  if (settings.masking) {
    for (const [policy, type, masked] of [
      [MASK_PII_STRING, "varchar", "'***MASKED***'"],
      [MASK_PII_VARIANT, "variant", "to_variant('***MASKED***')"]
    ]) {
      const body = render("masking_policy_body.sql", {
        pipeline_role: settings.masking.pipelineRole.toUpperCase(),
        pii_role: settings.masking.piiRole?.toUpperCase() ?? "",
        masked
      }).split("\n").map((line) => `    ${line}`).join("\n");
      add("masking policy", policy, "masking_policy.sql", {
        statement: render("masking_policy.sql", { policy, type, body }),
        body
      });
    }
  }
  add("file format", "raw.amplitude_json_gz", "file_format_events.sql");
  add("file format", "raw.amplitude_manifest_json", "file_format_manifests.sql");
  add("storage integration", settings.integration, "storage_integration.sql", {
    referenceOnly: !settings.createIntegration
  });
  add("stage", "raw.amplitude_lake", "stage.sql", {
    definition: `${settings.lakeUrl} ${settings.integration}`
  });
  table("raw.amplitude_events", "table_amplitude_events.sql");
  table(SNAPSHOTS_TABLE, "table_amplitude_snapshots.sql");
  table("raw.lake_manifests", "table_lake_manifests.sql");
  table("pipeline.stream_batches", "table_stream_batches.sql");
  table(CAPTURED_ROWS, "table_captured_rows.sql");
  table("pipeline.test_results", "table_test_results.sql");
  table(TEST_PASSES, "table_test_passes.sql");
  table(GRAPH_REPORTS, "table_graph_reports.sql");
  const seedLoads = seedLoadsStatement("timestamp_ntz");
  add("table", SEED_LOADS, "(seeds)", {
    statement: seedLoads,
    columns: tableColumns(seedLoads, "(seeds)"),
    template: "src/models/seeds.ts"
  });
  add("view", CAPTURED_EVENTS, "view_captured_events.sql");
  const captured = objects.at(-1);
  const raw = objects.find((object) => object.name === "raw.amplitude_events");
  captured.checksum = checksum(`${captured.statement}
-- raw.amplitude_events ${raw.checksum}`);
  add("view", "raw.extract_windows", "view_extract_windows.sql");
  add("view", "raw.load_history", "view_load_history.sql");
  for (const [name, template] of [
    ["raw.amplitude_events_pipe", "pipe_events.sql"],
    ["raw.lake_manifests_pipe", "pipe_manifests.sql"],
    [SNAPSHOTS_PIPE, "pipe_snapshots.sql"]
  ]) {
    const statement = render(template, { replace: false });
    add("pipe", name, template, {
      statement,
      replaceStatement: render(template, { replace: true }),
      definition: copyStatement(statement)
    });
  }
  const stream = render("stream_events.sql", { replace: false });
  add("stream", "raw.amplitude_events_stream", "stream_events.sql", {
    statement: stream,
    replaceStatement: render("stream_events.sql", { replace: true }),
    definition: /\bon table ([\w.]+)/i.exec(stream)?.[1]?.toLowerCase()
  });
  const { compiled, order } = planProject(project, "snowflake");
  add("procedure", "pipeline.capture_batch", "procedure_capture_batch.sql");
  for (const name of order) {
    add("procedure", buildProcedure(name), "procedure_build_model.sql", {
      statement: render("procedure_build_model.sql", {
        ...buildVariables(project, compiled.get(name)),
        pii_columns: settings.masking ? maskedColumns(project, compiled.get(name)) : [],
        string_policy: MASK_PII_STRING,
        variant_policy: MASK_PII_VARIANT
      }),
      model: name
    });
  }
  for (const name of settings.masking ? order : []) {
    const model = compiled.get(name);
    const columns = maskedColumns(project, model);
    if (columns.length === 0) continue;
    const statement = `-- ${model.relation}: ${columns.join(", ")} masked by ${MASK_PII_STRING} (${MASK_PII_VARIANT} for variant columns)`;
    add("column masking", `${model.relation}.masking`, "(column masking)", {
      statement,
      relation: model.relation,
      piiColumns: columns,
      model: name
    });
  }
  const whole = new Map(graphTests(project, compiled, { whole: true }).map((test) => [test.name, test.sql]));
  add("procedure", "pipeline.run_data_tests", "procedure_run_data_tests.sql", {
    statement: render("procedure_run_data_tests.sql", {
      tests: graphTests(project, compiled).map((test) => ({ ...test, whole_sql: whole.get(test.name) })),
      finalizer_name: FINALIZER_TASK.split(".")[1],
      full_tests_every_hours: fullTestsEveryHours(settings)
    })
  });
  add("task", ROOT_TASK, "task_root.sql", { after: [] });
  for (const name of order) {
    const model = compiled.get(name);
    const after = model.refs.length === 0 ? [ROOT_TASK] : [...model.refs].sort().map(modelTask);
    add("task", modelTask(name), "task_model.sql", {
      statement: render("task_model.sql", {
        task: modelTask(name),
        relation: model.relation,
        procedure: buildProcedure(name),
        after
      }),
      after,
      model: name
    });
  }
  add("task", FINALIZER_TASK, "task_finalizer.sql", { after: [] });
  return objects;
}
function maskedColumns(project, model) {
  const [schema] = model.relation.split(".");
  if (schema === "restricted") return [];
  return project.models.get(model.name).columns.filter(isPersonal).map((column) => column.name.toLowerCase());
}
function graphTests(project, compiled, options = {}) {
  const models = compiled ?? planProject(project, "snowflake").compiled;
  const newerThan = /* @__PURE__ */ new Map();
  for (const model of models.values()) {
    if (model.config.materialized === "incremental" && !options.whole)
      newerThan.set(model.name, PENDING_BATCHES_SINCE);
  }
  return planTests(project, models, new Set(models.keys()), "snowflake", newerThan, GRAPH_SOURCES);
}
function fullTestsEveryHours(settings) {
  const hours = settings.fullTestsEveryHours ?? DEFAULT_FULL_TESTS_EVERY_HOURS;
  if (!Number.isInteger(hours) || hours < 0) {
    throw new ConfigurationError(
      `--full-tests-every ${hours}: give a whole number of hours (0 tests whole tables in every graph run)`
    );
  }
  return hours;
}
function procedureQueries(project) {
  const { compiled, order } = planProject(project, "snowflake");
  return order.flatMap((name) => {
    const variables = buildVariables(project, compiled.get(name));
    const path = compiled.get(name).path;
    return [
      { model: name, path, build: "full", sql: variables.full_sql },
      { model: name, path, build: "incremental", sql: variables.increment_sql },
      { model: name, path, build: "scope", sql: variables.scope_sql }
    ].filter((query) => query.sql !== "");
  });
}
function buildVariables(project, model) {
  const file = project.models.get(model.name);
  const [schema, name] = model.relation.split(".");
  const compile = (options) => compileModel(project, file, {
    dialect: "snowflake",
    sources: GRAPH_SOURCES,
    incrementalSince: options.incremental ? PENDING_BATCHES_SINCE : void 0,
    ...options
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
    rebuild_share: REBUILD_SHARE
  };
}
function checksum(statement) {
  const normalized = statement.split("\n").map((line) => line.trimEnd()).join("\n").trim();
  return createHash("sha256").update(normalized).digest("hex");
}
function tableColumns(statement, template) {
  const body = statement.slice(statement.indexOf("(") + 1, statement.lastIndexOf(")"));
  const columns = body.split("\n").map((line) => line.trim().replace(/,$/, "")).filter((line) => line !== "").map((line) => {
    const match = /^([a-z_][a-z0-9_]*)\s+(.+)$/.exec(line);
    if (!match)
      throw new Error(`snowflake/${template}: cannot read the column line ${JSON.stringify(line)}`);
    return { name: match[1], definition: match[2] };
  });
  return columns;
}
function copyStatement(statement) {
  const index = statement.search(/\n\s*as\n/);
  return normalize(index === -1 ? statement : statement.slice(index).replace(/^\s*as\s*/, ""));
}
function normalize(sql) {
  return sql.replace(/\s+/g, " ").trim().toLowerCase();
}

export {
  CHANGE_HISTORY,
  STREAM_BATCHES,
  TEST_RESULTS,
  GRAPH_REPORTS,
  CAPTURED_EVENTS,
  FILE_FORMAT,
  MANIFEST_FILE_FORMAT,
  STAGE,
  MANIFESTS_TABLE,
  EVENTS_PIPE,
  SNAPSHOTS_TABLE,
  SNAPSHOTS_PIPE,
  MANIFESTS_PIPE,
  EVENTS_STREAM,
  ROOT_TASK,
  TASK_TIMEOUT_MS,
  FINALIZER_TASK,
  CAPTURE_PROCEDURE,
  modelTask,
  buildProcedure,
  modelOfTask,
  maskingPolicyFor,
  DEFAULT_STORAGE_INTEGRATION,
  upperParts,
  DRY_RUN_SETTINGS,
  renderObjects,
  graphTests,
  procedureQueries,
  normalize
};
