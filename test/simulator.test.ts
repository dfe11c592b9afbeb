import fetch from "node-fetch";
import { describe, expect, it } from "vitest";
import * as yauzl from "yauzl-promise";
import { parseRetryAfter } from "../src/amplitude/export-client.ts";
import { AmplitudeSimulator } from "../src/amplitude/simulator/server.ts";
import { EVENT_TYPES } from "../src/amplitude/simulator/traffic.ts";
import { hourOf, simulator } from "./support/simulator.ts";

const auth = (sim: AmplitudeSimulator, secret = sim.secretKey) => ({
  Authorization: "Basic " + Buffer.from(`${sim.apiKey}:${secret}`).toString("base64"),
});

describe("the Amplitude simulator", () => {
  it("generates the same traffic for the same seed, and different traffic for another", () => {
    const day = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") };
    const a = [...new AmplitudeSimulator({ seed: 7 }).events(day)];
    const b = [...new AmplitudeSimulator({ seed: 7 }).events(day)];
    const c = [...new AmplitudeSimulator({ seed: 8 }).events(day)];
    expect(a).toEqual(b);
    expect(c.map((e) => e.uuid)).not.toEqual(a.map((e) => e.uuid));
  });

  it("produces events shaped like Amplitude's export", () => {
    const sim = new AmplitudeSimulator({ eventsPerHour: 500 });
    const events = [...sim.events({ start: hourOf("2025-11-04T10"), end: hourOf("2025-11-04T10") })];
    const event = events[0]!;
    expect(Object.keys(event)).toHaveLength(55);
    // An hour's export holds the end of sessions that began in the hour before it.
    for (const e of events) expect(e.event_time).toMatch(/^2025-11-04 (09|10):\d{2}:\d{2}\.\d{6}$/);
    for (const e of events) expect(e.server_upload_time.startsWith("2025-11-04 10:")).toBe(true);
    expect(new Set(events.map((e) => e.event_type))).toEqual(new Set(EVENT_TYPES));
    const pages = events.filter((e) => e.event_type === "[Amplitude] Page Viewed");
    expect(pages[0]!.event_properties).toHaveProperty("[Amplitude] Page Counter");
    expect(events.some((e) => e.user_id === null)).toBe(true);
    expect(events.some((e) => typeof e.user_id === "string" && e.user_id.includes("@"))).toBe(true);
  });

  it("sends a share of page views from an older SDK, with a URL and a title but no Page Path", () => {
    const day = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") };
    const pages = [...new AmplitudeSimulator().events(day)].filter(
      (e) => e.event_type === "[Amplitude] Page Viewed",
    );
    const older = pages.filter((e) => e.library === "amplitude-js/8.21.9");
    for (const e of older) {
      expect(e.event_properties).not.toHaveProperty(["[Amplitude] Page Path"]);
      expect(e.event_properties).toHaveProperty(["[Amplitude] Page Title"]);
      expect(e.event_properties).toHaveProperty(
        ["[Amplitude] Page URL"],
        expect.stringMatching(/^https:\/\/www\.thedataschool\.co\.uk\//),
      );
    }
    for (const e of pages.filter((e) => e.library !== "amplitude-js/8.21.9")) {
      expect(e.event_properties).toHaveProperty(["[Amplitude] Page Path"]);
    }
    // A small share, and always the same users' devices.
    expect(older.length / pages.length).toBeGreaterThan(0.02);
    expect(older.length / pages.length).toBeLessThan(0.2);
    expect(new Set(older.map((e) => e.amplitude_id)).size).toBeGreaterThan(1);
    for (const id of new Set(older.map((e) => e.amplitude_id))) {
      expect(
        pages.filter((e) => e.amplitude_id === id).every((e) => e.library === "amplitude-js/8.21.9"),
      ).toBe(true);
    }
  });

  it("serves a ZIP of <appId>/<appId>_<date>_<H>#<N>.json.gz members", async () => {
    const sim = await simulator();
    const response = await fetch(`${sim.url}/api/2/export?start=20251104T09&end=20251104T10`, {
      headers: auth(sim),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    const zip = await yauzl.fromBuffer(Buffer.from(await response.arrayBuffer()));
    const names = (await zip.readEntries()).map((e) => e.filename);
    await zip.close();
    expect(names).toEqual(["187520/187520_2025-11-04_9#0.json.gz", "187520/187520_2025-11-04_10#0.json.gz"]);
  });

  it("answers 401 to wrong credentials and 400 to a malformed hour", async () => {
    const sim = await simulator();
    const url = `${sim.url}/api/2/export?start=20251104T09&end=20251104T10`;
    expect((await fetch(url, { headers: auth(sim, "nope") })).status).toBe(401);
    expect((await fetch(url)).status).toBe(401);
    const bad = await fetch(`${sim.url}/api/2/export?start=2025-11-04&end=20251104T10`, {
      headers: auth(sim),
    });
    expect(bad.status).toBe(400);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    const now = Date.parse("2025-11-04T10:00:00Z");
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 04 Nov 2025 10:00:12 GMT", now)).toBe(12_000);
    expect(parseRetryAfter("Tue, 04 Nov 2025 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
