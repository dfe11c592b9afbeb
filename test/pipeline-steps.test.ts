import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatWindow } from "../src/amplitude/hours.ts";
import { ConfigurationError } from "../src/errors.ts";
import { extractStep, type ExtractStepReporter, type WindowStore } from "../src/pipeline/extract.ts";
import { loadStep, type LoadStepReporter } from "../src/pipeline/load.ts";
import { provisionStep } from "../src/pipeline/provision.ts";
import { runPipeline } from "../src/pipeline/run.ts";
import { transformStep } from "../src/pipeline/transform.ts";
import { uploadStep, type UploadStepReporter } from "../src/pipeline/upload.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";

const DAY = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") };
const PROJECT = fileURLToPath(new URL("../sql", import.meta.url));

/** The library API the GitHub Actions call: typed options in, typed reporter events and result out. */
describe("uploadStep", () => {
  it("uploads a backup into a file:// lake, reports each file and window, and returns the figures", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const { summary: extracted } = await extractFrom(sim, { range: DAY, outDir: out, validationThreads: 0 });
    const lakeDir = await tempDir();
    const events: string[] = [];
    const finished: Array<{ outcome: string; description: string }> = [];
    const reporter: UploadStepReporter = {
      started: ({ from, lakeUrl, concurrency }) => events.push(`started ${from} ${lakeUrl} ${concurrency}`),
      fileFinished: ({ outcome, description }) => finished.push({ outcome, description }),
      windowFinished: (window) => events.push(`window ${window.outcome}`),
    };

    const result = await uploadStep(
      { from: out, lake: `file://${lakeDir}`, concurrency: 2 },
      { env: {}, reporter },
    );

    expect(result.failed).toBe(false);
    expect(result.lakeUrl).toContain(lakeDir);
    expect(result.figures).toEqual({ files: extracted.files, bytes: extracted.bytes, skipped: 0 });
    expect(result.summary.failures).toEqual([]);
    expect(events[0]).toBe(`started ${out} ${result.lakeUrl} 2`);
    expect(events.slice(1).every((e) => e === "window uploaded")).toBe(true);
    expect(events.length - 1).toBe(result.summary.windows);
    expect(finished).toHaveLength(extracted.files);
    expect(finished.every((f) => f.outcome === "uploaded" && f.description.includes(lakeDir))).toBe(true);

    const again = await uploadStep({ from: out, lake: `file://${lakeDir}`, concurrency: 2 }, { env: {} });
    expect(again.figures).toEqual({ files: 0, bytes: 0, skipped: extracted.files });
  });

  it("throws before opening the lake when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      uploadStep(
        { from: "nowhere", lake: "file:///nowhere", concurrency: 1 },
        { env: {}, signal: controller.signal },
      ),
    ).rejects.toThrow();
  });
});

const NOW = () => new Date("2025-11-05T02:30:00.000Z"); // 2025-11-04T23 is the last settled hour
const EXTRACT = {
  windowHours: 6,
  concurrency: 2,
  maxLineBytes: 1_000_000,
  settleHours: 2,
  validationThreads: 0,
};
const noSleep = async () => {};

function amplitudeOf(sim: Awaited<ReturnType<typeof simulator>>) {
  return { baseUrl: sim.url, region: "us" as const, apiKey: sim.apiKey, secretKey: sim.secretKey };
}

/** The Actions cache in a Map: every file of a window's folder, by window and delivery. */
class MemoryStore implements WindowStore {
  readonly kept = new Map<string, { delivery: string; files: Map<string, Buffer> }>();
  readonly asked: string[] = [];
  failRestore = false;
  failSave = false;
  /** Restore these windows without their manifest (a broken cache entry). */
  readonly withoutManifest = new Set<string>();

  async restore(window: { appId: string; window: string }, dir: string): Promise<boolean> {
    this.asked.push(window.window);
    if (this.failRestore) throw new Error("cache service unreachable");
    const entry = this.kept.get(`${window.appId}/${window.window}`);
    if (!entry) return false;
    for (const [name, bytes] of entry.files) {
      if (name === "manifest.json" && this.withoutManifest.has(window.window)) continue;
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), bytes);
    }
    return true;
  }

  async save(window: { appId: string; window: string; delivery: string }, dir: string): Promise<void> {
    if (this.failSave) throw new Error("cache quota exceeded");
    const files = new Map<string, Buffer>();
    for (const name of await listFiles(dir)) files.set(name, await readFile(join(dir, name)));
    this.kept.set(`${window.appId}/${window.window}`, { delivery: window.delivery, files });
  }
}

function recorder() {
  const events: string[] = [];
  const reporter: ExtractStepReporter = {
    started: ({ hours, reason }) => events.push(`started ${hours} h (${reason})`),
    windowFinished: (outcome) => events.push(`finished ${formatWindow(outcome.window)} ${outcome.status}`),
    windowRestored: (row) => events.push(`restored ${row.window}`),
    windowFailed: ({ window }) => events.push(`failed ${formatWindow(window)}`),
    warning: (message) => events.push(`warning ${message}`),
    notice: (message) => events.push(`notice ${message}`),
    nothingToExport: (reason) => events.push(`nothing ${reason}`),
  };
  return { events, reporter };
}

describe("extractStep", () => {
  it("exports the hours given, returns the figures --json prints and one row per window, and keeps each window", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const store = new MemoryStore();
    const { events, reporter } = recorder();

    const result = await extractStep(
      { ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T23", out },
      { env: {}, amplitude: amplitudeOf(sim), now: NOW, sleep: noSleep, reporter, windowStore: store },
    );

    expect(result.failed).toBe(false);
    expect(result.figures).toEqual({
      windows: 4,
      files: sim.served.files,
      events: sim.served.events,
      bytes: sim.served.bytes,
      rejected: 0,
      failed_hours: [],
      watermark: "2025-11-05T00",
      // --objects defaults to all: the taxonomy and cohorts snapshots, none skipped.
      snapshots: {
        written: 3 + sim.objects.cohortIds.length,
        unchanged: 0,
        failed: 0,
        records: expect.any(Number),
      },
      skipped: [],
    });
    expect(Object.keys(result.figures)).toEqual([
      "windows",
      "files",
      "events",
      "bytes",
      "rejected",
      "failed_hours",
      "watermark",
      "snapshots",
      "skipped",
    ]);
    expect(result.backupDir).toBe(out);
    expect(result.restored).toBe(0);
    expect(result.failedHours).toEqual([]);
    expect(result.reason).toBe("the hours given");
    expect(result.windows.map((w) => `${w.window} ${w.outcome}`)).toEqual([
      "2025-11-04T00_2025-11-04T05 exported",
      "2025-11-04T06_2025-11-04T11 exported",
      "2025-11-04T12_2025-11-04T17 exported",
      "2025-11-04T18_2025-11-04T23 exported",
    ]);
    expect(result.windows.reduce((n, w) => n + w.events, 0)).toBe(sim.served.events);
    expect(result.windows.every((w) => w.appId === result.summary.appId)).toBe(true);
    expect(events[0]).toBe("started 24 h (the hours given)");
    expect(events.filter((e) => e.startsWith("finished")).length).toBe(4);
    // A fresh project's app id is unknown before its first window with data: nothing to ask the store for.
    expect(store.asked).toEqual([]);
    // Each window is kept once exported, with its delivery id.
    expect([...store.kept.keys()].sort()).toEqual(result.windows.map((w) => `${w.appId}/${w.window}`));
    for (const entry of store.kept.values()) {
      expect(entry.delivery).toMatch(/^[0-9a-f]{12}$/);
      expect(entry.files.has("manifest.json")).toBe(true);
    }
  });

  it("puts back the windows the store keeps and makes no Export API request for them", async () => {
    const sim = await simulator();
    const store = new MemoryStore();
    const first = await extractStep(
      { ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T23", out: await tempDir() },
      { env: {}, amplitude: amplitudeOf(sim), now: NOW, sleep: noSleep, windowStore: store },
    );
    const appId = first.summary.appId!;
    const requests = sim.requests.length;
    // A re-run of the job on a fresh runner: an empty backup folder, the same cache.
    const out = await tempDir();
    const { events, reporter } = recorder();

    const result = await extractStep(
      { ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T23", out },
      {
        env: { AMPLITUDE_APP_ID: appId },
        amplitude: amplitudeOf(sim),
        now: NOW,
        sleep: noSleep,
        reporter,
        windowStore: store,
      },
    );

    expect(sim.requests.length).toBe(requests);
    expect(result.failed).toBe(false);
    expect(result.restored).toBe(4);
    // The figures count what this run took from Amplitude: nothing.
    expect(result.figures).toMatchObject({ windows: 0, files: 0, events: 0, watermark: "2025-11-05T00" });
    expect(result.windows.map((w) => w.outcome)).toEqual(["restored", "restored", "restored", "restored"]);
    expect(result.windows.reduce((n, w) => n + w.events, 0)).toBe(first.summary.events);
    expect(events.filter((e) => e.startsWith("restored"))).toHaveLength(4);
    expect(events.some((e) => e.startsWith("finished"))).toBe(false);
    expect((await listFiles(join(out, appId))).length).toBe(
      (await listFiles(join(first.backupDir, appId))).length,
    );
  });

  it("exports a window again when the store puts it back without its manifest, or fails; a failing save is a warning", async () => {
    const sim = await simulator();
    const store = new MemoryStore();
    const first = await extractStep(
      { ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T11", out: await tempDir() },
      { env: {}, amplitude: amplitudeOf(sim), now: NOW, sleep: noSleep, windowStore: store },
    );
    const appId = first.summary.appId!;
    store.withoutManifest.add("2025-11-04T06_2025-11-04T11");
    const requests = sim.requests.length;
    const broken = recorder();
    const partly = await extractStep(
      { ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T11", out: await tempDir() },
      {
        env: { AMPLITUDE_APP_ID: appId },
        amplitude: amplitudeOf(sim),
        now: NOW,
        sleep: noSleep,
        reporter: broken.reporter,
        windowStore: store,
      },
    );
    expect(sim.requests.slice(requests)).toEqual(["20251104T06-20251104T11"]);
    expect(partly.restored).toBe(1);
    expect(partly.windows.map((w) => w.outcome)).toEqual(["restored", "exported"]);
    expect(broken.events).toContain(
      `warning window ${appId}/2025-11-04T06_2025-11-04T11 was restored without its manifest: exporting it from Amplitude again`,
    );

    store.failRestore = true;
    store.failSave = true;
    const failing = recorder();
    const unstored = await extractStep(
      { ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T05", out: await tempDir() },
      {
        env: { AMPLITUDE_APP_ID: appId },
        amplitude: amplitudeOf(sim),
        now: NOW,
        sleep: noSleep,
        reporter: failing.reporter,
        windowStore: store,
      },
    );
    expect(unstored.failed).toBe(false);
    expect(unstored.figures.windows).toBe(1);
    expect(failing.events.filter((e) => e.startsWith("warning"))).toEqual([
      `warning window ${appId}/2025-11-04T00_2025-11-04T05 could not be restored: cache service unreachable`,
      `warning window ${appId}/2025-11-04T00_2025-11-04T05 could not be kept: cache quota exceeded`,
    ]);
  });

  it("sets failed, lists the failed hours and reports the failed window, keeping the rest", async () => {
    const sim = await simulator({ faults: { failingHours: [hourOf("2025-11-04T05")] } });
    const store = new MemoryStore();
    const { events, reporter } = recorder();

    const result = await extractStep(
      { ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T11", out: await tempDir() },
      { env: {}, amplitude: amplitudeOf(sim), now: NOW, sleep: noSleep, reporter, windowStore: store },
    );

    expect(result.failed).toBe(true);
    expect(result.failedHours).toEqual(["2025-11-04T05"]);
    expect(result.figures.failed_hours).toEqual(["2025-11-04T05"]);
    // The watermark stays at the failed hour: the first hour no completed window covers.
    expect(result.watermark).toBe("2025-11-04T05");
    const failed = result.windows.filter((w) => w.outcome === "failed");
    expect(failed.map((w) => w.window)).toEqual(["2025-11-04T05_2025-11-04T05"]);
    expect(failed[0]!.error).toContain("hour 2025-11-04T05 could not be exported");
    expect(events).toContain("failed 2025-11-04T05_2025-11-04T05");
    // Only complete windows are kept.
    expect([...store.kept.keys()].some((key) => key.endsWith("2025-11-04T05_2025-11-04T05"))).toBe(false);
    expect(store.kept.size).toBe(result.windows.length - 1);
  });

  it("reports nothing to export when the watermark covers every settled hour", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const context = { env: {}, amplitude: amplitudeOf(sim), now: NOW, sleep: noSleep };
    await extractStep({ ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T23", out }, context);
    const requests = sim.requests.length;
    const { events, reporter } = recorder();

    const result = await extractStep({ ...EXTRACT, out, history: "24h" }, { ...context, reporter });

    expect(sim.requests.length).toBe(requests);
    expect(result.failed).toBe(false);
    expect(result.ranges).toEqual([]);
    expect(result.figures).toMatchObject({ windows: 0, watermark: "2025-11-05T00" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^nothing /);
  });

  it("throws ConfigurationError for missing keys and an end before the start", async () => {
    const out = await tempDir();
    await expect(
      extractStep({ ...EXTRACT, start: "2025-11-04T00", end: "2025-11-04T05", out }, { env: {}, now: NOW }),
    ).rejects.toThrow(ConfigurationError);
    await expect(
      extractStep({ ...EXTRACT, start: "2025-11-04T05", end: "2025-11-04T00", out }, { env: {}, now: NOW }),
    ).rejects.toThrow("--end 2025-11-04T00 is before --start 2025-11-04T05");
  });
});

describe("loadStep, transformStep and runPipeline", () => {
  it("loads a lake into the embedded warehouse and builds the models, with figures and events", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const { summary: extracted } = await extractFrom(sim, { range: DAY, outDir: out, validationThreads: 0 });
    const lake = `file://${await tempDir()}`;
    await uploadStep({ from: out, lake, concurrency: 2 }, { env: {} });
    const warehouse = `duckdb:${join(await tempDir(), "warehouse.duckdb")}`;
    const loadEvents: string[] = [];
    const reporter: LoadStepReporter = {
      started: ({ warehouseUrl }) => loadEvents.push(`started ${warehouseUrl}`),
      batch: ({ done, total }) => loadEvents.push(`batch ${done}/${total}`),
      fileFailed: ({ description }) => loadEvents.push(`failed ${description}`),
    };

    const loaded = await loadStep({ lake, warehouse }, { env: {}, reporter });

    expect(loaded.failed).toBe(false);
    expect(loaded.figures).toEqual({
      files: extracted.files,
      rows: extracted.events,
      bytes: extracted.bytes,
      skipped: 0,
      waiting: 0,
      failed: 0,
      snapshot_files: 0,
      snapshot_rows: 0,
    });
    expect(loadEvents[0]).toBe(`started ${loaded.warehouseUrl}`);
    expect(loadEvents.at(-1)).toBe(`batch ${extracted.files}/${extracted.files}`);
    expect(loadEvents.some((e) => e.startsWith("failed"))).toBe(false);

    const models: string[] = [];
    const built = await transformStep(
      { warehouse, project: PROJECT, targetDir: await tempDir() },
      { env: {}, reporter: { model: (m) => models.push(`${m.status} ${m.relation}`) } },
    );
    expect(built.failed).toBe(false);
    expect(built.figures.models).toBe(built.result.models.length);
    expect(built.figures.tests_failed).toBe(0);
    expect(models).toContain("success core.events");
    expect(models.every((m) => m.startsWith("success "))).toBe(true);
  });

  it("throws ConfigurationError for a lake that does not exist and a warehouse never loaded", async () => {
    const missing = join(await tempDir(), "nowhere");
    await expect(
      loadStep({ lake: `file://${missing}`, warehouse: `duckdb:${missing}.duckdb` }, { env: {} }),
    ).rejects.toThrow(ConfigurationError);
    await expect(
      transformStep(
        { warehouse: `duckdb:${missing}.duckdb`, project: PROJECT, targetDir: missing },
        { env: {} },
      ),
    ).rejects.toThrow(ConfigurationError);
  });

  it("runPipeline runs the four steps in order and returns the run's figures", async () => {
    const sim = await simulator();
    const steps: string[] = [];
    const result = await runPipeline(
      {
        ...EXTRACT,
        start: "2025-11-04T00",
        end: "2025-11-04T11",
        out: await tempDir(),
        lake: `file://${await tempDir()}`,
        warehouse: `duckdb:${join(await tempDir(), "warehouse.duckdb")}`,
        project: PROJECT,
        targetDir: await tempDir(),
      },
      {
        env: {},
        amplitude: amplitudeOf(sim),
        now: NOW,
        sleep: noSleep,
        reporter: {
          stepStarted: (step) => steps.push(`start ${step}`),
          stepFinished: ({ step, result }) => steps.push(`end ${step} ${result.failed ? "failed" : "ok"}`),
        },
      },
    );
    expect(steps).toEqual([
      "start extract",
      "end extract ok",
      "start upload",
      "end upload ok",
      "start load",
      "end load ok",
      "start transform",
      "end transform ok",
    ]);
    expect(result.failed).toBe(false);
    // The event files, and one file per object snapshot (taxonomy and cohorts, taken by default).
    expect(result.upload.figures.files).toBe(
      result.extract.figures.files + result.extract.snapshots!.written,
    );
    expect(result.figures).toEqual({
      ...result.transform.figures,
      events: sim.served.events,
      rejected: 0,
      failed_hours: [],
      watermark: "2025-11-04T12",
    });
  });
});

describe("provisionStep", () => {
  it("renders a dry run into the folder without connecting, reporting the outcome", async () => {
    const out = await tempDir();
    const outcomes: string[] = [];
    const result = await provisionStep(
      { lake: "s3://amplitude-lake/prod", dryRun: true, out, project: PROJECT },
      { env: {}, toolVersion: "test", reporter: { outcome: ({ mode }) => outcomes.push(mode) } },
    );
    expect(result.mode).toBe("dry-run");
    expect(result.failed).toBe(false);
    expect(outcomes).toEqual(["dry-run"]);
    expect(result.settings.lakeUrl).toBe("s3://amplitude-lake/prod/");
    expect(result.figures.statements).toBe(result.plan.statements.length);
    expect(result.figures.create).toBeGreaterThan(0);
    expect(await listFiles(out)).toHaveLength(result.plan.statements.length);
  });

  it("throws ConfigurationError for a lake that is not on S3 and an object that may not be replaced", async () => {
    const context = { env: {}, toolVersion: "test" };
    const out = await tempDir();
    await expect(
      provisionStep({ lake: "file://data/lake", dryRun: true, out, project: PROJECT }, context),
    ).rejects.toThrow("Snowflake reads the lake from S3");
    await expect(
      provisionStep(
        { lake: "s3://b/p", dryRun: true, out, project: PROJECT, allowReplace: ["raw.amplitude_events"] },
        context,
      ),
    ).rejects.toThrow(ConfigurationError);
  });
});
