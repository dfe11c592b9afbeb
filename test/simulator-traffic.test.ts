import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmplitudeSimulator } from "../src/amplitude/simulator/server.ts";
import type { AmplitudeEvent } from "../src/amplitude/simulator/traffic.ts";
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { hourOf } from "./support/simulator.ts";
import { loadAndTransform, simulatedLake } from "./support/warehouse.ts";

/** One working day (a Tuesday) of a small site: enough sessions for every mart rule to show. */
const DAY: [string, string] = ["2025-11-04T00", "2025-11-04T23"];
const TRAFFIC = { eventsPerHour: 150, users: 150 };
const FORM_STARTED = "[Amplitude] Form Started";
const FORM_SUBMITTED = "[Amplitude] Form Submitted";
const ms = (amplitudeTime: unknown) => Date.parse(String(amplitudeTime).replace(" ", "T") + "Z");

/** The day's events, one per uuid (re-deliveries left out), grouped by session in time order. */
function sessionsOf(events: AmplitudeEvent[]): AmplitudeEvent[][] {
  const seen = new Set<string>();
  const sessions = new Map<string, AmplitudeEvent[]>();
  for (const event of events) {
    if (seen.has(event.uuid) || event.session_id === -1) continue;
    seen.add(event.uuid);
    const key = `${String(event.amplitude_id)} ${String(event.session_id)}`;
    sessions.set(key, [...(sessions.get(key) ?? []), event]);
  }
  return [...sessions.values()].map((steps) =>
    steps.sort((a, b) => ms(a.event_time) - ms(b.event_time) || Number(a.event_id) - Number(b.event_id)),
  );
}

describe("the simulator's traffic", () => {
  const day = { start: hourOf(DAY[0]), end: hourOf(DAY[1]) };
  let events: AmplitudeEvent[];
  beforeAll(() => {
    events = [...new AmplitudeSimulator(TRAFFIC).events(day)];
  });

  it("lets sessions run on into the next hour, exported by upload time and never stamped at the hour's end", () => {
    const crossing = sessionsOf(events).filter(
      (steps) =>
        Math.floor(ms(steps[0]!.event_time) / 3_600_000) <
        Math.floor(ms(steps.at(-1)!.event_time) / 3_600_000),
    );
    expect(crossing.length).toBeGreaterThan(0);
    // No second of the hour holds a pile of events, as one did when times were clamped to the hour's end.
    const unique = new Map(events.map((e) => [e.uuid, e]));
    const stamps = new Map<string, number>();
    for (const e of unique.values()) {
      const stamp = String(e.event_time).slice(14, 23);
      stamps.set(stamp, (stamps.get(stamp) ?? 0) + 1);
    }
    expect(Math.max(...stamps.values())).toBeLessThanOrEqual(2);
    const lateInHour = [...unique.values()].filter((e) => String(e.event_time).slice(14, 16) === "59");
    expect(lateInHour.length).toBeLessThan(unique.size / 20);
  });

  it("serves an hour the same whether or not the hour before it was asked first", () => {
    const first = hourOf("2025-11-04T08");
    const warmed = new AmplitudeSimulator(TRAFFIC);
    const together = [...warmed.events({ start: first - 1, end: first + 3 })];
    let fromHourBefore = 0;
    for (let hour = first; hour <= first + 3; hour++) {
      const alone = [...new AmplitudeSimulator(TRAFFIC).events({ start: hour, end: hour })];
      const inHour = (e: AmplitudeEvent) => Math.floor(ms(e.server_upload_time) / 3_600_000) === hour;
      expect(together.filter(inHour)).toEqual(alone);
      expect([...warmed.events({ start: hour, end: hour })]).toEqual(alone);
      fromHourBefore += alone.filter((e) => Math.floor(ms(e.event_time) / 3_600_000) < hour).length;
    }
    // Some of an hour's events belong to sessions that began in the hour before.
    expect(fromHourBefore).toBeGreaterThan(0);
  });

  it("starts every submitted form first, and leaves a quarter or so of the forms started unsubmitted", () => {
    let started = 0;
    let submitted = 0;
    for (const steps of sessionsOf(events)) {
      const types = steps.map((e) => e.event_type);
      const start = types.indexOf(FORM_STARTED);
      const submit = types.indexOf(FORM_SUBMITTED);
      if (submit >= 0) expect(start, "a form submitted before it was started").toBeGreaterThanOrEqual(0);
      if (submit >= 0) expect(start).toBeLessThan(submit);
      if (start >= 0) started += 1;
      if (start >= 0 && submit > start) submitted += 1;
    }
    expect(started).toBeGreaterThan(20);
    const abandoned = 1 - submitted / started;
    expect(abandoned).toBeGreaterThan(0.1);
    expect(abandoned).toBeLessThan(0.4);
  });

  it("goes back to the page before now and then (A → B → A)", () => {
    const sessions = sessionsOf(events);
    const loops = sessions.filter((steps) => {
      const pages = steps
        .filter((e) => e.event_type === "[Amplitude] Page Viewed")
        .map((e) => (e.event_properties as Record<string, unknown>)["[Amplitude] Page Title"]);
      return pages.some((page, i) => i >= 2 && page === pages[i - 2] && page !== pages[i - 1]);
    });
    expect(loops.length).toBeGreaterThan(sessions.length / 20);
    expect(loops.length).toBeLessThan(sessions.length / 2);
  });

  it("has users on several devices and several networks, each device always the same kind", () => {
    const devices = new Map<unknown, Set<unknown>>();
    const addresses = new Map<unknown, Set<unknown>>();
    const kinds = new Map<unknown, string>();
    for (const e of events) {
      devices.set(e.amplitude_id, (devices.get(e.amplitude_id) ?? new Set()).add(e.device_id));
      addresses.set(e.amplitude_id, (addresses.get(e.amplitude_id) ?? new Set()).add(e.ip_address));
      const kind = `${String(e.device_type)} ${String(e.os_name)} ${String(e.platform)}`;
      expect(kinds.get(e.device_id) ?? kind).toBe(kind);
      kinds.set(e.device_id, kind);
    }
    expect([...devices.values()].filter((set) => set.size >= 2).length).toBeGreaterThan(devices.size / 40);
    expect([...addresses.values()].filter((set) => set.size >= 2).length).toBeGreaterThan(
      addresses.size / 20,
    );
  });
});

describe("the marts over a simulated day", () => {
  // Built once for all the tests below (the per-test helpers would close and remove it after the first).
  let dir: string;
  let warehouse: DuckDbWarehouse;
  beforeAll(async () => {
    const { lake } = await simulatedLake([DAY], { simulator: TRAFFIC });
    dir = await mkdtemp(join(tmpdir(), "simulator-traffic-"));
    warehouse = await DuckDbWarehouse.open(join(dir, "warehouse.duckdb"), { create: true });
    const { result } = await loadAndTransform(lake, warehouse);
    expect(result.failed).toBe(false);
  }, 120_000);
  afterAll(async () => {
    await warehouse?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const count = async (sql: string) => Number(Object.values((await warehouse.query(sql))[0]!)[0]);

  it("page_paths has entry and exit pages, time on page, and loops", async () => {
    const [row] = await warehouse.query<Record<string, bigint>>(
      `select count(*) filter (where is_entry_page) as entries,
              count(*) filter (where is_exit_page) as exits,
              count(time_on_page_seconds) as timed,
              count(*) filter (where event_type = '[Amplitude] Page Viewed'
                               and page_path = lag_2 and page_path <> previous_step_page_path) as loops
       from (select *, lag(page_path, 2) over (partition by amplitude_id, session_id, event_type = '[Amplitude] Page Viewed'
                                                order by step_in_session) as lag_2
             from marts.page_paths)`,
    );
    expect(Number(row!.entries)).toBeGreaterThan(0);
    expect(Number(row!.exits)).toBeGreaterThan(0);
    expect(Number(row!.timed)).toBeGreaterThan(0);
    expect(Number(row!.loops)).toBeGreaterThan(0);
  });

  it.each(["form_abandoned", "rage_click", "repeated_click", "page_return", "page_loop"])(
    "web_issues finds %s",
    async (kind) => {
      expect(
        await count(`select count(*) from marts.web_issues where issue_type = '${kind}'`),
      ).toBeGreaterThan(0);
    },
  );

  it("web_issues finds a form abandoned in a fair share of the sessions that start one, not most", async () => {
    const abandoned = await count(
      "select count(distinct (amplitude_id, session_id)) from marts.web_issues where issue_type = 'form_abandoned'",
    );
    const started = await count(
      `select count(distinct (amplitude_id, session_id)) from core.events where event_type = '${FORM_STARTED}'`,
    );
    expect(abandoned / started).toBeGreaterThan(0.1);
    expect(abandoned / started).toBeLessThan(0.4);
  });

  it.each(["high", "medium", "low"])(
    "company_traffic attributes users with %s confidence",
    async (confidence) => {
      expect(
        await count(`select count(*) from marts.company_traffic where confidence = '${confidence}'`),
      ).toBeGreaterThan(0);
    },
  );

  it("holds no form submitted in a session before a form was started", async () => {
    const submittedFirst = await count(
      `select count(*) from core.events as submit
       where submit.event_type = '${FORM_SUBMITTED}' and submit.session_id <> -1
         and not exists (
           select 1 from core.events as start
           where start.event_type = '${FORM_STARTED}' and start.amplitude_id = submit.amplitude_id
             and start.session_id = submit.session_id and start.event_time <= submit.event_time)`,
    );
    expect(submittedFirst).toBe(0);
    expect(
      await count(`select count(*) from core.events where event_type = '${FORM_SUBMITTED}'`),
    ).toBeGreaterThan(0);
  });

  it("shows users with several devices, addresses and places, and sessions across an hour", async () => {
    expect(
      await count(
        `select count(*) from (select amplitude_id from core.events group by amplitude_id
                               having count(distinct device_id) >= 2)`,
      ),
    ).toBeGreaterThan(0);
    expect(await count("select count(distinct platform || os_name) from core.devices")).toBeGreaterThan(2);
    expect(
      await count(
        `select count(*) from (select amplitude_id from restricted.locations group by amplitude_id
                               having count(distinct ip_address) >= 2 and count(distinct city) >= 2)`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await count(
        `select count(*) from (select amplitude_id, session_id from core.events where session_id <> -1
                               group by all
                               having date_trunc('hour', min(event_time)) < date_trunc('hour', max(event_time)))`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await count(`select count(*) from core.events where strftime(event_time, '%M:%S.%g') = '59:54.999'`),
    ).toBeLessThanOrEqual(1);
  });
});
