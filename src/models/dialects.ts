import type { Dialect } from "../warehouse/warehouse.ts";

/** The types a JSON field can be read as: the same words on both engines. */
export type JsonType = "text" | "integer" | "number" | "bool" | "json" | "timestamp";
const JSON_TYPES: readonly JsonType[] = ["text", "integer", "number", "bool", "json", "timestamp"];

/**
 * The few places where DuckDB and Snowflake SQL differ, rendered per target. Everything else in a model
 * is the SQL both engines share. Each macro returns SQL text; names and paths are checked, never pasted
 * unchecked.
 */
export interface DialectMacros {
  /** One field of a JSON column, as the given type. The key may hold any characters (`[Amplitude] Page URL`). */
  json_field(column: string, key: string, type?: JsonType): string;
  /**
   * Parse a JSON column once for many fields: use it as `{{ json_record('json_data', fields) }} as record`,
   * then `{{ record_field('record', key, type) }}` for each. `fields` is a list of [key, alias, type].
   */
  json_record(column: string, fields: Array<[string, string, JsonType]>): string;
  record_field(record: string, key: string, type?: JsonType): string;
  /** A FROM-clause item turning a JSON object into rows of (key, value): `from t, {{ flatten('t.props') }} as p`. */
  flatten(column: string): string;
  /** The value of a flattened row as text (strings unquoted, numbers and booleans as written). */
  flattened_text(alias: string): string;
  /** `YYYY-MM-DD HH:MM:SS.ffffff` (Amplitude, UTC) to a timestamp without time zone; null when malformed. */
  amplitude_timestamp(expression: string): string;
  /** The current time as a UTC timestamp without time zone. */
  utc_now(): string;
  /** Hours between two timestamps, as a number. */
  hours_between(start: string, end: string): string;
  /** The JSON column type: JSON (DuckDB), VARIANT (Snowflake). */
  json_type(): string;
  /**
   * `last_value` skipping nulls, to be followed by `over (…)`: DuckDB writes the null treatment inside
   * the parentheses, Snowflake after them, and neither accepts the other's form.
   */
  last_non_null(expression: string): string;
  /** Aggregate: the value of `expression` at the greatest `ordering` among rows where it is not null. */
  latest_non_null(expression: string, ordering: string): string;
  /**
   * The path of a URL as a browser's `location.pathname` gives it, which is what `[Amplitude] Page Path`
   * holds: no scheme, host, query string or fragment; `/` when the URL has no path; not decoded, a
   * trailing slash kept. Text without a scheme or `//` is taken as a path. Null for a null or empty URL.
   */
  url_path(expression: string): string;
  /** Epoch milliseconds (a number, as the Cohorts API gives `lastComputed`) to a UTC timestamp; null stays null. */
  epoch_ms_timestamp(expression: string): string;
  /**
   * The time of a lake key's `compactTime` text (`20261201T183005.123Z`) as a UTC timestamp; null when
   * malformed.
   */
  compact_timestamp(expression: string): string;
  /**
   * A JSON value as an array, to flatten: an array as it is, any other value as a one-element array,
   * SQL null as an array holding null (filter the flattened values). Amplitude sends a group's name as a string or as a list of strings.
   */
  json_array_of(expression: string): string;
}

function checkType(type: string): JsonType {
  if (!JSON_TYPES.includes(type as JsonType)) {
    throw new Error(`unknown JSON field type ${JSON.stringify(type)}: use one of ${JSON_TYPES.join(", ")}`);
  }
  return type as JsonType;
}

function checkIdentifier(name: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)) {
    throw new Error(`${what} ${JSON.stringify(name)} is not a plain (dotted) identifier`);
  }
  return name;
}

/** A JSON object key as a double-quoted path element, which both engines accept. */
function quotedKey(key: string): string {
  if (key.includes('"') || key.includes("\\"))
    throw new Error(`JSON key ${JSON.stringify(key)} holds a quote`);
  return `"${key.replaceAll("'", "''")}"`;
}

/**
 * An optional `scheme://host` (or `//host`), then the path up to a query string or fragment: group 3.
 * The same POSIX-compatible pattern on both engines, so both derive the same paths. Snowflake's PARSE_URL
 * is not used: it drops the path's leading slash and fails the query on a malformed URL.
 */
const URL_PATH_PATTERN = "^(([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*)?([^?#]*)";

function urlPath(expression: string, extractPathGroup: (url: string) => string): string {
  return `case when ${expression} <> '' then coalesce(nullif(${extractPathGroup(expression)}, ''), '/') end`;
}

const DUCKDB_TYPES: Record<JsonType, string> = {
  text: "VARCHAR",
  integer: "BIGINT",
  number: "DOUBLE",
  bool: "BOOLEAN",
  json: "JSON",
  // Amplitude writes times as text; they are read as text and parsed by amplitude_timestamp.
  timestamp: "VARCHAR",
};

const SNOWFLAKE_CASTS: Record<JsonType, string> = {
  text: "::varchar",
  integer: "::number(38, 0)",
  number: "::float",
  bool: "::boolean",
  json: "",
  timestamp: "::varchar",
};

const duckdb: DialectMacros = {
  json_field(column, key, type = "text") {
    const path = `'$.${quotedKey(key)}'`;
    const t = checkType(type);
    const col = checkIdentifier(column, "column");
    if (t === "text") return `json_extract_string(${col}, ${path})`;
    if (t === "timestamp") return this.amplitude_timestamp(`json_extract_string(${col}, ${path})`);
    if (t === "json") return `json_extract(${col}, ${path})`;
    return `try_cast(json_extract_string(${col}, ${path}) as ${DUCKDB_TYPES[t]})`;
  },
  json_record(column, fields) {
    // json_transform parses each document once for every field, where one json_extract per field
    // would parse it again each time.
    const structure: Record<string, string> = {};
    for (const [key, , type] of fields) structure[key] = DUCKDB_TYPES[checkType(type)];
    const spec = JSON.stringify(structure).replaceAll("'", "''");
    return `json_transform(${checkIdentifier(column, "column")}, '${spec}')`;
  },
  record_field(record, key, type = "text") {
    const field = `${checkIdentifier(record, "record")}.${quotedKey(key)}`;
    return checkType(type) === "timestamp" ? this.amplitude_timestamp(field) : field;
  },
  flatten(column) {
    return `json_each(${checkIdentifier(column, "column")})`;
  },
  flattened_text(alias) {
    return `(${checkIdentifier(alias, "alias")}.value ->> '$')`;
  },
  amplitude_timestamp(expression) {
    // The format is ISO 8601 with a space; DuckDB's cast parses it three times faster than strptime.
    return `try_cast(${expression} as timestamp)`;
  },
  utc_now() {
    return `cast(now() at time zone 'UTC' as timestamp)`;
  },
  hours_between(start, end) {
    return `(epoch(${end}) - epoch(${start})) / 3600.0`;
  },
  json_type() {
    return "json";
  },
  last_non_null(expression) {
    return `last_value(${expression} ignore nulls)`;
  },
  latest_non_null(expression, ordering) {
    // arg_max skips rows whose value is null.
    return `arg_max(${expression}, ${ordering})`;
  },
  url_path(expression) {
    return urlPath(expression, (url) => `regexp_extract(${url}, '${URL_PATH_PATTERN}', 3)`);
  },
  epoch_ms_timestamp(expression) {
    return `epoch_ms(cast(${expression} as bigint))`;
  },
  compact_timestamp(expression) {
    return `try_strptime(${expression}, '%Y%m%dT%H%M%S.%gZ')`;
  },
  json_array_of(expression) {
    return `case when json_type(${expression}) = 'ARRAY' then ${expression} else json_array(${expression}) end`;
  },
};

const snowflake: DialectMacros = {
  json_field(column, key, type = "text") {
    const field = `${checkIdentifier(column, "column")}:${quotedKey(key)}${SNOWFLAKE_CASTS[checkType(type)]}`;
    return type === "timestamp" ? this.amplitude_timestamp(field) : field;
  },
  json_record(column) {
    // A VARIANT is parsed once when loaded: fields are read from it directly.
    return checkIdentifier(column, "column");
  },
  record_field(record, key, type = "text") {
    return this.json_field(record, key, type);
  },
  flatten(column) {
    return `lateral flatten(input => ${checkIdentifier(column, "column")})`;
  },
  flattened_text(alias) {
    return `${checkIdentifier(alias, "alias")}.value::varchar`;
  },
  amplitude_timestamp(expression) {
    return `try_to_timestamp_ntz(${expression}, 'YYYY-MM-DD HH24:MI:SS.FF6')`;
  },
  utc_now() {
    return `convert_timezone('UTC', current_timestamp())::timestamp_ntz`;
  },
  hours_between(start, end) {
    return `datediff('second', ${start}, ${end}) / 3600.0`;
  },
  json_type() {
    return "variant";
  },
  last_non_null(expression) {
    return `last_value(${expression}) ignore nulls`;
  },
  latest_non_null(expression, ordering) {
    // max_by skips rows whose ordering is null: make it null where the value is.
    return `max_by(${expression}, iff(${expression} is null, null, ${ordering}))`;
  },
  url_path(expression) {
    return urlPath(expression, (url) => `regexp_substr(${url}, '${URL_PATH_PATTERN}', 1, 1, 'e', 3)`);
  },
  epoch_ms_timestamp(expression) {
    return `to_timestamp_ntz((${expression})::number(38, 0), 3)`;
  },
  compact_timestamp(expression) {
    return `try_to_timestamp_ntz(${expression}, 'YYYYMMDD"T"HH24MISS.FF3"Z"')`;
  },
  json_array_of(expression) {
    return `iff(is_array(${expression}), ${expression}, to_variant(array_construct(${expression})))`;
  },
};

export const DIALECTS: Record<Dialect, DialectMacros> = { duckdb, snowflake };
