import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createObjectsClient } from "../src/amplitude/objects-client.ts";
import type { AmplitudeSimulator } from "../src/amplitude/simulator/server.ts";
import { extractSnapshots } from "../src/amplitude/snapshots.ts";
import type { Lake } from "../src/lake/lake.ts";
import { listManifestKeys } from "../src/lake/manifest.ts";
import { openLake } from "../src/lake/open-lake.ts";
import {
  backupSnapshots,
  latestBackupSnapshots,
  latestSnapshots,
  parseSnapshotFileKey,
  parseSnapshotManifestKey,
  readLakeSnapshotManifest,
  snapshotFileKey,
  snapshotManifestKey,
  snapshotSlot,
} from "../src/lake/snapshot-keys.ts";
import { uploadSnapshots } from "../src/lake/snapshot-upload.ts";
import { extractStep } from "../src/pipeline/extract.ts";
import { previousSnapshots } from "../src/pipeline/snapshots.ts";
import { uploadStep } from "../src/pipeline/upload.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { s3Server } from "./support/s3.ts";
import { simulator } from "./support/simulator.ts";

const APP = "187520";
const noSleep = async () => {};

async function world() {
  const sim = await simulator({ now: () => new Date("2025-11-05T03:00:00.000Z") });
  return sim;
}

async function takeSnapshots(sim: AmplitudeSimulator, out: string, at: string, lake?: Lake) {
  return extractSnapshots({
    client: createObjectsClient({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      secretKey: sim.secretKey,
      sleep: noSleep,
    }),
    groups: ["taxonomy", "cohorts"],
    outDir: out,
    appId: APP,
    previous: await previousSnapshots(out, APP, lake),
    now: () => new Date(at),
    runId: "upload-test",
  });
}

async function lakeKeys(lake: Lake, prefix = "amplitude/"): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of lake.list(prefix)) keys.push(object.key);
  return keys;
}

describe("uploading snapshots", () => {
  it("puts each snapshot's file and manifest under the contract's keys, verified, and a second upload changes nothing", async () => {
    const sim = await world();
    const out = await tempDir();
    const lakeDir = await tempDir();
    const lake = await openLake(`file://${lakeDir}`, {});
    await takeSnapshots(sim, out, "2025-11-05T03:00:00.000Z");
    const inBackup = await backupSnapshots(out, APP);
    const cohorts = sim.objects.cohortIds;
    expect(inBackup).toHaveLength(3 + cohorts.length);

    const first = await uploadStep({ from: out, lake: `file://${lakeDir}`, concurrency: 2 }, { env: {} });

    expect(first.failed).toBe(false);
    expect(first.snapshots).toMatchObject({ files: inBackup.length, skipped: 0, snapshots: inBackup.length });
    expect(first.figures).toEqual({
      files: inBackup.length,
      bytes: first.snapshots.bytes,
      skipped: 0,
      snapshots: inBackup.length,
    });
    const keys = await lakeKeys(lake);
    expect(keys).toHaveLength(2 * inBackup.length);
    expect(keys).toEqual(
      expect.arrayContaining(inBackup.flatMap((id) => [snapshotFileKey(id), snapshotManifestKey(id)])),
    );
    expect(keys).toContain(
      `amplitude/cohort_members/app=${APP}/cohort=${cohorts[0]}/20251105T030000.000Z_${inBackup.find((s) => s.cohortId === cohorts[0])!.delivery}.json.gz`,
    );
    for (const key of keys) {
      expect(parseSnapshotFileKey(key) ?? parseSnapshotManifestKey(key), key).not.toBeNull();
    }
    // The lake's manifest is the backup's, plus where the file went and when.
    const backupLatest = await latestBackupSnapshots(out, APP);
    const inLake = await latestSnapshots(lake, APP);
    expect([...inLake.keys()].sort()).toEqual([...backupLatest.keys()].sort());
    const types = inLake.get(snapshotSlot("event_types", APP))!;
    const manifest = await readLakeSnapshotManifest(lake, types.location);
    expect(manifest).toEqual({
      ...backupLatest.get(snapshotSlot("event_types", APP))!.manifest,
      files: [
        {
          ...backupLatest.get(snapshotSlot("event_types", APP))!.manifest.files[0]!,
          key: snapshotFileKey(types),
        },
      ],
      uploaded_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    // The lake file is the backup's file, byte for byte.
    const backupFile = join(
      out,
      APP,
      "_objects",
      "event_types",
      `${types.takenAt}_${types.delivery}`,
      "event_types.json.gz",
    );
    expect(await readFile(join(lakeDir, ...snapshotFileKey(types).split("/")))).toEqual(
      await readFile(backupFile),
    );
    // Snapshot manifests live beside the windows' manifests but are not among them: the watermark ignores them.
    expect(await listManifestKeys(lake, APP)).toEqual([]);

    const again = await uploadStep({ from: out, lake: `file://${lakeDir}`, concurrency: 2 }, { env: {} });
    expect(again.snapshots).toMatchObject({ files: 0, skipped: inBackup.length });
    expect(again.figures).toEqual({ files: 0, bytes: 0, skipped: inBackup.length, snapshots: 0 });
    expect(await lakeKeys(lake)).toEqual(keys);

    // A fresh backup (the next Actions run) takes its previous state from the lake: nothing new is written.
    const nextOut = await tempDir();
    const requests = sim.objectCounters.cohortRequests;
    const next = await takeSnapshots(sim, nextOut, "2025-11-05T05:00:00.000Z", lake);
    expect(next.written).toBe(0);
    expect(next.unchanged).toBe(3 + cohorts.length);
    expect(sim.objectCounters.cohortRequests).toBe(requests);
    expect(await listFiles(nextOut)).toEqual([]);
  });

  it("skips a backup snapshot whose content is the lake's latest, even under another name", async () => {
    const sim = await world();
    const first = await tempDir();
    const lakeDir = await tempDir();
    const lake = await openLake(`file://${lakeDir}`, {});
    await takeSnapshots(sim, first, "2025-11-05T03:00:00.000Z");
    await uploadSnapshots({ lake, from: first });
    const keys = await lakeKeys(lake);

    // Another backup took the same content later, not knowing of the lake: it adds nothing there.
    const second = await tempDir();
    await takeSnapshots(sim, second, "2025-11-05T06:00:00.000Z");
    const summary = await uploadSnapshots({ lake, from: second });
    expect(summary).toMatchObject({ files: 0, skipped: summary.snapshots, failures: [] });
    expect(await lakeKeys(lake)).toEqual(keys);
  });

  it("refuses a damaged backup file: that snapshot gets no manifest, the others are uploaded, and a repaired backup completes it", async () => {
    const sim = await world();
    const out = await tempDir();
    const lakeDir = await tempDir();
    const lake = await openLake(`file://${lakeDir}`, {});
    await takeSnapshots(sim, out, "2025-11-05T03:00:00.000Z");
    const latest = await latestBackupSnapshots(out, APP);
    const types = latest.get(snapshotSlot("event_types", APP))!;
    const file = join(
      out,
      APP,
      "_objects",
      "event_types",
      `${types.takenAt}_${types.delivery}`,
      "event_types.json.gz",
    );
    const original = await readFile(file);
    const damaged = Buffer.from(original);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 5) ^ 0xff, damaged.length - 5);
    await writeFile(file, damaged);

    const result = await uploadStep({ from: out, lake: `file://${lakeDir}`, concurrency: 2 }, { env: {} });

    expect(result.failed).toBe(true);
    expect(result.summary.failures).toEqual([
      {
        key: snapshotFileKey(types),
        error: expect.stringMatching(/event_types\.json\.gz does not match its manifest/),
      },
    ]);
    const keys = await lakeKeys(lake);
    expect(keys).not.toContain(snapshotManifestKey(types));
    expect(keys).not.toContain(snapshotFileKey(types));
    expect(keys).toHaveLength(2 * (latest.size - 1));
    expect((await latestSnapshots(lake, APP)).has(snapshotSlot("event_types", APP))).toBe(false);

    await writeFile(file, original);
    const repaired = await uploadStep({ from: out, lake: `file://${lakeDir}`, concurrency: 2 }, { env: {} });
    expect(repaired.failed).toBe(false);
    expect(repaired.snapshots).toMatchObject({ files: 1, skipped: latest.size - 1 });
    expect(await lakeKeys(lake)).toContain(snapshotManifestKey(types));

    // Someone changes the lake's copy: --repair puts the backup's bytes back under that name.
    const inLake = join(lakeDir, ...snapshotFileKey(types).split("/"));
    await writeFile(inLake, damaged);
    const fixed = await uploadStep(
      { from: out, lake: `file://${lakeDir}`, concurrency: 2, repair: true },
      { env: {} },
    );
    expect(fixed.failed).toBe(false);
    expect(fixed.snapshots.files).toBe(1);
    expect(await readFile(inLake)).toEqual(original);
  });

  it("uploads to S3 (s3rver) the same keys, and extract with that lake finds nothing new", async () => {
    const sim = await world();
    const s3 = await s3Server();
    const lakeUrl = `s3://${s3.bucket}/pipeline`;
    const out = await tempDir();
    const env = { ...s3.env, AMPLITUDE_APP_ID: APP };
    const step = (dir: string) =>
      extractStep(
        {
          objects: ["taxonomy", "cohorts"],
          out: dir,
          lake: lakeUrl,
          windowHours: 24,
          concurrency: 1,
          maxLineBytes: 1_000_000,
          settleHours: 2,
        },
        {
          env,
          amplitude: { baseUrl: sim.url, region: "us", apiKey: sim.apiKey, secretKey: sim.secretKey },
          now: () => new Date("2025-11-05T03:00:00.000Z"),
          sleep: noSleep,
        },
      );
    const first = await step(out);
    expect(first.failed).toBe(false);
    expect(first.figures.snapshots).toMatchObject({ written: 3 + sim.objects.cohortIds.length, failed: 0 });

    const uploaded = await uploadStep({ from: out, lake: lakeUrl, concurrency: 2 }, { env });
    expect(uploaded.failed).toBe(false);
    const lake = await openLake(lakeUrl, env);
    const inBackup = await backupSnapshots(out, APP);
    expect((await lakeKeys(lake)).sort()).toEqual(
      inBackup.flatMap((id) => [snapshotFileKey(id), snapshotManifestKey(id)]).sort(),
    );
    expect((await uploadStep({ from: out, lake: lakeUrl, concurrency: 2 }, { env })).snapshots.files).toBe(0);

    const fresh = await tempDir();
    const second = await step(fresh);
    expect(second.figures.snapshots).toMatchObject({ written: 0, unchanged: inBackup.length });
  });
});
