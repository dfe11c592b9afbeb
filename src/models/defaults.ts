/** Where the model project lives and where results go: kept apart so the CLI can show them without loading nunjucks. */
export const DEFAULT_PROJECT = "sql";
export const DEFAULT_TARGET_DIR = "target";
