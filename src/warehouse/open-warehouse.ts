import type { Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import type { Dialect, Warehouse } from "./warehouse.ts";

export const DEFAULT_WAREHOUSE = "duckdb:data/warehouse.duckdb";

export interface OpenWarehouseOptions {
  /** Whether a missing DuckDB file may be created: `load` fills a new warehouse, `transform` needs one that was loaded. */
  create: boolean;
  /** DuckDB: open the file read-only (`query`). Snowflake's session has the role's rights whatever this says. */
  readOnly?: boolean;
  /** Where `snowflake` reads SNOWFLAKE_*; default `process.env`. */
  env?: Env;
  /** Where `snowflake` says what works but should change (a password sign-in); default stderr. */
  warn?: (message: string) => void;
  /** What the user gave that opens it, leading its configuration errors; default `--warehouse URL`. */
  origin?: string;
}

/**
 * `duckdb:PATH[?setting=value&…]` (the embedded default) or `snowflake`, whose connection comes from the
 * environment (SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY, …), never from the URL.
 */
export async function openWarehouse(url: string, options: OpenWarehouseOptions): Promise<Warehouse> {
  checkWarehouseUrl(url);
  if (url.startsWith("duckdb:")) {
    const { path, settings } = parseDuckDbUrl(url);
    const { DuckDbWarehouse } = await import("./duckdb.ts");
    return DuckDbWarehouse.open(path, {
      create: options.create,
      settings,
      option: `--warehouse ${url}`,
      readOnly: options.readOnly,
    });
  }
  const { snowflakeConfig } = await import("./snowflake-config.ts");
  const { SnowflakeWarehouse } = await import("./snowflake.ts");
  try {
    return await SnowflakeWarehouse.open(snowflakeConfig(options.env ?? process.env, options.warn));
  } catch (error) {
    // Configuration errors say which option led to them.
    throw originOf(error, url, options.origin);
  }
}

function originOf(error: unknown, url: string, origin: string | undefined): unknown {
  return error instanceof ConfigurationError
    ? new ConfigurationError(`${origin ?? `--warehouse ${url}`}: ${error.message}`, { cause: error })
    : error;
}

/**
 * The engine a warehouse URL names, checked without opening or creating anything: its DuckDB settings, or
 * the Snowflake connection's settings in the environment. A command checks this before it does any work.
 */
export async function warehouseDialect(
  url: string,
  options: { env?: Env; origin?: string } = {},
): Promise<Dialect> {
  checkWarehouseUrl(url);
  if (url === "snowflake") {
    const { snowflakeConfig } = await import("./snowflake-config.ts");
    try {
      // Its warnings (a password sign-in) are said once, when the warehouse is opened.
      snowflakeConfig(options.env ?? process.env, () => {});
    } catch (error) {
      throw originOf(error, url, options.origin);
    }
    return "snowflake";
  }
  return "duckdb";
}

/** `duckdb:PATH` with valid settings, or `snowflake`: anything else is a ConfigurationError. */
export function checkWarehouseUrl(url: string): void {
  if (url.startsWith("duckdb:")) {
    parseDuckDbUrl(url);
    return;
  }
  if (url === "snowflake") return;
  if (url.startsWith("snowflake:")) {
    throw new ConfigurationError(
      `--warehouse ${url}: write --warehouse snowflake, with nothing after it; the account, database, ` +
        "warehouse, role and key come from SNOWFLAKE_ACCOUNT, SNOWFLAKE_DATABASE, SNOWFLAKE_WAREHOUSE, " +
        "SNOWFLAKE_ROLE and SNOWFLAKE_PRIVATE_KEY in the environment",
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
