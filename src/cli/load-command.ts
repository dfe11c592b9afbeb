import type { Env } from "../config.ts";
import {
  loadStep,
  type LoadCommandSummary,
  type LoadStepReporter,
  type LoadStepResult,
} from "../pipeline/load.ts";
import { EVENTS_PIPE } from "../snowflake/objects.ts";
import { formatBytes, formatCount, formatDuration, printJson, type Output } from "./output.ts";

export { loadFailed, loadFigures, type LoadCommandSummary } from "../pipeline/load.ts";

export interface LoadCommandOptions {
  lake: string;
  warehouse: string;
  json?: boolean;
  /** Snowflake: how long to wait for Snowpipe (default 30). */
  timeoutMinutes?: number;
}

export async function runLoad(
  options: LoadCommandOptions,
  deps: { env: Env; output: Output; signal?: AbortSignal; sleep?: (ms: number) => Promise<void> },
): Promise<LoadCommandSummary> {
  const { output } = deps;
  const result = await loadStep(
    { lake: options.lake, warehouse: options.warehouse, timeoutMinutes: options.timeoutMinutes },
    { env: deps.env, signal: deps.signal, sleep: deps.sleep, reporter: loadReporter(output) },
  );
  printLoad(output, result, options.json);
  return result.summary;
}

/** Load's progress on stderr: batches (embedded), or what Snowpipe is waited for and what was mended. */
export function loadReporter(output: Output): LoadStepReporter {
  return {
    warning: (message) => output.err(`warning: ${message}`),
    started: ({ lakeUrl, warehouseUrl }) => output.err(`Loading ${lakeUrl} into ${warehouseUrl}`),
    batch: ({ files, rows, done, total }) =>
      output.err(
        `loaded ${formatCount(done)}/${formatCount(total)} file(s): ${formatCount(rows)} rows (${files} committed)`,
      ),
    snapshotBatch: ({ files, rows, done, total }) =>
      output.err(
        `loaded ${formatCount(done)}/${formatCount(total)} snapshot file(s): ${formatCount(rows)} rows (${files} committed)`,
      ),
    waitStarted: ({ lakeUrl, warehouseUrl, minutes }) =>
      output.err(`Waiting for Snowpipe to load ${lakeUrl} into ${warehouseUrl} (at most ${minutes} min)`),
    waiting: ({ files, manifests, deliveries, snapshots }) =>
      output.err(
        `waiting for ${formatCount(files)} file(s) and ${formatCount(manifests)} manifest(s) of ` +
          `${formatCount(deliveries)} deliver${deliveries === 1 ? "y" : "ies"}` +
          (snapshots > 0 ? ` and ${formatCount(snapshots)} snapshot(s)` : "") +
          " that Snowpipe has not loaded yet",
      ),
    refreshed: ({ pipe, prefix, files }) =>
      output.err(
        `alter pipe ${pipe} refresh${prefix ? ` prefix = '${prefix}'` : ""}: ${files} file(s) sent to the pipe`,
      ),
    copied: ({ table, files }) =>
      output.err(`copy into ${table}: ${files} file(s) staged more than 7 days ago`),
    fileFailed: ({ description }) => output.err(`error: ${description}`),
    pending({ keys, minutes, pipe }) {
      const shown = keys.slice(0, 10).join(", ");
      const more = keys.length > 10 ? ` and ${keys.length - 10} more` : "";
      output.err(
        `error: ${keys.length} file(s) were still not loaded after ${minutes} min: ${shown}${more}. ` +
          `Snowpipe may still be working through them: check select system$pipe_status('${pipe}'), then run ` +
          "load again (it waits again, refreshes what the pipe missed and copies files older than 7 days), " +
          "or give it longer with --timeout-minutes",
      );
    },
  };
}

/** The last lines of load: the totals on stdout, and the figures with --json. */
export function printLoad(output: Output, result: LoadStepResult, json?: boolean): void {
  const { summary } = result;
  const took = formatDuration(result.durationMs);
  if ("snowflake" in summary) {
    const pipe = result.pipe;
    output.out(
      `Snowpipe: ${formatCount(summary.files)} file(s) of ${formatCount(summary.deliveries)} deliver${summary.deliveries === 1 ? "y" : "ies"} checked, ` +
        `${formatCount(summary.alreadyLoaded)} in raw.amplitude_events already, ${formatCount(summary.loaded)} file(s) or manifest(s) loaded while waiting ` +
        `(${summary.refreshed.length} refreshed, ${summary.copied.length} copied), ${summary.pending.length} pending, ` +
        `${summary.failed.length} failed, in ${took}` +
        (pipe
          ? `; ${EVENTS_PIPE} ${pipe.executionState ?? "state unknown"}, ${pipe.pendingFileCount} file(s) queued`
          : ""),
    );
    if (summary.snapshots > 0) {
      output.out(
        `Snowpipe: ${formatCount(summary.snapshotFiles)} snapshot file(s) of ${formatCount(summary.snapshots)} snapshot(s) checked, ` +
          `${formatCount(summary.snapshotsAlreadyLoaded)} in raw.amplitude_snapshots already`,
      );
    }
  } else {
    output.out(
      `Loaded ${formatCount(summary.files)} file(s), ${formatCount(summary.rows)} rows, ${formatBytes(summary.bytes)}, ` +
        `in ${took} into raw.amplitude_events from ${summary.windows} new ` +
        `deliver${summary.windows === 1 ? "y" : "ies"} (${formatCount(summary.listed)} manifest(s) listed since the last load)` +
        (summary.skipped > 0
          ? `; ${formatCount(summary.skipped)} file(s) they list were loaded already`
          : "") +
        (summary.waiting > 0 ? `; ${summary.waiting} lake file(s) wait for their delivery's manifest` : ""),
    );
    const snapshots = summary.snapshots;
    if (snapshots.files > 0 || snapshots.failed > 0 || snapshots.waiting > 0) {
      output.out(
        `Loaded ${formatCount(snapshots.files)} snapshot file(s), ${formatCount(snapshots.rows)} rows, ` +
          `${formatBytes(snapshots.bytes)}, into raw.amplitude_snapshots` +
          (snapshots.failed > 0 ? `; ${snapshots.failed} snapshot file(s) not loaded` : "") +
          (snapshots.waiting > 0 ? `; ${snapshots.waiting} snapshot file(s) wait for their manifest` : ""),
      );
    }
  }
  if (json) printJson(output, result.figures);
}
