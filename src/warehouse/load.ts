import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MAX_LINE_BYTES } from "../amplitude/limits.ts";
import type { WindowManifest } from "../amplitude/extract.ts";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { copyWithSha256, sha256OfFile } from "../lake/digest.ts";
import { damagedBackup, eventKey, type Lake } from "../lake/lake.ts";
import { ensureRawTables } from "./raw-tables.ts";
import { sqlString, timestampLiteral, timestampText, type Warehouse } from "./warehouse.ts";

const MANIFEST_PREFIX = "amplitude/_manifests/";
const EVENTS_PREFIX = "amplitude/events/";

export interface LoadReporter {
  batch?(event: { files: number; rows: number; done: number; total: number }): void;
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
}

export interface LoadSummary {
  /** Files loaded by this run. */
  files: number;
  rows: number;
  bytes: number;
  /** Files the manifests list that were already loaded. */
  skipped: number;
  /** Lake files no manifest lists yet: their window's upload is in progress or was interrupted. */
  waiting: number;
  windows: number;
  failed: Array<{ key: string; message: string }>;
}

interface LakeFile {
  key: string;
  sha256: string;
  bytes: number;
  events: number;
  rejected: number;
  appId: string;
  window: string;
}

/**
 * Embedded twin of Snowpipe: every lake file the manifests list that `raw.load_history` does not hold
 * (by key and checksum) is read into `raw.amplitude_events`. A batch of files and their history rows
 * commit together, so a crash loads nothing twice and loses nothing. Lines extract set aside are skipped
 * here too, as Snowflake's `ON_ERROR = CONTINUE` would.
 */
export async function load(options: LoadOptions): Promise<LoadSummary> {
  const { lake, warehouse } = options;
  if (warehouse.dialect !== "duckdb") {
    throw new ConfigurationError("load is for the embedded warehouse: on Snowflake, Snowpipe loads the lake");
  }
  await ensureRawTables(warehouse);
  const summary: LoadSummary = {
    files: 0,
    rows: 0,
    bytes: 0,
    skipped: 0,
    waiting: 0,
    windows: 0,
    failed: [],
  };

  const manifests = await readManifests(lake, summary);
  summary.windows = manifests.length;
  if (manifests.length === 0 && summary.failed.length === 0) {
    options.reporter?.warning?.(
      `${lake.describe(MANIFEST_PREFIX)} holds no window manifests: nothing to load (run upload first, or check --lake)`,
    );
  }
  await recordWindows(warehouse, manifests, options.now ?? (() => new Date()));

  const listed = latestFilePerKey(manifests);
  const loaded = new Set(
    (
      await warehouse.query<{ file: string; checksum: string }>(`select file, checksum from raw.load_history`)
    ).map((row) => `${row.file}\n${row.checksum}`),
  );
  const pending = [...listed.values()].filter((file) => !loaded.has(`${file.key}\n${file.sha256}`));
  summary.skipped = listed.size - pending.length;
  for await (const object of lake.list(EVENTS_PREFIX)) if (!listed.has(object.key)) summary.waiting += 1;

  const clock = monotonicClock(warehouse, options.now ?? (() => new Date()));
  const batches = batch(pending, options.batchFiles ?? 32, options.batchBytes ?? 512 * 1024 * 1024);
  let done = 0;
  for (const files of batches) {
    const outcome = await loadBatch(lake, warehouse, files, clock, options.reporter);
    if (outcome.failed.length > 0 && files.length > 1) {
      // Find the file that broke the batch: load the others one by one.
      for (const file of files) {
        const single = await loadBatch(lake, warehouse, [file], clock, options.reporter);
        addOutcome(summary, single);
      }
    } else {
      addOutcome(summary, outcome);
    }
    done += files.length;
    options.reporter?.batch?.({ files: summary.files, rows: summary.rows, done, total: pending.length });
  }
  return summary;
}

function addOutcome(summary: LoadSummary, outcome: BatchOutcome) {
  summary.files += outcome.files;
  summary.rows += outcome.rows;
  summary.bytes += outcome.bytes;
  summary.failed.push(...outcome.failed);
}

async function readManifests(lake: Lake, summary: LoadSummary): Promise<WindowManifest[]> {
  const manifests: WindowManifest[] = [];
  for await (const object of lake.list(MANIFEST_PREFIX)) {
    if (!object.key.endsWith(".json")) continue;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await lake.read(object.key)) chunks.push(chunk as Buffer);
      const manifest = JSON.parse(Buffer.concat(chunks).toString("utf8")) as WindowManifest;
      if (manifest.manifest_version !== 1 || !Array.isArray(manifest.files)) {
        throw new Error("not a manifest this version understands");
      }
      manifests.push(manifest);
    } catch (error) {
      summary.failed.push({
        key: object.key,
        message: `${lake.describe(object.key)} cannot be read as a window manifest (${errorMessage(error)}): upload that window again`,
      });
    }
  }
  return manifests;
}

/**
 * A re-exported window lists the same keys as the windows it replaced: the newest manifest speaks for
 * each key, since upload --overwrite makes the lake hold only its bytes.
 */
function latestFilePerKey(manifests: WindowManifest[]): Map<string, LakeFile> {
  const byKey = new Map<string, LakeFile & { extractedAt: string }>();
  for (const manifest of manifests) {
    const window = `${manifest.window.start}_${manifest.window.end}`;
    for (const file of manifest.files) {
      const key = eventKey(manifest.app_id, file.name, manifest.window.start);
      const previous = byKey.get(key);
      if (previous && previous.extractedAt > manifest.extracted_at) continue;
      byKey.set(key, {
        key,
        sha256: file.sha256,
        bytes: file.bytes,
        events: file.events,
        rejected: file.rejected,
        appId: manifest.app_id,
        window,
        extractedAt: manifest.extracted_at,
      });
    }
  }
  return byKey;
}

async function recordWindows(warehouse: Warehouse, manifests: WindowManifest[], now: () => Date) {
  if (manifests.length === 0) return;
  // Through timestampText, not `::timestamptz::timestamp`, which would shift by the session's time zone.
  const rows = manifests.map(
    (m) =>
      `(${sqlString(m.app_id)}, ${timestampLiteral(`${m.window.start.replace("T", " ")}:00:00`)}, ` +
      `${timestampLiteral(`${m.window.end.replace("T", " ")}:00:00`)}, 'exported', ` +
      `${m.totals.files}, ${m.totals.events}, ${m.totals.rejected}, ${sqlString(m.run_id)}, ` +
      `${timestampLiteral(timestampText(new Date(m.extracted_at)))}, ${timestampLiteral(timestampText(now()))})`,
  );
  // One row per window: a window exported again (a re-run, a backfill) updates its row to the latest run.
  await warehouse.execute(
    `insert into raw.extract_windows values ${rows.join(",\n")}
     on conflict (app_id, window_start, window_end) do update set
       status = excluded.status, files = excluded.files, events = excluded.events,
       rejected = excluded.rejected, run_id = excluded.run_id, extracted_at = excluded.extracted_at,
       recorded_at = excluded.recorded_at
     where excluded.extracted_at > raw.extract_windows.extracted_at`,
  );
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

function batch(files: LakeFile[], maxFiles: number, maxBytes: number): LakeFile[][] {
  const batches: LakeFile[][] = [];
  let current: LakeFile[] = [];
  let bytes = 0;
  for (const file of files.sort((a, b) => a.key.localeCompare(b.key))) {
    if (current.length > 0 && (current.length >= maxFiles || bytes + file.bytes > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
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
    const rows = await warehouse.transaction(async () => {
      const selects = files.map((file, index) => selectFile(file, local[index]!.path));
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
          throw damagedBackup(
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
          `${timestampLiteral(loadedAt)})`,
      );
      await warehouse.execute(`insert into raw.load_history values ${history.join(",\n")}`);
      return counts;
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
 */
function selectFile(file: LakeFile, path: string): string {
  const validOnly =
    file.rejected === 0
      ? `json is not null`
      : `json is not null and json_type(json) = 'OBJECT' ` +
        `and coalesce(json_extract_string(json, '$.uuid'), '') <> '' ` +
        `and json_extract_string(json, '$.server_upload_time') is not null`;
  return `select json as json_data, ${sqlString(file.key)} as source_file, ordinality as file_row_number
    from read_json_objects(${sqlString(path)}, format = 'newline_delimited', compression = 'gzip',
      ignore_errors = true, maximum_object_size = ${DEFAULT_MAX_LINE_BYTES}) with ordinality
    where ${validOnly}`;
}
