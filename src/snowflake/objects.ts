/**
 * The names of every Snowflake object the pipeline provisions and drives. Provisioning renders them, the
 * task-graph runner and the pipe watcher read them: one module so they cannot drift apart. Identifiers
 * are unquoted snake_case (Snowflake stores them uppercase); the database comes from the connection.
 */

/** Pipeline state that is neither data nor model: what provision applied, graph batches, test results. */
export const PIPELINE_SCHEMA = "pipeline";

export const CHANGE_HISTORY = `${PIPELINE_SCHEMA}.change_history`;

/**
 * One row per capture of the stream by the root task: the batch a graph run builds. `first_loaded_at`
 * bounds what the incremental steps read; `completed_at` is set by the finalizer once every task of the
 * graph run succeeded, so a batch whose run failed is built again by the next run.
 */
export const STREAM_BATCHES = `${PIPELINE_SCHEMA}.stream_batches`;

/**
 * The keys (source_file, file_row_number) of the rows each capture took from the stream, with its run id:
 * pipeline.captured_events is exactly these rows, so every step of a graph run reads the same ones.
 */
export const CAPTURED_ROWS = `${PIPELINE_SCHEMA}.captured_rows`;

/** One row per data test per graph run, written by the finalizer. */
export const TEST_RESULTS = `${PIPELINE_SCHEMA}.test_results`;

/** One row per graph run transform reported without waiting (`--no-wait`): each run is reported once. */
export const GRAPH_REPORTS = `${PIPELINE_SCHEMA}.graph_reports`;

/**
 * raw.amplitude_events as the captures took them (the rows keyed in pipeline.captured_rows): every step
 * of one graph run, and its tests, read the same rows however many files Snowpipe commits meanwhile, in
 * whatever order (those wait in the stream for the next run).
 */
export const CAPTURED_EVENTS = `${PIPELINE_SCHEMA}.captured_events`;

export const FILE_FORMAT = "raw.amplitude_json_gz";
export const MANIFEST_FILE_FORMAT = "raw.amplitude_manifest_json";
export const STAGE = "raw.amplitude_lake";
/** Lake manifests as Snowpipe loads them; raw.extract_windows and raw.load_history are views over it. */
export const MANIFESTS_TABLE = "raw.lake_manifests";
export const EVENTS_PIPE = "raw.amplitude_events_pipe";
/** Taxonomy and cohort snapshot files (amplitude/<object>/…): one row per line, `object` from the key. */
export const SNAPSHOTS_TABLE = "raw.amplitude_snapshots";
export const SNAPSHOTS_PIPE = "raw.amplitude_snapshots_pipe";
export const MANIFESTS_PIPE = "raw.lake_manifests_pipe";
export const EVENTS_STREAM = "raw.amplitude_events_stream";

export const ROOT_TASK = `${PIPELINE_SCHEMA}.amplitude_root`;
/**
 * USER_TASK_TIMEOUT_MS of every task of the graph: two hours, twice Snowflake's default. An hourly batch builds
 * in minutes; the margin is for a catch-up after an outage. A first build of months of backfill does not run in
 * a task at all: transform builds it from its own session (runTaskGraph).
 */
export const TASK_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/**
 * USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS of the root: one graph run an hour at most, so an hourly delivery
 * of many files (which Snowpipe loads over a few minutes) starts one run, not one every 30 seconds.
 */
export const TRIGGER_INTERVAL_SECONDS = 3600;
export const FINALIZER_TASK = `${PIPELINE_SCHEMA}.amplitude_finalizer`;
export const CAPTURE_PROCEDURE = `${PIPELINE_SCHEMA}.capture_batch`;
export const MERGE_PROCEDURE = `${PIPELINE_SCHEMA}.merge_increment`;
export const TESTS_PROCEDURE = `${PIPELINE_SCHEMA}.run_data_tests`;

/** The task that builds one model (`pipeline.run_<model>`); it calls `buildProcedure(model)`. */
export function modelTask(model: string): string {
  return `${PIPELINE_SCHEMA}.run_${model}`;
}

/** The procedure that builds one model: `call pipeline.build_<model>(full_refresh)`. */
export function buildProcedure(model: string): string {
  return `${PIPELINE_SCHEMA}.build_${model}`;
}

/** The model a task of the graph builds, from its name as TASK_HISTORY gives it (any case); null for the root and finalizer. */
export function modelOfTask(taskName: string): string | null {
  const name = taskName.toLowerCase().replace(/^.*\./, "");
  return name.startsWith("run_") ? name.slice("run_".length) : null;
}

/**
 * The masking policies set on personal columns (`meta: { pii: true }`) outside restricted, one per column
 * type: a policy's signature must match the column's type.
 */
export const MASK_PII_STRING = `${PIPELINE_SCHEMA}.mask_pii_string`;
export const MASK_PII_VARIANT = `${PIPELINE_SCHEMA}.mask_pii_variant`;

/** The policy for a column of this type (as INFORMATION_SCHEMA.COLUMNS gives DATA_TYPE). */
export function maskingPolicyFor(dataType: string): string {
  return dataType.toUpperCase() === "VARIANT" ? MASK_PII_VARIANT : MASK_PII_STRING;
}

export const DEFAULT_STORAGE_INTEGRATION = "amplitude_pipeline_s3";

/** `schema.name` to the parts Snowflake's INFORMATION_SCHEMA and SHOW output hold: uppercase. */
export function upperParts(relation: string): { schema: string; name: string } {
  const [schema, name] = relation.split(".");
  return { schema: schema!.toUpperCase(), name: name!.toUpperCase() };
}
