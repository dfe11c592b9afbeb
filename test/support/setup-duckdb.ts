import { processDuckDbSettings } from "../../src/warehouse/duckdb-process-settings.ts";

// Warehouses opened inside test processes run DuckDB on one thread (see processDuckDbSettings). CLIs, bundles and
// workflow jobs the tests start are processes of their own and keep DuckDB's default, as users run them.
processDuckDbSettings.threads = "1";
