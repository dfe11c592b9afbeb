import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { errorMessage } from "../errors.ts";
import { copyWithSha256 } from "../lake/digest.ts";
import { MANIFESTS_PREFIX, type Lake } from "../lake/lake.ts";
import {
  parseSnapshotFileKey,
  parseSnapshotManifestKey,
  readLakeSnapshotManifest,
  snapshotFileKey,
  SNAPSHOT_GROUP,
  SNAPSHOT_OBJECTS,
  type SnapshotId,
  type SnapshotObject,
} from "../lake/snapshot-keys.ts";
import { batches, loadedKeys } from "./load-batches.ts";
import { sqlString, timestampLiteral, type Warehouse } from "./warehouse.ts";

export const SNAPSHOTS_TABLE = "raw.amplitude_snapshots";

export interface SnapshotLoadReporter {
  snapshotBatch?(event: { files: number; rows: number; done: number; total: number }): void;
}

export interface SnapshotLoadSummary {
  /** Snapshot files loaded by this run, and their lines (each file's header line included). */
  files: number;
  rows: number;
  bytes: number;
  /** Files the unloaded manifests list that were loaded already. */
  skipped: number;
  /** Snapshot manifest keys in the lake (every one is listed: there is one per object per run). */
  listed: number;
  /** Snapshot files in the lake whose manifest is not: an upload in progress or interrupted. */
  waiting: number;
  failed: Array<{ key: string; message: string }>;
}

export interface SnapshotLoadOptions {
  lake: Lake;
  warehouse: Warehouse;
  /** The loader's clock: loaded_at grows with every batch, events and snapshots alike. */
  clock: () => Promise<string>;
  reporter?: SnapshotLoadReporter;
  signal?: AbortSignal;
  batchFiles?: number;
  batchBytes?: number;
}

interface SnapshotFile {
  key: string;
  manifestKey: string;
  object: SnapshotObject;
  appId: string;
  sha256: string;
  bytes: number;
  lines: number;
}

/**
 * Every complete snapshot (its manifest present) whose file `raw.load_history` does not hold is read into
 * `raw.amplitude_snapshots`, once, each line a row. A snapshot's file must match its manifest exactly
 * (size, SHA-256, lines): a snapshot is replaced whole by the next, so a partial one is refused rather
 * than loaded in part. A batch of files and their history rows commit together.
 *
 * Every snapshot manifest is listed on each load, not only those since the last: keys sort by the time a
 * snapshot was taken, not by when it reached the lake, and a backup uploaded late must still load. There
 * is one manifest per object (and per changed cohort) per run, so the listing stays small. The snapshot
 * files are listed too, to count those whose manifest has not arrived (`waiting`).
 */
export async function loadSnapshots(options: SnapshotLoadOptions): Promise<SnapshotLoadSummary> {
  const { lake, warehouse } = options;
  const summary: SnapshotLoadSummary = {
    files: 0,
    rows: 0,
    bytes: 0,
    skipped: 0,
    listed: 0,
    waiting: 0,
    failed: [],
  };
  const manifests: Array<{ key: string; id: SnapshotId }> = [];
  const stored: string[] = [];
  for (const object of SNAPSHOT_OBJECTS) {
    for await (const entry of lake.list(`${MANIFESTS_PREFIX}${object}/`)) {
      const id = parseSnapshotManifestKey(entry.key);
      if (id) manifests.push({ key: entry.key, id });
    }
    for await (const entry of lake.list(`amplitude/${object}/`)) {
      if (parseSnapshotFileKey(entry.key)) stored.push(entry.key);
    }
  }
  summary.listed = manifests.length;
  const complete = new Set(manifests.map(({ id }) => snapshotFileKey(id)));
  summary.waiting = stored.filter((key) => !complete.has(key)).length;
  if (manifests.length === 0) return summary;

  // A snapshot's file key follows from its manifest's: only manifests whose file is not loaded are read.
  const loaded = await loadedKeys(
    warehouse,
    manifests.map(({ id }) => snapshotFileKey(id)),
  );
  const files = new Map<string, SnapshotFile>();
  for (const { key, id } of manifests) {
    if (loaded.has(snapshotFileKey(id))) continue;
    try {
      const manifest = await readLakeSnapshotManifest(lake, key);
      if (manifest.object !== id.object || manifest.app_id !== id.appId) {
        throw new Error(
          `${lake.describe(key)} says it holds a snapshot of ${manifest.object} of app ${manifest.app_id}, ` +
            `its key one of ${id.object} of app ${id.appId}: it was moved or edited by hand; upload that snapshot again`,
        );
      }
      for (const file of manifest.files) {
        const fileKey = file.key ?? snapshotFileKey(id);
        files.set(fileKey, {
          key: fileKey,
          manifestKey: key,
          object: id.object,
          appId: id.appId,
          sha256: file.sha256,
          bytes: file.bytes,
          lines: file.lines,
        });
      }
    } catch (error) {
      summary.failed.push({ key, message: errorMessage(error) });
    }
  }
  // A manifest may name a file under another key than its own: those are checked against the history too.
  const listedElsewhere = [...files.keys()].filter((key) => !loaded.has(key));
  for (const key of await loadedKeys(warehouse, listedElsewhere)) {
    files.delete(key);
    summary.skipped += 1;
  }

  const toLoad = [...files.values()].sort((a, b) => a.key.localeCompare(b.key));
  const cut = batches(toLoad, options.batchFiles ?? 16, options.batchBytes ?? 256 * 1024 * 1024);
  let done = 0;
  for (const files of cut) {
    if (options.signal?.aborted) break;
    let outcomes = [await loadBatch(options, files)];
    if (outcomes[0]!.failed.length > 0 && files.length > 1) {
      // Find the file that broke the batch: load the others one by one.
      outcomes = [];
      for (const file of files) outcomes.push(await loadBatch(options, [file]));
    }
    for (const outcome of outcomes) {
      summary.files += outcome.files;
      summary.rows += outcome.rows;
      summary.bytes += outcome.bytes;
      summary.failed.push(...outcome.failed);
    }
    done += files.length;
    options.reporter?.snapshotBatch?.({
      files: summary.files,
      rows: summary.rows,
      done,
      total: toLoad.length,
    });
  }
  return summary;
}

/** What to do about a file that is not what its manifest describes, or was written damaged. */
function remedy(file: SnapshotFile, cause: "changed" | "damaged" = "changed"): string {
  const retake = `take a new one with \`extract --objects ${SNAPSHOT_GROUP[file.object]}\` and upload it; then load again`;
  return cause === "changed"
    ? "the lake object is not the file its manifest describes (changed, or cut short, after upload). Restore it " +
        `with \`upload --repair\` from the backup folder that holds the snapshot, or ${retake}`
    : `it matches its manifest, so the snapshot was written so: ${retake}`;
}

async function digest(stream: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest("hex") };
}

class SnapshotFileError extends Error {}

interface BatchOutcome {
  files: number;
  rows: number;
  bytes: number;
  failed: Array<{ key: string; message: string }>;
}

async function loadBatch(options: SnapshotLoadOptions, files: SnapshotFile[]): Promise<BatchOutcome> {
  const { lake, warehouse } = options;
  const staging = lake.localPath ? undefined : await mkdtemp(join(tmpdir(), "amplitude-pipeline-snapshots-"));
  try {
    // A folder lake is read in place and hashed beside DuckDB's read; an S3 lake is copied down first,
    // hashed on the way.
    const local = await Promise.all(
      files.map(async (file, index) => {
        if (lake.localPath) {
          const path = lake.localPath(file.key);
          return { path, digest: digest(createReadStream(path)) };
        }
        const path = join(staging!, `${index}.json.gz`);
        return { path, digest: Promise.resolve(await copyWithSha256(await lake.read(file.key), path)) };
      }),
    );
    const digests = Promise.all(local.map((file) => file.digest));
    digests.catch(() => undefined); // awaited below; this only keeps it from going unhandled
    const checkDigests = async () => {
      const actual = await digests.catch((error: unknown) => {
        const missing = files.find((file) => errorMessage(error).includes(file.key.split("/").pop()!));
        if ((error as { code?: string }).code === "ENOENT" && missing) {
          throw new SnapshotFileError(
            `${lake.describe(missing.key)} is not in the lake, though its manifest ${missing.manifestKey} lists it: ${remedy(missing)}`,
          );
        }
        throw error;
      });
      for (const [index, file] of files.entries()) {
        const { size, sha256 } = actual[index]!;
        if (size !== file.bytes || sha256 !== file.sha256) {
          throw new SnapshotFileError(
            `${lake.describe(file.key)} does not match its manifest ${file.manifestKey} (${size} bytes, sha256 ${sha256}; ` +
              `the manifest says ${file.bytes} bytes, sha256 ${file.sha256}): ${remedy(file)}`,
          );
        }
      }
    };
    const loadedAt = await options.clock();
    const rows = await warehouse.transaction(async () => {
      const selects = files.map(
        (file, index) =>
          `select ${sqlString(file.object)} as object, json as json_data, ${sqlString(file.key)} as source_file,
            ordinality as file_row_number
          from read_json_objects(${sqlString(local[index]!.path)}, format = 'newline_delimited', compression = 'gzip')
            with ordinality`,
      );
      try {
        await warehouse.execute(
          `insert into ${SNAPSHOTS_TABLE} (object, json_data, source_file, file_row_number, loaded_at)
           select object, json_data, source_file, file_row_number, ${timestampLiteral(loadedAt)}
           from (${selects.join("\nunion all\n")})`,
        );
      } catch (error) {
        // A file cut short fails to read: its digest names the cause better than the reader's error.
        await checkDigests();
        throw error;
      }
      await checkDigests();
      const counts = new Map(
        (
          await warehouse.query<{ source_file: string; n: bigint }>(
            `select source_file, count(*) as n from ${SNAPSHOTS_TABLE}
             where loaded_at = ${timestampLiteral(loadedAt)} group by source_file`,
          )
        ).map((row) => [row.source_file, Number(row.n)]),
      );
      for (const file of files) {
        const got = counts.get(file.key) ?? 0;
        if (got !== file.lines) {
          throw new SnapshotFileError(
            `${lake.describe(file.key)} holds ${got} line(s), its manifest ${file.manifestKey} counts ${file.lines}: ${remedy(file)}`,
          );
        }
      }
      const history = files.map(
        (file) =>
          `(${sqlString(file.key)}, ${sqlString(file.sha256)}, ${file.bytes}, ${counts.get(file.key) ?? 0}, ` +
          `${file.lines}, 0, ${sqlString(file.appId)}, null, ${timestampLiteral(loadedAt)}, ${sqlString(file.object)})`,
      );
      await warehouse.execute(
        `insert into raw.load_history
         (file, checksum, size, rows, manifest_events, manifest_rejected, app_id, extract_window, loaded_at, object)
         values ${history.join(",\n")}`,
      );
      return counts;
    });
    return {
      files: files.length,
      rows: [...rows.values()].reduce((a, b) => a + b, 0),
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      failed: [],
    };
  } catch (error) {
    const what =
      files.length === 1 ? lake.describe(files[0]!.key) : `a batch of ${files.length} snapshot files`;
    return {
      files: 0,
      rows: 0,
      bytes: 0,
      failed: files.map((file) => ({
        key: file.key,
        message:
          error instanceof SnapshotFileError
            ? `${error.message.split("\n")[0]}`
            : `${what} was not loaded: ${readerRemedy(error, file)}`,
      })),
    };
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
  }
}

function readerRemedy(error: unknown, file: SnapshotFile): string {
  const message = errorMessage(error).split("\n")[0]!;
  if (/gzip|compress|zlib|inflate/i.test(message))
    return `it is not a readable gzip file (${message}); ${remedy(file, "damaged")}`;
  if (/malformed json|json parse|not valid json/i.test(message))
    return `a line of it is not JSON (${message}); ${remedy(file, "damaged")}`;
  return message;
}
