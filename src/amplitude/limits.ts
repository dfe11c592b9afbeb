/** Amplitude allows about 5 concurrent requests per project across its REST APIs. */
export const MAX_CONCURRENCY = 5;
/** Snowflake's VARIANT limit: a longer line could never be loaded. */
export const DEFAULT_MAX_LINE_BYTES = 128 * 1024 * 1024;

/** Where a project with no completed window starts, before the end: three months, as Hevo does. */
export const DEFAULT_HISTORY = "3m";
/** One resumed run takes at most a week, so a scheduled job catches up over several runs instead of timing out. */
export const DEFAULT_MAX_HOURS = 7 * 24;
