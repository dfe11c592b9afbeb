/**
 * DuckDB settings every warehouse this process opens starts from, under its URL's and above the defaults.
 * Empty in the CLI and the actions. The test suite sets `threads` to 1 here: it runs two files at once on two
 * cores, each on a few thousand rows, where DuckDB's worker threads cost more CPU than they save (the
 * incremental property test took a quarter less CPU on one thread). Kept apart from duckdb.ts so that setting
 * it does not load DuckDB's native library.
 */
export const processDuckDbSettings: Record<string, string> = {};
