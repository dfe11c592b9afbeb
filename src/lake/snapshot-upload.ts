import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { ConfigurationError, errorMessage } from "../errors.ts";
import type { Lake } from "./lake.ts";
import {
  backupSnapshotFolder,
  backupSnapshots,
  latestSnapshots,
  readBackupSnapshotManifest,
  snapshotFileKey,
  snapshotManifestFolderKey,
  snapshotManifestKey,
  snapshotSlot,
  SNAPSHOT_OBJECTS,
  type SnapshotId,
  type SnapshotManifest,
} from "./snapshot-keys.ts";
import { ConflictError, putJson } from "./upload.ts";

export interface SnapshotUploadReporter {
  /**
   * `uploaded`: its file and manifest are in the lake now. `present`: its manifest was there already, or the
   * lake's latest snapshot of that object holds the same content (the same delivery). `failed`: see `error`.
   */
  snapshotFinished?(event: {
    id: SnapshotId;
    outcome: "uploaded" | "present" | "failed";
    key: string;
    bytes: number;
    records: number;
    error?: string;
  }): void;
}

export interface SnapshotUploadSummary {
  /** Snapshot files written to the lake by this run, and their bytes. */
  files: number;
  bytes: number;
  /** Snapshots the lake held already (or an identical latest one of). */
  skipped: number;
  /** Snapshots in the backup folder. */
  snapshots: number;
  failures: Array<{ key: string; error: string }>;
}

/**
 * Copies every snapshot folder of the backup (`<from>/<appId>/_objects/…`) into the lake: the file under its
 * key, verified against the manifest's size and SHA-256 on the way, then the manifest, whose presence says
 * the snapshot is complete. Oldest first within each object, so the lake's latest is the backup's latest.
 * A snapshot whose manifest is in the lake, or whose content is the lake's latest of that object, is
 * skipped: re-running changes nothing.
 */
export async function uploadSnapshots(options: {
  lake: Lake;
  from: string;
  repair?: boolean;
  signal?: AbortSignal;
  reporter?: SnapshotUploadReporter;
  now?: () => Date;
}): Promise<SnapshotUploadSummary> {
  const { lake } = options;
  const now = options.now ?? (() => new Date());
  const summary: SnapshotUploadSummary = { files: 0, bytes: 0, skipped: 0, snapshots: 0, failures: [] };
  const apps = (await readdir(options.from, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
    .map((e) => e.name)
    .sort();
  for (const appId of apps) {
    const snapshots = await backupSnapshots(options.from, appId);
    if (snapshots.length === 0) continue;
    summary.snapshots += snapshots.length;
    const latest = await latestSnapshots(lake, appId);
    const present = await presentManifests(lake, appId);
    for (const id of snapshots) {
      const slot = snapshotSlot(id.object, id.appId, id.cohortId);
      const fileKey = snapshotFileKey(id);
      const manifestKey = snapshotManifestKey(id);
      const report = (
        outcome: "uploaded" | "present" | "failed",
        manifest?: SnapshotManifest,
        error?: string,
      ) =>
        options.reporter?.snapshotFinished?.({
          id,
          outcome,
          key: fileKey,
          bytes: manifest?.totals.bytes ?? 0,
          records: manifest?.totals.records ?? 0,
          ...(error === undefined ? {} : { error }),
        });
      if (options.signal?.aborted) break;
      const complete = present.has(manifestKey);
      // `repair` looks again at the file of a complete snapshot; one whose content the lake holds under
      // another name has nothing of its own there to repair.
      const sameAsLatest = !complete && latest.get(slot)?.delivery === id.delivery;
      if ((complete && !options.repair) || sameAsLatest) {
        summary.skipped += 1;
        report("present");
        continue;
      }
      const folder = backupSnapshotFolder(options.from, id);
      let manifest: SnapshotManifest | undefined;
      try {
        manifest = await readBackupSnapshotManifest(folder);
        const file = manifest.files[0];
        if (!file || manifest.files.length !== 1 || manifest.delivery !== id.delivery) {
          throw new Error(
            `${join(folder, "manifest.json")} does not describe the one file of snapshot ${id.takenAt}_${id.delivery}: ` +
              "the backup of that snapshot is damaged; remove its folder and extract again",
          );
        }
        const existing = await lake.head(fileKey);
        let uploaded = false;
        if (existing) {
          const same =
            existing.size === file.bytes && (existing.sha256 === null || existing.sha256 === file.sha256);
          if (!same && !options.repair) {
            throw new ConflictError(
              `${lake.describe(fileKey)} holds ${existing.size} bytes (sha256 ${existing.sha256 ?? "unknown"}), not ` +
                `the ${file.bytes} bytes (sha256 ${file.sha256}) of the snapshot its name promises: something other ` +
                "than upload changed it. Run `upload --repair` to put the backup's bytes back under that name",
            );
          }
          uploaded = !same;
        } else uploaded = true;
        // The lake checks the bytes against the manifest's size and SHA-256 as it writes: a damaged backup fails here.
        if (uploaded)
          await lake.put(fileKey, join(folder, file.name), { size: file.bytes, sha256: file.sha256 });
        const lakeManifest: SnapshotManifest = {
          ...manifest,
          files: [{ ...file, key: fileKey }],
          uploaded_at: now().toISOString(),
        };
        if (!complete) await putJson(lake, manifestKey, lakeManifest);
        if (uploaded) {
          summary.files += 1;
          summary.bytes += file.bytes;
        } else summary.skipped += 1;
        latest.set(slot, { ...id, location: manifestKey, manifest: lakeManifest });
        report("uploaded", manifest);
      } catch (error) {
        // Only the user can fix a configuration error (no access to the lake), and it fails every file alike.
        if (error instanceof ConfigurationError) throw error;
        summary.failures.push({ key: fileKey, error: errorMessage(error) });
        report("failed", manifest, errorMessage(error));
      }
    }
  }
  return summary;
}

/** The snapshot manifest keys the lake holds for one app. */
async function presentManifests(lake: Lake, appId: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const object of SNAPSHOT_OBJECTS) {
    const prefix =
      object === "cohort_members"
        ? `amplitude/_manifests/cohort_members/app=${appId}/`
        : snapshotManifestFolderKey(object, appId);
    for await (const entry of lake.list(prefix)) keys.add(entry.key);
  }
  return keys;
}
