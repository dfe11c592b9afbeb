import { ExportClient } from "../amplitude/export-client.ts";
import { ApiExportSource, LakeExportSource, type ExportSource } from "../amplitude/export-source.ts";
import { openLake } from "../lake/open-lake.ts";
import {
  extract,
  type ExtractReporter,
  type ExtractSummary,
  type WindowOutcome,
} from "../amplitude/extract.ts";
import {
  formatHour,
  formatWindow,
  lastSettledHour,
  parseHour,
  windowHours,
  type Hour,
  type HourWindow,
} from "../amplitude/hours.ts";
import type { Lake } from "../lake/lake.ts";
import { lockRun } from "../pipeline/lock.ts";
import {
  DEFAULT_HISTORY,
  DEFAULT_MAX_HOURS,
  failingSince,
  failureHistory,
  planResume,
  resolveAppId,
  uncovered,
  watermark,
  windowsFromBackup,
  windowsFromLake,
  windowsFromWarehouseAndLake,
  type FailedWindow,
} from "../pipeline/watermark.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { amplitudeConfig, type AmplitudeConfig, type Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import { formatBytes, formatCount, formatDuration, type Output } from "./output.ts";

export interface ExtractCommandOptions {
  start?: string;
  end?: string;
  out: string;
  json?: boolean;
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
  /** Hours one run exports at most when it resumes from the watermark. */
  maxHours?: number;
  /** Wait for another run that holds the backup folder instead of failing at once. */
  wait?: boolean;
}

export interface ExtractCommandDeps {
  env: Env;
  output: Output;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Replaces the environment's Amplitude settings (the demo points this at the simulator). */
  amplitude?: AmplitudeConfig;
  signal?: AbortSignal;
}

export interface ExtractCommandSummary extends ExtractSummary {
  /** The hours of windows that failed, `YYYY-MM-DDTHH`, in order. */
  failedHours: string[];
  /** The watermark after this run, `YYYY-MM-DDTHH`, when the project has a completed window. */
  watermark?: string;
}

/** The figures `extract --json` prints: DESIGN.md's, plus the hours that failed and the watermark. */
export function extractFigures(summary: ExtractCommandSummary) {
  const { windows, files, events, bytes, rejected } = summary;
  return {
    windows,
    files,
    events,
    bytes,
    rejected,
    failed_hours: summary.failedHours,
    watermark: summary.watermark ?? null,
  };
}

/** The last hour to export: `--end`, but never past the last hour Amplitude has settled. */
export function resolveEnd(
  options: Pick<ExtractCommandOptions, "end" | "settleHours">,
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
  options: ExtractCommandOptions,
  deps: Pick<ExtractCommandDeps, "env" | "now">,
  lake?: Lake,
  warehouse?: Warehouse,
): Promise<ExtractPlan> {
  const now = (deps.now ?? (() => new Date()))();
  const { end, notice } = resolveEnd(options, now);
  const notices = notice ? [notice] : [];
  const appId = await resolveAppId({ configured: deps.env.AMPLITUDE_APP_ID, outDir: options.out, lake });
  const known = appId
    ? [
        ...(warehouse
          ? await windowsFromWarehouseAndLake(warehouse, lake, appId)
          : lake
            ? await windowsFromLake(lake, appId)
            : []),
        ...(await windowsFromBackup(options.out, appId)),
      ]
    : [];
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
    return { ranges: [{ start, end }], reason: "the hours given", appId, known, failures, lake, notices };
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
  return { ranges: plan.ranges, reason: plan.reason, appId, known, failures, lake, notices };
}

export async function runExtract(
  options: ExtractCommandOptions,
  deps: ExtractCommandDeps,
): Promise<ExtractCommandSummary> {
  const output = deps.output;
  const lock = await lockRun(
    { out: options.out },
    {
      command: "extract",
      wait: options.wait,
      onWait: (what, pid) => output.err(`waiting: another run (pid ${pid}) holds ${what}`),
    },
  );
  try {
    return await extractUnlocked(options, deps);
  } finally {
    await lock.release();
  }
}

async function extractUnlocked(
  options: ExtractCommandOptions,
  deps: ExtractCommandDeps,
): Promise<ExtractCommandSummary> {
  const now = deps.now ?? (() => new Date());
  const lake = options.lake ? await openLake(options.lake, deps.env) : undefined;
  const warehouse =
    options.warehouse === "snowflake"
      ? await openWarehouse(options.warehouse, {
          create: false,
          env: deps.env,
          warn: (message) => deps.output.err(`warning: ${message}`),
        })
      : undefined;
  let plan: ExtractPlan;
  try {
    plan = await planExtract(options, deps, lake, warehouse);
  } finally {
    await warehouse?.close();
  }
  const output = deps.output;
  const hours = plan.ranges.reduce((total, range) => total + windowHours(range), 0);
  if (plan.ranges.length === 0) {
    for (const notice of plan.notices) output.err(`notice: ${notice}`);
    output.err(`Nothing to export: ${plan.reason}`);
    const summary = emptySummary(plan);
    if (options.json) output.out(JSON.stringify(extractFigures(summary)));
    return summary;
  }
  const source = await exportSource(options, deps);
  const started = Date.now();
  output.err(
    `Exporting ${plan.ranges.map(formatWindow).join(", ")} (${hours} h; ${plan.reason}) from ${source.name} ` +
      `into ${options.out} in windows of ${options.windowHours} h, ${options.concurrency} at a time`,
  );
  for (const notice of plan.notices) output.err(`notice: ${notice}`);
  for (const range of plan.ranges) {
    const since = failingSince(plan.failures, range);
    if (since) output.err(`retrying ${formatWindow(range)} first: it has failed since ${since}`);
  }
  const summary = await extract({
    source: source.source,
    range: plan.ranges,
    outDir: options.out,
    hoursPerWindow: options.windowHours,
    concurrency: options.concurrency,
    maxLineBytes: options.maxLineBytes,
    validationThreads: options.validationThreads,
    sleep: deps.sleep,
    now,
    appId: plan.appId,
    signal: deps.signal,
    runId: deps.env.GITHUB_RUN_ID
      ? `${deps.env.GITHUB_RUN_ID}-${deps.env.GITHUB_RUN_ATTEMPT ?? 1}`
      : undefined,
    reporter: progressReporter(output),
  });
  const completed = summary.outcomes.filter((o) => o.status !== "failed").map((o) => o.window);
  const mark = watermark(summary.appId ? [...plan.known, ...completed] : []);
  const result: ExtractCommandSummary = {
    ...summary,
    failedHours: summary.failed.flatMap((f) => hoursOf(f.window)),
    watermark: mark === undefined ? undefined : formatHour(mark),
  };
  const elapsed = formatDuration(Date.now() - started);
  output.out(
    `Extracted ${summary.windows} window(s) in ${elapsed}: ${summary.files} files, ${formatCount(summary.events)} events, ` +
      `${formatBytes(summary.bytes)} compressed, ${summary.rejected} rejected line(s) -> ${options.out}` +
      (result.watermark ? `; watermark at ${result.watermark}` : ""),
  );
  for (const failed of summary.failed) {
    const since = failingSince(plan.failures, failed.window);
    output.err(`error: ${failed.error}${since ? ` (failing since ${since})` : ""}`);
  }
  if (summary.unrecorded > 0) {
    output.err(
      `notice: ${summary.unrecorded} empty or failed window(s) were not recorded: no window had data yet, so the ` +
        "app id is unknown. Set AMPLITUDE_APP_ID to record them (quiet hours then move the watermark)",
    );
  }
  if (summary.notStarted > 0) output.err(`interrupted: ${summary.notStarted} window(s) were not started`);
  if (options.json) output.out(JSON.stringify(extractFigures(result)));
  return result;
}

function emptySummary(plan: ExtractPlan): ExtractCommandSummary {
  const mark = watermark(plan.known);
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
    appId: plan.appId,
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
  options: ExtractCommandOptions,
  deps: ExtractCommandDeps,
): Promise<{ source: ExportSource; name: string }> {
  if (options.source) {
    const lake = await openLake(options.source, deps.env);
    return { source: new LakeExportSource(lake), name: `Amplitude's S3 export at ${lake.url}` };
  }
  const config = deps.amplitude ?? amplitudeConfig(deps.env);
  return { source: new ApiExportSource(new ExportClient(config)), name: config.baseUrl };
}

function progressReporter(output: Output): ExtractReporter {
  const active = new Map<string, number>();
  const showStatus = () => {
    const total = [...active.values()].reduce((a, b) => a + b, 0);
    output.status(`downloading ${active.size} window(s): ${formatBytes(total)} received`);
  };
  return {
    windowStarted(window) {
      active.set(formatWindow(window), 0);
      showStatus();
    },
    bytesReceived(window, total) {
      active.set(formatWindow(window), total);
      showStatus();
    },
    retrying(window, attempt, delayMs, reason) {
      output.err(
        `retry ${formatWindow(window)}: attempt ${attempt + 1} in ${formatDuration(delayMs)} after: ${reason}`,
      );
    },
    splitting(window, [a, b], reason) {
      active.delete(formatWindow(window));
      output.err(`split ${formatWindow(window)} into ${formatWindow(a)} and ${formatWindow(b)}: ${reason}`);
    },
    windowFinished(outcome) {
      active.delete(formatWindow(outcome.window));
      output.err(describeOutcome(outcome));
      if (active.size > 0) showStatus();
    },
  };
}

function describeOutcome(outcome: WindowOutcome): string {
  const name = formatWindow(outcome.window);
  switch (outcome.status) {
    case "exported":
      return (
        `window ${name}: ${outcome.files} files, ${formatCount(outcome.events)} events, ` +
        `${formatBytes(outcome.bytes)}, ${outcome.rejected} rejected`
      );
    case "empty":
      return `window ${name}: no data`;
    case "failed":
      return `window ${name}: FAILED`;
  }
}
