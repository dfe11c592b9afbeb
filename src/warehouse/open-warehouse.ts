import { ConfigurationError } from "../errors.ts";
import type { Warehouse } from "./warehouse.ts";

export const DEFAULT_WAREHOUSE = "duckdb:data/warehouse.duckdb";

/**
 * `duckdb:PATH` (the embedded default) or `snowflake`. `create` says whether a missing DuckDB file may be
 * created: `load` fills a new warehouse, `transform` needs one that was loaded.
 */
export async function openWarehouse(url: string, options: { create: boolean }): Promise<Warehouse> {
  if (url.startsWith("duckdb:")) {
    const path = url.slice("duckdb:".length);
    if (!path) throw new ConfigurationError(`--warehouse ${url} names no file: use duckdb:PATH`);
    const { DuckDbWarehouse } = await import("./duckdb.ts");
    return DuckDbWarehouse.open(path, options);
  }
  if (url === "snowflake" || url.startsWith("snowflake:")) {
    throw new ConfigurationError(
      "--warehouse snowflake is not available in this version: the Snowflake adapter is the next step " +
        "(provision, Snowpipe, task graph). Use the embedded default, duckdb:data/warehouse.duckdb",
    );
  }
  throw new ConfigurationError(
    `--warehouse ${JSON.stringify(url)} is not a warehouse: use duckdb:PATH or snowflake`,
  );
}
