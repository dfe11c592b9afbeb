import { stat } from "node:fs/promises";
import type { Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import { openLake } from "../lake/open-lake.ts";
import {
  uploadSnapshots,
  type SnapshotUploadReporter,
  type SnapshotUploadSummary,
} from "../lake/snapshot-upload.ts";
import { upload, type UploadReporter, type UploadSummary } from "../lake/upload.ts";
import { backupOrigin, checkOrigins, lakeOrigin } from "./demo-data.ts";

/** What the upload step is given: typed values, whichever front end (CLI flags, action inputs) read them. */
export interface UploadStepOptions {
  /** The backup folder (`data/exports`) or a downloaded run artifact holding the same layout. */
  from: string;
  /** file://DIR or s3://bucket/prefix. */
  lake: string;
  concurrency: number;
  repair?: boolean;
}

/** What the upload step reports as it goes; every event is optional. */
export interface UploadStepReporter {
  /** Once, after the lake is open. */
  started?(event: { from: string; lakeUrl: string; concurrency: number }): void;
  fileStarted?(key: string, bytes: number): void;
  fileProgress?(key: string, sent: number, bytes: number): void;
  /** `description` names the file in the lake (e.g. its s3:// URL). */
  fileFinished?(event: {
    key: string;
    description: string;
    outcome: "uploaded" | "skipped" | "failed";
    bytes: number;
  }): void;
  windowFinished?: UploadReporter["windowFinished"];
  /** A snapshot of an object (taxonomy, cohorts) uploaded, found in the lake already, or failed. */
  snapshotFinished?: SnapshotUploadReporter["snapshotFinished"];
}

/** The figures `upload --json` prints and an action's outputs, as DESIGN.md fixes them. */
export interface UploadFigures {
  /** Data files written (event files and snapshot files), their bytes, and those the lake held already. */
  files: number;
  bytes: number;
  skipped: number;
  /** Snapshots of objects uploaded by this run: present only when the backup holds snapshots. */
  snapshots?: number;
}

export interface UploadStepResult {
  /** Event files and windows; `files`, `bytes`, `skipped` and `failures` include the snapshots' too. */
  summary: UploadSummary;
  snapshots: SnapshotUploadSummary;
  figures: UploadFigures;
  lakeUrl: string;
  durationMs: number;
  /** Whether a file could not be uploaded (exit 1, a failed action). */
  failed: boolean;
}

export function uploadFigures(summary: UploadSummary, snapshots?: SnapshotUploadSummary): UploadFigures {
  const { files, bytes, skipped } = summary;
  return {
    files,
    bytes,
    skipped,
    ...(snapshots && snapshots.snapshots > 0 ? { snapshots: snapshots.files } : {}),
  };
}

/**
 * Upload: open the lake, send the backup's files not there yet, then each complete window's manifest; then
 * the snapshots of objects, each file then its manifest.
 */
export async function uploadStep(
  options: UploadStepOptions,
  context: { env: Env; reporter?: UploadStepReporter; signal?: AbortSignal },
): Promise<UploadStepResult> {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  // Checked before the lake is opened: a local lake's folder is created as it is.
  const from = await stat(options.from).catch(() => null);
  if (!from?.isDirectory()) {
    throw new ConfigurationError(
      `${options.from} is not a backup folder: run extract first, or point --from at a downloaded run artifact`,
    );
  }
  const lake = await openLake(options.lake, context.env);
  // The demo's backups into a project's lake, or the other way round, are refused before a file moves
  // (the bucket checked first, as upload does: a wrong region or missing bucket is the first thing to say).
  await lake.check();
  checkOrigins([await backupOrigin(options.from, "--from"), await lakeOrigin(lake, options.lake)], "either");
  const started = Date.now();
  reporter.started?.({ from: options.from, lakeUrl: lake.url, concurrency: options.concurrency });
  const events = await upload({
    lake,
    from: options.from,
    concurrency: options.concurrency,
    repair: options.repair,
    signal,
    reporter: {
      fileStarted: (key, bytes) => reporter.fileStarted?.(key, bytes),
      fileProgress: (key, sent, bytes) => reporter.fileProgress?.(key, sent, bytes),
      fileFinished: (key, outcome, bytes) =>
        reporter.fileFinished?.({ key, description: lake.describe(key), outcome, bytes }),
      windowFinished: (window) => reporter.windowFinished?.(window),
    },
  });
  const snapshots = await uploadSnapshots({
    lake,
    from: options.from,
    repair: options.repair,
    signal,
    reporter: { snapshotFinished: (event) => reporter.snapshotFinished?.(event) },
  });
  const summary: UploadSummary = {
    ...events,
    files: events.files + snapshots.files,
    bytes: events.bytes + snapshots.bytes,
    skipped: events.skipped + snapshots.skipped,
    failures: [...events.failures, ...snapshots.failures],
  };
  return {
    summary,
    snapshots,
    figures: uploadFigures(summary, snapshots),
    lakeUrl: lake.url,
    durationMs: Date.now() - started,
    failed: summary.failures.length > 0,
  };
}
