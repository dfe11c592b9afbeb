/**
 * Every default a step takes when its front end is given nothing: the CLI's option defaults and the
 * actions' input defaults both come from here. Light on imports on purpose: the CLI reads this module
 * to show its help without loading any step.
 */
export {
  DEFAULT_HISTORY,
  DEFAULT_MAX_HOURS,
  DEFAULT_MAX_LINE_BYTES,
  MAX_CONCURRENCY,
} from "../amplitude/limits.ts";
export { DEFAULT_LAKE } from "../lake/lake-url.ts";
export { DEFAULT_FULL_TESTS_EVERY_HOURS, DEFAULT_PROJECT, DEFAULT_TARGET_DIR } from "../models/defaults.ts";
export { DEFAULT_WAREHOUSE } from "../warehouse/open-warehouse.ts";

/** The backup folder extract writes and upload reads. */
export const DEFAULT_OUT = "data/exports";
/**
 * How often extract takes the taxonomy and cohort snapshots at most (`--snapshot-every`, the extract
 * action's `snapshot-every`): a cohort's members are a request, a wait and a download, too slow for each
 * hourly run.
 */
export const DEFAULT_SNAPSHOT_EVERY = "24h";
/** Hours per export request: one UTC day. */
export const DEFAULT_WINDOW_HOURS = 24;
/** Windows requested from Amplitude at once (it allows about 5 per project). */
export const DEFAULT_EXTRACT_CONCURRENCY = 2;
/** Hours Amplitude needs to complete an hour's data. */
export const DEFAULT_SETTLE_HOURS = 2;
/** Files uploaded to the lake at once. */
export const DEFAULT_UPLOAD_CONCURRENCY = 4;
/** How long load waits for Snowpipe. */
export const DEFAULT_LOAD_TIMEOUT_MINUTES = 30;
/** How long transform waits for Snowflake's task graph. */
export const DEFAULT_TRANSFORM_TIMEOUT_MINUTES = 60;
/** transform --no-wait: lake files Snowpipe has not loaded this many minutes after upload are mended. */
export const DEFAULT_MEND_AFTER_MINUTES = 15;
/** Where `provision --dry-run` writes its statements. */
export const DEFAULT_PROVISION_OUT = "target/provision";
/** The demo: complete UTC days exported, and simulated events in a busy hour (also the simulator's). */
export const DEFAULT_DEMO_DAYS = 3;
export const DEFAULT_EVENTS_PER_HOUR = 250;
/** Where `docs` (and the demo, and the transform action's docs-dir) writes the data dictionary. */
export const DEFAULT_DOCS_OUT = "data/docs";
/**
 * The demo's own folders, all under data/demo/: no other command reads them by default, and the demo
 * writes nowhere else unless told to.
 */
export const DEFAULT_DEMO_OUT = "data/demo/exports";
export const DEFAULT_DEMO_LAKE = "file://data/demo/lake";
export const DEFAULT_DEMO_WAREHOUSE = "duckdb:data/demo/warehouse.duckdb";
export const DEFAULT_DEMO_TARGET_DIR = "data/demo/target";
export const DEFAULT_DEMO_DOCS_OUT = "data/demo/docs";
/** The folder that holds all of the demo's defaults. */
export const DEMO_DATA_DIR = "data/demo";
