import { access } from "node:fs/promises";
import { totalmem } from "node:os";
import { dirname, resolve } from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { ConfigurationError, SqlExecutionError, errorMessage } from "../errors.ts";
import { makeFolder } from "../make-folder.ts";
import { processDuckDbSettings } from "./duckdb-process-settings.ts";
import { sqlString, type Column, type Row, type SqlValue, type Warehouse } from "./warehouse.ts";

export interface DuckDbOptions {
  /** Create the file when it does not exist (load does; transform expects one). */
  create: boolean;
  /** DuckDB settings (`memory_limit`, `threads`, …), already validated; see `parseDuckDbUrl`. */
  settings?: Record<string, string>;
  /** What the user wrote to choose this warehouse, for errors: `--warehouse duckdb:…`. */
  option?: string;
  /** Open the file read-only (`query`): nothing is written, and a missing file is never created. */
  readOnly?: boolean;
}

/**
 * DuckDB's own default buffer pool is 80% of the machine's memory: 5.6 GB of a 7 GB GitHub runner,
 * leaving little for Node and the OS (the million-event benchmark peaked at 4.0-4.9 GB RSS with that
 * default). 4 GB leaves the runner room; a machine with less than 5 GB keeps DuckDB's 80%. Operators that
 * outgrow it spill to DuckDB's temp directory.
 */
export function defaultMemoryLimit(): string {
  const megabytes = defaultMemoryMegabytes();
  return megabytes === 4000 ? "4GB" : `${megabytes}MB`;
}

function defaultMemoryMegabytes(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const memory = constrained > 0 ? Math.min(constrained, totalmem()) : totalmem();
  return Math.min(4000, Math.floor((memory * 0.8) / 1e6));
}

/**
 * The buffer pool a load works in, in megabytes per thread: at least 1 GB, at most the default limit.
 * A load's insert streams: each thread holds the row group it is filling (up to 122,880 rows, about 300 MB
 * of Amplitude JSON) and writes it out when full, so a batch needs little memory whatever its size. Given
 * 4 GB, DuckDB kept every block it had written in its pool until the pool was full: a million events
 * peaked at 4.2 GB RSS and spent a sixth to a quarter more CPU than with 1 GB, which peaked at 1.5 GB.
 */
const LOAD_MEMORY_PER_THREAD_MB = 250;
const LOAD_MEMORY_MIN_MB = 1000;

/**
 * The storage format a new warehouse file is written in. DuckDB writes new files readable by 0.10.2
 * unless told otherwise, and that format has no zstd, which raw's JSON text is stored in (see
 * rawTableStatements); 1.2.0 is the first with it, so any DuckDB from 1.2 on can still open the file.
 * A file keeps the version it was created with: an older warehouse opens as before.
 */
export const DUCKDB_STORAGE_VERSION = "v1.2.0";

/** The embedded warehouse: one DuckDB file, one connection, statements run in order. */
export class DuckDbWarehouse implements Warehouse {
  readonly dialect = "duckdb" as const;
  private inTransaction = false;

  private constructor(
    readonly url: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** The settings it was opened with (defaults included), which `withLoadSettings` puts back. */
    private readonly opened: Record<string, string>,
    /** The settings the user chose in the warehouse URL, which `withLoadSettings` leaves alone. */
    private readonly chosen: Record<string, string>,
  ) {}

  static async open(path: string, options: DuckDbOptions): Promise<DuckDbWarehouse> {
    const file = resolve(path);
    const url = `duckdb:${path}`;
    const option = options.option ?? `--warehouse ${url}`;
    if (path !== ":memory:") {
      const exists = await access(file).then(
        () => true,
        () => false,
      );
      if (!exists && !options.create) {
        throw new ConfigurationError(
          `there is no warehouse at ${file}: run \`load\` first (or pass --warehouse duckdb:PATH to the right file)`,
        );
      }
      try {
        // Not mkdir's recursive mode: it spins for ever on a path below /proc.
        await makeFolder(dirname(file));
      } catch (error) {
        throw new ConfigurationError(
          `${option}: the folder ${dirname(file)} cannot be created (${errorMessage(error)}): ` +
            "choose a path whose folders are folders you can write, e.g. --warehouse duckdb:data/warehouse.duckdb",
        );
      }
    }
    const settings: Record<string, string> = {
      memory_limit: defaultMemoryLimit(),
      storage_compatibility_version: DUCKDB_STORAGE_VERSION,
      ...processDuckDbSettings,
      ...options.settings,
    };
    if (options.readOnly) settings.access_mode = "READ_ONLY";
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path === ":memory:" ? ":memory:" : file, settings);
    } catch (error) {
      throw new ConfigurationError(
        `${option}: the warehouse ${file} cannot be opened with ${describeSettings(settings)}: ${errorMessage(error)}`,
      );
    }
    const connection = await instance.connect();
    const chosen = options.settings ?? {};
    if (options.readOnly) return new DuckDbWarehouse(url, instance, connection, settings, chosen);
    // A transform commits once per model: checkpointing after each (DuckDB's default past 16 MB of
    // WAL) rewrote the same row groups again and again, about a quarter of an incremental run. The WAL
    // is still written at every commit and checkpointed at close.
    await connection.run("set checkpoint_threshold = '1GB'");
    return new DuckDbWarehouse(url, instance, connection, settings, chosen);
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
  async withLoadSettings<T>(work: () => Promise<T>): Promise<T> {
    const [row] = await this.query<{ threads: bigint }>(`select current_setting('threads') as threads`);
    const perThreads = Number(row?.threads ?? 1) * LOAD_MEMORY_PER_THREAD_MB;
    const memoryLimit = Math.min(defaultMemoryMegabytes(), Math.max(LOAD_MEMORY_MIN_MB, perThreads));
    const wanted: Record<string, string> = {
      preserve_insertion_order: "false",
      memory_limit: `${memoryLimit}MB`,
    };
    const applied = Object.keys(wanted).filter((name) => !(name in this.chosen));
    for (const name of applied) await this.run(`set ${name} = ${sqlString(wanted[name]!)}`, []);
    try {
      const result = await work();
      await this.run("checkpoint", []);
      return result;
    } finally {
      for (const name of applied) {
        const opened = this.opened[name];
        await this.run(opened === undefined ? `reset ${name}` : `set ${name} = ${sqlString(opened)}`, []);
      }
    }
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.run(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const reader = await this.run(sql, params, true);
    return reader!.getRowObjectsJS() as T[];
  }

  async firstRows(sql: string, max: number): Promise<{ columns: string[]; rows: Row[]; more: boolean }> {
    try {
      // Streamed: DuckDB computes chunks (2048 rows) as they are read, and reading stops past `max`.
      const reader = await this.connection.streamAndReadUntil(sql, max + 1);
      const rows = (reader.getRowObjectsJS() as Row[]).slice(0, max);
      return { columns: reader.columnNames(), rows, more: reader.currentRowCount > max };
    } catch (error) {
      throw new SqlExecutionError(this.url, `${errorMessage(error)}\n  in: ${abbreviate(sql)}`, {
        cause: error,
      });
    }
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    await this.run("begin transaction", []);
    this.inTransaction = true;
    try {
      const result = await work();
      await this.run("commit", []);
      return result;
    } catch (error) {
      await this.run("rollback", []).catch(() => undefined);
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  async tableExists(schema: string, name: string): Promise<boolean> {
    return (await this.columns(schema, name)).length > 0;
  }

  /**
   * A table's or view's columns in order, none when it does not exist. `pragma_table_info` answers in about a
   * millisecond where `information_schema.columns` takes four or five: a transform asks twice per incremental
   * model. A missing table is a catalog error at binding, which leaves an open transaction usable. For a name
   * that needs quoting (which `pragma_table_info` does not read), the catalog is asked instead.
   */
  async columns(schema: string, name: string): Promise<Column[]> {
    const plain = /^[a-z_][a-z0-9_]*$/i;
    if (!plain.test(schema) || !plain.test(name)) {
      return await this.query<{ name: string; type: string }>(
        `select column_name as name, data_type as type from information_schema.columns
         where table_catalog = current_database() and table_schema = ? and table_name = ? order by ordinal_position`,
        [schema, name],
      );
    }
    try {
      const rows = await this.query<{ name: string; type: string }>(
        "select name, type from pragma_table_info(?) order by cid",
        [`${schema}.${name}`],
      );
      return rows.map((row) => ({ name: row.name, type: row.type }));
    } catch (error) {
      if (/Catalog Error: Table with name .* does not exist/.test(errorMessage(error))) return [];
      throw error;
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async run(sql: string, params: readonly SqlValue[], read = false) {
    try {
      const values = params.length > 0 ? (params as DuckDBValue[]) : undefined;
      if (read) return await this.connection.runAndReadAll(sql, values);
      await this.connection.run(sql, values);
      return undefined;
    } catch (error) {
      throw new SqlExecutionError(this.url, `${errorMessage(error)}\n  in: ${abbreviate(sql)}`, {
        cause: error,
      });
    }
  }
}

function abbreviate(sql: string): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function describeSettings(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([name, value]) => `${name}=${value}`)
    .join(", ");
}
