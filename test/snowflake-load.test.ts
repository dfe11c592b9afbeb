import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.ts";
import { readProject } from "../src/models/project.ts";
import { DRY_RUN_SETTINGS, renderObjects } from "../src/snowflake/render.ts";
import { manifestKey } from "../src/lake/lake.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import {
  snapshotFileKey,
  snapshotManifestKey,
  type SnapshotId,
  type SnapshotObject,
} from "../src/lake/snapshot-keys.ts";
import { pipeLoad, refreshPrefixes, type PipeLoadOptions } from "../src/snowflake/pipe-load.ts";
import { runCli } from "./support/cli.ts";
import { sent, startScriptedSnowflake, testClock } from "./support/fake-snowflake-tasks.ts";
import { scriptSnowpipe, type PipeScript, type ScriptedFile } from "./support/fake-snowpipe.ts";
import { tempDir } from "./support/files.ts";

const APP = "187520";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

interface Delivery {
  window: string;
  uploadedAt: number;
  /** Event files: each becomes a lake key in the delivery's hour. */
  files: Array<Omit<ScriptedFile, "key" | "stagedAt"> & { name: string }>;
  /** Its manifest as Snowpipe left it: loaded into raw.lake_manifests or not (yet). */
  manifest?: Omit<ScriptedFile, "key" | "stagedAt">;
}

/** A local lake holding each delivery's manifest, and the pipe's view of it and of its files. */
async function lakeWith(deliveries: Delivery[], clock: { ms: () => number }) {
  const root = await tempDir();
  const script: PipeScript = { events: [], manifests: [], manifestBodies: {}, clock };
  for (const [i, delivery] of deliveries.entries()) {
    const key = manifestKey(APP, new Date(delivery.uploadedAt), delivery.window, `d${i}`.padEnd(12, "0"));
    const date = delivery.window.slice(0, 10);
    const files = delivery.files.map(({ name, ...file }) => ({
      ...file,
      key: `amplitude/events/app=${APP}/date=${date}/hour=00/${name}.json.gz`,
      stagedAt: delivery.uploadedAt,
    }));
    const body = {
      manifest_version: 2,
      app_id: APP,
      window: { start: delivery.window.split("_")[0], end: delivery.window.split("_")[1] },
      status: "exported",
      delivery: `d${i}`,
      uploaded_at: new Date(delivery.uploadedAt).toISOString(),
      supersedes: [],
      files: files.map((f) => ({
        key: f.key,
        name: f.key.split("/").pop(),
        bytes: 10,
        sha256: "0".repeat(64),
      })),
    };
    await mkdir(dirname(join(root, key)), { recursive: true });
    await writeFile(join(root, key), JSON.stringify(body));
    script.events.push(...files);
    script.manifests.push({ loaded: true, ...delivery.manifest, key, stagedAt: delivery.uploadedAt });
    script.manifestBodies![key] = { uploaded_at: body.uploaded_at, files: body.files };
  }
  return { lake: new LocalLake(root), root, script };
}

/**
 * Adds a snapshot's manifest to the lake (its file need not be there: the fake Snowpipe stands for the
 * stage), and its file and manifest to the pipe's script.
 */
async function addSnapshot(
  root: string,
  script: PipeScript,
  snapshot: {
    object: SnapshotObject;
    cohortId?: string;
    takenAt: number;
    file: Omit<ScriptedFile, "key" | "stagedAt">;
    manifest?: Omit<ScriptedFile, "key" | "stagedAt">;
  },
) {
  const id: SnapshotId = {
    object: snapshot.object,
    appId: APP,
    takenAt: new Date(snapshot.takenAt).toISOString().replace(/[-:]/g, ""),
    delivery: `${snapshot.object.length}`.padEnd(12, "a"),
    ...(snapshot.cohortId ? { cohortId: snapshot.cohortId } : {}),
  };
  const key = snapshotManifestKey(id);
  const fileKey = snapshotFileKey(id);
  const uploadedAt = new Date(snapshot.takenAt).toISOString();
  const files = [
    { name: "x.json.gz", key: fileKey, bytes: 10, sha256: "0".repeat(64), lines: 3, records: 2 },
  ];
  await mkdir(dirname(join(root, key)), { recursive: true });
  await writeFile(
    join(root, key),
    JSON.stringify({
      manifest_version: 2,
      kind: "snapshot",
      object: snapshot.object,
      app_id: APP,
      taken_at: uploadedAt,
      run_id: "test",
      request: "test",
      delivery: id.delivery,
      totals: { files: 1, bytes: 10, lines: 3, records: 2 },
      files,
      uploaded_at: uploadedAt,
    }),
  );
  (script.snapshots ??= []).push({ ...snapshot.file, key: fileKey, stagedAt: snapshot.takenAt });
  script.manifests.push({ loaded: true, ...snapshot.manifest, key, stagedAt: snapshot.takenAt });
  script.manifestBodies![key] = { uploaded_at: uploadedAt, files };
  return { key, fileKey };
}

async function snowflake() {
  const scripted = await startScriptedSnowflake();
  cleanup.push(() => scripted.fake.close());
  return scripted;
}

describe("load on Snowflake: wait for Snowpipe and mend what it missed", () => {
  it("waits for a queued file, refreshes what the pipe missed, copies files older than 7 days, reports a refused file", async () => {
    const clock = testClock();
    const t0 = clock.ms();
    const { lake, script } = await lakeWith(
      [
        {
          window: "2025-11-06T05_2025-11-06T05",
          uploadedAt: t0 - 2 * HOUR,
          files: [
            { name: "187520_2025-11-06_5#0.aaaaaaaaaaaa", loaded: true },
            // In Snowpipe's queue; it loads 45 s into the wait.
            { name: "187520_2025-11-06_5#1.bbbbbbbbbbbb", queued: true, loadsAfterMs: 45_000 },
          ],
        },
        {
          // Three days old, and the pipe missed its manifest and its file: a refresh brings both.
          window: "2025-11-03T00_2025-11-03T00",
          uploadedAt: t0 - 3 * DAY,
          files: [{ name: "187520_2025-11-03_0#0.cccccccccccc" }],
          manifest: { loaded: false },
        },
        {
          // Ten days old: a refresh no longer sees it, COPY INTO loads exactly that file.
          window: "2025-10-27T00_2025-10-27T00",
          uploadedAt: t0 - 10 * DAY,
          files: [{ name: "187520_2025-10-27_0#0.dddddddddddd" }],
        },
        {
          window: "2025-11-06T06_2025-11-06T06",
          uploadedAt: t0 - HOUR,
          files: [
            {
              name: "187520_2025-11-06_6#0.eeeeeeeeeeee",
              fails: "Error parsing JSON: incomplete object value, pos 1024",
            },
          ],
        },
        {
          // A month old and recorded: not checked file by file.
          window: "2025-10-01T00_2025-10-01T00",
          uploadedAt: t0 - 30 * DAY,
          files: [{ name: "187520_2025-10-01_0#0.ffffffffffff", loaded: true }],
        },
      ],
      clock,
    );
    const { fake, open } = await snowflake();
    const pipe = scriptSnowpipe(fake, script);
    const warehouse = await open();
    cleanup.push(() => warehouse.close());
    const refreshed: string[] = [];
    const summary = await pipeLoad({
      lake,
      warehouse,
      timeoutSeconds: 1800,
      pollSeconds: 15,
      now: clock.now,
      sleep: clock.sleep,
      reporter: { refreshed: ({ pipe: name, prefix }) => refreshed.push(`${name} ${prefix}`) },
    });

    const key = (name: string) => script.events.find((f) => f.key.includes(name))!.key;
    expect(summary).toMatchObject({ deliveries: 4, files: 5, alreadyLoaded: 1, loaded: 4, pending: [] });
    expect(summary.failed).toEqual([
      {
        key: key("_6#0."),
        message: expect.stringMatching(
          /^Snowflake could not load it into raw\.amplitude_events: Error parsing JSON: incomplete object value, pos 1024 \(COPY_HISTORY\)/,
        ) as unknown,
      },
    ]);
    const missedManifest = script.manifests[1]!.key;
    expect(summary.refreshed.sort()).toEqual([missedManifest, key("2025-11-03_0#0")].sort());
    expect(summary.copied).toEqual([key("2025-10-27_0#0")]);
    // Each prefix relative to the folder its pipe copies from.
    expect(pipe.refreshes).toEqual([
      { pipe: "raw.lake_manifests_pipe", prefix: missedManifest.slice("amplitude/_manifests/".length) },
      { pipe: "raw.amplitude_events_pipe", prefix: key("2025-11-03_0#0").slice("amplitude/events/".length) },
    ]);
    expect(refreshed).toHaveLength(2);
    expect(pipe.copies).toEqual([{ table: "raw.amplitude_events", files: [key("2025-10-27_0#0")] }]);
    // Nothing was copied that Snowpipe also loaded or had queued.
    expect(pipe.duplicates).toEqual([]);
    // Mended once the grace period (5 min) was over, then waited the minute the refreshed files took.
    expect(clock.ms() - t0).toBe(6 * 60_000);
    // The month-old delivery was not read file by file.
    expect(sent(fake, /ffffffffffff/)).toEqual([]);
    expect(summary.pipes["raw.amplitude_events_pipe"]).toEqual({
      executionState: "RUNNING",
      pendingFileCount: 0,
    });
  });

  it("waits for the snapshot pipe too: a queued snapshot file, one it missed (refreshed), one older than 7 days (copied)", async () => {
    const clock = testClock();
    const t0 = clock.ms();
    const { lake, root, script } = await lakeWith(
      [
        {
          window: "2025-11-06T05_2025-11-06T05",
          uploadedAt: t0 - 2 * HOUR,
          files: [{ name: "187520_2025-11-06_5#0.aaaaaaaaaaaa", loaded: true }],
        },
      ],
      clock,
    );
    // In the snapshot pipe's queue; loads 30 s into the wait.
    const queued = await addSnapshot(root, script, {
      object: "event_types",
      takenAt: t0 - HOUR,
      file: { queued: true, loadsAfterMs: 30_000 },
    });
    // The pipes missed both the manifest and the file: a refresh of each pipe brings them.
    const missed = await addSnapshot(root, script, {
      object: "cohort_members",
      cohortId: "abc123x",
      takenAt: t0 - 3 * DAY,
      file: {},
      manifest: { loaded: false },
    });
    // Ten days old and recorded, its file never loaded: a refresh no longer sees it, COPY INTO does.
    const old = await addSnapshot(root, script, { object: "cohorts", takenAt: t0 - 10 * DAY, file: {} });
    // A month old and loaded: not checked file by file.
    await addSnapshot(root, script, {
      object: "event_categories",
      takenAt: t0 - 30 * DAY,
      file: { loaded: true },
    });
    const { fake, open } = await snowflake();
    const pipe = scriptSnowpipe(fake, script);
    const warehouse = await open();
    cleanup.push(() => warehouse.close());
    const waiting: unknown[] = [];
    const summary = await pipeLoad({
      lake,
      warehouse,
      timeoutSeconds: 1800,
      pollSeconds: 15,
      now: clock.now,
      sleep: clock.sleep,
      reporter: { waiting: (event) => waiting.push(event) },
    });
    expect(summary).toMatchObject({
      deliveries: 1,
      files: 1,
      alreadyLoaded: 1,
      snapshots: 3,
      snapshotFiles: 3,
      snapshotsAlreadyLoaded: 0,
      loaded: 4,
      pending: [],
      failed: [],
    });
    expect(waiting).toEqual([{ files: 3, manifests: 1, deliveries: 1, snapshots: 3 }]);
    expect(summary.refreshed.sort()).toEqual([missed.key, missed.fileKey].sort());
    expect(pipe.refreshes).toEqual([
      { pipe: "raw.lake_manifests_pipe", prefix: missed.key.slice("amplitude/_manifests/".length) },
      // The snapshot pipe copies from @stage/amplitude/: its prefix is relative to that folder.
      { pipe: "raw.amplitude_snapshots_pipe", prefix: missed.fileKey.slice("amplitude/".length) },
    ]);
    expect(pipe.copies).toEqual([{ table: "raw.amplitude_snapshots", files: [old.fileKey] }]);
    expect(pipe.duplicates).toEqual([]);
    // The copy fills object from the key, as the pipe does.
    expect(sent(fake, /^copy into raw\.amplitude_snapshots/)[0]?.sql).toMatch(
      /^copy into raw\.amplitude_snapshots \(object, json_data, source_file, file_row_number, loaded_at\)\s+from \(select split_part\(metadata\$filename, '\/', 2\), \$1, metadata\$filename,/,
    );
    expect(summary.refreshed).not.toContain(queued.fileKey);
    expect(summary.pipes["raw.amplitude_snapshots_pipe"]).toEqual({
      executionState: "RUNNING",
      pendingFileCount: 0,
    });
  });

  it("stops at the timeout and names the files still pending", async () => {
    const clock = testClock();
    const { lake, script } = await lakeWith(
      [
        {
          window: "2025-11-06T05_2025-11-06T05",
          uploadedAt: clock.ms() - HOUR,
          // Queued and never loaded: the pipe is busy, so load neither refreshes nor copies it.
          files: [{ name: "187520_2025-11-06_5#0.aaaaaaaaaaaa", queued: true }],
        },
      ],
      clock,
    );
    const { fake, open } = await snowflake();
    const pipe = scriptSnowpipe(fake, script);
    const warehouse = await open();
    cleanup.push(() => warehouse.close());
    const options: PipeLoadOptions = {
      lake,
      warehouse,
      timeoutSeconds: 60,
      pollSeconds: 15,
      now: clock.now,
      sleep: clock.sleep,
    };
    const summary = await pipeLoad(options);
    expect(summary.pending).toEqual([script.events[0]!.key]);
    expect(summary.loaded).toBe(0);
    expect(clock.sleeps).toEqual([15_000, 15_000, 15_000, 15_000]);
    expect(pipe.refreshes).toEqual([]);
    expect(pipe.copies).toEqual([]);
    expect(summary.pipes["raw.amplitude_events_pipe"]?.pendingFileCount).toBe(1);
  });

  it("does not wait on a paused pipe: its files fail at once with the remedy", async () => {
    const clock = testClock();
    const { lake, script } = await lakeWith(
      [
        {
          window: "2025-11-06T05_2025-11-06T05",
          uploadedAt: clock.ms() - HOUR,
          files: [{ name: "a.aaaaaaaaaaaa" }],
        },
      ],
      clock,
    );
    script.executionState = "PAUSED";
    const { fake, open } = await snowflake();
    scriptSnowpipe(fake, script);
    const warehouse = await open();
    cleanup.push(() => warehouse.close());
    const summary = await pipeLoad({
      lake,
      warehouse,
      timeoutSeconds: 600,
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(clock.sleeps).toEqual([]);
    expect(summary.pending).toEqual([]);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.message).toMatch(
      /^raw\.amplitude_events_pipe is PAUSED .*alter pipe raw\.amplitude_events_pipe set pipe_execution_paused = false/,
    );
  });

  it("has nothing to wait for when every file of every recent delivery is in raw", async () => {
    const clock = testClock();
    const { lake, script } = await lakeWith(
      [
        {
          window: "2025-11-06T05_2025-11-06T05",
          uploadedAt: clock.ms() - HOUR,
          files: [
            { name: "a.aaaaaaaaaaaa", loaded: true },
            { name: "b.bbbbbbbbbbbb", loaded: true },
          ],
        },
      ],
      clock,
    );
    const { fake, open } = await snowflake();
    const pipe = scriptSnowpipe(fake, script);
    const warehouse = await open();
    cleanup.push(() => warehouse.close());
    const summary = await pipeLoad({
      lake,
      warehouse,
      timeoutSeconds: 600,
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(summary).toMatchObject({ files: 2, alreadyLoaded: 2, loaded: 0, pending: [], failed: [] });
    expect(pipe.pipeStatusCalls).toBe(0);
  });

  it("asks for provision when raw.lake_manifests does not exist", async () => {
    const clock = testClock();
    const { lake } = await lakeWith(
      [
        {
          window: "2025-11-06T05_2025-11-06T05",
          uploadedAt: clock.ms() - HOUR,
          files: [{ name: "a.aaaaaaaaaaaa" }],
        },
      ],
      clock,
    );
    const { fake, open } = await snowflake();
    fake.on(/from raw\.lake_manifests/i, {
      code: "002003",
      sqlState: "42S02",
      message: "SQL compilation error:\nObject 'RAW.LAKE_MANIFESTS' does not exist or not authorized.",
    });
    const warehouse = await open();
    cleanup.push(() => warehouse.close());
    const error = await pipeLoad({ lake, warehouse, timeoutSeconds: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^raw\.lake_manifests cannot be read in snowflake:\/\/[\s\S]*does not exist or not authorized[\s\S]*: run `provision` first$/,
    );
  });

  it("refreshes one prefix per folder, folded into parents when there are many", () => {
    expect(
      refreshPrefixes([
        "amplitude/events/app=1/date=2025-11-03/hour=00/1_2025-11-03_0#0.aa.json.gz",
        "amplitude/events/app=1/date=2025-11-03/hour=00/1_2025-11-03_0#1.bb.json.gz",
        "amplitude/events/app=1/date=2025-11-04/hour=07/1_2025-11-04_7#0.cc.json.gz",
      ]),
    ).toEqual([
      "amplitude/events/app=1/date=2025-11-03/hour=00/1_2025-11-03_0#",
      "amplitude/events/app=1/date=2025-11-04/hour=07/1_2025-11-04_7#0.cc.json.gz",
    ]);
    const many = Array.from(
      { length: 30 },
      (_, h) =>
        `amplitude/events/app=1/date=2025-11-0${1 + Math.floor(h / 10)}/hour=${String(h % 24).padStart(2, "0")}/x.json.gz`,
    );
    // 30 hour folders become 3 day folders, each narrowed to what its keys share.
    expect(refreshPrefixes(many)).toEqual([
      "amplitude/events/app=1/date=2025-11-01/hour=0",
      "amplitude/events/app=1/date=2025-11-02/hour=1",
      "amplitude/events/app=1/date=2025-11-03/hour=",
    ]);
  });
});

describe("loaded_at and old files on Snowflake", () => {
  /** The pipes' COPY statements as provision creates them. */
  async function pipeCopies(): Promise<Record<string, string>> {
    const objects = renderObjects(
      await readProject(fileURLToPath(new URL("../sql", import.meta.url))),
      DRY_RUN_SETTINGS,
    );
    return Object.fromEntries(
      objects
        .filter((object) => object.kind === "pipe")
        .map((object) => [
          object.name,
          object.statement.slice(object.statement.search(/\n\s*as\n/)).replace(/^\s*as\s*/, ""),
        ]),
    );
  }
  const utc = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 23);

  it("writes loaded_at in UTC whether Snowpipe or load's COPY loaded a file, on an account whose TIMEZONE is not UTC, and copies files older than 64 days", async () => {
    const clock = testClock();
    const t0 = clock.ms();
    const { lake, script } = await lakeWith(
      [
        {
          window: "2025-11-06T05_2025-11-06T05",
          uploadedAt: t0 - 2 * HOUR,
          files: [{ name: "187520_2025-11-06_5#1.bbbbbbbbbbbb", queued: true, loadsAfterMs: 45_000 }],
        },
        {
          window: "2025-10-27T00_2025-10-27T00",
          uploadedAt: t0 - 10 * DAY,
          files: [{ name: "187520_2025-10-27_0#0.dddddddddddd" }],
        },
        {
          // 70 days old, missed with its manifest: COPY cannot know their load status by itself.
          window: "2025-08-28T00_2025-08-28T00",
          uploadedAt: t0 - 70 * DAY,
          files: [{ name: "187520_2025-08-28_0#0.gggggggggggg" }],
          manifest: { loaded: false },
        },
      ],
      clock,
    );
    script.pipeCopies = await pipeCopies();
    const { fake, open } = await snowflake();
    // The fake account keeps Snowflake's default TIMEZONE; the pipeline's session sets UTC for itself.
    expect(fake.accountTimezone).toBe("America/Los_Angeles");
    const pipe = scriptSnowpipe(fake, script);
    const warehouse = await open();
    cleanup.push(() => warehouse.close());
    const summary = await pipeLoad({
      lake,
      warehouse,
      timeoutSeconds: 1800,
      now: clock.now,
      sleep: clock.sleep,
    });

    const file = (name: string) => script.events.find((f) => f.key.includes(name))!;
    expect(summary.pending).toEqual([]);
    expect(summary.copied.sort()).toEqual(
      [file("2025-10-27_0#0").key, file("2025-08-28_0#0").key, script.manifests[2]!.key].sort(),
    );
    expect(pipe.skippedUncertain).toEqual([]);
    // Only the COPY of the old files says LOAD_UNCERTAIN_FILES.
    expect(sent(fake, /^copy into/i).map((q) => /load_uncertain_files = true/.test(q.sql))).toEqual([
      true,
      false,
      true,
    ]);
    // Snowpipe's row and the COPY's rows on one clock: UTC, as every other timestamp the pipeline writes.
    expect(pipe.loadedAt(file("2025-11-06_5#1").key)).toBe(utc(t0 + 45_000));
    expect(pipe.loadedAt(file("2025-10-27_0#0").key)).toBe(utc(file("2025-10-27_0#0").copied!.ms));
    expect(pipe.loadedAt(file("2025-08-28_0#0").key)).toBe(utc(file("2025-08-28_0#0").copied!.ms));
  });
});

describe("load --warehouse snowflake from the CLI", () => {
  it("prints what Snowpipe loaded, names a refused file with Snowflake's first error, exits 1", async () => {
    const clock = testClock(Date.now());
    const { root, script } = await lakeWith(
      [
        {
          window: "2025-11-06T05_2025-11-06T05",
          uploadedAt: Date.now() - HOUR,
          files: [
            { name: "a.aaaaaaaaaaaa", loaded: true },
            {
              name: "b.bbbbbbbbbbbb",
              fails: "Invalid data encountered during decompression for file: 'b.json.gz'",
            },
          ],
        },
      ],
      clock,
    );
    const { fake, env } = await snowflake();
    scriptSnowpipe(fake, script);
    const cli = await runCli(["load", "--warehouse", "snowflake", "--lake", `file://${root}`, "--json"], {
      cwd: await tempDir(),
      env,
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      /^Snowpipe: 2 file\(s\) of 1 delivery checked, 1 in raw\.amplitude_events already, 0 file\(s\) or manifest\(s\) loaded while waiting \(0 refreshed, 0 copied\), 0 pending, 1 failed/m,
    );
    expect(cli.stderr).toMatch(
      /^error: amplitude\/events\/app=187520\/date=2025-11-06\/hour=00\/b\.bbbbbbbbbbbb\.json\.gz: Snowflake could not load it into raw\.amplitude_events: Invalid data encountered during decompression/m,
    );
    expect(cli.json()).toEqual({
      files: 2,
      snapshot_files: 0,
      loaded: 0,
      pending: 0,
      failed: 1,
      refreshed: 0,
      copied: 0,
    });
  });
});
