import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

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

export {
  PIPELINE_SCHEMA,
  CHANGE_HISTORY,
  STREAM_BATCHES,
  CAPTURED_ROWS,
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
  TRIGGER_INTERVAL_SECONDS,
  FINALIZER_TASK,
  CAPTURE_PROCEDURE,
  modelTask,
  buildProcedure,
  modelOfTask,
  MASK_PII_STRING,
  MASK_PII_VARIANT,
  maskingPolicyFor,
  DEFAULT_STORAGE_INTEGRATION,
  upperParts
};
