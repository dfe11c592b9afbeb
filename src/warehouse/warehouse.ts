/** A value as it comes back from a query, converted to plain JavaScript (big integers as bigint). */
export type SqlValue =
  string | number | bigint | boolean | null | Date | SqlValue[] | { [key: string]: SqlValue };
export type Row = Record<string, SqlValue>;

export interface Column {
  name: string;
  /** The engine's own type name, e.g. VARCHAR, BIGINT, TIMESTAMP, JSON (DuckDB) or VARIANT (Snowflake). */
  type: string;
}

export type Dialect = "duckdb" | "snowflake";

/**
 * What the pipeline needs of a warehouse: embedded DuckDB now, Snowflake through the same interface.
 * Identifiers are `schema.name`, unquoted snake_case on both engines. Statements are single statements;
 * parameters are positional `?` placeholders.
 */
export interface Warehouse {
  readonly dialect: Dialect;
  /** `duckdb:data/warehouse.duckdb` or `snowflake://account/database`, for messages. */
  readonly url: string;
  execute(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** For small results only (test failures, counts, history): the rows are held in memory. */
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /**
   * One statement's column names and its first `max` rows, read as a stream: however large the result,
   * no more than a chunk past `max` is held. `more` says whether rows were left unread.
   */
  firstRows(sql: string, max: number): Promise<{ columns: string[]; rows: Row[]; more: boolean }>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** The embedded warehouse only: runs `work` (a load) with the engine's settings for a bulk insert. */
  withLoadSettings?<T>(work: () => Promise<T>): Promise<T>;
  tableExists(schema: string, name: string): Promise<boolean>;
  /** The relation's columns in order; empty when it does not exist. */
  columns(schema: string, name: string): Promise<Column[]>;
  close(): Promise<void>;
}

/** The schemas of the warehouse contract, created by `load` and `transform` when missing. */
export const SCHEMAS = ["raw", "seeds", "staging", "core", "marts", "restricted"] as const;

/** A SQL string literal: the only way values from files or names enter statements that take no parameters. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A UTC instant as the warehouse's timestamp without time zone, in text: `YYYY-MM-DD HH:MM:SS.fff`. */
export function timestampText(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** Timestamp text as a SQL literal both engines read. */
export function timestampLiteral(text: string): string {
  return `cast(${sqlString(text)} as timestamp)`;
}
