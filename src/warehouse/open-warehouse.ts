import { ConfigurationError } from "../errors.ts";
import type { Warehouse } from "./warehouse.ts";

export const DEFAULT_WAREHOUSE = "duckdb:data/warehouse.duckdb";

/**
 * `duckdb:PATH[?setting=value&…]` (the embedded default) or `snowflake`. `create` says whether a missing
 * DuckDB file may be created: `load` fills a new warehouse, `transform` needs one that was loaded.
 */
export async function openWarehouse(url: string, options: { create: boolean }): Promise<Warehouse> {
  if (url.startsWith("duckdb:")) {
    const { path, settings } = parseDuckDbUrl(url);
    const { DuckDbWarehouse } = await import("./duckdb.ts");
    return DuckDbWarehouse.open(path, { ...options, settings, option: `--warehouse ${url}` });
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

/** The DuckDB settings `--warehouse duckdb:PATH?…` takes, each with the check its value must pass. */
const DUCKDB_SETTINGS: Record<string, { accepts: string; valid: (value: string) => boolean }> = {
  memory_limit: { accepts: "a size such as 4GB, 1500MB or 2GiB", valid: isSize },
  threads: {
    accepts: "a whole number of threads from 1 to 1024",
    valid: (v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1024,
  },
  temp_directory: { accepts: "a folder for spilling to disk", valid: (v) => v.trim() !== "" },
  max_temp_directory_size: { accepts: "a size such as 20GB", valid: isSize },
};

function isSize(value: string): boolean {
  return /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value.trim());
}

/**
 * Splits `duckdb:PATH?memory_limit=4GB&threads=2` into the file and its settings, refusing names and
 * values DuckDB would reject with no more than "Failed to set config".
 */
export function parseDuckDbUrl(url: string): { path: string; settings: Record<string, string> } {
  const rest = url.slice("duckdb:".length);
  const query = rest.indexOf("?");
  const path = query === -1 ? rest : rest.slice(0, query);
  if (!path) throw new ConfigurationError(`--warehouse ${url} names no file: use duckdb:PATH`);
  const settings: Record<string, string> = {};
  if (query === -1) return { path, settings };
  for (const [name, value] of new URLSearchParams(rest.slice(query + 1))) {
    const setting = DUCKDB_SETTINGS[name];
    if (!setting) {
      throw new ConfigurationError(
        `--warehouse ${url}: ${JSON.stringify(name)} is not a DuckDB setting this accepts: ` +
          `use ${Object.keys(DUCKDB_SETTINGS).join(", ")} (e.g. duckdb:${path}?memory_limit=4GB&threads=2)`,
      );
    }
    if (name in settings) throw new ConfigurationError(`--warehouse ${url}: ${name} is given twice`);
    if (!setting.valid(value)) {
      throw new ConfigurationError(
        `--warehouse ${url}: ${name}=${JSON.stringify(value)} is not valid: use ${setting.accepts}`,
      );
    }
    settings[name] = value.trim();
  }
  return { path, settings };
}
