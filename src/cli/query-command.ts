import { access } from "node:fs/promises";
import { resolve } from "node:path";
import type { Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import { lockRun } from "../pipeline/lock.ts";
import { DEFAULT_DEMO_WAREHOUSE } from "../pipeline/defaults.ts";
import { openWarehouse, parseDuckDbUrl } from "../warehouse/open-warehouse.ts";
import type { Row, SqlValue } from "../warehouse/warehouse.ts";
import { formatCount, printJson, textTable, type Output } from "./output.ts";

export interface QueryOptions {
  warehouse: string;
  limit: number;
  json?: boolean;
  wait?: boolean;
}

export interface QueryResult {
  columns: string[];
  rows: number;
  /** Whether the statement had rows past the limit (not read, not printed). */
  more: boolean;
}

/**
 * Runs one statement on the warehouse and prints its first rows: an aligned table, or with --json one
 * JSON object per row. DuckDB is opened read-only, under the warehouse's lock so that a pipeline run
 * started meanwhile waits or says who holds it instead of failing on DuckDB's own file lock.
 */
export async function runQuery(
  sql: string,
  options: QueryOptions,
  deps: { env?: Env; output: Output },
): Promise<QueryResult> {
  const { output } = deps;
  const statement = sql.trim().replace(/;\s*$/, "");
  if (!statement)
    throw new ConfigurationError("query: give one SQL statement, e.g. 'select * from marts.page_paths'");
  if (options.warehouse.startsWith("duckdb:")) await requireDuckDbFile(options.warehouse);
  const lock = await lockRun(
    { warehouse: options.warehouse },
    {
      command: "query",
      wait: options.wait,
      onWait: (what, pid) => output.err(`waiting: another run (pid ${pid}) holds ${what}`),
    },
  );
  try {
    const warehouse = await openWarehouse(options.warehouse, {
      create: false,
      readOnly: true,
      env: deps.env,
      warn: (message) => output.err(`warning: ${message}`),
    });
    try {
      const { columns, rows, more } = await warehouse.firstRows(statement, options.limit);
      if (options.json) {
        for (const row of rows) printJson(output, jsonRow(row));
      } else {
        for (const line of resultTable(columns, rows)) output.out(line);
      }
      output.err(
        more
          ? `the first ${formatCount(rows.length)} row(s); more exist: raise --limit, or narrow the query`
          : `${formatCount(rows.length)} row(s)`,
      );
      return { columns, rows: rows.length, more };
    } finally {
      await warehouse.close();
    }
  } finally {
    await lock.release();
  }
}

async function requireDuckDbFile(url: string): Promise<void> {
  const { path } = parseDuckDbUrl(url);
  if (path === ":memory:") return;
  const exists = await access(resolve(path)).then(
    () => true,
    () => false,
  );
  if (!exists) {
    throw new ConfigurationError(
      `--warehouse ${url}: there is no warehouse at ${resolve(path)}. The demo's is ` +
        `--warehouse ${DEFAULT_DEMO_WAREHOUSE} (build it with \`npm run demo\`); a run's is where its --warehouse ` +
        "pointed (default duckdb:data/warehouse.duckdb)",
    );
  }
}

function resultTable(columns: string[], rows: Row[]): string[] {
  const numeric = columns.map(
    (name) => rows.some((row) => row[name] !== null) && rows.every((row) => isNumber(row[name])),
  );
  return textTable(
    columns,
    rows.map((row) => columns.map((name) => cellText(row[name]))),
    numeric,
  );
}

function isNumber(value: SqlValue | undefined): boolean {
  return value === null || typeof value === "number" || typeof value === "bigint";
}

function cellText(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return "NULL";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(jsonValue(value));
  // One line per row: a value's own line breaks would break the table.
  return String(value).replace(/\r?\n/g, "\\n");
}

function jsonRow(row: Row): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([name, value]) => [name, jsonValue(value)]));
}

/** JSON has no big integers: those beyond 2^53 travel as their decimal text. */
function jsonValue(value: SqlValue): unknown {
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  }
  return value;
}
