import type { Env } from "../config.ts";
import type { Lake } from "../lake/lake.ts";
import { openLake } from "../lake/open-lake.ts";
import { EVENTS_PIPE } from "../snowflake/objects.ts";
import {
  pipeLoad,
  pipeLoadFigures,
  type PipeLoadReporter,
  type PipeLoadSummary,
  type PipeStatus,
} from "../snowflake/pipe-load.ts";
import { load, type LoadReporter, type LoadSummary } from "../warehouse/load.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { DEFAULT_LOAD_TIMEOUT_MINUTES } from "./defaults.ts";
import { checkOrigins, lakeOrigin, warehouseOrigin } from "./demo-data.ts";
import { openLockedWarehouse } from "./locked-warehouse.ts";

/** What the load step is given: typed values, whichever front end (CLI flags, action inputs) read them. */
export interface LoadStepOptions {
  lake: string;
  warehouse: string;
  /** Snowflake: how long to wait for Snowpipe (default 30). */
  timeoutMinutes?: number;
}

/** What the load step reports as it goes; every event is optional. */
export interface LoadStepReporter {
  warning?(message: string): void;
  /** The embedded warehouse: once, before the first batch. */
  started?(event: { lakeUrl: string; warehouseUrl: string }): void;
  batch?: LoadReporter["batch"];
  snapshotBatch?: LoadReporter["snapshotBatch"];
  /** Snowflake: once, before the wait for Snowpipe. */
  waitStarted?(event: { lakeUrl: string; warehouseUrl: string; minutes: number }): void;
  waiting?: PipeLoadReporter["waiting"];
  refreshed?: PipeLoadReporter["refreshed"];
  copied?: PipeLoadReporter["copied"];
  /**
   * After the load, once per file that could not be loaded; `description` says which and why in one line
   * (the embedded loader's message names the file, Snowflake's is prefixed with the key).
   */
  fileFailed?(event: { key: string; message: string; description: string }): void;
  /** Snowflake: the lake keys still not loaded when the wait of `minutes` ended. */
  pending?(event: { keys: string[]; minutes: number; pipe: string }): void;
}

/** What `load` did: the embedded loader's summary, or on Snowflake what Snowpipe was waited for. */
export type LoadCommandSummary = LoadSummary | (PipeLoadSummary & { snowflake: true });

/** The figures `load --json` prints: the embedded loader's, or on Snowflake the wait's. */
export type LoadFigures = ReturnType<typeof loadFigures> | ReturnType<typeof pipeLoadFigures>;

export interface LoadStepResult {
  summary: LoadCommandSummary;
  figures: LoadFigures;
  lakeUrl: string;
  warehouseUrl: string;
  /** Snowflake: the minutes waited at most, and the events pipe's state when the wait ended. */
  minutes?: number;
  pipe?: PipeStatus;
  durationMs: number;
  /** A file not loaded, or on Snowflake one still pending when the wait ended (exit 1, a failed action). */
  failed: boolean;
}

/** Whether load failed: a file not loaded, or on Snowflake one still pending when the wait ended. */
export function loadFailed(summary: LoadCommandSummary): boolean {
  return "snowflake" in summary
    ? summary.failed.length > 0 || summary.pending.length > 0
    : summary.failed.length > 0;
}

/** Event files and rows first, as before snapshots existed; snapshot files (taxonomy, cohorts) apart. */
export function loadFigures(summary: LoadSummary) {
  const { files, rows, bytes, skipped, waiting } = summary;
  return {
    files,
    rows,
    bytes,
    skipped,
    waiting,
    failed: summary.failed.length,
    snapshot_files: summary.snapshots.files,
    snapshot_rows: summary.snapshots.rows,
  };
}

/**
 * Load: the embedded warehouse reads the lake's files not loaded yet; on Snowflake, Snowpipe loads and
 * this waits for the lake's files and mends what it missed.
 */
export async function loadStep(
  options: LoadStepOptions,
  context: {
    env: Env;
    reporter?: LoadStepReporter;
    signal?: AbortSignal;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<LoadStepResult> {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const lake = await openLake(options.lake, context.env);
  // load reads the lake and must not create it: a mistyped --lake would become an empty lake that
  // loads nothing. An existing lake with no manifests yet stays a warning (load() says so).
  await lake.check({ create: false });
  const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
    command: "load",
    create: true,
    env: context.env,
    warn: (message) => reporter.warning?.(message),
  });
  try {
    if (warehouse.dialect === "snowflake") return await waitForSnowpipe(lake, warehouse, options, context);
    // The demo's lake into a project's warehouse, or the other way round, is refused before a row moves.
    checkOrigins(
      [await lakeOrigin(lake, options.lake), await warehouseOrigin(warehouse, options.warehouse)],
      "either",
    );
    // Batches commit one by one inside load(); before the first is the point to stop from here.
    signal?.throwIfAborted();
    const started = Date.now();
    reporter.started?.({ lakeUrl: lake.url, warehouseUrl: warehouse.url });
    const summary = await load({
      lake,
      warehouse,
      signal,
      reporter: {
        batch: (event) => reporter.batch?.(event),
        snapshotBatch: (event) => reporter.snapshotBatch?.(event),
        warning: (message) => reporter.warning?.(message),
      },
    });
    for (const failure of summary.failed) reporter.fileFailed?.({ ...failure, description: failure.message });
    return {
      summary,
      figures: loadFigures(summary),
      lakeUrl: lake.url,
      warehouseUrl: warehouse.url,
      durationMs: Date.now() - started,
      failed: loadFailed(summary),
    };
  } finally {
    await release();
  }
}

async function waitForSnowpipe(
  lake: Lake,
  warehouse: Warehouse,
  options: LoadStepOptions,
  context: { reporter?: LoadStepReporter; signal?: AbortSignal; sleep?: (ms: number) => Promise<void> },
): Promise<LoadStepResult> {
  const { reporter = {} } = context;
  const minutes = options.timeoutMinutes ?? DEFAULT_LOAD_TIMEOUT_MINUTES;
  const started = Date.now();
  reporter.waitStarted?.({ lakeUrl: lake.url, warehouseUrl: warehouse.url, minutes });
  const waited = await pipeLoad({
    lake,
    warehouse,
    timeoutSeconds: minutes * 60,
    signal: context.signal,
    sleep: context.sleep,
    reporter: {
      waiting: (event) => reporter.waiting?.(event),
      refreshed: (event) => reporter.refreshed?.(event),
      copied: (event) => reporter.copied?.(event),
      warning: (message) => reporter.warning?.(message),
    },
  });
  for (const failure of waited.failed)
    reporter.fileFailed?.({ ...failure, description: `${failure.key}: ${failure.message}` });
  if (waited.pending.length > 0) reporter.pending?.({ keys: waited.pending, minutes, pipe: EVENTS_PIPE });
  const summary: LoadCommandSummary = { ...waited, snowflake: true };
  return {
    summary,
    figures: pipeLoadFigures(waited),
    lakeUrl: lake.url,
    warehouseUrl: warehouse.url,
    minutes,
    pipe: waited.pipes[EVENTS_PIPE],
    durationMs: Date.now() - started,
    failed: loadFailed(summary),
  };
}
