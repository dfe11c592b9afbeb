import { describe, expect, it } from "vitest";
import { compileModel } from "../src/models/compile.ts";
import { DIALECTS, type JsonType } from "../src/models/dialects.ts";
import { readProject } from "../src/models/project.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import type { SqlValue } from "../src/warehouse/warehouse.ts";
import { tempDir } from "./support/files.ts";
import {
  eventLine,
  loadAndTransform,
  PROJECT_DIR,
  testWarehouse,
  uploadWindow,
} from "./support/warehouse.ts";

/**
 * The dialect macros' contract, asserted on DuckDB over edge values: what each returns for bad input,
 * JSON null, NULL and ties. The Snowflake renderings follow the same rule (each cites the documentation
 * it relies on); the Snowflake side is checked here by what its compiled SQL must not contain.
 */
const duck = DIALECTS.duckdb;

type Expected = string | number | boolean | null;

/** [the field's JSON, or undefined for a missing key; what each type reads]. */
const FIELD_CASES: Array<[string | undefined, Partial<Record<JsonType, Expected>>]> = [
  ["12", { text: "12", integer: 12, number: 12, bool: null, json: "12" }],
  ['"12"', { text: "12", integer: 12, number: 12 }],
  ['"-7"', { integer: -7, number: -7 }],
  ['"abc"', { text: "abc", integer: null, number: null, bool: null, timestamp: null, json: '"abc"' }],
  ['"1.5"', { integer: null, number: 1.5 }],
  ["1.5", { text: "1.5", integer: null, number: 1.5 }],
  ['"1e3"', { integer: null, number: 1000 }],
  ['" 12"', { integer: null, number: null }],
  ['"1234567890123456789"', { integer: null }],
  ['"NaN"', { number: null }],
  ["true", { text: "true", integer: null, bool: true, json: "true" }],
  ['"TRUE"', { bool: true }],
  ['"false"', { bool: false }],
  ['"yes"', { bool: null }],
  ['"on"', { bool: null }],
  ["1", { bool: null }],
  ["null", { text: null, integer: null, number: null, bool: null, timestamp: null, json: null }],
  [undefined, { text: null, integer: null, number: null, bool: null, timestamp: null, json: null }],
  ["{}", { text: "{}", integer: null, number: null, bool: null, json: "{}" }],
  ["[]", { text: "[]", integer: null, json: "[]" }],
  ['{"a":1}', { text: '{"a":1}', integer: null, json: '{"a":1}' }],
  // Times as Amplitude's export and the Taxonomy and Cohorts APIs write them, and what no engine should read.
  ['"2026-12-01 18:30:05.123456"', { timestamp: "2026-12-01 18:30:05.123456" }],
  ['"2026-12-01 18:30:05.1"', { timestamp: "2026-12-01 18:30:05.100000" }],
  ['"2026-12-01 18:30:05"', { timestamp: "2026-12-01 18:30:05.000000" }],
  ['"2026-12-01T18:30:05.123Z"', { timestamp: "2026-12-01 18:30:05.123000" }],
  ['"2026-12-01T18:30:05Z"', { timestamp: "2026-12-01 18:30:05.000000" }],
  ['"2026-12-01T18:30:05"', { timestamp: "2026-12-01 18:30:05.000000" }],
  ['"2026-12-01 18:30:05.1234567"', { timestamp: null }],
  ['"2026-12-01"', { timestamp: null }],
  ['"2026-12-01 18:30"', { timestamp: null }],
  ['"2026-12-01 24:00:00"', { timestamp: null }],
  ['"2026-02-30 10:00:00"', { timestamp: null }],
  ['"2026-12-01T18:30:05+02:00"', { timestamp: null }],
  ["1764613805000", { timestamp: null }],
];

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A value as the test compares it: timestamps as text with microseconds, JSON as its text. */
function asText(column: string, type: JsonType): string {
  if (type === "timestamp") return `strftime(${column}, '%Y-%m-%d %H:%M:%S.%f')`;
  if (type === "json") return `cast(${column} as varchar)`;
  return column;
}

describe("the dialect macros' contract, on DuckDB", () => {
  it("json_field and json_record read every edge value by the same rule: bad input, JSON null and a missing key are null", async () => {
    const { warehouse } = await testWarehouse();
    const docs = FIELD_CASES.map(([json], i) =>
      json === undefined ? `(${i}, '{}'::json)` : `(${i}, ${literal(`{"v":${json}}`)}::json)`,
    );
    await warehouse.execute(`create table edge as select * from (values ${docs.join(", ")}) as t(id, doc)`);
    const failures: string[] = [];
    for (const type of ["text", "integer", "number", "bool", "timestamp", "json"] as JsonType[]) {
      const rows = await warehouse.query<{ id: number; direct: SqlValue; via_record: SqlValue }>(
        `select id, ${asText(duck.json_field("doc", "v", type), type)} as direct,
            ${asText(duck.record_field("record", "v", type), type)} as via_record
        from (select id, doc, ${duck.json_record("doc", [["v", "v", type]])} as record from edge)
        order by id`,
      );
      for (const row of rows) {
        const [json, expected] = FIELD_CASES[row.id]!;
        const normal = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);
        if (normal(row.direct) !== normal(row.via_record)) {
          failures.push(
            `${type} of ${json}: json_field ${String(row.direct)}, record_field ${String(row.via_record)}`,
          );
        }
        if (type in expected && normal(row.direct) !== expected[type]) {
          failures.push(`${type} of ${json}: expected ${String(expected[type])}, got ${String(row.direct)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("flatten expands objects and arrays only, and names no array element; flattened_text writes numbers plainly", async () => {
    const { warehouse } = await testWarehouse();
    const inputs = [
      '{"a":1,"b":"x"}',
      '["x",2]',
      '"abc"',
      "12",
      "null",
      "{}",
      "[]",
      null,
      '{"n":1.50,"e":1e3,"i":-12,"d":-0.5,"t":true,"z":null,"o":{"x":1},"s":"s","h":1e30,"p":0.1234567891}',
    ];
    await warehouse.execute(
      `create table docs as select * from (values ${inputs
        .map((json, i) => `(${i}, ${json === null ? "null" : literal(json)}::json)`)
        .join(", ")}) as t(id, doc)`,
    );
    const rows = await warehouse.query<{ id: number; key: string | null; text: string | null }>(
      `select docs.id, ${duck.flattened_key("entry")} as key, ${duck.flattened_text("entry")} as text
      from docs, ${duck.flatten("docs.doc")} as entry`,
    );
    const sorted = rows.map((r) => [r.id, r.key, r.text]).sort((a, b) => String(a).localeCompare(String(b)));
    expect(sorted).toEqual([
      [0, "a", "1"],
      [0, "b", "x"],
      [1, null, "2"],
      [1, null, "x"],
      [8, "d", "-0.5"],
      [8, "e", "1000"],
      [8, "h", null],
      [8, "i", "-12"],
      [8, "n", "1.5"],
      [8, "o", '{"x":1}'],
      [8, "p", "0.123456789"],
      [8, "s", "s"],
      [8, "t", "true"],
      [8, "z", null],
    ]);
  });

  it("latest_non_null takes the value at the greatest ordering, skipping null values and null orderings", async () => {
    const { warehouse } = await testWarehouse();
    const rows = await warehouse.query<{ latest: string }>(
      `select ${duck.latest_non_null("v", "o")} as latest
      from (values ('a', 1), ('b', 2), (null, 3), ('c', null)) as t(v, o)`,
    );
    expect(rows).toEqual([{ latest: "b" }]);
  });

  it("time_then_id and number_text sort as their columns do, nulls first", async () => {
    const { warehouse } = await testWarehouse();
    const rows = [
      ["t1", null, null, "b"],
      ["t2", null, 5, "a"],
      ["t3", "2025-11-04 10:00:00", null, null],
      ["t4", "2025-11-04 10:00:00", 9, "z"],
      ["t5", "2025-11-04 10:00:00", 10, "a"],
      ["t6", "2025-11-04 10:00:00.000001", 0, "a"],
      ["t7", "2025-11-04 10:00:00.000001", 0, "b"],
      ["t8", "2025-11-04 10:00:00.5", 1234567890123, null],
      ["t9", "2025-11-04 10:00:01", null, "0"],
      ["t10", "2025-11-04 10:00:01", 0, "0"],
      ["t11", "2026-01-01 00:00:00", null, null],
    ];
    const values = rows
      .map(([name, time, number, id]) => {
        const text = (v: unknown) => (v === null ? "null" : `'${String(v)}'`);
        return `(${text(name)}, cast(${text(time)} as timestamp), cast(${number ?? "null"} as bigint), ${text(id)})`;
      })
      .join(", ");
    const ordered = await warehouse.query<{ name: string }>(
      `select name from (values ${values}) as t(name, time, number, id)
       order by ${duck.time_then_id("time", `${duck.number_text("number")} || coalesce(id, '')`)}`,
    );
    // The order of (time, number, id), each ascending with nulls first.
    expect(ordered.map((row) => row.name)).toEqual(rows.map(([name]) => name));
  });
});

describe("the Snowflake rendering of the models", () => {
  it("never casts a VARIANT path with a cast that raises, and strips JSON null from JSON fields", async () => {
    const project = await readProject(PROJECT_DIR);
    const offending: string[] = [];
    for (const model of project.models.values()) {
      const sql = compileModel(project, model, { dialect: "snowflake" }).sql;
      for (const match of sql.matchAll(/[\w.]+:"[^"]*"::(number|float|boolean|double|int\w*)\b/gi)) {
        offending.push(`${model.name}: ${match[0]}`);
      }
    }
    expect(offending).toEqual([]);
    const cohorts = compileModel(project, project.models.get("stg_amplitude__cohorts")!, {
      dialect: "snowflake",
    }).sql;
    expect(cohorts).toContain(`strip_null_value(record:"owners") as owners`);
    expect(cohorts).toContain(`try_to_number(strip_null_value(record:"lastComputed")::varchar)`);
  });
});

describe("the models on edge values", () => {
  it("give the same users and devices under Snowflake's NULL order, and break event_time ties by uuid", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    // Snowflake sorts NULL as the largest value: first in a descending order. Models that state their
    // NULL placement give the same rows under either order.
    await warehouse.execute("set default_null_order = 'nulls_last_on_asc_first_on_desc'");
    const at = "2026-12-01 10:00:00.000000";
    const lines = [
      eventLine({ uuid: "u-1", event_time: at, amplitude_id: 7, event_id: 1, user_id: "named@example.com" }),
      // No parsable time and no event_id: never the latest user_id.
      eventLine({
        uuid: "u-2",
        event_time: "garbled",
        amplitude_id: 7,
        event_id: null as unknown as number,
        user_id: "stale@example.com",
      }),
      // The same time on one device: the greater uuid is the latest, whichever row comes first.
      eventLine({ uuid: "d-0", event_time: at, amplitude_id: 8, device_id: "dev-9", os_name: "Windows" }),
      eventLine({ uuid: "d-1", event_time: at, amplitude_id: 8, device_id: "dev-9", os_name: "Mac OS X" }),
    ];
    await uploadWindow(lake, { start: "2026-12-01T10", end: "2026-12-01T11" }, [
      { name: "e.json.gz", lines },
    ]);
    await loadAndTransform(lake, warehouse, { select: "+users +devices" });
    expect(
      await warehouse.query("select amplitude_id, user_id from core.users order by amplitude_id"),
    ).toEqual([
      { amplitude_id: 7n, user_id: "named@example.com" },
      { amplitude_id: 8n, user_id: null },
    ]);
    expect(
      await warehouse.query("select device_id, os_name from core.devices where device_id = 'dev-9'"),
    ).toEqual([{ device_id: "dev-9", os_name: "Mac OS X" }]);
  });
});
