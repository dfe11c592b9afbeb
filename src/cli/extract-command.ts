import type { WindowOutcome } from "../amplitude/extract.ts";
import { formatWindow } from "../amplitude/hours.ts";
import type { AmplitudeConfig, Env } from "../config.ts";
import {
  extractStep,
  type ExtractCommandSummary,
  type ExtractStepOptions,
  type ExtractStepReporter,
  type ExtractStepResult,
} from "../pipeline/extract.ts";
import type { SnapshotDeferral, SnapshotOutcome, SnapshotsSummary } from "../pipeline/snapshots.ts";
import { formatBytes, formatCount, formatDuration, textTable, printJson, type Output } from "./output.ts";

export type { ExtractCommandSummary } from "../pipeline/extract.ts";

export interface ExtractCommandOptions extends ExtractStepOptions {
  json?: boolean;
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

export async function runExtract(
  options: ExtractCommandOptions,
  deps: ExtractCommandDeps,
): Promise<ExtractCommandSummary> {
  const { output } = deps;
  const result = await extractStep(options, {
    env: deps.env,
    now: deps.now,
    sleep: deps.sleep,
    amplitude: deps.amplitude,
    signal: deps.signal,
    reporter: extractReporter(output),
  });
  printExtract(output, result, options.json);
  return result.summary;
}

/** The last lines of extract: the totals on stdout, and the figures with --json. */
export function printExtract(output: Output, result: ExtractStepResult, json?: boolean): void {
  const { summary } = result;
  if (result.ranges.length > 0) {
    output.out(
      `Extracted ${summary.windows} window(s) in ${formatDuration(result.durationMs)}: ${summary.files} files, ` +
        `${formatCount(summary.events)} events, ${formatBytes(summary.bytes)} compressed, ${summary.rejected} ` +
        `rejected line(s) -> ${result.backupDir}` +
        (result.watermark ? `; watermark at ${result.watermark}` : ""),
    );
  }
  if (result.snapshots) for (const line of snapshotReport(result.snapshots)) output.out(line);
  for (const line of deferredReport(result.snapshotsDeferred)) output.out(line);
  if (json) printJson(output, result.figures);
}

/**
 * The snapshots as a table (one row per object; cohort members summed over the cohorts), then once per
 * object group the plan lacks, which objects were skipped and why, and the snapshots that failed.
 */
export function snapshotReport(snapshots: SnapshotsSummary): string[] {
  const rows = snapshotRows(snapshots.outcomes);
  const lines: string[] = [];
  if (rows.length > 0) {
    lines.push(
      `Snapshots: ${snapshots.written} written, ${snapshots.unchanged} unchanged` +
        (snapshots.failed > 0 ? `, ${snapshots.failed} FAILED` : ""),
      ...textTable(["object", "records", "outcome"], rows, [false, true, false]).map((line) => `  ${line}`),
    );
  }
  for (const { group, reason } of snapshots.skipped) lines.push(`Skipped ${group}: ${reason}`);
  for (const outcome of snapshots.outcomes) {
    if (outcome.status === "failed") lines.push(`error: ${snapshotName(outcome)}: ${outcome.error}`);
  }
  return lines;
}

/** One line per snapshot group not taken this run: when it was, and when it is due. */
export function deferredReport(deferred: readonly SnapshotDeferral[] | undefined): string[] {
  return (deferred ?? []).map(
    ({ group, lastTaken, nextAfter }) =>
      `Snapshots of ${group}: skipped, last taken ${lastTaken}, next after ${nextAfter} (--snapshot-every)`,
  );
}

function snapshotName(outcome: SnapshotOutcome): string {
  return outcome.cohortId
    ? `cohort ${outcome.cohortId} (${outcome.cohortName ?? "?"}) members`
    : outcome.object;
}

function snapshotRows(outcomes: readonly SnapshotOutcome[]): string[][] {
  const rows: string[][] = [];
  for (const object of ["event_types", "event_categories", "cohorts", "cohort_members"] as const) {
    // Skipped for the plan: said once below the table, not once per object.
    const mine = outcomes.filter(
      (o) => o.object === object && !(o.status === "skipped" && o.cause === "not-in-plan"),
    );
    if (mine.length === 0) continue;
    const records = mine.reduce(
      (n, o) => n + (o.status === "written" || o.status === "unchanged" ? o.records : 0),
      0,
    );
    const counts = new Map<string, number>();
    for (const o of mine) {
      const label =
        o.status === "skipped" ? "not downloaded (quota)" : o.status === "failed" ? "FAILED" : o.status;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const outcome =
      object === "cohort_members"
        ? `${mine.length} cohort(s): ${[...counts].map(([label, n]) => `${n} ${label}`).join(", ")}`
        : [...counts.keys()].join(", ");
    rows.push([object, formatCount(records), outcome]);
  }
  return rows;
}

/** Extract's progress on stderr: one line per window, a status line while windows download. */
export function extractReporter(output: Output): ExtractStepReporter {
  const active = new Map<string, number>();
  const showStatus = () => {
    const total = [...active.values()].reduce((a, b) => a + b, 0);
    output.status(`downloading ${active.size} window(s): ${formatBytes(total)} received`);
  };
  return {
    waiting: ({ what, pid }) => output.err(`waiting: another run (pid ${pid}) holds ${what}`),
    warning: (message) => output.err(`warning: ${message}`),
    notice: (message) => output.err(`notice: ${message}`),
    nothingToExport: (reason) => output.err(`Nothing to export: ${reason}`),
    started: ({ ranges, hours, reason, source, out, windowHours, concurrency }) =>
      output.err(
        `Exporting ${ranges.map(formatWindow).join(", ")} (${hours} h; ${reason}) from ${source} ` +
          `into ${out} in windows of ${windowHours} h, ${concurrency} at a time`,
      ),
    retryingFailed: ({ range, since }) =>
      output.err(`retrying ${formatWindow(range)} first: it has failed since ${since}`),
    windowRestored: (row) =>
      output.err(
        `window ${row.window}: restored from the window store: ${row.files} files, ` +
          `${formatCount(row.events)} events, ${formatBytes(row.bytes)}, ${row.rejected} rejected`,
      ),
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
    windowFailed: ({ error, failingSince }) =>
      output.err(`error: ${error}${failingSince ? ` (failing since ${failingSince})` : ""}`),
    interrupted: ({ notStarted }) => output.err(`interrupted: ${notStarted} window(s) were not started`),
    // Objects skipped for the plan are said once, in the report at the end.
    snapshotFinished(outcome) {
      const name = snapshotName(outcome);
      if (outcome.status === "written")
        output.err(
          `snapshot ${name}: ${formatCount(outcome.records)} record(s), ${formatBytes(outcome.bytes)} written`,
        );
      else if (outcome.status === "unchanged")
        output.err(`snapshot ${name}: unchanged (${formatCount(outcome.records)} record(s))`);
      else if (outcome.status === "failed") output.err(`snapshot ${name}: FAILED`);
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
