import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fetch from "node-fetch";
import { describe, expect, it } from "vitest";
import * as yauzl from "yauzl-promise";
import { ExportClient } from "../src/amplitude/export-client.ts";
import type { WindowManifest } from "../src/amplitude/extract.ts";
import { formatWindow, type HourWindow } from "../src/amplitude/hours.ts";
import { ConfigurationError } from "../src/errors.ts";
import { gunzipLines, listFiles, readJson, sha256File, tempDir } from "./support/files.ts";
import { clientFor, extractFrom, hourOf, simulator } from "./support/simulator.ts";

const DAY: HourWindow = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") };
const APP = "187520";

async function windowFolders(out: string): Promise<string[]> {
  return (await readdir(join(out, APP)).catch(() => [])).sort();
}

/** The member files of the ZIP the simulator serves for a window, name -> sha256. */
async function servedMembers(url: string, sim: { apiKey: string; secretKey: string }, window: HourWindow) {
  const client = new ExportClient({ baseUrl: url, apiKey: sim.apiKey, secretKey: sim.secretKey });
  const response = await fetch(client.exportUrl(window), {
    headers: { Authorization: "Basic " + Buffer.from(`${sim.apiKey}:${sim.secretKey}`).toString("base64") },
  });
  const zip = await yauzl.fromBuffer(Buffer.from(await response.arrayBuffer()));
  const members = new Map<string, string>();
  for await (const entry of zip) {
    const hash = createHash("sha256");
    for await (const chunk of await entry.openReadStream()) hash.update(chunk as Buffer);
    members.set(entry.filename, hash.digest("hex"));
  }
  await zip.close();
  return members;
}

describe("extract against the Amplitude simulator", () => {
  it("writes each window's members byte for byte with a manifest, and reports what was served", async () => {
    const sim = await simulator({ cache: true });
    const out = await tempDir();
    const range = { start: DAY.start, end: DAY.end + 24 };
    const { summary } = await extractFrom(sim, { range, outDir: out });

    expect(summary.failed).toEqual([]);
    expect(summary.windows).toBe(2);
    expect(summary.events).toBe(sim.served.events);
    expect(summary.files).toBe(sim.served.files);
    expect(summary.bytes).toBe(sim.served.bytes);
    expect(summary.rejected).toBe(0);
    expect(await windowFolders(out)).toEqual(["2025-11-04T00_2025-11-04T23", "2025-11-05T00_2025-11-05T23"]);

    const folder = join(out, APP, "2025-11-04T00_2025-11-04T23");
    const manifest = await readJson<WindowManifest>(join(folder, "manifest.json"));
    expect(manifest.app_id).toBe(APP);
    expect(manifest.window).toEqual({ start: "2025-11-04T00", end: "2025-11-04T23" });
    // Hour 03 is quiet in the simulator: 23 hourly members, none for 03.
    expect(manifest.files).toHaveLength(23);
    expect(manifest.files.map((f) => f.name)).not.toContain(`${APP}_2025-11-04_3#0.json.gz`);
    expect(manifest.files.map((f) => f.name)).toContain(`${APP}_2025-11-04_7#0.json.gz`);

    const served = await servedMembers(sim.url, sim, DAY);
    for (const file of manifest.files) {
      expect(await sha256File(join(folder, file.name))).toBe(file.sha256);
      expect(served.get(file.member)).toBe(file.sha256);
      const lines = await gunzipLines(join(folder, file.name));
      expect(file.lines).toBe(lines.length);
      expect(file.events).toBe(lines.length);
      const hour = file.name.match(/_(\d+)#/)![1]!.padStart(2, "0");
      expect(file.min_server_upload_time!.startsWith(`2025-11-04 ${hour}:`)).toBe(true);
      expect(file.max_server_upload_time! >= file.min_server_upload_time!).toBe(true);
    }
    expect(manifest.totals.events).toBe([...sim.events(DAY)].length);
    expect(manifest.timings.attempts).toBe(1);
    expect(await readdir(out)).toEqual([APP]);
  });

  it("delivers the simulator's re-delivered uuids as separate lines, as Amplitude does", async () => {
    const sim = await simulator({ duplicateRate: 0.2 });
    const out = await tempDir();
    const { summary } = await extractFrom(sim, { range: DAY, outDir: out });
    const uuids = [...sim.events(DAY)].map((e) => e.uuid);
    expect(new Set(uuids).size).toBeLessThan(uuids.length);
    expect(summary.events).toBe(uuids.length);
  });

  it("treats 404 'No data available' as an empty window and writes no folder", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const quiet = { start: hourOf("2025-11-04T03"), end: hourOf("2025-11-04T03") };
    const { summary } = await extractFrom(sim, { range: quiet, outDir: out });
    expect(summary.outcomes).toEqual([{ status: "empty", window: quiet, attempts: 1 }]);
    expect(summary.windows).toBe(1);
    expect(summary.files).toBe(0);
    expect(await listFiles(out)).toEqual([]);
  });

  it("cuts a member per part when an hour is large, keeping Amplitude's #N names", async () => {
    const sim = await simulator({ eventsPerMember: 10 });
    const out = await tempDir();
    const hour = { start: hourOf("2025-11-04T10"), end: hourOf("2025-11-04T10") };
    const { summary } = await extractFrom(sim, { range: hour, outDir: out });
    const names = (await listFiles(join(out, APP))).filter((n) => n.endsWith(".gz"));
    expect(names.length).toBeGreaterThan(2);
    expect(names).toContain(`2025-11-04T10_2025-11-04T10/${APP}_2025-11-04_10#1.json.gz`);
    expect(summary.events).toBe([...sim.events(hour)].length);
  });

  it("reads ZIPs whose entries are deflated as well as stored", async () => {
    const sim = await simulator({ deflateEntries: true });
    const { summary } = await extractFrom(sim, { range: DAY, outDir: await tempDir() });
    expect(summary.files).toBe(23);
    expect(summary.events).toBe(sim.served.events);
  });

  it("halves a window on 400 'too large' down to what Amplitude accepts, losing no hour", async () => {
    const sim = await simulator({ faults: { tooLargeAboveHours: 6 } });
    const out = await tempDir();
    const { summary } = await extractFrom(sim, { range: DAY, outDir: out });
    expect(summary.failed).toEqual([]);
    expect(sim.requests).toEqual([
      "20251104T00-20251104T23",
      "20251104T00-20251104T11",
      "20251104T00-20251104T05",
      "20251104T06-20251104T11",
      "20251104T12-20251104T23",
      "20251104T12-20251104T17",
      "20251104T18-20251104T23",
    ]);
    expect(await windowFolders(out)).toEqual([
      "2025-11-04T00_2025-11-04T05",
      "2025-11-04T06_2025-11-04T11",
      "2025-11-04T12_2025-11-04T17",
      "2025-11-04T18_2025-11-04T23",
    ]);
    expect(summary.events).toBe([...sim.events(DAY)].length);
    expect(summary.files).toBe(23);
  });

  it("halves a window on 504 the same way", async () => {
    const sim = await simulator({ faults: { timeoutAboveHours: 12 } });
    const { summary } = await extractFrom(sim, { range: DAY, outDir: await tempDir() });
    expect(summary.failed).toEqual([]);
    expect(summary.outcomes.map((o) => formatWindow(o.window))).toEqual([
      "2025-11-04T00_2025-11-04T11",
      "2025-11-04T12_2025-11-04T23",
    ]);
    expect(summary.events).toBe([...sim.events(DAY)].length);
  });

  it("fails an hour that cannot be exported even alone, naming it and the remedy, and keeps every other hour", async () => {
    const bad = hourOf("2025-11-04T13");
    const sim = await simulator({ faults: { failingHours: [bad] } });
    const out = await tempDir();
    const { summary } = await extractFrom(sim, { range: DAY, outDir: out });

    expect(summary.failed).toHaveLength(1);
    const [failed] = summary.failed;
    expect(failed!.window).toEqual({ start: bad, end: bad });
    expect(failed!.error).toMatch(/^hour 2025-11-04T13 could not be exported: .*HTTP 504/);
    expect(failed!.error).toMatch(/re-run `extract --start 2025-11-04T13 --end 2025-11-04T13`/);
    // Every other hour is backed up; the failed one left nothing behind.
    const files = await listFiles(out);
    expect(files.filter((f) => f.endsWith(".json.gz"))).toHaveLength(22);
    expect(files.some((f) => f.includes("_13#"))).toBe(false);
    expect(files.some((f) => f.includes(".tmp"))).toBe(false);
    expect(summary.events).toBe([...sim.events(DAY)].length - [...sim.events(failed!.window)].length);
  });

  it("waits for Retry-After on 429 and then succeeds, without using up the window's attempts", async () => {
    const sim = await simulator({ faults: { rateLimit: { times: 5, retryAfterSeconds: 7 } } });
    const { summary, sleeps } = await extractFrom(sim, { range: DAY, outDir: await tempDir(), attempts: 2 });
    expect(summary.failed).toEqual([]);
    expect(sleeps).toHaveLength(5);
    for (const ms of sleeps) {
      expect(ms).toBeGreaterThanOrEqual(7_000);
      expect(ms).toBeLessThan(8_100);
    }
    expect(summary.outcomes[0]!.attempts).toBe(6);
  });

  it("retries 5xx with capped exponential backoff", async () => {
    const sim = await simulator({ faults: { serverError: { times: 3, status: 503 } } });
    const { summary, sleeps } = await extractFrom(sim, {
      range: DAY,
      outDir: await tempDir(),
      attempts: 5,
      backoff: { baseMs: 1_000, maxMs: 3_000 },
    });
    expect(summary.failed).toEqual([]);
    // random() = 0.5 gives three quarters of each ceiling: 1000, 2000, then the 3000 cap.
    expect(sleeps).toEqual([750, 1_500, 2_250]);
  });

  it("retries a body cut off mid-transfer and a truncated ZIP, then succeeds", async () => {
    for (const mode of ["connection", "zip"] as const) {
      const sim = await simulator({ faults: { truncate: { times: 1, mode } } });
      const out = await tempDir();
      const { summary, sleeps } = await extractFrom(sim, { range: DAY, outDir: out });
      expect(summary.failed).toEqual([]);
      expect(sleeps).toHaveLength(1);
      expect(summary.events).toBe([...sim.events(DAY)].length);
      expect(summary.outcomes[0]!.attempts).toBe(2);
    }
  });

  it("splits a window whose body is always cut short, down to hours that then fail clearly", async () => {
    const sim = await simulator({ faults: { truncate: { times: 1_000, mode: "zip" } } });
    const out = await tempDir();
    const range = { start: hourOf("2025-11-04T10"), end: hourOf("2025-11-04T11") };
    const { summary } = await extractFrom(sim, { range, outDir: out, attempts: 2 });
    expect(summary.failed.map((f) => formatWindow(f.window))).toEqual([
      "2025-11-04T10_2025-11-04T10",
      "2025-11-04T11_2025-11-04T11",
    ]);
    expect(summary.failed[0]!.error).toMatch(/hour 2025-11-04T10 could not be exported: .*ZIP/);
    expect(sim.requests).toHaveLength(6);
    expect(await listFiles(out)).toEqual([]);
  });

  it("retries a corrupt gzip member and succeeds when the next delivery is sound", async () => {
    const sim = await simulator({ faults: { corruptMember: { times: 1 } } });
    const out = await tempDir();
    const { summary } = await extractFrom(sim, { range: DAY, outDir: out });
    expect(summary.failed).toEqual([]);
    expect(summary.outcomes[0]!.attempts).toBe(2);
    expect(summary.events).toBe([...sim.events(DAY)].length);
  });

  it("fails only the hour whose member stays corrupt, naming the member", async () => {
    const bad = hourOf("2025-11-04T09");
    const sim = await simulator({ faults: { corruptMember: { times: 1_000, hours: [bad] } } });
    const out = await tempDir();
    const { summary } = await extractFrom(sim, { range: DAY, outDir: out, attempts: 2 });
    expect(summary.failed.map((f) => formatWindow(f.window))).toEqual(["2025-11-04T09_2025-11-04T09"]);
    expect(summary.failed[0]!.error).toMatch(/member 187520\/187520_2025-11-04_9#0\.json\.gz is damaged/);
    const files = (await listFiles(out)).filter((f) => f.endsWith(".json.gz"));
    expect(files).toHaveLength(22);
  });

  it("quarantines malformed lines with their reasons and keeps every valid event", async () => {
    const sim = await simulator({ faults: { badLinesPerMember: 4 } });
    const out = await tempDir();
    const { summary } = await extractFrom(sim, { range: DAY, outDir: out });
    expect(summary.failed).toEqual([]);
    expect(summary.rejected).toBe(4 * 23);
    expect(summary.rejected).toBe(sim.served.badLines);
    expect(summary.events).toBe(sim.served.events);

    const folder = join(out, APP, "2025-11-04T00_2025-11-04T23");
    const manifest = await readJson<WindowManifest>(join(folder, "manifest.json"));
    const file = manifest.files.find((f) => f.name === `${APP}_2025-11-04_7#0.json.gz`)!;
    expect(file.rejected).toBe(4);
    expect(file.lines).toBe(file.events + 4);
    const reasons = (await readFile(join(folder, "rejected", `${APP}_2025-11-04_7#0.reasons.jsonl`), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(reasons.map((r) => r.reason)).toEqual([
      expect.stringMatching(/not valid JSON/),
      "not a JSON object",
      "no uuid",
      "no server_upload_time",
    ]);
    const member = await gunzipLines(join(folder, file.name));
    for (const reason of reasons) expect(member[reason.line - 1]).toBeDefined();
    const raw = (await readFile(join(folder, "rejected", `${APP}_2025-11-04_7#0.lines`), "utf8"))
      .trim()
      .split("\n");
    expect(raw).toEqual(reasons.map((r) => member[r.line - 1]));
  });

  it("replaces a window atomically when it is run again, and retires smaller windows it now covers", async () => {
    const sim = await simulator();
    const out = await tempDir();
    await extractFrom(sim, { range: DAY, outDir: out, hoursPerWindow: 6 });
    expect(await windowFolders(out)).toHaveLength(4);
    await extractFrom(sim, { range: DAY, outDir: out });
    expect(await windowFolders(out)).toEqual(["2025-11-04T00_2025-11-04T23"]);

    const folder = join(out, APP, "2025-11-04T00_2025-11-04T23");
    await writeFile(join(folder, "stray-from-an-earlier-run.txt"), "old");
    const before = await readJson<WindowManifest>(join(folder, "manifest.json"));
    await extractFrom(sim, { range: DAY, outDir: out });
    const after = await readJson<WindowManifest>(join(folder, "manifest.json"));
    expect(await listFiles(folder)).not.toContain("stray-from-an-earlier-run.txt");
    expect(after.files).toEqual(before.files);
    expect(await readdir(out)).toEqual([APP]);
  });

  it("keeps the previous backup of a window when its re-run fails", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const hour = { start: hourOf("2025-11-04T13"), end: hourOf("2025-11-04T13") };
    await extractFrom(sim, { range: hour, outDir: out });
    const folder = join(out, APP, "2025-11-04T13_2025-11-04T13");
    const before = await listFiles(folder);
    sim.faults = { failingHours: [hour.start] };
    const { summary } = await extractFrom(sim, { range: hour, outDir: out });
    expect(summary.failed).toHaveLength(1);
    expect(await listFiles(folder)).toEqual(before);
  });

  it("fetches windows in parallel up to the limit", async () => {
    const sim = await simulator({ eventsPerHour: 100 });
    const range = { start: DAY.start, end: DAY.start + 4 * 24 - 1 };
    await extractFrom(sim, { range, outDir: await tempDir(), concurrency: 2 });
    expect(sim.requests).toHaveLength(4);
    expect(sim.maxConcurrentRequests).toBe(2);
  });

  it("refuses a concurrency above Amplitude's limit of 5", async () => {
    const sim = await simulator();
    await expect(extractFrom(sim, { range: DAY, outDir: await tempDir(), concurrency: 6 })).rejects.toThrow(
      /concurrency must be a whole number from 1 to 5/,
    );
  });

  it("stops with a configuration error naming key, secret and region on 401", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const error = await extractFrom(sim, {
      range: { start: DAY.start, end: DAY.end + 48 },
      outDir: out,
      client: clientFor(sim, { secretKey: "wrong" }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/AMP_API_KEY.*AMP_SECRET_KEY.*AMPLITUDE_REGION/);
    expect((error as Error).message).toMatch(/HTTP 401/);
    expect(await listFiles(out)).toEqual([]);
  });

  it("stops with the same hint on 403", async () => {
    const sim = await simulator({ faults: { forceStatus: 403 } });
    await expect(extractFrom(sim, { range: DAY, outDir: await tempDir() })).rejects.toThrow(
      /HTTP 403.*AMPLITUDE_REGION/,
    );
  });

  it("gives up on an unreachable host after its retries, without splitting, and says what to check", async () => {
    const sim = await simulator();
    const url = sim.url;
    await sim.close();
    const client = new ExportClient({ baseUrl: url, apiKey: "k", secretKey: "s" });
    const { summary, sleeps } = await extractFrom(sim, {
      range: DAY,
      outDir: await tempDir(),
      client,
      attempts: 3,
    });
    expect(sleeps).toHaveLength(2);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.window).toEqual(DAY);
    expect(summary.failed[0]!.error).toMatch(/could not reach .*AMPLITUDE_API_URL/);
  });

  it("treats a 404 that is not Amplitude's empty-window answer as a wrong URL", async () => {
    const sim = await simulator();
    const client = new ExportClient({
      baseUrl: `${sim.url}/wrong-prefix`,
      apiKey: sim.apiKey,
      secretKey: sim.secretKey,
    });
    await expect(extractFrom(sim, { range: DAY, outDir: await tempDir(), client })).rejects.toThrow(
      /not found.*AMPLITUDE_API_URL/,
    );
  });

  it("clears temporary folders that a crashed run left behind a day ago, and none of today's", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const stale = join(out, ".tmp", "2025-11-01T00_2025-11-01T23-dead");
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, "export.zip"), "partial");
    const later = new Date(Date.now() + 25 * 3_600_000);
    await extractFrom(sim, { range: DAY, outDir: out, now: () => later });
    expect(await readdir(out)).toEqual([APP]);
  });
});
