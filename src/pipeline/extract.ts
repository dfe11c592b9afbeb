import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ExportClient } from "../amplitude/export-client.ts";
import { ApiExportSource, LakeExportSource, type ExportSource } from "../amplitude/export-source.ts";
import {
  extract,
  MANIFEST_FILE,
  type ExtractReporter,
  type ExtractSummary,
  type WindowManifest,
  type WindowOutcome,
} from "../amplitude/extract.ts";
import {
  cutWindows,
  formatHour,
  formatWindow,
  lastSettledHour,
  parseHour,
  windowHours,
  type Hour,
  type HourWindow,
} from "../amplitude/hours.ts";
import { OBJECT_GROUPS, type ObjectGroup } from "../amplitude/objects-client.ts";
import type { SnapshotOutcome, SnapshotReporter } from "../amplitude/snapshots.ts";
import { amplitudeConfig, type AmplitudeConfig, type Env } from "../config.ts";
import { ConfigurationError, errorMessage } from "../errors.ts";
import type { Lake } from "../lake/lake.ts";
import { deliveryId } from "../lake/manifest.ts";
import { checkLakeUrl, openLake } from "../lake/open-lake.ts";
import { openWarehouse, warehouseDialect } from "../warehouse/open-warehouse.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { DEFAULT_HISTORY, DEFAULT_MAX_HOURS } from "./defaults.ts";
import { lockRun } from "./lock.ts";
import {
  snapshotFigures,
  snapshotObjects,
  snapshotsDue,
  type SnapshotDeferral,
  type SnapshotFigures,
  type SnapshotsSummary,
} from "./snapshots.ts";
import {
  failingSince,
  failureHistory,
  historyStart,
  planResume,
  resolveAppId,
  uncovered,
  watermark,
  windowsFromBackup,
  windowsFromLake,
  windowsFromWarehouseAndLake,
  type FailedWindow,
} from "./watermark.ts";
import { backupOrigin, checkOrigins, lakeOrigin } from "./demo-data.ts";

/** What the extract step is given: typed values, whichever front end (CLI flags, action inputs) read them. */
export interface ExtractStepOptions {
  start?: string;
  end?: string;
  /** The backup folder. */
  out: string;
  windowHours: number;
  concurrency: number;
  maxLineBytes: number;
  settleHours: number;
  validationThreads?: number;
  /** Read Amplitude's S3 export (s3://bucket/prefix, or file://DIR) instead of the Export API. */
  source?: string;
  /** The lake whose manifests hold the watermark (with the backup folder's windows). */
  lake?: string;
  /**
   * `snowflake`: the watermark is read from raw.extract_windows too, and the lake listed only from the
   * newest delivery it holds. Other warehouses are not read (the lake and backup say the same).
   */
  warehouse?: string;
  /** How far back a project with no completed window starts: `3m`, `90d`, `all`, … */
  history?: string;
  /**
   * The demo's run against the simulator: it marks what it writes and refuses a real project's folders.
   * Without it, folders holding the demo's data are refused.
   */
  demo?: boolean;
  /** Hours one run exports at most when it resumes from the watermark. */
  maxHours?: number;
  /** Wait for another run that holds the backup folder instead of failing at once. */
  wait?: boolean;
  /**
   * What to extract (default all): `events` (the Export API's windows), `taxonomy` (event types and
   * categories) and `cohorts` (cohorts and their members), the last two as snapshots. Without `events`
   * no window is planned or exported. With `source` (Amplitude's S3 export, which holds events only and
   * needs no API keys) the default is events alone.
   */
  objects?: readonly ObjectGroup[];
  /**
   * Take the taxonomy and cohort snapshots only when the latest was taken this long ago or longer (ms);
   * 0 or undefined: every run. The CLI and the extract action default to a day.
   */
  snapshotEvery?: number;
}

/** Keeps exported windows somewhere outside the backup folder (the Actions cache) and puts them back. */
export interface WindowStore {
  /** Restores the window's folder into `dir` (the backup folder's window folder) when a copy is kept; true when it did. */
  restore(window: { appId: string; window: string }, dir: string): Promise<boolean>;
  /** Keeps the folder of a window this run exported completely (`delivery` from its manifest). */
  save(window: { appId: string; window: string; delivery: string }, dir: string): Promise<void>;
}

export interface ExtractStepContext {
  env: Env;
  reporter?: ExtractStepReporter;
  /** Once aborted, no new window starts; windows under way finish (or are cleaned up). */
  signal?: AbortSignal;
  /** The clock that decides the last settled hour and names failure records. */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Replaces the environment's Amplitude settings (the demo points this at the simulator). */
  amplitude?: AmplitudeConfig;
  /** Where windows are kept between runs (the Actions cache); none by default. */
  windowStore?: WindowStore;
}

/** One window of the run, as a summary lists it. */
export interface ExtractWindowRow {
  appId?: string;
  /** The window's folder name, `YYYY-MM-DDTHH_YYYY-MM-DDTHH`. */
  window: string;
  /** `restored`: put back from the window store, not requested from Amplitude. */
  outcome: "exported" | "empty" | "failed" | "restored";
  events: number;
  files: number;
  bytes: number;
  rejected: number;
  error?: string;
  /** A failed window: when a run first failed to export its hours. */
  failingSince?: string;
}

/** What the extract step reports as it goes; every event is optional. */
export interface ExtractStepReporter extends ExtractReporter {
  /** One object's (or one cohort's members') snapshot is done: written, unchanged, skipped or failed. */
  snapshotFinished?: SnapshotReporter["snapshotFinished"];
  /** Once per object group the Amplitude plan lacks (403): its objects are skipped, not failed. */
  objectsSkipped?(event: { group: "taxonomy" | "cohorts"; reason: string }): void;
  /** Another run holds the backup folder and the step waits for it (`wait`). */
  waiting?(event: { what: string; pid: number }): void;
  warning?(message: string): void;
  notice?(message: string): void;
  /** The plan holds no hour to export; `reason` says why. The step ends here. */
  nothingToExport?(reason: string): void;
  /** Once, before the first window: what is exported, from where, into where. */
  started?(event: {
    ranges: HourWindow[];
    hours: number;
    reason: string;
    /** The Export API's base URL, or Amplitude's S3 export. */
    source: string;
    out: string;
    windowHours: number;
    concurrency: number;
  }): void;
  /** A planned range holds hours that failed in earlier runs, since `since`. */
  retryingFailed?(event: { range: HourWindow; since: string }): void;
  /** A planned window the window store put back whole: it is not requested from Amplitude. */
  windowRestored?(window: ExtractWindowRow): void;
  /** After the run, once per window that failed. */
  windowFailed?(event: { window: HourWindow; error: string; failingSince?: string }): void;
  /** The run was interrupted before these windows started. */
  interrupted?(event: { notStarted: number }): void;
}

export interface ExtractCommandSummary extends ExtractSummary {
  /** Snapshots of objects that could not be taken, one message each (the step fails, exit 1). */
  failedSnapshots?: string[];
  /** The hours of windows that failed, `YYYY-MM-DDTHH`, in order. */
  failedHours: string[];
  /** The watermark after this run, `YYYY-MM-DDTHH`, when the project has a completed window. */
  watermark?: string;
}

/**
 * The figures `extract --json` prints: DESIGN.md's, plus the hours that failed and the watermark; with
 * taxonomy or cohorts asked for, the snapshots and the objects skipped (the plan lacks their API).
 */
export interface ExtractFigures extends Partial<SnapshotFigures> {
  windows: number;
  files: number;
  events: number;
  bytes: number;
  rejected: number;
  failed_hours: string[];
  watermark: string | null;
}

export interface ExtractStepResult {
  /** What this run exported from Amplitude (restored windows are not in it). */
  summary: ExtractCommandSummary;
  figures: ExtractFigures;
  /** Every window of the run in order: exported, empty, failed or restored. */
  windows: ExtractWindowRow[];
  /** Windows the window store put back instead of Amplitude. */
  restored: number;
  watermark?: string;
  /** The backup folder (`out`). */
  backupDir: string;
  failedHours: string[];
  /** The ranges planned and why ("the hours given", "resumed from the watermark …"). */
  ranges: HourWindow[];
  reason: string;
  durationMs: number;
  /** The snapshots of objects (taxonomy, cohorts); undefined when `objects` asked for none. */
  snapshots?: SnapshotsSummary;
  /** The object groups asked for. */
  objects: readonly ObjectGroup[];
  /** Snapshot groups asked for and not taken: the latest is younger than `snapshotEvery`. */
  snapshotsDeferred?: SnapshotDeferral[];
  /** Whether an hour, or a snapshot, could not be exported (exit 1, a failed action). */
  failed: boolean;
}

export function extractFigures(summary: ExtractCommandSummary, snapshots?: SnapshotsSummary): ExtractFigures {
  const { windows, files, events, bytes, rejected } = summary;
  return {
    windows,
    files,
    events,
    bytes,
    rejected,
    failed_hours: summary.failedHours,
    watermark: summary.watermark ?? null,
    ...(snapshots ? snapshotFigures(snapshots) : {}),
  };
}

/** The snapshots that failed, one line each, for messages. */
export function failedSnapshots(snapshots: SnapshotsSummary | undefined): string[] {
  return (snapshots?.outcomes ?? []).flatMap((o: SnapshotOutcome) =>
    o.status === "failed" ? [`${o.cohortId ? `cohort ${o.cohortId} members` : o.object}: ${o.error}`] : [],
  );
}

/** The last hour to export: `--end`, but never past the last hour Amplitude has settled. */
export function resolveEnd(
  options: Pick<ExtractStepOptions, "end" | "settleHours">,
  now: Date,
): { end: Hour; notice?: string } {
  const settled = lastSettledHour(now, options.settleHours);
  if (!options.end) return { end: settled };
  const end = parseHour(options.end, "end");
  if (end <= settled) return { end };
  return {
    end: settled,
    notice:
      `--end ${options.end} is after the last hour Amplitude has settled: exporting up to ${formatHour(settled)} ` +
      `(data settles ${options.settleHours} h after each hour; a later run takes the rest)`,
  };
}

export interface ExtractPlan {
  ranges: HourWindow[];
  reason: string;
  appId?: string;
  /** Where the app id came from: AMPLITUDE_APP_ID, or the data already in the backup folder and lake. */
  appIdFrom?: string;
  /** Completed windows known before the run: the lake's manifests and the backup folder. */
  known: HourWindow[];
  failures: FailedWindow[];
  lake?: Lake;
  notices: string[];
}

/**
 * Which hours to export and why: the given `--start`/`--end`, or, with no `--start`, the gaps from the
 * watermark to the last settled hour, at most `--max-hours`.
 */
export async function planExtract(
  options: ExtractStepOptions,
  deps: { env: Env; now?: () => Date },
  lake?: Lake,
  warehouse?: Warehouse,
): Promise<ExtractPlan> {
  const now = (deps.now ?? (() => new Date()))();
  const { end, notice } = resolveEnd(options, now);
  const notices = notice ? [notice] : [];
  const appId = await resolveAppId({ configured: deps.env.AMPLITUDE_APP_ID, outDir: options.out, lake });
  const appIdFrom = deps.env.AMPLITUDE_APP_ID
    ? "AMPLITUDE_APP_ID"
    : `the data in ${[options.out, ...(lake ? [options.lake ?? lake.url] : [])].join(" and ")}`;
  const listed: string[] = [];
  const known = appId
    ? [
        ...(warehouse
          ? await windowsFromWarehouseAndLake(warehouse, lake, appId, listed)
          : lake
            ? await windowsFromLake(lake, appId, listed)
            : []),
        ...(await windowsFromBackup(options.out, appId)),
      ]
    : [];
  // Before the watermark is used: the demo's windows must not stand for a project's history. The lake's
  // listing above is reused: one of its manifests is read, not listed again.
  checkOrigins(
    [
      await backupOrigin(options.out),
      ...(lake
        ? [await lakeOrigin(lake, options.lake, appId && listed[0] ? { [appId]: listed[0] } : {})]
        : []),
    ],
    options.demo ? "demo" : "project",
  );
  // A failure record matters while some hour of its window is still not done.
  const failures = (appId ? await failureHistory(options.out, lake, appId) : []).filter(
    (failure) => uncovered(known, failure.window).length > 0,
  );
  if (options.start) {
    const start = parseHour(options.start, "start");
    if (end < start) {
      throw new ConfigurationError(
        options.end && !notice
          ? `--end ${options.end} is before --start ${options.start}`
          : `nothing to export yet: the last settled hour is ${formatHour(end)} (data settles ${options.settleHours} h after each hour)`,
      );
    }
    return {
      ranges: [{ start, end }],
      reason: "the hours given",
      appId,
      appIdFrom,
      known,
      failures,
      lake,
      notices,
    };
  }
  const plan = planResume({
    windows: known,
    end,
    history: options.history ?? DEFAULT_HISTORY,
    maxHours: options.maxHours ?? DEFAULT_MAX_HOURS,
    source: [
      ...(warehouse ? [`${warehouse.url} (raw.extract_windows)`] : []),
      ...(lake ? [lake.url] : []),
      options.out,
    ]
      .join(", ")
      .replace(/, ([^,]*)$/, " and $1"),
  });
  if (plan.deferredHours > 0) {
    notices.push(
      `${plan.deferredHours} more hour(s) to ${formatHour(end)} are left for the next run (--max-hours ${options.maxHours ?? DEFAULT_MAX_HOURS})`,
    );
  }
  return { ranges: plan.ranges, reason: plan.reason, appId, appIdFrom, known, failures, lake, notices };
}

/**
 * Everything in extract's options and configuration that can be wrong, checked before it creates the backup
 * folder or takes its lock: the hours, the history span (used only when there is no watermark, and checked
 * always), the lake and source URLs, the Snowflake settings, and the Amplitude keys when it will call the API.
 */
export async function checkExtractOptions(
  options: ExtractStepOptions,
  context: Pick<ExtractStepContext, "env" | "now" | "amplitude">,
): Promise<void> {
  const start = options.start === undefined ? undefined : parseHour(options.start, "start");
  const end = options.end === undefined ? undefined : parseHour(options.end, "end");
  if (start !== undefined && end !== undefined && end < start) {
    throw new ConfigurationError(`--end ${options.end} is before --start ${options.start}`);
  }
  const now = (context.now ?? (() => new Date()))();
  historyStart(options.history ?? DEFAULT_HISTORY, lastSettledHour(now, options.settleHours));
  if (options.lake) checkLakeUrl(options.lake, context.env);
  if (options.source) checkLakeUrl(options.source, context.env);
  if (options.warehouse === "snowflake") await warehouseDialect(options.warehouse, { env: context.env });
  // Snapshots of objects always call the API (Amplitude's S3 export holds events alone); events do with
  // hours given. Resumed from the watermark they may have nothing to export, and then need no keys.
  const objects = objectsOf(options);
  const callsApi =
    objects.some((group) => group !== "events") ||
    (objects.includes("events") && !options.source && options.start !== undefined);
  if (callsApi && !context.amplitude) amplitudeConfig(context.env);
}

/**
 * Extract: take the backup folder, plan the hours (given, or resumed from the watermark), put back what
 * the window store keeps, export the rest from Amplitude, and keep each window completed in the store.
 */
export async function extractStep(
  options: ExtractStepOptions,
  context: ExtractStepContext,
): Promise<ExtractStepResult> {
  const { reporter = {} } = context;
  await checkExtractOptions(options, context);
  const lock = await lockRun(
    { out: options.out },
    {
      command: "extract",
      wait: options.wait,
      onWait: (what, pid) => reporter.waiting?.({ what, pid }),
    },
  );
  try {
    return await extractUnlocked(options, context, reporter);
  } finally {
    await lock.release();
  }
}

async function extractUnlocked(
  options: ExtractStepOptions,
  context: ExtractStepContext,
  reporter: ExtractStepReporter,
): Promise<ExtractStepResult> {
  const started = Date.now();
  const objects = objectsOf(options);
  const now = context.now ?? (() => new Date());
  const lake = options.lake ? await openLake(options.lake, context.env) : undefined;
  const events = objects.includes("events")
    ? await extractWindows(options, context, reporter, lake)
    : await noWindows(options, context, lake);
  if (!objects.some((group) => group !== "events")) return events;
  const appId = events.summary.appId;
  const { due, deferred } = appId
    ? await snapshotsDue({
        groups: objects.filter((g): g is "taxonomy" | "cohorts" => g !== "events"),
        every: options.snapshotEvery ?? 0,
        out: options.out,
        appId,
        lake,
        now: now(),
      })
    : { due: objects.filter((g) => g !== "events"), deferred: [] };
  const snapshotsDeferred = deferred.length > 0 ? { snapshotsDeferred: deferred } : {};
  if (due.length === 0) return { ...events, objects, ...snapshotsDeferred };
  const snapshots = await snapshotObjects({
    groups: due,
    out: options.out,
    appId: events.summary.appId,
    lake,
    env: context.env,
    amplitude: context.amplitude,
    sleep: context.sleep,
    now,
    runId: runIdOf(context.env) ?? `local-${now().toISOString()}`,
    signal: context.signal,
    reporter: {
      snapshotFinished: (outcome) => reporter.snapshotFinished?.(outcome),
      groupSkipped: (event) => reporter.objectsSkipped?.(event),
      warning: (message) => reporter.warning?.(message),
    },
  });
  return {
    ...events,
    summary: { ...events.summary, failedSnapshots: failedSnapshots(snapshots) },
    objects,
    snapshots,
    ...snapshotsDeferred,
    figures: extractFigures(events.summary, snapshots),
    durationMs: Date.now() - started,
    failed: events.failed || snapshots.failed > 0,
  };
}

function objectsOf(options: Pick<ExtractStepOptions, "objects" | "source">): readonly ObjectGroup[] {
  return options.objects ?? (options.source ? ["events"] : OBJECT_GROUPS);
}

function runIdOf(env: Env): string | undefined {
  return env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? 1}` : undefined;
}

/** `--objects` without events: no window is planned; the app id comes from the configuration or the backup and lake. */
async function noWindows(
  options: ExtractStepOptions,
  context: ExtractStepContext,
  lake?: Lake,
): Promise<ExtractStepResult> {
  checkOrigins(
    [await backupOrigin(options.out), ...(lake ? [await lakeOrigin(lake, options.lake)] : [])],
    options.demo ? "demo" : "project",
  );
  const appId = await resolveAppId({ configured: context.env.AMPLITUDE_APP_ID, outDir: options.out, lake });
  const plan: ExtractPlan = {
    ranges: [],
    reason: "events are not among --objects",
    appId,
    known: [],
    failures: [],
    notices: [],
  };
  return stepResult(options, plan, emptySummary(appId, undefined), [], 0);
}

async function extractWindows(
  options: ExtractStepOptions,
  context: ExtractStepContext,
  reporter: ExtractStepReporter,
  lake: Lake | undefined,
): Promise<ExtractStepResult> {
  const stepStarted = Date.now();
  const now = context.now ?? (() => new Date());
  const warehouse =
    options.warehouse === "snowflake"
      ? await openWarehouse(options.warehouse, {
          create: false,
          env: context.env,
          warn: (message) => reporter.warning?.(message),
        })
      : undefined;
  let plan: ExtractPlan;
  try {
    plan = await planExtract(options, { env: context.env, now }, lake, warehouse);
  } finally {
    await warehouse?.close();
  }
  if (plan.ranges.length === 0) {
    for (const notice of plan.notices) reporter.notice?.(notice);
    reporter.nothingToExport?.(plan.reason);
    const summary = emptySummary(plan.appId, watermark(plan.known));
    return stepResult(options, plan, summary, [], Date.now() - stepStarted);
  }
  const source = await exportSource(options, context);
  const started = Date.now();
  reporter.started?.({
    ranges: plan.ranges,
    hours: plan.ranges.reduce((total, range) => total + windowHours(range), 0),
    reason: plan.reason,
    source: source.name,
    out: options.out,
    windowHours: options.windowHours,
    concurrency: options.concurrency,
  });
  for (const notice of plan.notices) reporter.notice?.(notice);
  for (const range of plan.ranges) {
    const since = failingSince(plan.failures, range);
    if (since) reporter.retryingFailed?.({ range, since });
  }
  const store = context.windowStore
    ? new StoredWindows(context.windowStore, options.out, reporter)
    : undefined;
  const planned = plan.ranges.flatMap((range) => cutWindows(range, options.windowHours));
  const restored: Array<{ row: ExtractWindowRow; window: HourWindow }> = [];
  const toExport: HourWindow[] = [];
  for (const window of planned) {
    const row = plan.appId && store ? await store.restore(plan.appId, window) : undefined;
    if (row) {
      restored.push({ row, window });
      reporter.windowRestored?.(row);
    } else toExport.push(window);
  }
  const saves: Array<Promise<void>> = [];
  const exported =
    toExport.length === 0
      ? emptySummary(plan.appId, undefined)
      : await extract({
          source: source.source,
          range: toExport,
          outDir: options.out,
          hoursPerWindow: options.windowHours,
          concurrency: options.concurrency,
          maxLineBytes: options.maxLineBytes,
          validationThreads: options.validationThreads,
          sleep: context.sleep,
          now,
          appId: plan.appId,
          appIdFrom: plan.appIdFrom,
          demo: options.demo,
          signal: context.signal,
          runId: runIdOf(context.env),
          reporter: {
            ...reporter,
            windowFinished(outcome) {
              // A window with data is in place once it is reported: keep it while the others download.
              if (store && outcome.status === "exported")
                for (const appId of outcome.apps) saves.push(store.save(appId, outcome.window));
              reporter.windowFinished?.(outcome);
            },
          },
        }).finally(() => Promise.all(saves));
  // An empty window's manifest is written once the run knows its app: keep it now.
  if (store && exported.appId) {
    for (const outcome of exported.outcomes)
      if (outcome.status === "empty") await store.save(exported.appId, outcome.window);
  }
  const completed = exported.outcomes.filter((o) => o.status !== "failed").map((o) => o.window);
  const mark = watermark(
    exported.appId ? [...plan.known, ...completed, ...restored.map((r) => r.window)] : [],
  );
  const summary: ExtractCommandSummary = {
    ...exported,
    failedHours: exported.failed.flatMap((f) => hoursOf(f.window)),
    watermark: mark === undefined ? undefined : formatHour(mark),
  };
  for (const failed of summary.failed) {
    reporter.windowFailed?.({
      window: failed.window,
      error: failed.error,
      failingSince: failingSince(plan.failures, failed.window),
    });
  }
  if (summary.unrecorded > 0) {
    reporter.notice?.(
      `${summary.unrecorded} empty or failed window(s) were not recorded: no window had data yet, so the ` +
        "app id is unknown. Set AMPLITUDE_APP_ID to record them (quiet hours then move the watermark)",
    );
  }
  if (summary.notStarted > 0) reporter.interrupted?.({ notStarted: summary.notStarted });
  const rows = [
    ...restored,
    ...summary.outcomes.map((outcome) => ({
      row: outcomeRow(outcome, summary.appId, plan.failures),
      window: outcome.window,
    })),
  ]
    .sort((a, b) => a.window.start - b.window.start)
    .map((entry) => entry.row);
  return stepResult(options, plan, summary, rows, Date.now() - started, restored.length);
}

function stepResult(
  options: ExtractStepOptions,
  plan: ExtractPlan,
  summary: ExtractCommandSummary,
  windows: ExtractWindowRow[],
  durationMs: number,
  restored = 0,
): ExtractStepResult {
  return {
    summary,
    figures: extractFigures(summary),
    objects: objectsOf(options),
    windows,
    restored,
    watermark: summary.watermark,
    backupDir: options.out,
    failedHours: summary.failedHours,
    ranges: plan.ranges,
    reason: plan.reason,
    durationMs,
    failed: summary.failed.length > 0,
  };
}

function outcomeRow(
  outcome: WindowOutcome,
  appId: string | undefined,
  failures: FailedWindow[],
): ExtractWindowRow {
  const base = { appId, window: formatWindow(outcome.window), events: 0, files: 0, bytes: 0, rejected: 0 };
  switch (outcome.status) {
    case "exported": {
      const { events, files, bytes, rejected } = outcome;
      return {
        ...base,
        appId: appId ?? outcome.apps[0],
        outcome: "exported",
        events,
        files,
        bytes,
        rejected,
      };
    }
    case "empty":
      return { ...base, outcome: "empty" };
    case "failed":
      return {
        ...base,
        outcome: "failed",
        error: outcome.error,
        failingSince: failingSince(failures, outcome.window),
      };
  }
}

/** The window store as the step uses it: never fails the run, says what went wrong as a warning. */
class StoredWindows {
  constructor(
    private readonly store: WindowStore,
    private readonly out: string,
    private readonly reporter: ExtractStepReporter,
  ) {}

  /** The restored window's row, when the store put back a complete window; undefined otherwise. */
  async restore(appId: string, window: HourWindow): Promise<ExtractWindowRow | undefined> {
    const name = formatWindow(window);
    const dir = join(this.out, appId, name);
    try {
      if (!(await this.store.restore({ appId, window: name }, dir))) return undefined;
    } catch (error) {
      this.reporter.warning?.(`window ${appId}/${name} could not be restored: ${errorMessage(error)}`);
      return undefined;
    }
    const manifest = await readManifest(dir);
    if (
      !manifest ||
      manifest.app_id !== appId ||
      manifest.window.start !== formatHour(window.start) ||
      manifest.window.end !== formatHour(window.end)
    ) {
      this.reporter.warning?.(
        `window ${appId}/${name} was restored without its manifest: exporting it from Amplitude again`,
      );
      return undefined;
    }
    const { files, bytes, events, rejected } = manifest.totals;
    return { appId, window: name, outcome: "restored", events, files, bytes, rejected };
  }

  async save(appId: string, window: HourWindow): Promise<void> {
    const name = formatWindow(window);
    const dir = join(this.out, appId, name);
    try {
      const manifest = await readManifest(dir);
      if (!manifest) throw new Error(`${join(dir, MANIFEST_FILE)} is missing`);
      await this.store.save({ appId, window: name, delivery: deliveryId(manifest) }, dir);
    } catch (error) {
      this.reporter.warning?.(`window ${appId}/${name} could not be kept: ${errorMessage(error)}`);
    }
  }
}

async function readManifest(dir: string): Promise<WindowManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, MANIFEST_FILE), "utf8")) as WindowManifest;
  } catch {
    return undefined;
  }
}

function emptySummary(appId: string | undefined, mark: Hour | undefined): ExtractCommandSummary {
  return {
    windows: 0,
    files: 0,
    events: 0,
    bytes: 0,
    rejected: 0,
    outcomes: [],
    failed: [],
    unrecorded: 0,
    notStarted: 0,
    appId,
    failedHours: [],
    watermark: mark === undefined ? undefined : formatHour(mark),
  };
}

function hoursOf(window: HourWindow): string[] {
  const hours: string[] = [];
  for (let hour = window.start; hour <= window.end; hour += 1) hours.push(formatHour(hour));
  return hours;
}

async function exportSource(
  options: ExtractStepOptions,
  context: ExtractStepContext,
): Promise<{ source: ExportSource; name: string }> {
  if (options.source) {
    const lake = await openLake(options.source, context.env);
    return { source: new LakeExportSource(lake), name: `Amplitude's S3 export at ${lake.url}` };
  }
  const config = context.amplitude ?? amplitudeConfig(context.env);
  return { source: new ApiExportSource(new ExportClient(config)), name: config.baseUrl };
}
