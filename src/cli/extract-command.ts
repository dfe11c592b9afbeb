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
  type HourWindow,
} from "../amplitude/hours.ts";
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
}

export interface ExtractCommandDeps {
  env: Env;
  output: Output;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Replaces the environment's Amplitude settings (the demo points this at the simulator). */
  amplitude?: AmplitudeConfig;
}

/** The figures `extract --json` prints, as DESIGN.md fixes them. */
export function extractFigures(summary: ExtractSummary) {
  const { windows, files, events, bytes, rejected } = summary;
  return { windows, files, events, bytes, rejected };
}

export function resolveRange(
  options: Pick<ExtractCommandOptions, "start" | "end" | "settleHours">,
  now: Date,
): HourWindow {
  if (!options.start) {
    throw new ConfigurationError(
      "--start is required: the first hour to export (YYYY-MM-DD, YYYY-MM-DDTHH or YYYYMMDDTHH)",
    );
  }
  const start = parseHour(options.start, "start");
  const end = options.end ? parseHour(options.end, "end") : lastSettledHour(now, options.settleHours);
  if (end < start) {
    throw new ConfigurationError(
      options.end
        ? `--end ${options.end} is before --start ${options.start}`
        : `nothing to export yet: the last settled hour is ${formatHour(end)} (data settles ${options.settleHours} h after each hour)`,
    );
  }
  return { start, end };
}

export async function runExtract(
  options: ExtractCommandOptions,
  deps: ExtractCommandDeps,
): Promise<ExtractSummary> {
  const now = deps.now ?? (() => new Date());
  const range = resolveRange(options, now());
  const source = await exportSource(options, deps);
  const output = deps.output;
  const started = Date.now();
  output.err(
    `Exporting ${formatWindow(range)} (${windowHours(range)} h) from ${source.name} into ${options.out}` +
      ` in windows of ${options.windowHours} h, ${options.concurrency} at a time`,
  );
  const summary = await extract({
    source: source.source,
    range,
    outDir: options.out,
    hoursPerWindow: options.windowHours,
    concurrency: options.concurrency,
    maxLineBytes: options.maxLineBytes,
    validationThreads: options.validationThreads,
    sleep: deps.sleep,
    now,
    runId: deps.env.GITHUB_RUN_ID
      ? `${deps.env.GITHUB_RUN_ID}-${deps.env.GITHUB_RUN_ATTEMPT ?? 1}`
      : undefined,
    reporter: progressReporter(output),
  });
  const elapsed = formatDuration(Date.now() - started);
  output.out(
    `Extracted ${summary.windows} window(s) in ${elapsed}: ${summary.files} files, ${formatCount(summary.events)} events, ` +
      `${formatBytes(summary.bytes)} compressed, ${summary.rejected} rejected line(s) -> ${options.out}`,
  );
  for (const failed of summary.failed) output.err(`error: ${failed.error}`);
  if (options.json) output.out(JSON.stringify(extractFigures(summary)));
  return summary;
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
