import { describe, expect, it } from "vitest";
import { resultTable } from "../src/cli/transform-command.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import { REBUILD_SHARE } from "../src/models/compile.ts";
import { tempDir } from "./support/files.ts";
import {
  eventLine,
  fullRefreshDifferences,
  loadAndTransform,
  scalar,
  testWarehouse,
  uploadWindow,
  type TestEvent,
} from "./support/warehouse.ts";

const WINDOW = { start: "2025-11-04T10", end: "2025-11-04T10" };
const FILE = "187520_2025-11-04_10#0.json.gz";
const SESSION_A = 1_762_250_000_000;
const SESSION_B = 1_762_251_000_000;
const base = { amplitude_id: 42, device_id: "device-42", user_id: null };

const pageView = (
  uuid: string,
  eventId: number,
  minute: number,
  path: string,
  extra: Partial<TestEvent> = {},
) =>
  ({
    ...base,
    uuid,
    event_id: eventId,
    session_id: SESSION_A,
    event_time: `2025-11-04 10:${String(minute).padStart(2, "0")}:00.000000`,
    processed_time: `2025-11-04 10:${String(minute).padStart(2, "0")}:01.000000`,
    event_properties: { "[Amplitude] Page Path": path, "[Amplitude] Page Title": path, shown: "yes" },
    ...extra,
  }) satisfies TestEvent;

/** The first delivery: one visitor, two sessions, A -> B -> A in the first (a loop and a return). */
const original = [
  pageView("p1", 1, 0, "/a"),
  pageView("p2", 2, 1, "/b"),
  pageView("p3", 3, 2, "/a"),
  pageView("s2", 4, 30, "/c", { session_id: SESSION_B }),
];

/** Amplitude re-processed the hour: each event changed in one way, with a later processed_time. */
const reprocessed = [
  // Properties removed: all of them.
  pageView("p1", 1, 0, "/a", { event_properties: {}, processed_time: "2025-11-05 08:00:00.000000" }),
  // Event type changed: the return to /a is no page view any more, so no loop and no return.
  pageView("p3", 3, 2, "/a", {
    event_type: "[Amplitude] Element Clicked",
    processed_time: "2025-11-05 08:00:00.000000",
  }),
  // Moved to another session: session B loses its only event and must disappear.
  pageView("s2", 4, 30, "/c", { session_id: SESSION_A, processed_time: "2025-11-05 08:00:00.000000" }),
  // A user id found.
  pageView("p2", 2, 1, "/b", { user_id: "ada@example.com", processed_time: "2025-11-05 08:00:00.000000" }),
];

async function deliver(lake: LocalLake, events: TestEvent[], extractedAt: string) {
  await uploadWindow(lake, WINDOW, [{ name: FILE, lines: events.map(eventLine) }], extractedAt);
}

describe("a re-export whose events Amplitude re-processed", () => {
  it("goes under keys of its own, loads once, wins by processed_time, and leaves exactly a full refresh", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    await deliver(lake, original, "2025-11-04T12:00:00.000Z");
    await loadAndTransform(lake, warehouse);
    expect(await scalar(warehouse, "select count(*) from core.sessions")).toBe(2n);
    expect(await scalar(warehouse, "select count(*) from marts.web_issues")).toBe(2n);

    await deliver(lake, reprocessed, "2025-11-05T09:00:00.000Z");
    const { loaded, result } = await loadAndTransform(lake, warehouse);
    expect(loaded).toMatchObject({ files: 1, rows: 4, windows: 1, failed: [] });
    expect(result.tests.filter((t) => t.status === "fail" || t.status === "error")).toEqual([]);
    expect(await scalar(warehouse, "select count(distinct source_file) from raw.amplitude_events")).toBe(2n);

    expect(
      await warehouse.query("select property from staging.stg_amplitude__event_properties where uuid = 'p1'"),
    ).toEqual([]);
    expect(await warehouse.query("select session_id, event_count from core.sessions")).toEqual([
      { session_id: BigInt(SESSION_A), event_count: 4n },
    ]);
    expect(await scalar(warehouse, "select user_id from core.users where amplitude_id = 42")).toBe(
      "ada@example.com",
    );
    expect(
      await scalar(warehouse, "select count(*) from marts.page_paths where session_id = " + SESSION_B),
    ).toBe(0n);
    expect(await scalar(warehouse, "select count(*) from marts.web_issues")).toBe(0n);
    expect(await fullRefreshDifferences(warehouse)).toEqual({});
  });

  it("rebuilds a model whole when its increment computes half its rows again or more, the others by increment", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    // Two more visitors, one session each, whom the re-processing does not touch.
    const others = [43, 44].map((id) =>
      pageView(`o${id}`, 1, 5, "/d", {
        amplitude_id: id,
        device_id: `device-${id}`,
        session_id: SESSION_B + id,
      }),
    );
    await deliver(lake, [...original, ...others], "2025-11-04T12:00:00.000Z");
    await loadAndTransform(lake, warehouse, { rebuildShare: REBUILD_SHARE });

    await deliver(lake, reprocessed, "2025-11-05T09:00:00.000Z");
    const { result } = await loadAndTransform(lake, warehouse, { rebuildShare: REBUILD_SHARE });
    const model = (name: string) => result.models.find((m) => m.name === name)!;
    // Sessions A and B are computed again: 2 of 4 rows, so the table is rebuilt from the full query.
    expect(model("sessions")).toMatchObject({ incremental: true, rebuilt: { scope: 2, rows: 4 }, rows: 3 });
    // One user of three, one device of three, two sessions' pages of six: deleted and inserted.
    for (const name of ["users", "devices", "page_paths"]) {
      expect(model(name), name).toMatchObject({ incremental: true, status: "success" });
      expect(model(name).rebuilt, name).toBeUndefined();
    }
    const report = resultTable(result, "target").join("\n");
    expect(report).toMatch(/core\.sessions +incremental +rebuilt /);
    expect(report).toMatch(/core\.users +incremental +increment /);
    expect(result.tests.filter((t) => t.status === "fail" || t.status === "error")).toEqual([]);
    expect(
      await warehouse.query("select session_id, event_count from core.sessions order by session_id"),
    ).toEqual([
      { session_id: BigInt(SESSION_A), event_count: 4n },
      { session_id: BigInt(SESSION_B + 43), event_count: 1n },
      { session_id: BigInt(SESSION_B + 44), event_count: 1n },
    ]);
    expect(await fullRefreshDifferences(warehouse)).toEqual({});
  });

  it("changes nothing when the same events are delivered again unchanged", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    await deliver(lake, original, "2025-11-04T12:00:00.000Z");
    await loadAndTransform(lake, warehouse);
    const tables = [
      "staging.stg_amplitude__events",
      "core.events",
      "core.sessions",
      "core.users",
      "marts.page_paths",
    ];
    const snapshot = async () =>
      Object.fromEntries(
        await Promise.all(
          tables.map(async (table) => [table, await warehouse.query(`select * from ${table} order by all`)]),
        ),
      );
    const before = await snapshot();
    // The same lines in another member (an overlapping export cut differently): a new file in the lake.
    await uploadWindow(
      lake,
      WINDOW,
      [{ name: "187520_2025-11-04_10#1.json.gz", lines: original.map(eventLine) }],
      "2025-11-05T09:00:00.000Z",
    );
    const { loaded, result } = await loadAndTransform(lake, warehouse);
    expect(loaded).toMatchObject({ files: 1, rows: 4 });
    expect(await scalar(warehouse, "select count(*) from staging.stg_amplitude__event_deliveries")).toBe(8n);
    // The first delivery stays, with its file, line and load time, and nothing downstream is computed again.
    expect(await snapshot()).toEqual(before);
    const processed = (name: string) => result.models.find((m) => m.name === name)?.processed;
    for (const name of [
      "stg_amplitude__events",
      "events",
      "sessions",
      "users",
      "devices",
      "page_paths",
      "web_issues",
    ])
      expect([name, processed(name)]).toEqual([name, 0]);
    expect(await fullRefreshDifferences(warehouse)).toEqual({});
  });

  it("loses to the newer delivery when an older one arrives after it", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    await deliver(lake, reprocessed, "2025-11-05T09:00:00.000Z");
    await loadAndTransform(lake, warehouse);
    const before = await warehouse.query("select * from core.events order by uuid");
    // The first export of the hour turns up late (a backup replayed, a slow job): its processed_time is older.
    await deliver(lake, original, "2025-11-04T12:00:00.000Z");
    const { loaded } = await loadAndTransform(lake, warehouse);
    expect(loaded.rows).toBe(4);
    const after = await warehouse.query("select * from core.events order by uuid");
    expect(after.map((row) => ({ ...row, loaded_at: null }))).toEqual(
      before.map((row) => ({ ...row, loaded_at: null })),
    );
    expect(await scalar(warehouse, "select count(*) from core.sessions")).toBe(1n);
    expect(await fullRefreshDifferences(warehouse)).toEqual({});
  });
});
