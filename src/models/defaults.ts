/** Where the model project lives and where results go: kept apart so the CLI can show them without loading nunjucks. */
export const DEFAULT_PROJECT = "sql";
export const DEFAULT_TARGET_DIR = "target";

/** After incremental builds, whole tables are tested again once the last whole pass is this many hours old. */
export const DEFAULT_FULL_TESTS_EVERY_HOURS = 24;
