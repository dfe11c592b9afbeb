import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MAX_LINE_BYTES } from "../amplitude/limits.ts";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { copyWithSha256, sha256OfFile } from "../lake/digest.ts";
import {
  damagedLakeObject,
  EVENTS_PREFIX,
  isoFromCompactTime,
  manifestKeyBefore,
  MANIFESTS_PREFIX,
  parseManifestKey,
  type Lake,
} from "../lake/lake.ts";
import { lakeApps, listManifestKeys, readLakeManifest, type LakeManifest } from "../lake/manifest.ts";
import { batches, loadedKeys } from "./load-batches.ts";
import { ensureRawTables } from "./raw-tables.ts";
import { loadSnapshots, type SnapshotLoadSummary } from "./snapshot-load.ts";
import { sqlString, timestampLiteral, timestampText, type Warehouse } from "./warehouse.ts";

/**
 * Manifests uploaded at about the same moment can become visible out of key order (two uploaders, or a
 * slow PUT): each load looks this far back before the newest manifest it has read.
 */
const RESUME_MARGIN_MS = 3_600_000;

export interface LoadReporter {
  batch?(event: { files: number; rows: number; done: number; total: number }): void;
  /** A batch of snapshot files (taxonomy, cohorts) committed into raw.amplitude_snapshots. */
  snapshotBatch?(event: { files: number; rows: number; done: number; total: number }): void;
  warning?(message: string): void;
}

export interface LoadOptions {
  lake: Lake;
  warehouse: Warehouse;
  reporter?: LoadReporter;
  /** Files read into one transaction. DuckDB reads the files of a batch in parallel. */
  batchFiles?: number;
  batchBytes?: number;
  now?: () => Date;
  /** Once aborted, no new batch starts; the batch under way commits or rolls back whole. */
  signal?: AbortSignal;
}

export interface LoadSummary {
  /** Files loaded by this run. */
  files: number;
  rows: number;
  bytes: number;
  /** Files the new manifests list that were already loaded (an identical delivery, or a file two windows share). */
  skipped: number;
  /** Lake files in the partitions this run looked at that no manifest lists yet: an upload in progress or interrupted. */
  waiting: number;
  /** Window deliveries (manifests) read and recorded by this run. */
  windows: number;
  /** Manifest keys this run listed: only those since the last load, however long the history. */
  listed: number;
  /** Every file not loaded, event or snapshot file: the snapshot failures are in `snapshots.failed` too. */
  failed: Array<{ key: string; message: string }>;
  /** Snapshot files (taxonomy, cohorts) loaded into raw.amplitude_snapshots, counted apart from event files. */
  snapshots: Omit<SnapshotLoadSummary, "failed"> & { failed: number };
}

interface LakeFile {
  key: string;
  sha256: string;
  bytes: number;
  events: number;
  rejected: number;
  maxLineBytes: number;
  appId: string;
  window: string;
}

interface PendingManifest {
  key: string;
  manifest: LakeManifest;
}

/**
 * Embedded twin of Snowpipe: every lake file a manifest lists that `raw.load_history` does not hold is
 * read into `raw.amplitude_events`, once (and every complete taxonomy or cohort snapshot into
 * `raw.amplitude_snapshots`: see loadSnapshots). Only manifests uploaded since the last load are listed (their
 * keys sort by upload time). A batch of files and their history rows commit together, so a crash loads
 * nothing twice and loses nothing; a manifest is recorded in `raw.extract_windows` once all its files are
 * in. Lines extract set aside are skipped here too, as Snowflake's `ON_ERROR = CONTINUE` would.
 */
export async function load(options: LoadOptions): Promise<LoadSummary> {
  const { warehouse } = options;
  if (warehouse.dialect !== "duckdb") {
    throw new ConfigurationError("load is for the embedded warehouse: on Snowflake, Snowpipe loads the lake");
  }
  await ensureRawTables(warehouse);
  return warehouse.withLoadSettings ? warehouse.withLoadSettings(() => loadAll(options)) : loadAll(options);
}

async function loadAll(options: LoadOptions): Promise<LoadSummary> {
  const { lake, warehouse } = options;
  const now = options.now ?? (() => new Date());
  const summary: LoadSummary = {
    files: 0,
    rows: 0,
    bytes: 0,
    skipped: 0,
    waiting: 0,
    windows: 0,
    listed: 0,
    failed: [],
    snapshots: { files: 0, rows: 0, bytes: 0, skipped: 0, listed: 0, waiting: 0, failed: 0 },
  };
  const apps = await lakeApps(lake);
  const clock = monotonicClock(warehouse, now);
  for (const appId of apps) {
    if (options.signal?.aborted) break;
    await loadApp(options, appId, summary, clock, now);
  }
  if (!options.signal?.aborted) {
    const snapshots = await loadSnapshots({
      lake,
      warehouse,
      clock,
      signal: options.signal,
      batchFiles: options.batchFiles,
      batchBytes: options.batchBytes,
      reporter: { snapshotBatch: (event) => options.reporter?.snapshotBatch?.(event) },
    });
    summary.snapshots = { ...snapshots, failed: snapshots.failed.length };
    summary.failed.push(...snapshots.failed);
  }
  if (apps.length === 0 && summary.snapshots.listed === 0) {
    options.reporter?.warning?.(
      `${lake.describe(MANIFESTS_PREFIX)} holds no window manifests: nothing to load (run upload first, or check --lake)`,
    );
  }
  return summary;
}

async function loadApp(
  options: LoadOptions,
  appId: string,
  summary: LoadSummary,
  clock: () => Promise<string>,
  now: () => Date,
): Promise<void> {
  const { lake, warehouse } = options;
  const startAfter = await resumePoint(warehouse, appId);
  const listed = await listManifestKeys(lake, appId, startAfter);
  summary.listed += listed.length;
  const recorded = new Set(
    (
      await warehouse.query<{ manifest: string }>(
        `select manifest from raw.extract_windows where app_id = ? and manifest > ?`,
        [appId, startAfter ?? ""],
      )
    ).map((row) => row.manifest),
  );
  const pending: PendingManifest[] = [];
  for (const { key } of listed) {
    if (recorded.has(key)) continue;
    try {
      pending.push({ key, manifest: await readLakeManifest(lake, key) });
    } catch (error) {
      summary.failed.push({ key, message: errorMessage(error) });
    }
  }
  if (pending.length === 0) return;

  const files = filesOf(pending, summary);
  const loaded = await loadedKeys(warehouse, [...files.keys()]);
  const toLoad = [...files.values()].filter((file) => !loaded.has(file.key));
  summary.skipped += files.size - toLoad.length;
  summary.waiting += await waitingFiles(lake, warehouse, pending, files);

  const failedKeys = new Set<string>();
  const cut = batches(
    toLoad.sort((a, b) => a.key.localeCompare(b.key)),
    options.batchFiles ?? 32,
    options.batchBytes ?? 512 * 1024 * 1024,
  );
  let done = 0;
  for (const files of cut) {
    if (options.signal?.aborted) {
      for (const file of files) failedKeys.add(file.key);
      continue;
    }
    let outcomes = [await loadBatch(lake, warehouse, files, clock, options.reporter)];
    if (outcomes[0]!.failed.length > 0 && files.length > 1) {
      // Find the file that broke the batch: load the others one by one.
      outcomes = [];
      for (const file of files)
        outcomes.push(await loadBatch(lake, warehouse, [file], clock, options.reporter));
    }
    for (const outcome of outcomes) {
      addOutcome(summary, outcome);
      for (const failure of outcome.failed) failedKeys.add(failure.key);
    }
    done += files.length;
    options.reporter?.batch?.({ files: summary.files, rows: summary.rows, done, total: toLoad.length });
  }
  // A delivery counts (and moves the warehouse's watermark) once every file it lists is in raw.
  const complete = pending.filter(({ manifest }) =>
    manifest.files.every((file) => !failedKeys.has(file.key)),
  );
  // The next load lists from the newest key before which every listed manifest is recorded: a delivery
  // that failed is listed, and retried, until it loads.
  const inWarehouse = new Set([...recorded, ...complete.map((entry) => entry.key)]);
  let cursor: string | undefined;
  for (const { key } of listed) {
    if (!inWarehouse.has(key)) break;
    cursor = key;
  }
  await recordWindows(warehouse, appId, complete, cursor, now);
  summary.windows += complete.length;
}

/** Where this app's listing starts: a margin before the newest manifest every earlier one of which is in. */
async function resumePoint(warehouse: Warehouse, appId: string): Promise<string | undefined> {
  const [row] = await warehouse.query<{ manifest: string | null }>(
    `select manifest from raw.lake_cursor where app_id = ?`,
    [appId],
  );
  const parts = row?.manifest ? parseManifestKey(row.manifest) : null;
  if (!parts) return undefined;
  const uploaded = Date.parse(isoFromCompactTime(parts.uploadedAt));
  return manifestKeyBefore(appId, new Date(uploaded - RESUME_MARGIN_MS));
}

/**
 * The files the manifests list, one entry per key. Keys hold the content's hash, so two manifests listing
 * one key (a file two overlapping windows share) list the same bytes; anything else is refused.
 */
function filesOf(pending: PendingManifest[], summary: LoadSummary): Map<string, LakeFile> {
  const files = new Map<string, LakeFile>();
  for (const { key: manifestKey, manifest } of pending) {
    const window = `${manifest.window.start}_${manifest.window.end}`;
    for (const file of manifest.files) {
      const previous = files.get(file.key);
      if (previous && previous.sha256 !== file.sha256) {
        summary.failed.push({
          key: file.key,
          message: `${manifestKey} lists ${file.key} with sha256 ${file.sha256}, another manifest with ${previous.sha256}: one of them was edited by hand; upload that window again`,
        });
        continue;
      }
      files.set(file.key, {
        key: file.key,
        sha256: file.sha256,
        bytes: file.bytes,
        events: file.events,
        rejected: file.rejected,
        maxLineBytes: manifest.max_line_bytes ?? DEFAULT_MAX_LINE_BYTES,
        appId: manifest.app_id,
        window,
      });
    }
  }
  return files;
}

/** Files in the new deliveries' date partitions that neither a manifest nor the load history knows. */
async function waitingFiles(
  lake: Lake,
  warehouse: Warehouse,
  pending: PendingManifest[],
  files: Map<string, LakeFile>,
): Promise<number> {
  const partitions = new Set<string>();
  for (const { manifest } of pending) {
    for (const date of datesOf(manifest.window.start, manifest.window.end)) {
      partitions.add(`${EVENTS_PREFIX}app=${manifest.app_id}/date=${date}/`);
    }
  }
  const unknown: string[] = [];
  for (const partition of partitions) {
    for await (const object of lake.list(partition)) if (!files.has(object.key)) unknown.push(object.key);
  }
  const loaded = await loadedKeys(warehouse, unknown);
  return unknown.filter((key) => !loaded.has(key)).length;
}

/** `YYYY-MM-DD` of every day a window touches. */
function datesOf(start: string, end: string): string[] {
  const dates: string[] = [];
  const last = Date.parse(`${end.slice(0, 10)}T00:00:00Z`);
  for (let day = Date.parse(`${start.slice(0, 10)}T00:00:00Z`); day <= last; day += 86_400_000) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

function addOutcome(summary: LoadSummary, outcome: BatchOutcome) {
  summary.files += outcome.files;
  summary.rows += outcome.rows;
  summary.bytes += outcome.bytes;
  summary.failed.push(...outcome.failed);
}

/** One row per delivery, which the watermark reads; and where the next load resumes listing. */
async function recordWindows(
  warehouse: Warehouse,
  appId: string,
  manifests: PendingManifest[],
  cursor: string | undefined,
  now: () => Date,
) {
  const hour = (text: string) => timestampLiteral(`${text.replace("T", " ")}:00:00`);
  const rows = manifests.map(
    ({ key, manifest: m }) =>
      `(${sqlString(m.app_id)}, ${hour(m.window.start)}, ${hour(m.window.end)}, ${sqlString(m.status ?? "exported")}, ` +
      `${m.totals.files}, ${m.totals.events}, ${m.totals.rejected}, ${sqlString(m.run_id)}, ` +
      `${timestampLiteral(timestampText(new Date(m.extracted_at)))}, ${sqlString(m.delivery)}, ${sqlString(key)}, ` +
      `${timestampLiteral(timestampText(new Date(m.uploaded_at)))}, ${timestampLiteral(timestampText(now()))})`,
  );
  await warehouse.transaction(async () => {
    if (rows.length > 0) {
      await warehouse.execute(
        `insert into raw.extract_windows
         (app_id, window_start, window_end, status, files, events, rejected, run_id, extracted_at, delivery, manifest, uploaded_at, recorded_at)
       values ${rows.join(",\n")}
       on conflict (manifest) do nothing`,
      );
    }
    if (cursor === undefined) return;
    await warehouse.execute(
      `insert into raw.lake_cursor (app_id, manifest, updated_at)
       values (?, ?, ${timestampLiteral(timestampText(now()))})
       on conflict (app_id) do update set manifest = excluded.manifest, updated_at = excluded.updated_at`,
      [appId, cursor],
    );
  });
}

/** loaded_at must grow with every batch: incremental models take the rows newer than what they hold. */
function monotonicClock(warehouse: Warehouse, now: () => Date) {
  let last: number | undefined;
  return async (): Promise<string> => {
    if (last === undefined) {
      const [row] = await warehouse.query<{ latest: Date | null }>(
        `select max(loaded_at) as latest from raw.load_history`,
      );
      last = row?.latest ? row.latest.getTime() : 0;
    }
    last = Math.max(now().getTime(), last + 1);
    return timestampText(new Date(last));
  };
}

interface BatchOutcome {
  files: number;
  rows: number;
  bytes: number;
  failed: Array<{ key: string; message: string }>;
}

async function loadBatch(
  lake: Lake,
  warehouse: Warehouse,
  files: LakeFile[],
  clock: () => Promise<string>,
  reporter: LoadReporter | undefined,
): Promise<BatchOutcome> {
  const staging = lake.localPath ? undefined : await mkdtemp(join(tmpdir(), "amplitude-pipeline-load-"));
  try {
    // A folder lake is read in place and hashed while DuckDB reads it; an S3 lake is copied down first,
    // hashed on the way.
    const local = await Promise.all(
      files.map(async (file) => {
        if (lake.localPath)
          return { path: lake.localPath(file.key), sha256: sha256OfFile(lake.localPath(file.key)) };
        const path = join(staging!, `${files.indexOf(file)}.json.gz`);
        return {
          path,
          sha256: Promise.resolve((await copyWithSha256(await lake.read(file.key), path)).sha256),
        };
      }),
    );
    const checksums = Promise.all(local.map((file) => file.sha256));
    checksums.catch(() => undefined); // awaited inside the transaction; this only keeps it from going unhandled
    const loadedAt = await clock();
    const attempt = (lineLimit: "duckdb" | "manifest") =>
      warehouse.transaction(async () => {
        const selects = files.map((file, index) => selectFile(file, local[index]!.path, lineLimit));
        await warehouse.execute(
          `insert into raw.amplitude_events (json_data, source_file, file_row_number, loaded_at)
           select json_data, source_file, file_row_number, ${timestampLiteral(loadedAt)}
           from (${selects.join("\nunion all\n")})`,
        );
        const counts = new Map(
          (
            await warehouse.query<{ source_file: string; n: bigint }>(
              `select source_file, count(*) as n from raw.amplitude_events where loaded_at = ${timestampLiteral(loadedAt)} group by source_file`,
            )
          ).map((row) => [row.source_file, Number(row.n)]),
        );
        const actual = await checksums;
        for (const [index, file] of files.entries()) {
          const sha256 = actual[index]!;
          if (sha256 !== file.sha256) {
            throw damagedLakeObject(
              lake.describe(file.key),
              { size: file.bytes, sha256 },
              { size: file.bytes, sha256: file.sha256 },
            );
          }
        }
        const history = files.map(
          (file) =>
            `(${sqlString(file.key)}, ${sqlString(file.sha256)}, ${file.bytes}, ${counts.get(file.key) ?? 0}, ` +
            `${file.events}, ${file.rejected}, ${sqlString(file.appId)}, ${sqlString(file.window)}, ` +
            `${timestampLiteral(loadedAt)}, 'events')`,
        );
        await warehouse.execute(
          `insert into raw.load_history
           (file, checksum, size, rows, manifest_events, manifest_rejected, app_id, extract_window, loaded_at, object)
           values ${history.join(",\n")}`,
        );
        return counts;
      });
    // Read with DuckDB's own object size first; only a batch holding a line longer than that (DuckDB stops
    // with an error, it never drops the line) is read again with the limit extract applied.
    const rows = await attempt("duckdb").catch((error: unknown) => {
      if (!/maximum_object_size/.test(errorMessage(error))) throw error;
      return attempt("manifest");
    });
    for (const file of files) {
      const got = rows.get(file.key) ?? 0;
      if (got !== file.events) {
        reporter?.warning?.(
          `${lake.describe(file.key)}: loaded ${got} rows, its manifest counts ${file.events} events ` +
            `(the reconciliation test will name it)`,
        );
      }
    }
    return {
      files: files.length,
      rows: [...rows.values()].reduce((a, b) => a + b, 0),
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      failed: [],
    };
  } catch (error) {
    const what = files.length === 1 ? lake.describe(files[0]!.key) : `a batch of ${files.length} files`;
    return {
      files: 0,
      rows: 0,
      bytes: 0,
      failed: files.map((file) => ({
        key: file.key,
        message: `${what} was not loaded: ${loadRemedy(error)}`,
      })),
    };
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
  }
}

function loadRemedy(error: unknown): string {
  const message = errorMessage(error);
  if (/gzip|compress|zlib|inflate/i.test(message)) {
    return `it is not a readable gzip file (${firstLine(message)}); extract and upload that window again`;
  }
  return firstLine(message);
}

function firstLine(message: string): string {
  return message.split("\n")[0]!;
}

/**
 * One file's lines. When extract accepted every line (the manifest says none was rejected), DuckDB only
 * has to parse them; otherwise the lines extract set aside are dropped by the same rules it applied.
 *
 * `lineLimit`: DuckDB sizes its read buffers by `maximum_object_size`. Given the manifest's limit (128 MB
 * by default) on every file, the seven days of the benchmark took 27 s to insert instead of 18 s, with
 * twice the page faults. With DuckDB's default (16 MB, which lets lines of up to 32 MB through) a longer
 * line stops the statement with an error, and `load` reads that batch again with the manifest's limit.
 */
function selectFile(file: LakeFile, path: string, lineLimit: "duckdb" | "manifest"): string {
  const validOnly =
    file.rejected === 0
      ? `json is not null`
      : // maximum_object_size alone does not drop a longer object when errors are ignored: filter on length.
        `json is not null and strlen(json) <= ${file.maxLineBytes} and json_type(json) = 'OBJECT' ` +
        `and coalesce(json_extract_string(json, '$.uuid'), '') <> '' ` +
        `and json_extract_string(json, '$.server_upload_time') is not null`;
  return `select json as json_data, ${sqlString(file.key)} as source_file, ordinality as file_row_number
    from read_json_objects(${sqlString(path)}, format = 'newline_delimited', compression = 'gzip',
      ignore_errors = true${lineLimit === "manifest" ? `, maximum_object_size = ${file.maxLineBytes}` : ""}) with ordinality
    where ${validOnly}`;
}
