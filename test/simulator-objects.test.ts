import fetch from "node-fetch";
import { describe, expect, it } from "vitest";
import { AmplitudeSimulator, type SimulatorOptions } from "../src/amplitude/simulator/server.ts";
import { SimulatedObjects } from "../src/amplitude/simulator/objects.ts";
import { EVENT_TYPES } from "../src/amplitude/simulator/traffic.ts";
import { hourOf, simulator } from "./support/simulator.ts";

const NOW = new Date("2026-11-20T10:30:00Z");
const LAST_COMPUTED = Date.parse("2026-11-20T00:00:00Z");
const DAY = SimulatedObjects.window(LAST_COMPUTED);

const auth = (sim: AmplitudeSimulator, secret = sim.secretKey) => ({
  Authorization: "Basic " + Buffer.from(`${sim.apiKey}:${secret}`).toString("base64"),
});

async function get(sim: AmplitudeSimulator, path: string, secret?: string) {
  const response = await fetch(sim.url + path, { headers: auth(sim, secret) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV or plain text
  }
  return { status: response.status, headers: response.headers, text, json: json as Record<string, unknown> };
}

const objectsSimulator = (options: SimulatorOptions = {}) => simulator({ now: () => NOW, ...options });

/** Parses the simulator's member CSV (quoted fields, no quotes inside them). */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...rows] = text.trim().split("\n");
  const columns = header!.split(",").map((c) => JSON.parse(c) as string);
  return rows.map((row) => {
    const values = row.split(",").map((v) => JSON.parse(v) as string);
    return Object.fromEntries(columns.map((c, i) => [c, values[i]!]));
  });
}

async function download(sim: AmplitudeSimulator, cohortId: string) {
  const requested = await get(sim, `/api/5/cohorts/request/${cohortId}`);
  expect(requested.status).toBe(202);
  const requestId = requested.json.request_id as string;
  const status = await get(sim, `/api/5/cohorts/request-status/${requestId}`);
  expect(status.json).toMatchObject({ async_status: "JOB COMPLETED" });
  const file = await get(sim, `/api/5/cohorts/request/${requestId}/file`);
  return { requestId, file };
}

describe("the simulator's groups", () => {
  it("puts company users in their company's group on every event, with properties that change over time", () => {
    const sim = new AmplitudeSimulator();
    const events = [...sim.events({ start: hourOf("2026-11-19T03"), end: hourOf("2026-11-19T12") })];
    const groupsByUser = new Map<number, string>();
    const seatsByDomain = new Map<string, Set<number>>();
    let inGroups = 0;
    let withoutProperties = 0;
    for (const event of events) {
      const groups = event.groups as Record<string, string[]>;
      const key = JSON.stringify(groups);
      const seen = groupsByUser.get(event.amplitude_id as number);
      if (seen !== undefined) expect(key).toBe(seen);
      groupsByUser.set(event.amplitude_id as number, key);
      if (!groups.company) {
        expect(event.group_properties).toEqual({});
        continue;
      }
      inGroups += 1;
      const [domain] = groups.company;
      expect(groups.company).toHaveLength(1);
      const sent = event.group_properties as Record<string, Record<string, Record<string, unknown>>>;
      // An SDK call made before the group call sends none (every fifth event_id).
      if (!sent.company) {
        expect(sent).toEqual({});
        expect(Number(event.event_id) % 5).toBe(0);
        withoutProperties += 1;
        continue;
      }
      const properties = sent.company[domain!];
      expect(properties).toEqual({
        industry: expect.any(String),
        employees: expect.stringMatching(/^\d+-\d+$/),
        licensed_seats: expect.any(Number),
      });
      seatsByDomain.set(
        domain!,
        (seatsByDomain.get(domain!) ?? new Set()).add(properties!.licensed_seats as number),
      );
      if (typeof event.user_id === "string") expect(event.user_id.endsWith(`@${domain}`)).toBe(true);
    }
    // Ten hours cross a six-hour change of seats: the latest event's properties are not the first's.
    expect([...seatsByDomain.values()].some((seats) => seats.size > 1)).toBe(true);
    expect(withoutProperties).toBeGreaterThan(0);
    expect(withoutProperties).toBeLessThan(inGroups * 0.4);
    // Free-mail users are in no group; identified free-mail users exist and carry none.
    expect(inGroups).toBeGreaterThan(events.length * 0.1);
    expect(inGroups).toBeLessThan(events.length * 0.9);
    const freeMail = events.filter(
      (e) => typeof e.user_id === "string" && /@(gmail|yahoo|outlook|hotmail)\./.test(e.user_id),
    );
    expect(freeMail.length).toBeGreaterThan(0);
    for (const event of freeMail) expect(event.groups).toEqual({});
  });

  it("moves an event's groups with it when a re-export gives it another user's amplitude_id", () => {
    const first = new AmplitudeSimulator();
    const merged = new AmplitudeSimulator({
      reprocess: {
        round: 1,
        rates: {
          propertiesRemoved: 0,
          sessionMoved: 0,
          userIdGained: 0,
          eventTypeChanged: 0,
          deviceIdChanged: 0,
          amplitudeIdChanged: 0.5,
        },
      },
    });
    const window = { start: hourOf("2026-11-19T10"), end: hourOf("2026-11-19T11") };
    const groupsOf = new Map([...first.events(window)].map((e) => [e.amplitude_id as number, e.groups]));
    const before = new Map([...first.events(window)].map((e) => [e.uuid, e]));
    let moved = 0;
    let checked = 0;
    for (const event of merged.events(window)) {
      if (event.amplitude_id === before.get(event.uuid)!.amplitude_id) continue;
      moved += 1;
      const theirs = groupsOf.get(event.amplitude_id as number);
      if (theirs === undefined) continue;
      expect(event.groups).toEqual(theirs);
      checked += 1;
    }
    expect(moved).toBeGreaterThan(10);
    expect(checked).toBeGreaterThan(5);
  });
});

describe("the simulator's Taxonomy API", () => {
  it("lists the event types the events carry, each in a category the categories endpoint lists", async () => {
    const sim = await objectsSimulator();
    const types = await get(sim, "/api/2/taxonomy/event");
    const categories = await get(sim, "/api/2/taxonomy/category");
    expect(types.status).toBe(200);
    expect(types.json.success).toBe(true);
    const data = types.json.data as Array<{
      event_type: string;
      category: { name: string };
      description: unknown;
    }>;
    for (const record of data)
      expect(Object.keys(record).sort()).toEqual(["category", "description", "event_type"]);
    const served = new Set([...sim.events(DAY)].map((e) => e.event_type));
    expect(new Set(data.map((r) => r.event_type))).toEqual(served);
    expect(data.map((r) => r.event_type)).toEqual([...EVENT_TYPES]);
    const named = categories.json.data as Array<{ id: number; name: string }>;
    expect(categories.json.success).toBe(true);
    expect(new Set(named.map((c) => c.id)).size).toBe(named.length);
    for (const c of named) expect(Number.isInteger(c.id)).toBe(true);
    expect(new Set(data.map((r) => r.category.name))).toEqual(new Set(named.map((c) => c.name)));
    expect(data.some((r) => r.description === null)).toBe(true);
    expect(sim.objectCounters.requests).toMatchObject({ "taxonomy/event": 1, "taxonomy/category": 1 });
  });
});

describe("the simulator's Behavioral Cohorts API", () => {
  it("lists cohorts computed at the start of the UTC day, sized by their members", async () => {
    const sim = await objectsSimulator();
    const { status, json } = await get(sim, "/api/3/cohorts");
    expect(status).toBe(200);
    const cohorts = json.cohorts as Array<Record<string, unknown>>;
    expect(cohorts.length).toBeGreaterThanOrEqual(3);
    expect(cohorts.length).toBeLessThanOrEqual(5);
    const members = await sim.objects.membersAt(LAST_COMPUTED);
    for (const [index, cohort] of cohorts.entries()) {
      expect(cohort).toMatchObject({
        appId: sim.traffic.appId,
        archived: false,
        published: true,
        type: "redshift",
        id: expect.stringMatching(/^[a-z0-9]{7}$/),
        name: expect.any(String),
        owners: [expect.any(String)],
        definition: expect.objectContaining({ cohortType: "UNIQUES" }),
        // Amplitude's docs show cohort timestamps in seconds; the last cohort sends ISO text.
        lastComputed:
          index === cohorts.length - 1 ? new Date(LAST_COMPUTED).toISOString() : LAST_COMPUTED / 1000,
      });
      expect(cohort.size).toBe(members.get(cohort.id as string)!.length);
    }
    expect(cohorts.every((c) => (c.size as number) > 0)).toBe(true);
  });

  it("serves members who had the cohort's events that day, with the email they identified with", async () => {
    const sim = await objectsSimulator();
    const events = [...sim.events(DAY)];
    const { json } = await get(sim, "/api/3/cohorts");
    const cohorts = json.cohorts as Array<{ id: string; name: string; size: number }>;
    const applicants = cohorts.find((c) => c.name === "Applicants")!;
    const { file } = await download(sim, applicants.id);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(file.text.split("\n")[0]).toBe('"amplitude_id","user_id"');
    const rows = csvRows(file.text);
    const expected = new Map<string, string>();
    for (const e of events.filter((e) => e.event_type === "[Amplitude] Form Submitted")) {
      expected.set(String(e.amplitude_id), "");
    }
    for (const e of events) {
      const id = String(e.amplitude_id);
      if (expected.get(id) === "" && typeof e.user_id === "string") expected.set(id, e.user_id);
    }
    expect(rows).toHaveLength(applicants.size);
    expect(new Map(rows.map((r) => [r.amplitude_id!, r.user_id!]))).toEqual(expected);
    expect(rows.some((r) => r.user_id === "")).toBe(true);
    expect(rows.some((r) => r.user_id!.includes("@"))).toBe(true);
    expect(sim.objectCounters).toMatchObject({
      cohortRequests: 1,
      cohortFiles: 1,
      cohortMembers: rows.length,
    });

    // props=1 adds user properties after the two ids.
    const withProps = await get(sim, `/api/5/cohorts/request/${applicants.id}?props=1`);
    const file2 = await get(sim, `/api/5/cohorts/request/${withProps.json.request_id as string}/file`);
    expect(file2.text.split("\n")[0]).toBe('"amplitude_id","user_id","country","city"');
  });

  it("recomputes members when the day moves on, and keeps each request's snapshot", async () => {
    let now = NOW;
    const sim = await simulator({ now: () => now });
    const cohortId = sim.objects.cohortIds[0]!;
    const requested = await get(sim, `/api/5/cohorts/request/${cohortId}`);
    now = new Date(NOW.getTime() + 86_400_000);
    const list = await get(sim, "/api/3/cohorts");
    expect((list.json.cohorts as Array<{ lastComputed: number }>)[0]!.lastComputed).toBe(
      LAST_COMPUTED / 1000 + 86_400,
    );
    const file = await get(sim, `/api/5/cohorts/request/${requested.json.request_id as string}/file`);
    const before = (await sim.objects.membersAt(LAST_COMPUTED)).get(cohortId)!;
    const after = (await sim.objects.membersAt(LAST_COMPUTED + 86_400_000)).get(cohortId)!;
    expect(csvRows(file.text).map((r) => Number(r.amplitude_id))).toEqual(before.map((m) => m.amplitude_id));
    expect(after.map((m) => m.amplitude_id)).not.toEqual(before.map((m) => m.amplitude_id));
  });

  it("keeps a job in progress for the polls asked for, and refuses its file until then", async () => {
    const sim = await objectsSimulator({ faults: { cohortInProgressPolls: 2 } });
    const requested = await get(sim, `/api/5/cohorts/request/${sim.objects.cohortIds[1]!}`);
    const requestId = requested.json.request_id as string;
    expect((await get(sim, `/api/5/cohorts/request/${requestId}/file`)).status).toBe(400);
    const polls = [];
    for (let i = 0; i < 3; i++) polls.push(await get(sim, `/api/5/cohorts/request-status/${requestId}`));
    expect(polls.map((p) => [p.status, p.json.async_status])).toEqual([
      [202, "JOB INPROGRESS"],
      [202, "JOB INPROGRESS"],
      [200, "JOB COMPLETED"],
    ]);
    expect((await get(sim, `/api/5/cohorts/request/${requestId}/file`)).status).toBe(200);
    expect((await get(sim, "/api/5/cohorts/request-status/nosuch")).status).toBe(404);
    expect((await get(sim, "/api/5/cohorts/request/nosuch1")).status).toBe(404);
  });

  it("answers 429 with Retry-After past 4 open requests, and frees a slot once a file is fetched", async () => {
    const sim = await objectsSimulator();
    const [a, b, c, d] = sim.objects.cohortIds;
    const ids = [];
    for (const id of [a, b, c, d])
      ids.push((await get(sim, `/api/5/cohorts/request/${id}`)).json.request_id as string);
    const fifth = await get(sim, `/api/5/cohorts/request/${a}`);
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get("retry-after")).toBe("60");
    expect(fifth.text).toMatch(/parallel/);
    await get(sim, `/api/5/cohorts/request/${ids[0]!}/file`);
    expect((await get(sim, `/api/5/cohorts/request/${a}`)).status).toBe(202);
    expect(sim.objectCounters.maxParallelCohortRequests).toBe(4);
    expect(sim.objectCounters.cohortRequests).toBe(5);
  });

  it("answers 429 once the month's download allowance is used, and allows downloads again next month", async () => {
    let now = new Date("2026-11-30T12:00:00Z");
    const sim = await simulator({ now: () => now, cohortDownloadQuota: 2 });
    const id = sim.objects.cohortIds[0]!;
    await download(sim, id);
    await download(sim, id);
    const third = await get(sim, `/api/5/cohorts/request/${id}`);
    expect(third.status).toBe(429);
    expect(third.text).toMatch(/monthly limit of 2 cohort download requests/);
    expect(third.headers.get("retry-after")).toBeNull();
    now = new Date("2026-12-01T00:10:00Z");
    expect((await get(sim, `/api/5/cohorts/request/${id}`)).status).toBe(202);
    expect(sim.objectCounters.cohortRequests).toBe(3);
  });
});

describe("the simulator's plans and faults on the object endpoints", () => {
  it("answers 403 on the API a plan lacks only, and the export still works", async () => {
    const sim = await objectsSimulator({ plan: { taxonomy: false } });
    const refused = await get(sim, "/api/2/taxonomy/event");
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ success: false, errors: [{ message: expect.stringMatching(/plan/) }] });
    expect((await get(sim, "/api/2/taxonomy/category")).status).toBe(403);
    expect((await get(sim, "/api/3/cohorts")).status).toBe(200);
    expect((await get(sim, "/api/2/export?start=20261119T10&end=20261119T10")).status).toBe(200);

    const noCohorts = await objectsSimulator({ plan: { cohorts: false } });
    for (const path of ["/api/3/cohorts", `/api/5/cohorts/request/${noCohorts.objects.cohortIds[0]!}`]) {
      const answer = await get(noCohorts, path);
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({
        error: { http_code: 403, message: expect.stringMatching(/plan/) },
      });
    }
    expect((await get(noCohorts, "/api/2/taxonomy/event")).status).toBe(200);
  });

  it("answers 401 to a wrong secret, and applies rateLimit, serverError and forceStatus", async () => {
    const sim = await objectsSimulator({
      faults: { rateLimit: { times: 1, retryAfterSeconds: 9 }, serverError: { times: 1, status: 502 } },
    });
    expect((await get(sim, "/api/3/cohorts", "wrong")).status).toBe(401);
    const limited = await get(sim, "/api/2/taxonomy/event");
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "9"]);
    expect((await get(sim, "/api/3/cohorts")).status).toBe(502);
    expect((await get(sim, "/api/3/cohorts")).status).toBe(200);
    sim.faults = { forceStatus: 503 };
    expect((await get(sim, "/api/2/taxonomy/category")).status).toBe(503);
    expect(sim.objectCounters.requests).toEqual({ cohorts: 3, "taxonomy/event": 1, "taxonomy/category": 1 });
    // The export's counters are the export's.
    expect(sim.served.requests).toBe(0);
  });
});
