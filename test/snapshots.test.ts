import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createObjectsClient } from "../src/amplitude/objects-client.ts";
import type { AmplitudeSimulator } from "../src/amplitude/simulator/server.ts";
import { extractSnapshots, type SnapshotOutcome } from "../src/amplitude/snapshots.ts";
import { printExtract, extractReporter } from "../src/cli/extract-command.ts";
import type { Output } from "../src/cli/output.ts";
import {
  backupSnapshots,
  latestBackupSnapshots,
  snapshotSlot,
  type SnapshotManifest,
} from "../src/lake/snapshot-keys.ts";
import { addExtractToSummary } from "../src/github/summary.ts";
import { extractStep } from "../src/pipeline/extract.ts";
import { runCli } from "./support/cli.ts";
import { listFiles, readJson, sha256File, tempDir } from "./support/files.ts";
import { simulator } from "./support/simulator.ts";

const APP = "187520";
const noSleep = async () => {};

/** The simulated Amplitude's clock, movable: cohorts are recomputed at the start of each UTC day. */
function clock(iso: string) {
  let time = new Date(iso);
  return {
    now: () => time,
    set: (next: string) => {
      time = new Date(next);
    },
  };
}

async function world(options: Parameters<typeof simulator>[0] = {}) {
  const simClock = clock("2025-11-05T03:00:00.000Z");
  const sim = await simulator({ now: simClock.now, ...options });
  return { sim, simClock };
}

function clientOf(sim: AmplitudeSimulator) {
  return createObjectsClient({
    baseUrl: sim.url,
    apiKey: sim.apiKey,
    secretKey: sim.secretKey,
    sleep: noSleep,
    random: () => 0.5,
  });
}

/** One run of extractSnapshots with the backup folder as the previous state, as extract without a lake does. */
async function snapshotRun(sim: AmplitudeSimulator, out: string, at: string) {
  const warnings: string[] = [];
  const summary = await extractSnapshots({
    client: clientOf(sim),
    groups: ["events", "taxonomy", "cohorts"],
    outDir: out,
    appId: APP,
    previous: await latestBackupSnapshots(out, APP),
    now: () => new Date(at),
    runId: "test-run",
    reporter: { warning: (message) => warnings.push(message) },
  });
  return { summary, warnings };
}

function gunzipLines(buffer: Buffer): Array<Record<string, unknown>> {
  return gunzipSync(buffer)
    .toString("utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function byStatus(outcomes: readonly SnapshotOutcome[]) {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = `${o.object} ${o.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function captureOutput() {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    status: () => {},
    isTTY: false,
  };
  return { output, out, err, all: () => [...out, ...err].join("\n") };
}

describe("extractSnapshots against the simulator", () => {
  it("writes one snapshot per object and per cohort, with a header line and a manifest; a second run writes and downloads nothing", async () => {
    const { sim } = await world();
    const out = await tempDir();
    const cohorts = sim.objects.cohortIds;

    const { summary } = await snapshotRun(sim, out, "2025-11-05T03:00:00.000Z");

    expect(summary.failed).toBe(0);
    expect(summary.skipped).toEqual([]);
    expect(byStatus(summary.outcomes)).toEqual({
      "event_types written": 1,
      "event_categories written": 1,
      "cohorts written": 1,
      "cohort_members written": cohorts.length,
    });
    expect(sim.objectCounters.cohortRequests).toBe(cohorts.length);
    const taken = "20251105T030000.000Z";
    const files = await listFiles(join(out, APP, "_objects"));
    expect(files.filter((f) => f.startsWith("event_types/"))).toEqual([
      expect.stringMatching(new RegExp(`^event_types/${taken}_[0-9a-f]{12}/event_types\\.json\\.gz$`)),
      expect.stringMatching(new RegExp(`^event_types/${taken}_[0-9a-f]{12}/manifest\\.json$`)),
    ]);
    expect(files.filter((f) => f.startsWith("cohort_members/"))).toHaveLength(2 * cohorts.length);
    for (const id of cohorts) {
      expect(files).toContainEqual(
        expect.stringMatching(
          new RegExp(`^cohort_members/cohort=${id}/${taken}_[0-9a-f]{12}/members\\.json\\.gz$`),
        ),
      );
    }

    // The file: a header, then each record exactly as the API gave it; the delivery is the hash of that text.
    const latest = await latestBackupSnapshots(out, APP);
    const eventTypes = latest.get(snapshotSlot("event_types", APP))!;
    const folder = join(out, APP, "_objects", "event_types", `${taken}_${eventTypes.delivery}`);
    const gz = await readFile(join(folder, "event_types.json.gz"));
    const lines = gunzipLines(gz);
    const served = sim.objects.eventTypes();
    expect(lines[0]).toEqual({ $snapshot: { object: "event_types", app_id: APP, records: served.length } });
    expect(lines.slice(1)).toEqual(served);
    expect(eventTypes.delivery).toBe(createHash("sha256").update(gunzipSync(gz)).digest("hex").slice(0, 12));
    const manifest = await readJson<SnapshotManifest>(join(folder, "manifest.json"));
    expect(manifest).toEqual({
      manifest_version: 2,
      kind: "snapshot",
      object: "event_types",
      app_id: APP,
      taken_at: "2025-11-05T03:00:00.000Z",
      run_id: "test-run",
      request: "GET /api/2/taxonomy/event",
      delivery: eventTypes.delivery,
      totals: { files: 1, bytes: gz.length, lines: served.length + 1, records: served.length },
      files: [
        {
          name: "event_types.json.gz",
          bytes: gz.length,
          sha256: await sha256File(join(folder, "event_types.json.gz")),
          lines: served.length + 1,
          records: served.length,
        },
      ],
    });

    // Cohort members: the header names the cohort and when it was computed; each member is one line.
    const members = latest.get(snapshotSlot("cohort_members", APP, cohorts[0]))!;
    expect(members.manifest.cohort).toEqual({
      id: cohorts[0],
      name: expect.any(String),
      last_computed: "2025-11-05T00:00:00.000Z",
    });
    const memberLines = gunzipLines(
      await readFile(
        join(
          out,
          APP,
          "_objects",
          "cohort_members",
          `cohort=${cohorts[0]}`,
          `${taken}_${members.delivery}`,
          "members.json.gz",
        ),
      ),
    );
    expect(memberLines[0]).toEqual({
      $snapshot: {
        object: "cohort_members",
        app_id: APP,
        records: memberLines.length - 1,
        cohort_id: cohorts[0],
        last_computed: "2025-11-05T00:00:00.000Z",
      },
    });
    expect(
      memberLines.slice(1).every((m) => m.cohort_id === cohorts[0] && typeof m.amplitude_id === "number"),
    ).toBe(true);
    const totalMembers = summary.outcomes.reduce(
      (n, o) => n + (o.object === "cohort_members" && o.status === "written" ? o.records : 0),
      0,
    );
    expect(totalMembers).toBe(sim.objectCounters.cohortMembers);

    // Nothing changed: every snapshot is unchanged, no cohort is requested again, no folder is added.
    const again = await snapshotRun(sim, out, "2025-11-05T04:00:00.000Z");
    expect(again.summary.written).toBe(0);
    expect(again.summary.unchanged).toBe(3 + cohorts.length);
    expect(sim.objectCounters.cohortRequests).toBe(cohorts.length);
    expect(await listFiles(join(out, APP, "_objects"))).toEqual(files);
    expect(await listFiles(join(out, ".tmp"))).toEqual([]);
  });

  it("downloads a cohort's members again only when its lastComputed changed", async () => {
    const { sim, simClock } = await world();
    const out = await tempDir();
    const cohorts = sim.objects.cohortIds;
    await snapshotRun(sim, out, "2025-11-05T03:00:00.000Z");
    expect(sim.objectCounters.cohortRequests).toBe(cohorts.length);

    // The latest snapshot of one cohort says it was computed earlier: only that cohort is requested again.
    const stale = (await latestBackupSnapshots(out, APP)).get(
      snapshotSlot("cohort_members", APP, cohorts[1]),
    )!;
    const manifest = {
      ...stale.manifest,
      cohort: { ...stale.manifest.cohort!, last_computed: "2025-11-04T00:00:00.000Z" },
    };
    await writeFile(stale.location, JSON.stringify(manifest));
    const one = await snapshotRun(sim, out, "2025-11-05T04:00:00.000Z");
    expect(sim.objectCounters.cohortRequests).toBe(cohorts.length + 1);
    expect(sim.objectCounters.requests["cohorts/request"]).toBe(cohorts.length + 1);
    // Downloaded, and the same content as its latest snapshot: not written again.
    expect(one.summary.outcomes.find((o) => o.cohortId === cohorts[1])).toMatchObject({
      status: "unchanged",
    });
    expect(one.summary.written).toBe(0);

    // A day later Amplitude has recomputed every cohort: each is downloaded, and written with the new time.
    simClock.set("2025-11-06T03:00:00.000Z");
    const next = await snapshotRun(sim, out, "2025-11-06T03:00:00.000Z");
    expect(sim.objectCounters.cohortRequests).toBe(2 * cohorts.length + 1);
    expect(byStatus(next.summary.outcomes)).toMatchObject({
      "cohorts written": 1,
      "cohort_members written": cohorts.length,
    });
    const latest = await latestBackupSnapshots(out, APP);
    for (const id of cohorts) {
      const entry = latest.get(snapshotSlot("cohort_members", APP, id))!;
      expect(entry.takenAt).toBe("20251106T030000.000Z");
      expect(entry.manifest.cohort!.last_computed).toBe("2025-11-06T00:00:00.000Z");
    }
    // The earlier snapshots stay in the backup: two of each cohort now.
    expect((await backupSnapshots(out, APP)).filter((s) => s.cohortId === cohorts[0])).toHaveLength(2);
  });

  it("keeps the remaining cohorts' last membership when the month's downloads are used up, with one warning", async () => {
    const { sim } = await world({ cohortDownloadQuota: 2 });
    const out = await tempDir();
    const cohorts = sim.objects.cohortIds;

    const { summary, warnings } = await snapshotRun(sim, out, "2025-11-05T03:00:00.000Z");

    expect(summary.failed).toBe(0);
    const members = summary.outcomes.filter((o) => o.object === "cohort_members");
    expect(members.filter((o) => o.status === "written")).toHaveLength(2);
    const kept = members.filter((o) => o.status === "skipped");
    expect(kept).toHaveLength(cohorts.length - 2);
    expect(kept.every((o) => o.status === "skipped" && o.cause === "quota")).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^\d+ cohort\(s\) computed again were not downloaded and keep their latest membership snapshot.*allowance is used up/,
    );
    expect(summary.outcomes.find((o) => o.object === "cohorts")).toMatchObject({ status: "written" });
  });

  it("a membership cut off part-way leaves no partial snapshot, the earlier ones intact, and fails the step after the rest is saved", async () => {
    const { sim, simClock } = await world();
    const out = await tempDir();
    const cohorts = sim.objects.cohortIds;
    await snapshotRun(sim, out, "2025-11-05T03:00:00.000Z");
    const before = await listFiles(join(out, APP, "_objects"));
    const contents = await Promise.all(before.map((f) => readFile(join(out, APP, "_objects", f))));

    // The next day every member file is broken, however often it is fetched again.
    simClock.set("2025-11-06T03:00:00.000Z");
    sim.faults = { cohortFile: { times: 10_000, mode: "corrupt" } };
    const result = await extractStep(
      {
        objects: ["taxonomy", "cohorts"],
        out,
        windowHours: 24,
        concurrency: 1,
        maxLineBytes: 1_000_000,
        settleHours: 2,
      },
      {
        env: { AMPLITUDE_APP_ID: APP },
        amplitude: { baseUrl: sim.url, region: "us", apiKey: sim.apiKey, secretKey: sim.secretKey },
        now: () => new Date("2025-11-06T03:00:00.000Z"),
        sleep: noSleep,
      },
    );

    expect(result.failed).toBe(true);
    expect(result.windows).toEqual([]);
    const outcomes = result.snapshots!.outcomes;
    expect(outcomes.filter((o) => o.object === "cohort_members").every((o) => o.status === "failed")).toBe(
      true,
    );
    expect(outcomes.find((o) => o.object === "cohorts")).toMatchObject({ status: "written" });
    expect(result.summary.failedSnapshots).toHaveLength(cohorts.length);
    // Every earlier file is still there, byte for byte; the only new folder is the cohorts' own snapshot.
    const after = await listFiles(join(out, APP, "_objects"));
    for (const [index, file] of before.entries()) {
      expect(await readFile(join(out, APP, "_objects", file))).toEqual(contents[index]);
    }
    expect(after.filter((f) => !before.includes(f))).toEqual([
      expect.stringMatching(/^cohorts\/20251106T030000\.000Z_[0-9a-f]{12}\/cohorts\.json\.gz$/),
      expect.stringMatching(/^cohorts\/20251106T030000\.000Z_[0-9a-f]{12}\/manifest\.json$/),
    ]);
    expect(await listFiles(join(out, ".tmp"))).toEqual([]);
    // The report names each failed cohort.
    const capture = captureOutput();
    printExtract(capture.output, result);
    expect(capture.out.filter((line) => line.startsWith("error: cohort "))).toHaveLength(cohorts.length);
  });
});

describe("a snapshot that fails", () => {
  it("is named once in each line that reports it", async () => {
    const { sim } = await world({ faults: { serverError: { times: 10_000, status: 500 } } });
    const out = await tempDir();
    const result = await extractStep(
      {
        objects: ["taxonomy"],
        out,
        windowHours: 24,
        concurrency: 1,
        maxLineBytes: 1_000_000,
        settleHours: 2,
      },
      {
        env: { AMPLITUDE_APP_ID: APP },
        amplitude: { baseUrl: sim.url, region: "us", apiKey: sim.apiKey, secretKey: sim.secretKey },
        now: () => new Date("2025-11-05T03:00:00.000Z"),
        sleep: noSleep,
      },
    );
    expect(result.failed).toBe(true);
    expect(result.summary.failedSnapshots).toEqual([
      expect.stringMatching(/^event_types: GET \S+ failed \d+ times/),
      expect.stringMatching(/^event_categories: GET \S+ failed \d+ times/),
    ]);
    const capture = captureOutput();
    printExtract(capture.output, result);
    const errors = capture.out.filter((line) => line.startsWith("error: "));
    expect(errors).toEqual([
      expect.stringMatching(/^error: event_types: GET /),
      expect.stringMatching(/^error: event_categories: GET /),
    ]);
    for (const line of errors) expect(line).not.toMatch(/(event_types|event_categories).*\1/);
  });
});

describe("extract --objects with a plan that lacks Taxonomy and Cohorts", () => {
  it("exports the events, skips the objects, says so once with the reason, and succeeds", async () => {
    const { sim } = await world({ plan: { taxonomy: false, cohorts: false } });
    const out = await tempDir();
    const capture = captureOutput();

    const result = await extractStep(
      {
        start: "2025-11-04T00",
        end: "2025-11-04T05",
        out,
        windowHours: 6,
        concurrency: 1,
        maxLineBytes: 1_000_000,
        settleHours: 2,
        validationThreads: 0,
      },
      {
        env: {},
        amplitude: { baseUrl: sim.url, region: "us", apiKey: sim.apiKey, secretKey: sim.secretKey },
        now: () => new Date("2025-11-05T03:00:00.000Z"),
        sleep: noSleep,
        reporter: extractReporter(capture.output),
      },
    );
    printExtract(capture.output, result, true);

    expect(result.failed).toBe(false);
    expect(result.objects).toEqual(["events", "taxonomy", "cohorts"]);
    expect(result.summary.events).toBe(sim.served.events);
    expect(result.summary.events).toBeGreaterThan(0);
    expect(result.snapshots!.skipped.map((s) => s.group)).toEqual(["taxonomy", "cohorts"]);
    // Said once, in the report: one line per group, none in the progress before it.
    const lines = [...capture.err, ...capture.out.slice(0, -1)];
    expect(lines.filter((line) => /\b403\b/.test(line))).toEqual([
      expect.stringMatching(/^Skipped taxonomy: .*Taxonomy API answered 403 .*plan does not include it/),
      expect.stringMatching(
        /^Skipped cohorts: .*Behavioral Cohorts API answered 403 .*plan does not include it/,
      ),
    ]);
    const figures = JSON.parse(capture.out.at(-1)!) as Record<string, unknown>;
    expect(Object.keys(figures).slice(0, 7)).toEqual([
      "windows",
      "files",
      "events",
      "bytes",
      "rejected",
      "failed_hours",
      "watermark",
    ]);
    expect(figures.snapshots).toEqual({ written: 0, unchanged: 0, failed: 0, records: 0 });
    expect(figures.skipped).toEqual([
      { objects: "taxonomy", reason: expect.stringContaining("HTTP 403") },
      { objects: "cohorts", reason: expect.stringContaining("HTTP 403") },
    ]);
    expect(await listFiles(join(out, APP, "_objects"))).toEqual([]);
  });
});

describe("the extract job summary", () => {
  it("lists the snapshots, says once which objects were skipped and why, and escapes what came from Amplitude", () => {
    let html = "";
    const buffer = {
      addRaw: (text: string) => {
        html += text + "\n";
      },
      stringify: () => html,
    };
    const hostile = `<script>alert("x")</script>`;
    addExtractToSummary(
      buffer,
      {
        outcomes: [],
        windows: 0,
        snapshots: [
          { object: "event_types", status: "written", records: 13 },
          { object: "cohorts", status: "skipped", cause: "not-in-plan", reason: "plan lacks it" },
          { object: "cohort_members", status: "skipped", cause: "not-in-plan", reason: "plan lacks it" },
          { object: "event_categories", status: "unchanged", records: 4 },
        ],
        skippedObjects: [
          { group: "cohorts", reason: `the plan lacks the Behavioral Cohorts API ${hostile}` },
        ],
      },
      { limitBytes: 1 << 20, writtenBytes: 0 },
    );
    expect(html.match(/Behavioral Cohorts API/g)).toHaveLength(1);
    expect(html).toContain("<strong>Skipped cohorts:</strong>");
    expect(html).not.toContain(hostile);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toMatch(/<td>event_types<\/td>.*<td>13<\/td>.*<td>written<\/td>/s);
    expect(html).toMatch(/<td>event_categories<\/td>.*<td>unchanged<\/td>/s);
    expect(html).not.toMatch(/<td>cohort_members<\/td>/);
    expect(html).toContain("1 snapshot(s) written");
  });
});

describe("extract --objects from the CLI", () => {
  it("takes only the objects named, with no window, and refuses an unknown name as a usage error", async () => {
    const { sim } = await world();
    const out = await tempDir();
    const env = {
      AMPLITUDE_API_URL: sim.url,
      AMP_API_KEY: sim.apiKey,
      AMP_SECRET_KEY: sim.secretKey,
      AMPLITUDE_APP_ID: APP,
    };
    const lake = `file://${await tempDir()}`;

    const taken = await runCli(["extract", "--objects", "taxonomy", "--out", out, "--lake", lake, "--json"], {
      env,
    });

    expect(taken.code).toBe(0);
    expect(taken.json()).toMatchObject({
      windows: 0,
      events: 0,
      snapshots: { written: 2, failed: 0 },
      skipped: [],
    });
    expect(sim.served.exports).toBe(0);
    expect(sim.objectCounters.cohortRequests).toBe(0);
    expect(taken.stderr).toMatch(/^ {2}event_types +\d+ +written$/m);
    expect((await listFiles(join(out, APP))).map((f) => f.split("/")[1])).toEqual([
      "event_categories",
      "event_categories",
      "event_types",
      "event_types",
    ]);

    // A first run with no events and no AMPLITUDE_APP_ID: the cohorts say which app they belong to.
    const { AMPLITUDE_APP_ID: _known, ...withoutAppId } = env;
    const listedBefore = sim.objectCounters.requests["cohorts"] ?? 0;
    const fresh = await tempDir();
    const cohortsOnly = await runCli(
      ["extract", "--objects", "cohorts", "--out", fresh, "--lake", `file://${await tempDir()}`, "--json"],
      { env: withoutAppId },
    );
    expect(cohortsOnly.stderr).not.toContain("app id is not known");
    expect(cohortsOnly.code).toBe(0);
    expect(cohortsOnly.json()).toMatchObject({
      snapshots: { written: 1 + sim.objects.cohortIds.length, failed: 0 },
    });
    expect(await readdir(fresh)).toContain(APP);
    // The one cohort list serves both the app id and the snapshot.
    expect((sim.objectCounters.requests["cohorts"] ?? 0) - listedBefore).toBe(1);
    // Taxonomy records name no app: without events or AMPLITUDE_APP_ID the step says what to set.
    const taxonomyOnly = await runCli(
      ["extract", "--objects", "taxonomy", "--out", await tempDir(), "--lake", `file://${await tempDir()}`],
      { env: withoutAppId },
    );
    expect(taxonomyOnly.code).toBe(1);
    expect(taxonomyOnly.stderr + taxonomyOnly.stdout).toMatch(/set AMPLITUDE_APP_ID/);

    const refused = await runCli(["extract", "--objects", "events,groups", "--out", out], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /--objects.*unknown "groups": use a comma-separated list of events, taxonomy, cohorts/,
    );
  });
});
