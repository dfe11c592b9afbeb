import { gunzipSync } from "node:zlib";
import fetch from "node-fetch";
import { describe, expect, it } from "vitest";
import * as yauzl from "yauzl-promise";
import type { HourWindow } from "../src/amplitude/hours.ts";
import {
  AmplitudeSimulator,
  DEFAULT_REPROCESS_RATES,
  type ReprocessOptions,
} from "../src/amplitude/simulator/server.ts";
import type { AmplitudeEvent } from "../src/amplitude/simulator/traffic.ts";
import { hourOf, simulator } from "./support/simulator.ts";

const DAY: HourWindow = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") };
const SMALL = { eventsPerHour: 40, users: 30 };
const NO_CHANGES = Object.fromEntries(Object.keys(DEFAULT_REPROCESS_RATES).map((kind) => [kind, 0]));

/** The members of one export, by name: their gzip bytes as served. */
async function exportMembers(sim: AmplitudeSimulator, window: HourWindow): Promise<Map<string, Buffer>> {
  const hour = (h: number) => new Date(h * 3_600_000).toISOString().slice(0, 13).replace(/-/g, "");
  const response = await fetch(
    `${sim.url}/api/2/export?start=${hour(window.start)}&end=${hour(window.end)}`,
    {
      headers: { Authorization: "Basic " + Buffer.from(`${sim.apiKey}:${sim.secretKey}`).toString("base64") },
    },
  );
  expect(response.status).toBe(200);
  const zip = await yauzl.fromBuffer(Buffer.from(await response.arrayBuffer()));
  const members = new Map<string, Buffer>();
  try {
    for await (const entry of zip) {
      const chunks: Buffer[] = [];
      for await (const chunk of await entry.openReadStream()) chunks.push(chunk as Buffer);
      members.set(entry.filename, Buffer.concat(chunks));
    }
  } finally {
    await zip.close();
  }
  return members;
}

function linesOf(members: Map<string, Buffer>): string[] {
  return [...members.values()].flatMap((gz) => gunzipSync(gz).toString("utf8").split("\n").filter(Boolean));
}

const eventsOf = (reprocess?: ReprocessOptions, window = DAY) => [
  ...new AmplitudeSimulator({ ...SMALL, reprocess }).events(window),
];

const processedMs = (event: AmplitudeEvent) =>
  Date.parse(String(event.processed_time).replace(" ", "T") + "Z");

describe("the simulator's re-processing switch", () => {
  it("changes nothing in round 0: the same events and the same gzip bytes as without the switch", async () => {
    expect(eventsOf({ round: 0, seed: 5 })).toEqual(eventsOf());
    const plain = await simulator(SMALL);
    const round0 = await simulator({ ...SMALL, reprocess: { round: 0 } });
    const window = { start: hourOf("2025-11-04T09"), end: hourOf("2025-11-04T11") };
    expect(await exportMembers(round0, window)).toEqual(await exportMembers(plain, window));
  });

  it("re-delivers every uuid with each kind of change on a share of events and a later processed_time", () => {
    const original = eventsOf();
    const round1 = eventsOf({ round: 1 });
    expect(round1.map((e) => e.uuid)).toEqual(original.map((e) => e.uuid));
    const sessionsOf = new Map<unknown, Set<unknown>>();
    for (const e of eventsOf(undefined, { start: DAY.start - 24, end: DAY.end })) {
      if (!sessionsOf.has(e.amplitude_id)) sessionsOf.set(e.amplitude_id, new Set());
      sessionsOf.get(e.amplitude_id)!.add(e.session_id);
    }
    const seen = new Map<string, number>();
    const count = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
    round1.forEach((event, i) => {
      const before = original[i]!;
      // The export filters on server_upload_time: a re-processed event stays in its hour.
      expect(event.server_upload_time).toBe(before.server_upload_time);
      const changed = Object.keys(before).filter(
        (key) => JSON.stringify(event[key]) !== JSON.stringify(before[key]),
      );
      if (changed.length === 0) return count("unchanged");
      expect(changed).toContain("processed_time");
      expect(processedMs(event)).toBeGreaterThan(processedMs(before));
      const properties = event.event_properties as Record<string, unknown>;
      if (changed.includes("event_properties")) {
        expect(Object.keys(properties).length).toBeLessThan(Object.keys(before.event_properties!).length);
        count(Object.keys(properties).length === 0 ? "all properties removed" : "some properties removed");
      }
      if (changed.includes("session_id")) {
        if (event.session_id === -1) count("session -1");
        else if (sessionsOf.get(before.amplitude_id)!.has(event.session_id))
          count("another existing session");
        else count("new session");
      }
      if (changed.includes("user_id")) {
        expect(before.user_id).toBeNull();
        expect(event.user_id).toMatch(/@/);
        count("user id gained");
      }
      if (changed.includes("event_type")) count("event type");
      if (changed.includes("amplitude_id")) count("amplitude_id");
      if (changed.includes("device_id")) count("device_id");
    });
    const total = round1.length;
    expect(seen.get("unchanged")! / total).toBeGreaterThan(0.4);
    for (const kind of [
      "some properties removed",
      "all properties removed",
      "session -1",
      "another existing session",
      "new session",
      "user id gained",
      "event type",
      "amplitude_id",
      "device_id",
    ]) {
      expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    // The rare kinds stay rare.
    expect(seen.get("amplitude_id")! / total).toBeLessThan(0.05);
  });

  it("gives later rounds later versions, and serves an earlier round again exactly as before", async () => {
    const round1 = eventsOf({ round: 1 });
    const round2 = eventsOf({ round: 2 });
    expect(round2).not.toEqual(round1);
    round2.forEach((event, i) => {
      const older = round1[i]!;
      if (JSON.stringify(event) === JSON.stringify(older)) return;
      expect(processedMs(event), event.uuid).toBeGreaterThan(processedMs(older));
    });
    // Within a delivery, a re-delivered uuid's later line stays the later one.
    const lines = new Map<string, AmplitudeEvent>();
    for (const event of round2) {
      const earlier = lines.get(event.uuid);
      if (earlier) expect(processedMs(event)).toBeGreaterThan(processedMs(earlier));
      lines.set(event.uuid, event);
    }

    const sim = await simulator({ ...SMALL, reprocess: { round: 1 } });
    const window = { start: hourOf("2025-11-04T08"), end: hourOf("2025-11-04T12") };
    const first = await exportMembers(sim, window);
    sim.reprocess = { round: 2 };
    const second = await exportMembers(sim, window);
    sim.reprocess = { round: 1 };
    const again = await exportMembers(sim, window);
    expect(again).toEqual(first);
    expect(linesOf(second)).not.toEqual(linesOf(first));
    expect(linesOf(first)).toEqual(eventsOf({ round: 1 }, window).map((e) => JSON.stringify(e)));
  });

  it("gives each round its own gzip bytes even where no event changed", async () => {
    const sim = await simulator({ ...SMALL, reprocess: { round: 1, rates: NO_CHANGES } });
    const window = { start: hourOf("2025-11-04T09"), end: hourOf("2025-11-04T10") };
    const round1 = await exportMembers(sim, window);
    sim.reprocess = { round: 2, rates: NO_CHANGES };
    const round2 = await exportMembers(sim, window);
    sim.reprocess = undefined;
    const round0 = await exportMembers(sim, window);
    expect([...round1.keys()]).toEqual([...round0.keys()]);
    for (const [name, bytes] of round0) {
      expect(round1.get(name)!.equals(bytes), name).toBe(false);
      expect(round2.get(name)!.equals(round1.get(name)!), name).toBe(false);
      expect(gunzipSync(round1.get(name)!)).toEqual(gunzipSync(bytes));
      expect(gunzipSync(round2.get(name)!)).toEqual(gunzipSync(bytes));
    }
  });

  it("re-processes an event the same way whichever window carries it, and differently for another seed", () => {
    const day = eventsOf({ round: 3, seed: 9 });
    const hours = { start: hourOf("2025-11-04T13"), end: hourOf("2025-11-04T17") };
    const part = eventsOf({ round: 3, seed: 9 }, hours);
    const inDay = day.filter(
      (e) => e.server_upload_time >= "2025-11-04 13" && e.server_upload_time < "2025-11-04 18",
    );
    expect(part).toEqual(inDay);
    expect(eventsOf({ round: 3, seed: 9 })).toEqual(day);
    expect(eventsOf({ round: 3, seed: 10 })).not.toEqual(day);
  });

  it("serves each round from the cache on its own", async () => {
    const sim = await simulator({ ...SMALL, cache: true });
    const window = { start: hourOf("2025-11-04T09"), end: hourOf("2025-11-04T09") };
    const round0 = await exportMembers(sim, window);
    sim.reprocess = { round: 1, rates: NO_CHANGES };
    const round1 = await exportMembers(sim, window);
    sim.reprocess = { round: 0 };
    expect(await exportMembers(sim, window)).toEqual(round0);
    expect(round1).not.toEqual(round0);
  });

  it("refuses a round or a rate that cannot be meant", () => {
    expect(() => new AmplitudeSimulator({ reprocess: { round: -1 } })).toThrow(
      /round must be a whole number/,
    );
    expect(() => new AmplitudeSimulator({ reprocess: { round: 1.5 } })).toThrow(/round/);
    const sim = new AmplitudeSimulator();
    expect(() => (sim.reprocess = { round: 1, rates: { sessionMoved: 2 } })).toThrow(/share from 0 to 1/);
    expect(() => (sim.reprocess = { round: 1, rates: { sessionsMoved: 0.1 } as never })).toThrow(
      /not a kind of change/,
    );
    expect(sim.reprocess).toBeUndefined();
  });
});
