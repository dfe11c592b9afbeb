import type { Env } from "../config.ts";
import type { Lake } from "../lake/lake.ts";
import { openLake } from "../lake/open-lake.ts";
import { lockRun } from "../pipeline/lock.ts";
import { EVENTS_PIPE } from "../snowflake/objects.ts";
import { pipeLoad, pipeLoadFigures, type PipeLoadSummary } from "../snowflake/pipe-load.ts";
import { load, type LoadSummary } from "../warehouse/load.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { formatBytes, formatCount, formatDuration, type Output } from "./output.ts";

/** How long load waits for Snowpipe by default. */
export const DEFAULT_LOAD_TIMEOUT_MINUTES = 30;

export interface LoadCommandOptions {
  lake: string;
  warehouse: string;
  json?: boolean;
  /** Snowflake: how long to wait for Snowpipe (default 30). */
  timeoutMinutes?: number;
}

/** What `load` did: the embedded loader's summary, or on Snowflake what Snowpipe was waited for. */
export type LoadCommandSummary = LoadSummary | (PipeLoadSummary & { snowflake: true });

/** Whether load failed: a file not loaded, or on Snowflake one still pending when the wait ended. */
export function loadFailed(summary: LoadCommandSummary): boolean {
  return "snowflake" in summary
    ? summary.failed.length > 0 || summary.pending.length > 0
    : summary.failed.length > 0;
}

export function loadFigures(summary: LoadSummary) {
  const { files, rows, bytes, skipped, waiting } = summary;
  return { files, rows, bytes, skipped, waiting, failed: summary.failed.length };
}

export async function runLoad(
  options: LoadCommandOptions,
  deps: { env: Env; output: Output; signal?: AbortSignal; sleep?: (ms: number) => Promise<void> },
): Promise<LoadCommandSummary> {
  const { output, signal } = deps;
  signal?.throwIfAborted();
  const lake = await openLake(options.lake, deps.env);
  // load reads the lake and must not create it: a mistyped --lake would become an empty lake that
  // loads nothing. An existing lake with no manifests yet stays a warning (load() says so).
  await lake.check({ create: false });
  const lock = await lockRun({ warehouse: options.warehouse }, { command: "load" });
  const warehouse = await openWarehouse(options.warehouse, {
    create: true,
    env: deps.env,
    warn: (message) => output.err(`warning: ${message}`),
  }).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
  try {
    if (warehouse.dialect === "snowflake") return await waitForSnowpipe(lake, warehouse, options, deps);
    // Batches commit one by one inside load(); before the first is the point to stop from here.
    signal?.throwIfAborted();
    const started = Date.now();
    output.err(`Loading ${lake.url} into ${warehouse.url}`);
    const summary = await load({
      lake,
      warehouse,
      signal,
      reporter: {
        batch: ({ files, rows, done, total }) =>
          output.err(
            `loaded ${formatCount(done)}/${formatCount(total)} file(s): ${formatCount(rows)} rows (${files} committed)`,
          ),
        warning: (message) => output.err(`warning: ${message}`),
      },
    });
    output.out(
      `Loaded ${formatCount(summary.files)} file(s), ${formatCount(summary.rows)} rows, ${formatBytes(summary.bytes)}, ` +
        `in ${formatDuration(Date.now() - started)} into raw.amplitude_events from ${summary.windows} new ` +
        `deliver${summary.windows === 1 ? "y" : "ies"} (${formatCount(summary.listed)} manifest(s) listed since the last load)` +
        (summary.skipped > 0
          ? `; ${formatCount(summary.skipped)} file(s) they list were loaded already`
          : "") +
        (summary.waiting > 0 ? `; ${summary.waiting} lake file(s) wait for their delivery's manifest` : ""),
    );
    for (const failure of summary.failed) output.err(`error: ${failure.message}`);
    if (options.json) output.out(JSON.stringify(loadFigures(summary)));
    return summary;
  } finally {
    await warehouse.close();
    await lock.release();
  }
}

/** `load --warehouse snowflake`: Snowpipe loads; this waits for the lake's files and mends what it missed. */
async function waitForSnowpipe(
  lake: Lake,
  warehouse: Warehouse,
  options: LoadCommandOptions,
  deps: { output: Output; signal?: AbortSignal; sleep?: (ms: number) => Promise<void> },
): Promise<LoadCommandSummary> {
  const { output } = deps;
  const minutes = options.timeoutMinutes ?? DEFAULT_LOAD_TIMEOUT_MINUTES;
  const started = Date.now();
  output.err(`Waiting for Snowpipe to load ${lake.url} into ${warehouse.url} (at most ${minutes} min)`);
  const summary = await pipeLoad({
    lake,
    warehouse,
    timeoutSeconds: minutes * 60,
    signal: deps.signal,
    sleep: deps.sleep,
    reporter: {
      waiting: ({ files, manifests, deliveries }) =>
        output.err(
          `waiting for ${formatCount(files)} file(s) and ${formatCount(manifests)} manifest(s) of ` +
            `${formatCount(deliveries)} deliver${deliveries === 1 ? "y" : "ies"} that Snowpipe has not loaded yet`,
        ),
      refreshed: ({ pipe, prefix, files }) =>
        output.err(
          `alter pipe ${pipe} refresh${prefix ? ` prefix = '${prefix}'` : ""}: ${files} file(s) sent to the pipe`,
        ),
      copied: ({ table, files }) =>
        output.err(`copy into ${table}: ${files} file(s) staged more than 7 days ago`),
      warning: (message) => output.err(`warning: ${message}`),
    },
  });
  const pipe = summary.pipes[EVENTS_PIPE];
  output.out(
    `Snowpipe: ${formatCount(summary.files)} file(s) of ${formatCount(summary.deliveries)} deliver${summary.deliveries === 1 ? "y" : "ies"} checked, ` +
      `${formatCount(summary.alreadyLoaded)} in raw.amplitude_events already, ${formatCount(summary.loaded)} file(s) or manifest(s) loaded while waiting ` +
      `(${summary.refreshed.length} refreshed, ${summary.copied.length} copied), ${summary.pending.length} pending, ` +
      `${summary.failed.length} failed, in ${formatDuration(Date.now() - started)}` +
      (pipe
        ? `; ${EVENTS_PIPE} ${pipe.executionState ?? "state unknown"}, ${pipe.pendingFileCount} file(s) queued`
        : ""),
  );
  for (const failure of summary.failed) output.err(`error: ${failure.key}: ${failure.message}`);
  if (summary.pending.length > 0) {
    const shown = summary.pending.slice(0, 10).join(", ");
    const more = summary.pending.length > 10 ? ` and ${summary.pending.length - 10} more` : "";
    output.err(
      `error: ${summary.pending.length} file(s) were still not loaded after ${minutes} min: ${shown}${more}. ` +
        `Snowpipe may still be working through them: check select system$pipe_status('${EVENTS_PIPE}'), then run ` +
        "load again (it waits again, refreshes what the pipe missed and copies files older than 7 days), " +
        "or give it longer with --timeout-minutes",
    );
  }
  if (options.json) output.out(JSON.stringify(pipeLoadFigures(summary)));
  return { ...summary, snowflake: true };
}
