import { realSleep } from "../backoff.ts";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { EVENTS_PREFIX, isoFromCompactTime, MANIFESTS_PREFIX, type Lake } from "../lake/lake.ts";
import { lakeApps, listManifestKeys, readLakeManifest } from "../lake/manifest.ts";
import {
  parseSnapshotManifestKey,
  readLakeSnapshotManifest,
  snapshotFileKey,
  SNAPSHOT_OBJECTS,
} from "../lake/snapshot-keys.ts";
import { sqlString, type SqlValue, type Warehouse } from "../warehouse/warehouse.ts";
import {
  EVENTS_PIPE,
  FILE_FORMAT,
  MANIFEST_FILE_FORMAT,
  MANIFESTS_PIPE,
  MANIFESTS_TABLE,
  SNAPSHOTS_PIPE,
  SNAPSHOTS_TABLE,
  STAGE,
  upperParts,
} from "./objects.ts";

export const EVENTS_TABLE = "raw.amplitude_events";
export const DEFAULT_PIPE_POLL_SECONDS = 15;
/** How long Snowpipe gets to load a file by itself before it is refreshed or copied. */
export const DEFAULT_GRACE_SECONDS = 300;
/** Manifests uploaded within this many days have each of their files checked against raw. */
export const DEFAULT_LOOKBACK_DAYS = 14;
/** ALTER PIPE … REFRESH sees only files staged within the last 7 days. */
const REFRESH_WINDOW_MS = 7 * 24 * 3_600_000;
/**
 * COPY INTO skips a file whose load status it cannot know, one last modified more than 64 days ago,
 * unless LOAD_UNCERTAIN_FILES = TRUE. A file's delivery time stands for its LAST_MODIFIED, which can be
 * a little earlier: a day's margin. Only files raw does not hold are copied, so the option cannot load
 * one twice; younger files keep COPY's own check of its load metadata.
 */
const UNCERTAIN_AFTER_MS = 63 * 24 * 3_600_000;
/** METADATA$START_SCAN_TIME is a TIMESTAMP_LTZ: loaded_at is its UTC wall clock, as the pipes write it. */
const SCAN_TIME_UTC = "convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz";
/** Keys per `in (…)` list, and per COPY INTO FILES list (Snowflake takes at most 1,000 there). */
const CHUNK = 500;
/** More refreshes than this are folded into their parent folders. */
const MAX_REFRESH_PREFIXES = 10;

export interface PipeStatus {
  executionState: string | null;
  pendingFileCount: number;
  error?: string;
}

export interface PipeLoadReporter {
  /** Once the files to wait for are known; `files` counts event and snapshot files. */
  waiting?(event: { files: number; manifests: number; deliveries: number; snapshots: number }): void;
  /** `prefix` as sent: relative to the folder the pipe copies from ("" for all of it). */
  refreshed?(event: { pipe: string; prefix: string; files: number }): void;
  copied?(event: { table: string; files: number }): void;
  warning?(message: string): void;
}

export interface PipeLoadOptions {
  lake: Lake;
  warehouse: Warehouse;
  timeoutSeconds: number;
  pollSeconds?: number;
  /** Seconds Snowpipe gets before missing files are refreshed or copied (at most half the timeout). */
  graceSeconds?: number;
  lookbackDays?: number;
  /**
   * Mend only files that reached the lake at least this long ago (transform --no-wait: Snowpipe gets
   * that long first); younger ones are left to Snowpipe and stay pending. Default: every missing file.
   */
  mendAfterSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  reporter?: PipeLoadReporter;
  /** Once aborted, no new poll, refresh or copy starts. */
  signal?: AbortSignal;
}

export interface PipeLoadSummary {
  /** Lake deliveries (manifests) whose files were checked. */
  deliveries: number;
  /** Event files those deliveries list. */
  files: number;
  /** Of those, already in raw.amplitude_events when load started. */
  alreadyLoaded: number;
  /** Snapshot manifests (taxonomy, cohorts) whose files were checked, the files they list, and of those the ones in raw.amplitude_snapshots when load started. */
  snapshots: number;
  snapshotFiles: number;
  snapshotsAlreadyLoaded: number;
  /** Event files and manifests that reached raw while this run waited (by Snowpipe, a refresh or a copy). */
  loaded: number;
  /** Lake keys still not in raw when the wait ended. */
  pending: string[];
  /** Files Snowflake could not load, with its first error. */
  failed: Array<{ key: string; message: string }>;
  /** Lake keys this run asked a pipe to look for again (ALTER PIPE … REFRESH). */
  refreshed: string[];
  /** Lake keys this run loaded with COPY INTO (staged more than 7 days ago). */
  copied: string[];
  /** The state of the pipes waited on, when the wait ended. */
  pipes: Record<string, PipeStatus>;
}

/** The figures `load --json` prints on Snowflake. */
export function pipeLoadFigures(summary: PipeLoadSummary) {
  return {
    files: summary.files,
    snapshot_files: summary.snapshotFiles,
    loaded: summary.loaded,
    pending: summary.pending.length,
    failed: summary.failed.length,
    refreshed: summary.refreshed.length,
    copied: summary.copied.length,
  };
}

interface Target {
  pipe: string;
  table: string;
  /** The folder of the stage the pipe copies from: REFRESH takes a prefix relative to it. */
  path: string;
  /** The COPY INTO that loads exactly the given files as the pipe would (`uncertain`: files older than 64 days). */
  copy(files: string[], uncertain?: boolean): string;
}

const TARGETS = {
  events: {
    pipe: EVENTS_PIPE,
    table: EVENTS_TABLE,
    path: EVENTS_PREFIX,
    copy: (files: string[], uncertain = false) =>
      `copy into ${EVENTS_TABLE} (json_data, source_file, file_row_number, loaded_at)
       from (select $1, metadata$filename, metadata$file_row_number, ${SCAN_TIME_UTC} from @${STAGE})
       files = (${files.map(sqlString).join(", ")})
       file_format = (format_name = '${FILE_FORMAT}') on_error = continue${uncertainOption(uncertain)}`,
  },
  manifests: {
    pipe: MANIFESTS_PIPE,
    table: MANIFESTS_TABLE,
    path: MANIFESTS_PREFIX,
    copy: (files: string[], uncertain = false) =>
      `copy into ${MANIFESTS_TABLE} (json_data, source_file, loaded_at)
       from (select $1, metadata$filename, ${SCAN_TIME_UTC} from @${STAGE})
       files = (${files.map(sqlString).join(", ")})
       file_format = (format_name = '${MANIFEST_FILE_FORMAT}') on_error = continue${uncertainOption(uncertain)}`,
  },
  snapshots: {
    pipe: SNAPSHOTS_PIPE,
    table: SNAPSHOTS_TABLE,
    // The pipe copies from @stage/amplitude/ with a PATTERN for the four snapshot folders.
    path: "amplitude/",
    copy: (files: string[], uncertain = false) =>
      `copy into ${SNAPSHOTS_TABLE} (object, json_data, source_file, file_row_number, loaded_at)
       from (select split_part(metadata$filename, '/', 2), $1, metadata$filename, metadata$file_row_number,
         ${SCAN_TIME_UTC} from @${STAGE})
       files = (${files.map(sqlString).join(", ")})
       file_format = (format_name = '${FILE_FORMAT}') on_error = skip_file${uncertainOption(uncertain)}`,
  },
} satisfies Record<string, Target>;

type Kind = keyof typeof TARGETS;

function uncertainOption(uncertain: boolean): string {
  return uncertain ? " load_uncertain_files = true" : "";
}

interface Missing {
  kind: Kind;
  /** When it reached the lake (its delivery's upload time): REFRESH sees it for 7 days. */
  stagedAt: number;
  mended?: "refreshed" | "copied";
}

/**
 * `load --warehouse snowflake`: Snowpipe loads; this waits for it and mends what it missed. The lake's
 * deliveries that raw.lake_manifests does not hold, and those uploaded in the last `lookbackDays`, are
 * checked file by file against raw.amplitude_events, and the taxonomy and cohort snapshots likewise
 * against raw.amplitude_snapshots (their pipe); the files (and manifests) not there yet are waited
 * for, watching SYSTEM$PIPE_STATUS and COPY_HISTORY. After the grace period, with nothing pending in
 * the pipe, a file staged in the last 7 days is refreshed into its pipe, an older one loaded with COPY
 * INTO over exactly that file. A file Snowflake refused is reported with its first error.
 */
export async function pipeLoad(options: PipeLoadOptions): Promise<PipeLoadSummary> {
  const { lake, warehouse, reporter, signal } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const pollMs = (options.pollSeconds ?? DEFAULT_PIPE_POLL_SECONDS) * 1000;
  const graceMs = Math.min(options.graceSeconds ?? DEFAULT_GRACE_SECONDS, options.timeoutSeconds / 2) * 1000;
  const started = now().getTime();
  const lookbackMs = (options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS) * 24 * 3_600_000;
  const mendAfterMs = (options.mendAfterSeconds ?? 0) * 1000;

  const summary: PipeLoadSummary = {
    deliveries: 0,
    files: 0,
    alreadyLoaded: 0,
    snapshots: 0,
    snapshotFiles: 0,
    snapshotsAlreadyLoaded: 0,
    loaded: 0,
    pending: [],
    failed: [],
    refreshed: [],
    copied: [],
    pipes: {},
  };
  const apps = await lakeApps(lake);
  const snapshotManifests: Array<{ key: string; takenAt: number; fileKey: string }> = [];
  for (const object of SNAPSHOT_OBJECTS) {
    for await (const entry of lake.list(`${MANIFESTS_PREFIX}${object}/`)) {
      const id = parseSnapshotManifestKey(entry.key);
      if (id) {
        const takenAt = Date.parse(isoFromCompactTime(id.takenAt));
        snapshotManifests.push({ key: entry.key, takenAt, fileKey: snapshotFileKey(id) });
      }
    }
  }
  if (apps.length === 0 && snapshotManifests.length === 0) {
    reporter?.warning?.(`${lake.describe("amplitude/_manifests/")} holds no manifests yet: nothing to load`);
    return summary;
  }

  const recorded = await warehouse
    .query<{ source_file: string }>(`select source_file from ${MANIFESTS_TABLE}`)
    .catch((error: unknown) => {
      if (/does not exist|not authorized/i.test(errorMessage(error))) {
        throw new ConfigurationError(
          `${MANIFESTS_TABLE} cannot be read in ${warehouse.url} (${errorMessage(error)}): run \`provision\` first`,
        );
      }
      throw error;
    });
  const loadedManifests = new Set(recorded.map((row) => row.source_file));
  const missing = new Map<string, Missing>();
  // Each event file, with the upload time of the earliest delivery that lists it.
  const files = new Map<string, number>();
  const addFile = (key: string, stagedAt: number) => {
    files.set(key, Math.min(files.get(key) ?? Infinity, stagedAt));
  };
  const recentInRaw: string[] = [];
  for (const app of apps) {
    for (const manifest of await listManifestKeys(lake, app)) {
      const uploadedAt = Date.parse(isoFromCompactTime(manifest.uploadedAt));
      const inRaw = loadedManifests.has(manifest.key);
      if (inRaw && started - uploadedAt > lookbackMs) continue;
      summary.deliveries += 1;
      if (inRaw) {
        recentInRaw.push(manifest.key);
        continue;
      }
      missing.set(manifest.key, { kind: "manifests", stagedAt: uploadedAt });
      try {
        const body = await readLakeManifest(lake, manifest.key);
        const stagedAt = Date.parse(body.uploaded_at) || uploadedAt;
        for (const file of body.files) addFile(file.key, stagedAt);
      } catch (error) {
        missing.delete(manifest.key);
        summary.failed.push({ key: manifest.key, message: errorMessage(error) });
      }
    }
  }
  // Snapshots: one manifest per object (and changed cohort) per run, checked like deliveries.
  for (const snapshot of snapshotManifests) {
    const inRaw = loadedManifests.has(snapshot.key);
    if (inRaw && started - snapshot.takenAt > lookbackMs) continue;
    summary.snapshots += 1;
    if (inRaw) {
      recentInRaw.push(snapshot.key);
      continue;
    }
    try {
      const body = await readLakeSnapshotManifest(lake, snapshot.key);
      const stagedAt = Date.parse(body.uploaded_at ?? "") || snapshot.takenAt;
      missing.set(snapshot.key, { kind: "manifests", stagedAt });
      for (const file of body.files) addFile(file.key ?? snapshot.fileKey, stagedAt);
    } catch (error) {
      summary.failed.push({ key: snapshot.key, message: errorMessage(error) });
    }
  }
  // Deliveries (and snapshots) Snowpipe did record: their file lists come from raw.lake_manifests, not the lake.
  for (const chunk of chunks(recentInRaw)) {
    const rows = await warehouse.query<{ source_file: string; files: SqlValue; uploaded_at: SqlValue }>(
      `select source_file, json_data:files as files, json_data:uploaded_at::varchar as uploaded_at
       from ${MANIFESTS_TABLE} where source_file in (${chunk.map(sqlString).join(", ")})`,
    );
    for (const row of rows) {
      const stagedAt = Date.parse(String(row.uploaded_at)) || started;
      for (const key of manifestFileKeys(row.files)) addFile(key, stagedAt);
    }
  }
  const eventFiles = [...files.keys()].filter((key) => fileKind(key) === "events");
  const snapshotFiles = [...files.keys()].filter((key) => fileKind(key) === "snapshots");
  summary.files = eventFiles.length;
  summary.snapshotFiles = snapshotFiles.length;
  const present = await inRaw(warehouse, EVENTS_TABLE, eventFiles);
  const presentSnapshots = await inRaw(warehouse, SNAPSHOTS_TABLE, snapshotFiles);
  summary.alreadyLoaded = present.size;
  summary.snapshotsAlreadyLoaded = presentSnapshots.size;
  for (const [key, stagedAt] of files) {
    const kind = fileKind(key);
    if (!(kind === "events" ? present : presentSnapshots).has(key)) missing.set(key, { kind, stagedAt });
  }
  if (missing.size === 0) return summary;
  reporter?.waiting?.({
    files: [...missing.values()].filter((m) => m.kind !== "manifests").length,
    manifests: [...missing.values()].filter((m) => m.kind === "manifests").length,
    deliveries: summary.deliveries,
    snapshots: summary.snapshots,
  });

  const deadline = started + options.timeoutSeconds * 1000;
  while (true) {
    signal?.throwIfAborted();
    for (const key of await arrived(warehouse, missing)) {
      missing.delete(key);
      summary.loaded += 1;
    }
    if (missing.size === 0) break;
    for (const kind of kinds(missing)) {
      const target = TARGETS[kind];
      const status = await pipeStatus(warehouse, target.pipe);
      summary.pipes[target.pipe] = status;
      const waiting = [...missing].filter(([, m]) => m.kind === kind).map(([key]) => key);
      for (const failure of await loadFailures(warehouse, target.table, waiting)) {
        missing.delete(failure.key);
        summary.failed.push(failure);
      }
      if (status.executionState !== null && status.executionState !== "RUNNING") {
        // A paused or stopped pipe loads nothing: waiting cannot help.
        for (const key of waiting.filter((k) => missing.has(k))) {
          missing.delete(key);
          summary.failed.push({
            key,
            message:
              `${target.pipe} is ${status.executionState} (SYSTEM$PIPE_STATUS${status.error ? `: ${status.error}` : ""}), ` +
              `so Snowpipe loads nothing into ${target.table}: resume it (alter pipe ${target.pipe} set ` +
              "pipe_execution_paused = false) or provision again, then load again",
          });
        }
        continue;
      }
      // Mend only when the pipe has nothing queued: a queued file would then be loaded twice by COPY.
      if (now().getTime() - started >= graceMs && status.pendingFileCount === 0) {
        const unmended = [...missing].filter(
          ([, m]) => m.kind === kind && !m.mended && now().getTime() - m.stagedAt >= mendAfterMs,
        );
        if (unmended.length > 0) {
          signal?.throwIfAborted();
          // A file COPY INTO refused is reported with its error, not waited for.
          for (const failure of await mend(warehouse, target, unmended, now().getTime(), summary, reporter)) {
            missing.delete(failure.key);
            summary.failed.push(failure);
          }
          // COPY INTO is synchronous: what it loaded is in raw now.
          for (const key of await arrived(warehouse, missing)) {
            missing.delete(key);
            summary.loaded += 1;
          }
        }
      }
    }
    if (missing.size === 0) break;
    if (now().getTime() >= deadline) break;
    await sleep(pollMs);
  }
  summary.pending = [...missing.keys()].sort();
  // As they are now, not as last polled: a file queued then may have loaded since.
  for (const pipe of Object.keys(summary.pipes)) summary.pipes[pipe] = await pipeStatus(warehouse, pipe);
  return summary;
}

function kinds(missing: Map<string, Missing>): Kind[] {
  const seen = new Set([...missing.values()].map((m) => m.kind));
  return (["manifests", "events", "snapshots"] as const).filter((kind) => seen.has(kind));
}

/** Which pipe loads a data file a manifest lists: event files live under amplitude/events/. */
function fileKind(key: string): "events" | "snapshots" {
  return key.startsWith(EVENTS_PREFIX) ? "events" : "snapshots";
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function manifestFileKeys(files: SqlValue): string[] {
  const value = typeof files === "string" ? (JSON.parse(files) as unknown) : files;
  if (!Array.isArray(value)) return [];
  return value
    .map((file) => (typeof file === "object" && file !== null ? (file as { key?: unknown }).key : undefined))
    .filter((key): key is string => typeof key === "string");
}

/** The keys among `keys` that `table` (raw.amplitude_events or raw.amplitude_snapshots) holds rows of. */
async function inRaw(warehouse: Warehouse, table: string, keys: string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (const chunk of chunks(keys)) {
    const rows = await warehouse.query<{ source_file: string }>(
      `select distinct source_file from ${table} where source_file in (${chunk.map(sqlString).join(", ")})`,
    );
    for (const row of rows) present.add(row.source_file);
  }
  return present;
}

/**
 * The missing keys now in raw: event files in raw.amplitude_events, snapshot files in
 * raw.amplitude_snapshots, manifests in raw.lake_manifests.
 */
async function arrived(warehouse: Warehouse, missing: Map<string, Missing>): Promise<string[]> {
  const of = (kind: Kind) => [...missing].filter(([, m]) => m.kind === kind).map(([key]) => key);
  const manifests = of("manifests");
  const found = [
    ...(await inRaw(warehouse, EVENTS_TABLE, of("events"))),
    ...(await inRaw(warehouse, SNAPSHOTS_TABLE, of("snapshots"))),
  ];
  for (const chunk of chunks(manifests)) {
    const rows = await warehouse.query<{ source_file: string }>(
      `select source_file from ${MANIFESTS_TABLE} where source_file in (${chunk.map(sqlString).join(", ")})`,
    );
    found.push(...rows.map((row) => row.source_file));
  }
  return found;
}

async function pipeStatus(warehouse: Warehouse, pipe: string): Promise<PipeStatus> {
  const [row] = await warehouse.query<{ status: SqlValue }>(
    `select system$pipe_status(${sqlString(pipe)}) as status`,
  );
  const raw = row?.status;
  const parsed = (typeof raw === "string" ? JSON.parse(raw) : (raw ?? {})) as Record<string, unknown>;
  const error = parsed.error ?? parsed.fault;
  return {
    executionState: typeof parsed.executionState === "string" ? parsed.executionState.toUpperCase() : null,
    pendingFileCount: Number(parsed.pendingFileCount ?? 0),
    ...(error ? { error: typeof error === "string" ? error : JSON.stringify(error) } : {}),
  };
}

/**
 * Files among `keys` that COPY_HISTORY says failed to load (Snowpipe's loads and COPY INTO's), with
 * Snowflake's first error. COPY_HISTORY names a file by its path under the stage; matched on the key.
 */
async function loadFailures(
  warehouse: Warehouse,
  table: string,
  keys: string[],
): Promise<Array<{ key: string; message: string }>> {
  if (keys.length === 0) return [];
  const { schema, name } = upperParts(table);
  const rows = await warehouse.query<{
    file_name: string;
    status: string;
    first_error_message: SqlValue;
    last_load_time: SqlValue;
  }>(
    `select file_name, status, first_error_message, last_load_time
     from table(information_schema.copy_history(
       table_name => ${sqlString(`${schema}.${name}`)},
       start_time => dateadd('hour', -335, current_timestamp())))
     where upper(status) = 'LOAD FAILED'
     order by last_load_time`,
  );
  const failures = new Map<string, string>();
  for (const row of rows) {
    const key = keys.find((k) => row.file_name === k || row.file_name.endsWith(`/${k}`));
    if (key) {
      failures.set(
        key,
        `Snowflake could not load it into ${table}: ${String(row.first_error_message ?? row.status)} ` +
          "(COPY_HISTORY). Snowpipe does not retry a file it refused: fix the cause (a damaged object: " +
          "upload --repair from a backup of its window), then load again",
      );
    }
  }
  return [...failures].map(([key, message]) => ({ key, message }));
}

/**
 * Files Snowpipe did not load by itself: those staged in the last 7 days go back to the pipe by a
 * refresh of their folders; older ones, which a refresh no longer sees, are copied over exactly those
 * files. Snowflake's load metadata for the table skips a file COPY INTO has loaded before.
 */
async function mend(
  warehouse: Warehouse,
  target: Target,
  entries: Array<[string, Missing]>,
  nowMs: number,
  summary: PipeLoadSummary,
  reporter: PipeLoadReporter | undefined,
): Promise<Array<{ key: string; message: string }>> {
  const failures: Array<{ key: string; message: string }> = [];
  const recent = entries.filter(([, m]) => nowMs - m.stagedAt < REFRESH_WINDOW_MS).map(([key]) => key);
  const old = entries.filter(([, m]) => nowMs - m.stagedAt >= REFRESH_WINDOW_MS).map(([key]) => key);
  for (const prefix of refreshPrefixes(recent)) {
    // The pipe copies from @stage/<path>: its REFRESH prefix is appended to that path.
    const relative = prefix.startsWith(target.path) ? prefix.slice(target.path.length) : "";
    const rows = await warehouse.query(
      `alter pipe ${target.pipe} refresh` + (relative ? ` prefix = ${sqlString(relative)}` : ""),
    );
    const asked = recent.filter((key) => key.startsWith(prefix));
    summary.refreshed.push(...asked);
    reporter?.refreshed?.({ pipe: target.pipe, prefix: relative, files: rows.length });
  }
  for (const [, m] of entries.filter(([key]) => recent.includes(key))) m.mended = "refreshed";
  const uncertain = new Set(
    entries.filter(([, m]) => nowMs - m.stagedAt >= UNCERTAIN_AFTER_MS).map(([key]) => key),
  );
  const batches = [
    ...chunks(old.filter((key) => !uncertain.has(key))).map((files) => ({ files, uncertain: false })),
    ...chunks(old.filter((key) => uncertain.has(key))).map((files) => ({ files, uncertain: true })),
  ];
  for (const { files: chunk, uncertain: older } of batches) {
    const rows = await warehouse.query<{ file?: SqlValue; status?: SqlValue; first_error?: SqlValue }>(
      target.copy(chunk, older),
    );
    summary.copied.push(...chunk);
    reporter?.copied?.({ table: target.table, files: chunk.length });
    for (const row of rows) {
      const file = row.file === undefined || row.file === null ? "" : String(row.file);
      const key = chunk.find((k) => file === k || file.endsWith(`/${k}`));
      if (key && String(row.status ?? "").toUpperCase() === "LOAD_FAILED") {
        failures.push({
          key,
          message: `COPY INTO ${target.table} could not load it: ${String(row.first_error ?? "no error given")}`,
        });
      }
    }
  }
  for (const [key, m] of entries) {
    if (old.includes(key)) m.mended = "copied";
  }
  return failures;
}

/**
 * The prefixes to refresh: each folder's longest common key prefix, folded into parent folders while
 * there are more than a few (REFRESH lists everything under its prefix).
 */
export function refreshPrefixes(keys: string[]): string[] {
  if (keys.length === 0) return [];
  const folderOf = (key: string) => key.slice(0, key.lastIndexOf("/") + 1);
  let groups = new Map<string, string[]>();
  for (const key of keys) groups.set(folderOf(key), [...(groups.get(folderOf(key)) ?? []), key]);
  while (groups.size > MAX_REFRESH_PREFIXES) {
    const parents = new Map<string, string[]>();
    for (const [folder, members] of groups) {
      const parent = folderOf(folder.slice(0, -1));
      parents.set(parent, [...(parents.get(parent) ?? []), ...members]);
    }
    if (parents.size === groups.size) break;
    groups = parents;
  }
  return [...groups.values()].map(commonPrefix).sort();
}

function commonPrefix(keys: string[]): string {
  let prefix = keys[0]!;
  for (const key of keys.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < key.length && prefix[i] === key[i]) i += 1;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}
