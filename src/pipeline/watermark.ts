import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { FAILURES_FOLDER, parseWindowFolder } from "../amplitude/extract.ts";
import {
  formatHour,
  hourFromDate,
  parseHour,
  windowHours,
  type Hour,
  type HourWindow,
} from "../amplitude/hours.ts";
import { DEFAULT_HISTORY, DEFAULT_MAX_HOURS } from "../amplitude/limits.ts";
import { ConfigurationError } from "../errors.ts";
import {
  appFolder,
  FAILURES_PREFIX,
  isoFromCompactTime,
  manifestKeyBefore,
  type Lake,
} from "../lake/lake.ts";
import { lakeApps, listManifestKeys } from "../lake/manifest.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";

/** `--history all`: Amplitude was founded in 2012; nothing can be older. */
export const HISTORY_ALL_START = "2012-01-01T00";
export { DEFAULT_HISTORY, DEFAULT_MAX_HOURS };

/**
 * The first hour at or after `from` that no window covers. Windows may overlap, nest and come in any
 * order; an empty (404) window covers its hours like any other, a failed one is not among them.
 */
export function firstUncovered(windows: readonly HourWindow[], from: Hour): Hour {
  let next = from;
  for (const window of [...windows].sort((a, b) => a.start - b.start)) {
    if (window.start > next) break;
    next = Math.max(next, window.end + 1);
  }
  return next;
}

/** The hours of `range` that no window covers, as the fewest intervals, in order. */
export function uncovered(windows: readonly HourWindow[], range: HourWindow): HourWindow[] {
  const gaps: HourWindow[] = [];
  let next = range.start;
  for (const window of [...windows].sort((a, b) => a.start - b.start)) {
    if (window.end < next) continue;
    if (window.start > range.end) break;
    if (window.start > next) gaps.push({ start: next, end: Math.min(window.start - 1, range.end) });
    next = Math.max(next, window.end + 1);
    if (next > range.end) break;
  }
  if (next <= range.end) gaps.push({ start: next, end: range.end });
  return gaps;
}

/**
 * The watermark: the first hour, from the history start (the earliest completed window), not covered by
 * a completed window. Undefined for a project with no completed window yet.
 */
export function watermark(windows: readonly HourWindow[]): Hour | undefined {
  if (windows.length === 0) return undefined;
  return firstUncovered(windows, Math.min(...windows.map((w) => w.start)));
}

/** `3m`, `90d`, `12w`, `1y`, `48h` before `end`, or `all`: the first hour of a project's history. */
export function historyStart(history: string, end: Hour): Hour {
  const text = history.trim().toLowerCase();
  if (text === "all") return parseHour(HISTORY_ALL_START, "start");
  const match = /^(\d+)\s*([hdwmy])$/.exec(text);
  if (!match || Number(match[1]) === 0) {
    throw new ConfigurationError(
      `--history ${JSON.stringify(history)} is not a span: use a number of hours, days, weeks, months or years (48h, 90d, 12w, 3m, 1y), or all`,
    );
  }
  const n = Number(match[1]);
  const unit = match[2]!;
  const endDate = new Date((end + 1) * 3_600_000);
  if (unit === "m" || unit === "y") {
    const months = unit === "m" ? n : n * 12;
    const start = new Date(endDate);
    start.setUTCMonth(start.getUTCMonth() - months);
    return Math.max(hourFromDate(start), parseHour(HISTORY_ALL_START, "start"));
  }
  const hours = unit === "h" ? n : unit === "d" ? n * 24 : n * 24 * 7;
  return Math.max(end + 1 - hours, parseHour(HISTORY_ALL_START, "start"));
}

export interface ResumePlan {
  /** The hours to export, in order: the gaps from the watermark to the end, at most `maxHours` in all. */
  ranges: HourWindow[];
  watermark?: Hour;
  /** One sentence: where the range comes from. */
  reason: string;
  /** Hours left for later runs because of `maxHours`. */
  deferredHours: number;
}

/**
 * What a run with no `--start` exports: from the watermark to `end`, only hours no completed window
 * covers (a failed hour first, without exporting again what completed after it), at most `maxHours`.
 */
export function planResume(options: {
  windows: readonly HourWindow[];
  end: Hour;
  history: string;
  maxHours: number;
  source: string;
}): ResumePlan {
  const { windows, end, maxHours } = options;
  const mark = watermark(windows);
  let start: Hour;
  let reason: string;
  if (mark === undefined) {
    start = historyStart(options.history, end);
    reason = `no completed window in ${options.source} yet: starting --history ${options.history} before the end, at ${formatHour(start)}`;
  } else {
    start = mark;
    reason = `resumed from the watermark at ${formatHour(mark)}, the first hour not covered by a completed window in ${options.source}`;
  }
  if (start > end) {
    return {
      ranges: [],
      watermark: mark,
      reason: `${reason}; every hour to ${formatHour(end)} is done`,
      deferredHours: 0,
    };
  }
  const ranges: HourWindow[] = [];
  let budget = maxHours;
  let deferredHours = 0;
  for (const gap of uncovered(windows, { start, end })) {
    const take = Math.min(windowHours(gap), budget);
    if (take > 0) ranges.push({ start: gap.start, end: gap.start + take - 1 });
    deferredHours += windowHours(gap) - take;
    budget -= take;
  }
  return { ranges, watermark: mark, reason, deferredHours };
}

/**
 * The completed windows the lake's manifests record (from their keys alone: one listing, no reads).
 * `listed` receives the keys, for a caller that reads one of them (whose data this is) without listing again.
 */
export async function windowsFromLake(lake: Lake, appId: string, listed?: string[]): Promise<HourWindow[]> {
  const keys = await listManifestKeys(lake, appId);
  listed?.push(...keys.map((key) => key.key));
  return keys.map((key) => ({
    start: parseHour(key.start, "start"),
    end: parseHour(key.end, "end"),
  }));
}

/** The completed windows `raw.extract_windows` records: the same as the lake's once `load` has run. */
export async function windowsFromWarehouse(warehouse: Warehouse, appId: string): Promise<HourWindow[]> {
  if (!(await warehouse.tableExists("raw", "extract_windows"))) return [];
  const rows = await warehouse.query<{ window_start: Date; window_end: Date }>(
    `select distinct window_start, window_end from raw.extract_windows where app_id = ?`,
    [appId],
  );
  return rows.map((row) => ({ start: hourFromDate(row.window_start), end: hourFromDate(row.window_end) }));
}

/**
 * Manifests that became visible out of key order (two uploaders, a slow PUT) are caught by listing the
 * lake from this long before the newest delivery the warehouse holds.
 */
const LISTING_MARGIN_MS = 3_600_000;

/**
 * The completed windows a Snowflake warehouse knows (raw.extract_windows, filled by Snowpipe from the
 * lake's manifests) and, from the lake, the deliveries uploaded since the newest it holds: those Snowpipe
 * may not have loaded yet. One query and one short listing, however long the history.
 */
export async function windowsFromWarehouseAndLake(
  warehouse: Warehouse,
  lake: Lake | undefined,
  appId: string,
  listed?: string[],
): Promise<HourWindow[]> {
  const known = await windowsFromWarehouse(warehouse, appId);
  if (!lake) return known;
  let startAfter: string | undefined;
  if (known.length > 0) {
    const [row] = await warehouse.query<{ newest: Date | string | null }>(
      `select max(uploaded_at) as newest from raw.extract_windows where app_id = ?`,
      [appId],
    );
    const newest = row?.newest ? new Date(row.newest).getTime() : NaN;
    if (Number.isFinite(newest)) startAfter = manifestKeyBefore(appId, new Date(newest - LISTING_MARGIN_MS));
  }
  const keys = await listManifestKeys(lake, appId, startAfter);
  listed?.push(...keys.map((key) => key.key));
  const since = keys.map((key) => ({ start: parseHour(key.start, "start"), end: parseHour(key.end, "end") }));
  return [...known, ...since];
}

/** Windows exported into the backup folder (uploaded or not yet): complete once their folder is in place. */
export async function windowsFromBackup(outDir: string, appId: string): Promise<HourWindow[]> {
  const names = await readdir(join(outDir, appId)).catch(() => []);
  return names.map(parseWindowFolder).filter((w): w is HourWindow => w !== null);
}

export interface FailedWindow {
  window: HourWindow;
  failedAt: string;
}

/** Failure records (backup and lake) by their names alone: `<failed at>_<window>.json`. */
export async function failureHistory(
  outDir: string,
  lake: Lake | undefined,
  appId: string,
): Promise<FailedWindow[]> {
  const names = new Set((await readdir(join(outDir, appId, FAILURES_FOLDER)).catch(() => [])) as string[]);
  if (lake) {
    const folder = appFolder(FAILURES_PREFIX, appId);
    for await (const object of lake.list(folder)) names.add(object.key.slice(folder.length));
  }
  const failures: FailedWindow[] = [];
  for (const name of names) {
    const match = /^(\d{8}T\d{6}\.\d{3}Z)_(.+)\.json$/.exec(name);
    const window = match ? parseWindowFolder(match[2]!) : null;
    if (!match || !window) continue;
    failures.push({ window, failedAt: isoFromCompactTime(match[1]!) });
  }
  return failures;
}

/** For each hour of `window`, the first time a run failed to export it (among windows still not done). */
export function failingSince(failures: readonly FailedWindow[], window: HourWindow): string | undefined {
  const times = failures
    .filter((f) => f.window.start <= window.end && f.window.end >= window.start)
    .map((f) => f.failedAt)
    .sort();
  return times[0];
}

/**
 * The project's app id: `AMPLITUDE_APP_ID`, else the one app the backup folder and the lake know. A fresh
 * project has none until its first window with data; several apps in one lake need the variable.
 */
export async function resolveAppId(options: {
  configured?: string;
  outDir: string;
  lake?: Lake;
}): Promise<string | undefined> {
  if (options.configured) {
    if (!/^\d+$/.test(options.configured)) {
      throw new ConfigurationError(
        `AMPLITUDE_APP_ID=${JSON.stringify(options.configured)} is not an app id: use the project's numeric id (Settings → Projects)`,
      );
    }
    return options.configured;
  }
  const apps = new Set<string>();
  for (const entry of await readdir(options.outDir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory() && /^\d+$/.test(entry.name)) apps.add(entry.name);
  }
  if (options.lake) for (const app of await lakeApps(options.lake)) apps.add(app);
  if (apps.size > 1) {
    throw new ConfigurationError(
      `the backup folder and the lake hold more than one Amplitude app (${[...apps].sort().join(", ")}): ` +
        "set AMPLITUDE_APP_ID to the app id of the project whose keys are set",
    );
  }
  return [...apps][0];
}
