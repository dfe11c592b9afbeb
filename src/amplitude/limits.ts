/** Amplitude allows about 5 concurrent requests per project across its REST APIs. */
export const MAX_CONCURRENCY = 5;
/** Snowflake's VARIANT limit: a longer line could never be loaded. */
export const DEFAULT_MAX_LINE_BYTES = 128 * 1024 * 1024;
