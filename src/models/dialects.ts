import type { Dialect } from "../warehouse/warehouse.ts";

/** What `time_then_id` writes for a null time: it sorts before any real time's text, and is as wide. */
export const OLDEST_TIME_TEXT = "0000-00-00 00:00:00.000000";
/** The Snowflake format `time_then_id` writes a time in: `OLDEST_TIME_TEXT.length` characters (FF6: six digits of the fraction). */
export const SNOWFLAKE_TIME_TEXT_FORMAT = "YYYY-MM-DD HH24:MI:SS.FF6";
/** How many characters `number_text` writes; null as as many dashes, which sort before every digit. */
export const NUMBER_TEXT_WIDTH = 20;
const NULL_NUMBER_TEXT = "-".repeat(NUMBER_TEXT_WIDTH);

/** The types a JSON field can be read as: the same words on both engines. */
export type JsonType = "text" | "integer" | "number" | "bool" | "json" | "timestamp";
const JSON_TYPES: readonly JsonType[] = ["text", "integer", "number", "bool", "json", "timestamp"];

/**
 * The few places where DuckDB and Snowflake SQL differ, rendered per target. Everything else in a model
 * is the SQL both engines share. Each macro returns SQL text; names and paths are checked, never pasted
 * unchecked.
 */
export interface DialectMacros {
  /**
   * One field of a JSON column, as the given type. The key may hold any characters (`[Amplitude] Page URL`).
   * The same rule on both engines, read from the field's text (a JSON string as it is, any other value as
   * its JSON text): `text` that text; `integer` an optional minus and 1 to 18 digits, else null; `number`
   * decimal notation with an optional exponent, else null; `bool` `true`/`false` (any case, a JSON boolean
   * or a string), else null; `timestamp` as amplitude_timestamp; `json` the value itself. A missing key,
   * SQL null and JSON null give SQL null for every type. Bad input never raises.
   */
  json_field(column: string, key: string, type?: JsonType): string;
  /**
   * Parse a JSON column once for many fields: use it as `{{ json_record('json_data', fields) }} as record`,
   * then `{{ record_field('record', key, type) }}` for each. `fields` is a list of [key, alias, type].
   */
  json_record(column: string, fields: Array<[string, string, JsonType]>): string;
  record_field(record: string, key: string, type?: JsonType): string;
  /**
   * A FROM-clause item turning a JSON value into rows: `from t, {{ flatten('t.props') }} as p`. An object
   * gives one row per key, an array one row per element; a scalar, JSON null, SQL null, `{}` and `[]` give
   * no rows (the outer row is dropped). Read the key with flattened_key, the value with flattened_text.
   */
  flatten(column: string): string;
  /** The key of a flattened row: the object key; null for an array element. */
  flattened_key(alias: string): string;
  /**
   * The value of a flattened row as text: a string unquoted, `true`/`false`, an integer as its digits,
   * another number in plain decimal notation rounded to 9 decimals without trailing zeros (`1.50` → `1.5`,
   * `1e3` → `1000`; null beyond 10^28), an object or array as JSON text (key order not guaranteed on
   * Snowflake), JSON null as SQL null.
   */
  flattened_text(alias: string): string;
  /**
   * A time as Amplitude and its Taxonomy and Cohorts APIs write it, UTC, to a timestamp without time zone:
   * `YYYY-MM-DD HH:MM:SS`, with an optional fraction of 1 to 6 digits, `T` or a space between date and
   * time, an optional trailing `Z`. Anything else (other offsets, more digits, a date alone, hour 24,
   * an impossible date) is null on both engines.
   */
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
  /**
   * Aggregate: the value of `expression` at the greatest `ordering` among rows where both are not null.
   * `ordering` must be unique within the group (a row number over a total order): on a tie, Snowflake's
   * pick may change from run to run.
   */
  latest_non_null(expression: string, ordering: string): string;
  /**
   * Text that sorts rows as `order by time asc nulls first, id asc nulls first` does, as one value (an
   * ordering for `latest_non_null` that needs no window): the time to the microsecond in a fixed width
   * (a null time before every other), then `id` (text; null as empty). Unique when `id` is.
   */
  time_then_id(time: string, id: string): string;
  /**
   * A whole number from 0 up as text of 20 digits, which sorts as the number does; null as 20 dashes,
   * before every number. For an `id` of `time_then_id` made of several columns.
   */
  number_text(expression: string): string;
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

/**
 * Typed fields are read from their text with the same patterns on both engines (DuckDB's
 * regexp_full_match and Snowflake's REGEXP_LIKE both match the whole text), so that both accept exactly
 * the same values: DuckDB's casts alone are more lenient (`1.5` as an integer is 2, `yes` is true) and
 * Snowflake's differ (`on` is true). 18 digits keep every integer within BIGINT on DuckDB.
 */
const INTEGER_PATTERN = "-?[0-9]{1,18}";
const NUMBER_PATTERN = "-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?";
/** Amplitude's times: the date, `T` or a space, a valid hour, minute and second, 1 to 6 fraction digits, `Z`. */
const TIMESTAMP_PATTERN =
  "[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?";

function boolFromText(text: string): string {
  return `case lower(${text}) when 'true' then true when 'false' then false end`;
}

/**
 * A JSON number's text in plain decimal notation: rounded to 9 decimals, then without trailing zeros or
 * a trailing point (`1.500000000` → `1.5`, `1000.000000000` → `1000`).
 */
function plainDecimal(decimal38_9: string): string {
  return `rtrim(rtrim(${decimal38_9}, '0'), '.')`;
}

/** DuckDB reads every field of a record as text (or JSON), then applies the shared rule. */
const DUCKDB_RECORD_TYPES: Record<JsonType, string> = {
  text: "VARCHAR",
  integer: "VARCHAR",
  number: "VARCHAR",
  bool: "VARCHAR",
  json: "JSON",
  timestamp: "VARCHAR",
};

/** DuckDB: a field's text (json_extract_string and json_transform to VARCHAR agree) to the given type. */
function duckdbTyped(text: string, type: JsonType, timestamp: (text: string) => string): string {
  switch (type) {
    case "text":
    case "json":
      return text;
    case "integer":
      return `case when regexp_full_match(${text}, '${INTEGER_PATTERN}') then try_cast(${text} as bigint) end`;
    case "number":
      return `case when regexp_full_match(${text}, '${NUMBER_PATTERN}') then try_cast(${text} as double) end`;
    case "bool":
      return boolFromText(text);
    case "timestamp":
      return timestamp(text);
  }
}

const duckdb: DialectMacros = {
  json_field(column, key, type = "text") {
    const path = `'$.${quotedKey(key)}'`;
    const t = checkType(type);
    const col = checkIdentifier(column, "column");
    // json_extract keeps a JSON null as a JSON value; json_transform (json_record) and Snowflake's
    // STRIP_NULL_VALUE make it SQL null.
    if (t === "json") return `nullif(json_extract(${col}, ${path}), 'null'::json)`;
    return duckdbTyped(`json_extract_string(${col}, ${path})`, t, (text) => this.amplitude_timestamp(text));
  },
  json_record(column, fields) {
    // json_transform parses each document once for every field, where one json_extract per field
    // would parse it again each time. It gives SQL null for a JSON null.
    const structure: Record<string, string> = {};
    for (const [key, , type] of fields) structure[key] = DUCKDB_RECORD_TYPES[checkType(type)];
    const spec = JSON.stringify(structure).replaceAll("'", "''");
    return `json_transform(${checkIdentifier(column, "column")}, '${spec}')`;
  },
  record_field(record, key, type = "text") {
    const field = `${checkIdentifier(record, "record")}.${quotedKey(key)}`;
    return duckdbTyped(field, checkType(type), (text) => this.amplitude_timestamp(text));
  },
  flatten(column) {
    // json_each gives a scalar one row with a null key, where Snowflake's FLATTEN gives none; json_each
    // of SQL null gives no rows.
    const col = checkIdentifier(column, "column");
    return `json_each(case when json_type(${col}) in ('OBJECT', 'ARRAY') then ${col} end)`;
  },
  flattened_key(alias) {
    // json_each names an array element by its index ('0', '1'); Snowflake's FLATTEN gives it no key.
    const a = checkIdentifier(alias, "alias");
    return `case when not starts_with(${a}.fullkey, '$[') then ${a}.key end`;
  },
  flattened_text(alias) {
    const value = `${checkIdentifier(alias, "alias")}.value`;
    return `case json_type(${value})
            when 'NULL' then null
            when 'VARCHAR' then ${value} ->> '$'
            when 'BOOLEAN' then ${value} ->> '$'
            when 'BIGINT' then ${value} ->> '$'
            when 'UBIGINT' then ${value} ->> '$'
            when 'DOUBLE' then ${plainDecimal(`cast(try_cast(${value} as decimal(38, 9)) as varchar)`)}
            else cast(${value} as varchar)
        end`;
  },
  amplitude_timestamp(expression) {
    // Checked against the shared pattern first; then DuckDB's cast parses every accepted form, three
    // times faster than strptime.
    return `case when regexp_full_match(${expression}, '${TIMESTAMP_PATTERN}') then try_cast(${expression} as timestamp) end`;
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
    // arg_max skips rows whose ordering is null; the filter skips those whose value is.
    return `arg_max(${expression}, ${ordering}) filter (where ${expression} is not null)`;
  },
  time_then_id(time, id) {
    return `coalesce(strftime(${time}, '%Y-%m-%d %H:%M:%S.%f'), '${OLDEST_TIME_TEXT}') || coalesce(${id}, '')`;
  },
  number_text(expression) {
    return `coalesce(lpad(cast(${expression} as varchar), ${NUMBER_TEXT_WIDTH}, '0'), '${NULL_NUMBER_TEXT}')`;
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

/**
 * Snowflake: a VARIANT field to the given type. A plain cast (`::number`, `::boolean`) raises on a value
 * it cannot convert and fails the whole model, so typed fields go through the TRY_ functions, which take
 * text only: "The input must be a string expression."
 * (https://docs.snowflake.com/en/sql-reference/functions/try_to_decimal). A JSON null is made SQL null
 * first: STRIP_NULL_VALUE "Converts a JSON null value to a SQL NULL value. All other variant values are
 * passed unchanged." (https://docs.snowflake.com/sql-reference/functions/strip_null_value). The cast of
 * a VARIANT to VARCHAR never raises: a string comes unquoted, any other value as its JSON text.
 */
function snowflakeTyped(variant: string, type: JsonType, timestamp: (text: string) => string): string {
  const value = `strip_null_value(${variant})`;
  const text = `${value}::varchar`;
  switch (type) {
    case "json":
      return value;
    case "text":
      return text;
    case "integer":
      return `iff(regexp_like(${text}, '${INTEGER_PATTERN}'), try_to_number(${text}), null)`;
    case "number":
      return `iff(regexp_like(${text}, '${NUMBER_PATTERN}'), try_to_double(${text}), null)`;
    case "bool":
      return boolFromText(text);
    case "timestamp":
      return timestamp(text);
  }
}

const snowflake: DialectMacros = {
  json_field(column, key, type = "text") {
    const field = `${checkIdentifier(column, "column")}:${quotedKey(key)}`;
    return snowflakeTyped(field, checkType(type), (text) => this.amplitude_timestamp(text));
  },
  json_record(column) {
    // A VARIANT is parsed once when loaded: fields are read from it directly.
    return checkIdentifier(column, "column");
  },
  record_field(record, key, type = "text") {
    return this.json_field(record, key, type);
  },
  flatten(column) {
    // "If FALSE, any input rows that cannot be expanded, either because they cannot be accessed in the
    // path or because they have zero fields or entries, are completely omitted from the output."
    // (OUTER, https://docs.snowflake.com/sql-reference/functions/flatten.html): a scalar, JSON null,
    // `{}` and `[]` give no rows; an array element has a NULL key.
    return `lateral flatten(input => ${checkIdentifier(column, "column")})`;
  },
  flattened_key(alias) {
    return `${checkIdentifier(alias, "alias")}.key`;
  },
  flattened_text(alias) {
    // TYPEOF "Reports the type of a value stored in a VARIANT column"
    // (https://docs.snowflake.com/en/developer-guide/snowpark/reference/python/latest/snowpark/api/snowflake.snowpark.functions.typeof):
    // the text of a number is built from NUMBER(38, 9), never from the VARIANT's own rendering, whose
    // form Snowflake does not document; TO_JSON "Converts a VARIANT value to a string containing the
    // JSON representation of the value" (https://docs.snowflake.com/sql-reference/functions/to_json).
    const value = `${checkIdentifier(alias, "alias")}.value`;
    return `case typeof(${value})
            when 'NULL_VALUE' then null
            when 'VARCHAR' then ${value}::varchar
            when 'BOOLEAN' then ${value}::varchar
            when 'INTEGER' then ${value}::varchar
            when 'DECIMAL' then ${plainDecimal(`iff(abs(${value}::double) < 1e28, to_varchar(${value}::number(38, 9)), null)`)}
            when 'DOUBLE' then ${plainDecimal(`iff(abs(${value}::double) < 1e28, to_varchar(${value}::number(38, 9)), null)`)}
            else to_json(${value})
        end`;
  },
  amplitude_timestamp(expression) {
    // Checked against the shared pattern, then written in the one form the format below reads: a space,
    // no Z, exactly 6 fraction digits.
    const normal = `substr(${expression}, 1, 10) || ' ' || substr(${expression}, 12, 8) || '.' || rpad(rtrim(substr(${expression}, 21), 'Z'), 6, '0')`;
    return `iff(regexp_like(${expression}, '${TIMESTAMP_PATTERN}'), try_to_timestamp_ntz(${normal}, 'YYYY-MM-DD HH24:MI:SS.FF6'), null)`;
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
    // max_by skips rows whose ordering is null: make it null where the value is. "If multiple rows contain
    // the specified maximum value, the function is non-deterministic."
    // (https://docs.snowflake.com/sql-reference/functions/max_by): the ordering must be unique.
    return `max_by(${expression}, iff(${expression} is null, null, ${ordering}))`;
  },
  time_then_id(time, id) {
    // https://docs.snowflake.com/sql-reference/functions-conversion#label-date-time-format-conversion
    return `coalesce(to_char(${time}, '${SNOWFLAKE_TIME_TEXT_FORMAT}'), '${OLDEST_TIME_TEXT}') || coalesce(${id}, '')`;
  },
  number_text(expression) {
    return `coalesce(lpad(to_varchar(${expression}), ${NUMBER_TEXT_WIDTH}, '0'), '${NULL_NUMBER_TEXT}')`;
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
