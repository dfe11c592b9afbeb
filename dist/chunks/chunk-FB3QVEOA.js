import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  makeFolder
} from "./chunk-MWCMZDA4.js";
import {
  sqlString
} from "./chunk-DLZUFQUX.js";
import {
  ConfigurationError,
  SqlExecutionError,
  errorMessage
} from "./chunk-Z6P62WD7.js";

// src/warehouse/duckdb.ts
import { access } from "node:fs/promises";
import { totalmem } from "node:os";
import { dirname, resolve } from "node:path";

// src/actions/workspace-package.ts
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
function workspaceFolder(env = process.env) {
  return env.GITHUB_WORKSPACE || process.cwd();
}
function missing(pkg, workspace, cause) {
  return new ConfigurationError(
    `${pkg.neededBy} needs ${pkg.name}, which is not installed in the workspace ${workspace}: add a step \`npm install ${pkg.name}@${pkg.version}\` in the workspace (or \`npm ci\` in a repository whose package.json lists it) before this action; the action does not bundle it`,
    { cause }
  );
}
function isNotFound(error, name) {
  const { code, message } = error;
  return code === "MODULE_NOT_FOUND" && String(message).includes(name);
}
function requireFromWorkspace(pkg, env = process.env) {
  const workspace = workspaceFolder(env);
  const require2 = createRequire(join(workspace, "package.json"));
  try {
    return require2(pkg.name);
  } catch (error) {
    if (isNotFound(error, pkg.name)) throw missing(pkg, workspace, error);
    throw error;
  }
}
async function importFromWorkspace(pkg, env = process.env) {
  const workspace = workspaceFolder(env);
  const folders = createRequire(join(workspace, "package.json")).resolve.paths(pkg.name) ?? [];
  const folder = folders.map((dir) => join(dir, pkg.name)).find((dir) => existsSync(join(dir, "package.json")));
  if (!folder) throw missing(pkg, workspace, void 0);
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const entry = exportedEntry(manifest.exports) ?? manifest.main ?? "index.js";
  return await import(pathToFileURL(join(folder, entry)).href);
}
var CONDITIONS = ["node", "import", "default"];
function exportedEntry(exports) {
  if (typeof exports === "string") return exports;
  if (Array.isArray(exports)) return exports.map(exportedEntry).find(Boolean);
  if (!exports || typeof exports !== "object") return void 0;
  const map = exports;
  if (Object.keys(map).some((key) => key.startsWith("."))) return exportedEntry(map["."]);
  for (const [condition, target] of Object.entries(map)) {
    if (!CONDITIONS.includes(condition)) continue;
    const entry = exportedEntry(target);
    if (entry) return entry;
  }
  return void 0;
}

// src/actions/workspace/duckdb-node-api.ts
var DUCKDB_PACKAGE = {
  name: "@duckdb/node-api",
  version: "1.5.5-r.5",
  neededBy: "the embedded warehouse (duckdb:…)"
};
var duckdb = requireFromWorkspace(DUCKDB_PACKAGE);
var { DuckDBInstance } = duckdb;

// src/warehouse/duckdb-process-settings.ts
var processDuckDbSettings = {};

// src/warehouse/duckdb.ts
function defaultMemoryLimit() {
  const megabytes = defaultMemoryMegabytes();
  return megabytes === 4e3 ? "4GB" : `${megabytes}MB`;
}
function defaultMemoryMegabytes() {
  const constrained = process.constrainedMemory?.() ?? 0;
  const memory = constrained > 0 ? Math.min(constrained, totalmem()) : totalmem();
  return Math.min(4e3, Math.floor(memory * 0.8 / 1e6));
}
var LOAD_MEMORY_PER_THREAD_MB = 250;
var LOAD_MEMORY_MIN_MB = 1e3;
var DUCKDB_STORAGE_VERSION = "v1.2.0";
var DuckDbWarehouse = class _DuckDbWarehouse {
  constructor(url, instance, connection, opened, chosen) {
    this.url = url;
    this.instance = instance;
    this.connection = connection;
    this.opened = opened;
    this.chosen = chosen;
  }
  url;
  instance;
  connection;
  opened;
  chosen;
  dialect = "duckdb";
  inTransaction = false;
  static async open(path, options) {
    const file = resolve(path);
    const url = `duckdb:${path}`;
    const option = options.option ?? `--warehouse ${url}`;
    if (path !== ":memory:") {
      const exists = await access(file).then(
        () => true,
        () => false
      );
      if (!exists && !options.create) {
        throw new ConfigurationError(
          `there is no warehouse at ${file}: run \`load\` first (or pass --warehouse duckdb:PATH to the right file)`
        );
      }
      try {
        await makeFolder(dirname(file));
      } catch (error) {
        throw new ConfigurationError(
          `${option}: the folder ${dirname(file)} cannot be created (${errorMessage(error)}): choose a path whose folders are folders you can write, e.g. --warehouse duckdb:data/warehouse.duckdb`
        );
      }
    }
    const settings = {
      memory_limit: defaultMemoryLimit(),
      storage_compatibility_version: DUCKDB_STORAGE_VERSION,
      ...processDuckDbSettings,
      ...options.settings
    };
    if (options.readOnly) settings.access_mode = "READ_ONLY";
    let instance;
    try {
      instance = await DuckDBInstance.create(path === ":memory:" ? ":memory:" : file, settings);
    } catch (error) {
      throw new ConfigurationError(
        `${option}: the warehouse ${file} cannot be opened with ${describeSettings(settings)}: ${errorMessage(error)}`
      );
    }
    const connection = await instance.connect();
    const chosen = options.settings ?? {};
    if (options.readOnly) return new _DuckDbWarehouse(url, instance, connection, settings, chosen);
    await connection.run("set checkpoint_threshold = '1GB'");
    return new _DuckDbWarehouse(url, instance, connection, settings, chosen);
  }
  /**
   * Runs `work` (a load) with the settings that suit a bulk insert, then puts back the ones the warehouse
   * was opened with. A setting the user gave in the warehouse URL is kept as given.
   * - `preserve_insertion_order = false`: with it, DuckDB ran the scans of a batch's files (one per file,
   *   each single-threaded for gzip) one after another to keep their order; rows carry their file and line,
   *   so their order in the table means nothing and the files are read in parallel.
   * - a smaller `memory_limit`: see LOAD_MEMORY_PER_THREAD_MB.
   * The load's writes are checkpointed before the settings go back: left to the close, under the larger
   * limit, the checkpoint of a day's re-export peaked at 2.8 GB of RSS against 1.2 GB (and took longer).
   */
  async withLoadSettings(work) {
    const [row] = await this.query(`select current_setting('threads') as threads`);
    const perThreads = Number(row?.threads ?? 1) * LOAD_MEMORY_PER_THREAD_MB;
    const memoryLimit = Math.min(defaultMemoryMegabytes(), Math.max(LOAD_MEMORY_MIN_MB, perThreads));
    const wanted = {
      preserve_insertion_order: "false",
      memory_limit: `${memoryLimit}MB`
    };
    const applied = Object.keys(wanted).filter((name) => !(name in this.chosen));
    for (const name of applied) await this.run(`set ${name} = ${sqlString(wanted[name])}`, []);
    try {
      const result = await work();
      await this.run("checkpoint", []);
      return result;
    } finally {
      for (const name of applied) {
        const opened = this.opened[name];
        await this.run(opened === void 0 ? `reset ${name}` : `set ${name} = ${sqlString(opened)}`, []);
      }
    }
  }
  async execute(sql, params = []) {
    await this.run(sql, params);
  }
  async query(sql, params = []) {
    const reader = await this.run(sql, params, true);
    return reader.getRowObjectsJS();
  }
  async firstRows(sql, max) {
    try {
      const reader = await this.connection.streamAndReadUntil(sql, max + 1);
      const rows = reader.getRowObjectsJS().slice(0, max);
      return { columns: reader.columnNames(), rows, more: reader.currentRowCount > max };
    } catch (error) {
      throw new SqlExecutionError(this.url, `${errorMessage(error)}
  in: ${abbreviate(sql)}`, {
        cause: error
      });
    }
  }
  async transaction(work) {
    if (this.inTransaction) return work();
    await this.run("begin transaction", []);
    this.inTransaction = true;
    try {
      const result = await work();
      await this.run("commit", []);
      return result;
    } catch (error) {
      await this.run("rollback", []).catch(() => void 0);
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }
  async tableExists(schema, name) {
    return (await this.columns(schema, name)).length > 0;
  }
  /**
   * A table's or view's columns in order, none when it does not exist. `pragma_table_info` answers in about a
   * millisecond where `information_schema.columns` takes four or five: a transform asks twice per incremental
   * model. A missing table is a catalog error at binding, which leaves an open transaction usable. For a name
   * that needs quoting (which `pragma_table_info` does not read), the catalog is asked instead.
   */
  async columns(schema, name) {
    const plain = /^[a-z_][a-z0-9_]*$/i;
    if (!plain.test(schema) || !plain.test(name)) {
      return await this.query(
        `select column_name as name, data_type as type from information_schema.columns
         where table_catalog = current_database() and table_schema = ? and table_name = ? order by ordinal_position`,
        [schema, name]
      );
    }
    try {
      const rows = await this.query(
        "select name, type from pragma_table_info(?) order by cid",
        [`${schema}.${name}`]
      );
      return rows.map((row) => ({ name: row.name, type: row.type }));
    } catch (error) {
      if (/Catalog Error: Table with name .* does not exist/.test(errorMessage(error))) return [];
      throw error;
    }
  }
  async close() {
    this.connection.closeSync();
    this.instance.closeSync();
  }
  async run(sql, params, read = false) {
    try {
      const values = params.length > 0 ? params : void 0;
      if (read) return await this.connection.runAndReadAll(sql, values);
      await this.connection.run(sql, values);
      return void 0;
    } catch (error) {
      throw new SqlExecutionError(this.url, `${errorMessage(error)}
  in: ${abbreviate(sql)}`, {
        cause: error
      });
    }
  }
};
function abbreviate(sql) {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
function describeSettings(settings) {
  return Object.entries(settings).map(([name, value]) => `${name}=${value}`).join(", ");
}

export {
  importFromWorkspace,
  defaultMemoryLimit,
  DUCKDB_STORAGE_VERSION,
  DuckDbWarehouse
};
