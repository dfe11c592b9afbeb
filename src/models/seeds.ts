import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { sha256OfFile } from "../lake/digest.ts";
import { sqlString, type SqlValue, type Warehouse } from "../warehouse/warehouse.ts";
import type { CompiledModel } from "./compile.ts";
import { DIALECTS } from "./dialects.ts";
import { SEED_SCHEMA, type Project, type SeedFile } from "./project.ts";

/**
 * One row per build of a seed: its checksum, so a seed is loaded again only when its CSV changed. Beside
 * raw.load_history, which does the same for lake files.
 */
export const SEED_LOADS = "raw.seed_loads";

/** Rows per bound multi-row insert on Snowflake: well under its limit on bind variables per statement. */
export const SEED_BATCH_ROWS = 1000;

export interface SeedResult {
  name: string;
  relation: string;
  /** `loaded`: the table was (re)built from the CSV; `unchanged`: it already held this content. */
  status: "loaded" | "unchanged" | "error";
  rows: number | null;
  /** sha256 of the CSV file's bytes. */
  checksum: string | null;
  seconds: number;
  message?: string;
}

export interface SeedOptions {
  clock?: () => number;
  batchRows?: number;
  reporter?: { seed?(result: SeedResult): void };
  /** The seeds schema and raw.seed_loads exist already (provision made them): no DDL for them. */
  provisioned?: boolean;
}

/** The seeds the selected models read: the ones a transform builds first. */
export function seedsRead(compiled: Map<string, CompiledModel>, selected: Iterable<string>): string[] {
  return [...new Set([...selected].flatMap((name) => compiled.get(name)?.seeds ?? []))].sort();
}

/**
 * Builds the named seeds (all, by default) in `seeds.<name>`, each only when its CSV's checksum differs
 * from the last one recorded in raw.seed_loads (or its table is missing). A build replaces the whole
 * table in one transaction with its row in raw.seed_loads, so readers see the old rows or the new ones,
 * and a failed build is tried again next time. DuckDB reads the CSV itself; on Snowflake the rows go
 * through the connection as bound multi-row inserts, `batchRows` at a time.
 */
export async function buildSeeds(
  warehouse: Warehouse,
  project: Project,
  names: Iterable<string> = project.seeds.keys(),
  options: SeedOptions = {},
): Promise<SeedResult[]> {
  const clock = options.clock ?? (() => performance.now());
  const wanted = [...names];
  if (wanted.length === 0) return [];
  if (!options.provisioned) await ensureSeedTables(warehouse);
  const results: SeedResult[] = [];
  for (const name of wanted) {
    const seed = project.seeds.get(name);
    if (!seed) throw new ConfigurationError(`there is no seed ${name} in ${project.root}/seeds`);
    const started = clock();
    const result: SeedResult = {
      name,
      relation: `${SEED_SCHEMA}.${name}`,
      status: "loaded",
      rows: null,
      checksum: null,
      seconds: 0,
    };
    try {
      result.checksum = await sha256OfFile(seed.file);
      const [recorded] = await warehouse.query<{ checksum: string; seed_rows: bigint | number }>(
        `select checksum, seed_rows from ${SEED_LOADS} where seed = ? order by loaded_at desc limit 1`,
        [name],
      );
      const columns = (await warehouse.columns(SEED_SCHEMA, name)).map((c) => c.name.toLowerCase());
      if (recorded?.checksum === result.checksum && sameColumns(columns, seed.columnNames)) {
        result.status = "unchanged";
        result.rows = Number(recorded.seed_rows);
      } else {
        result.rows = await warehouse.transaction(async () => {
          const rows =
            warehouse.dialect === "duckdb"
              ? await loadWithDuckDb(warehouse, seed)
              : await loadWithInserts(warehouse, seed, columns, options.batchRows ?? SEED_BATCH_ROWS);
          await warehouse.execute(
            `insert into ${SEED_LOADS} (seed, seed_file, checksum, seed_rows, loaded_at) select ?, ?, ?, ?, ${DIALECTS[warehouse.dialect].utc_now()}`,
            [name, seed.path, result.checksum, rows],
          );
          return rows;
        });
      }
    } catch (error) {
      result.status = "error";
      result.message = `${seed.path}: ${errorMessage(error)}`;
    }
    result.seconds = (clock() - started) / 1000;
    results.push(result);
    options.reporter?.seed?.(result);
  }
  return results;
}

/** The seeds schema and the load record, on either engine. */
export async function ensureSeedTables(warehouse: Warehouse): Promise<void> {
  const timestamp = warehouse.dialect === "snowflake" ? "timestamp_ntz" : "timestamp";
  await warehouse.execute(`create schema if not exists ${SEED_SCHEMA}`);
  await warehouse.execute(`create schema if not exists raw`);
  await warehouse.execute(seedLoadsStatement(timestamp));
}

/** The DDL of raw.seed_loads; provisioning renders the same table on Snowflake. */
export function seedLoadsStatement(timestamp: string): string {
  return `create table if not exists ${SEED_LOADS} (
    seed varchar not null,
    seed_file varchar not null,
    checksum varchar not null,
    seed_rows bigint not null,
    loaded_at ${timestamp} not null
)`;
}

function sameColumns(columns: string[], wanted: string[]): boolean {
  return columns.length === wanted.length && columns.every((c, i) => c === wanted[i]);
}

function columnList(seed: SeedFile): string {
  return seed.columnNames.join(", ");
}

/**
 * DuckDB streams the CSV into the table itself; every column is text, an empty field null, and a line
 * with no value at all (a blank line) no row, as on Snowflake.
 */
async function loadWithDuckDb(warehouse: Warehouse, seed: SeedFile): Promise<number> {
  const types = seed.columnNames.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(", ");
  await warehouse.execute(
    `create or replace table ${SEED_SCHEMA}.${seed.name} as
     select ${columnList(seed)}
     from read_csv(${sqlString(seed.file)}, header = true, auto_detect = false, delim = ',', quote = '"',
                   escape = '"', columns = {${types}})
     where ${seed.columnNames.map((c) => `${c} is not null`).join(" or ")}`,
  );
  const [row] = await warehouse.query<{ n: bigint | number }>(
    `select count(*) as n from ${SEED_SCHEMA}.${seed.name}`,
  );
  return Number(row!.n);
}

/**
 * Empties (or, when its columns changed, recreates) the table and inserts the rows in batches of bound
 * multi-row inserts, parsing the CSV as a stream. Inside the caller's transaction.
 */
async function loadWithInserts(
  warehouse: Warehouse,
  seed: SeedFile,
  existing: string[],
  batchRows: number,
): Promise<number> {
  const relation = `${SEED_SCHEMA}.${seed.name}`;
  const definition = seed.columnNames.map((c) => `${c} varchar`).join(", ");
  if (existing.length > 0 && sameColumns(existing, seed.columnNames)) {
    await warehouse.execute(`delete from ${relation}`);
  } else {
    await warehouse.execute(`create or replace table ${relation} (${definition})`);
  }
  const width = seed.columnNames.length;
  const placeholder = `(${Array.from({ length: width }, () => "?").join(", ")})`;
  let batch: SqlValue[] = [];
  let rows = 0;
  const flush = async () => {
    const count = batch.length / width;
    if (count === 0) return;
    await warehouse.execute(
      `insert into ${relation} (${columnList(seed)}) values ${Array.from({ length: count }, () => placeholder).join(", ")}`,
      batch,
    );
    rows += count;
    batch = [];
  };
  const parser = createReadStream(seed.file).pipe(
    parse({ from_line: 2, bom: true, relax_column_count: false, skip_empty_lines: true }),
  );
  for await (const record of parser as AsyncIterable<string[]>) {
    if (record.every((value) => value === "")) continue;
    batch.push(...record.map((value) => (value === "" ? null : value)));
    if (batch.length >= batchRows * width) await flush();
  }
  await flush();
  return rows;
}
