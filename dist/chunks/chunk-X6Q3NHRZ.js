import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";

// src/lake/lake-url.ts
var DEFAULT_LAKE = "file://data/lake";
function parseS3LakeUrl(url, env, fallbackBucket) {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(url);
  if (!match) return null;
  return {
    bucket: match[1] || env.AWS_BUCKET_NAME || fallbackBucket || "",
    prefix: match[2].replace(/^\/+|\/+$/g, "")
  };
}

// src/warehouse/open-warehouse.ts
var DEFAULT_WAREHOUSE = "duckdb:data/warehouse.duckdb";
async function openWarehouse(url, options) {
  checkWarehouseUrl(url);
  if (url.startsWith("duckdb:")) {
    const { path, settings } = parseDuckDbUrl(url);
    const { DuckDbWarehouse } = await import("./duckdb-YWARRFQH.js");
    return DuckDbWarehouse.open(path, {
      create: options.create,
      settings,
      option: `--warehouse ${url}`,
      readOnly: options.readOnly
    });
  }
  const { snowflakeConfig } = await import("./snowflake-config-Y7FKLOAI.js");
  const { SnowflakeWarehouse } = await import("./snowflake-XP6CGXSH.js");
  try {
    return await SnowflakeWarehouse.open(snowflakeConfig(options.env ?? process.env, options.warn));
  } catch (error) {
    throw originOf(error, url, options.origin);
  }
}
function originOf(error, url, origin) {
  return error instanceof ConfigurationError ? new ConfigurationError(`${origin ?? `--warehouse ${url}`}: ${error.message}`, { cause: error }) : error;
}
async function warehouseDialect(url, options = {}) {
  checkWarehouseUrl(url);
  if (url === "snowflake") {
    const { snowflakeConfig } = await import("./snowflake-config-Y7FKLOAI.js");
    try {
      snowflakeConfig(options.env ?? process.env, () => {
      });
    } catch (error) {
      throw originOf(error, url, options.origin);
    }
    return "snowflake";
  }
  return "duckdb";
}
function checkWarehouseUrl(url) {
  if (url.startsWith("duckdb:")) {
    parseDuckDbUrl(url);
    return;
  }
  if (url === "snowflake") return;
  if (url.startsWith("snowflake:")) {
    throw new ConfigurationError(
      `--warehouse ${url}: write --warehouse snowflake, with nothing after it; the account, database, warehouse, role and key come from SNOWFLAKE_ACCOUNT, SNOWFLAKE_DATABASE, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_ROLE and SNOWFLAKE_PRIVATE_KEY in the environment`
    );
  }
  throw new ConfigurationError(
    `--warehouse ${JSON.stringify(url)} is not a warehouse: use duckdb:PATH or snowflake`
  );
}
var DUCKDB_SETTINGS = {
  memory_limit: { accepts: "a size such as 4GB, 1500MB or 2GiB", valid: isSize },
  threads: {
    accepts: "a whole number of threads from 1 to 1024",
    valid: (v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1024
  },
  temp_directory: { accepts: "a folder for spilling to disk", valid: (v) => v.trim() !== "" },
  max_temp_directory_size: { accepts: "a size such as 20GB", valid: isSize }
};
function isSize(value) {
  return /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value.trim());
}
function parseDuckDbUrl(url) {
  const rest = url.slice("duckdb:".length);
  const query = rest.indexOf("?");
  const path = query === -1 ? rest : rest.slice(0, query);
  if (!path) throw new ConfigurationError(`--warehouse ${url} names no file: use duckdb:PATH`);
  const settings = {};
  if (query === -1) return { path, settings };
  for (const [name, value] of new URLSearchParams(rest.slice(query + 1))) {
    const setting = DUCKDB_SETTINGS[name];
    if (!setting) {
      throw new ConfigurationError(
        `--warehouse ${url}: ${JSON.stringify(name)} is not a DuckDB setting this accepts: use ${Object.keys(DUCKDB_SETTINGS).join(", ")} (e.g. duckdb:${path}?memory_limit=4GB&threads=2)`
      );
    }
    if (name in settings) throw new ConfigurationError(`--warehouse ${url}: ${name} is given twice`);
    if (!setting.valid(value)) {
      throw new ConfigurationError(
        `--warehouse ${url}: ${name}=${JSON.stringify(value)} is not valid: use ${setting.accepts}`
      );
    }
    settings[name] = value.trim();
  }
  return { path, settings };
}

export {
  DEFAULT_LAKE,
  parseS3LakeUrl,
  DEFAULT_WAREHOUSE,
  openWarehouse,
  warehouseDialect,
  checkWarehouseUrl,
  parseDuckDbUrl
};
