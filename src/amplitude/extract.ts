import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import { ConfigurationError, errorMessage, ExternalServiceError } from "../errors.ts";
import { makeFolder } from "../make-folder.ts";
import { compactTime } from "../lake/lake.ts";
import { backoffDelay, DEFAULT_BACKOFF, realSleep } from "../backoff.ts";
import { ExportAttemptError, type ExportClient } from "./export-client.ts";
import { ApiExportSource, type ExportSource, type FetchedWindow } from "./export-source.ts";
import { CorruptExportError, type MemberFile } from "./export-archive.ts";
import { ValidationPool } from "./validation-pool.ts";
import { DEFAULT_MAX_LINE_BYTES, MAX_CONCURRENCY } from "./limits.ts";
import { formatHour, formatWindow, splitWindow, windowHours, cutWindows, type HourWindow } from "./hours.ts";

export { DEFAULT_MAX_LINE_BYTES, MAX_CONCURRENCY };
export const MANIFEST_FILE = "manifest.json";
/** `<out>/<appId>/_failures/`: one record per failed window per run, for "failing since" reports. */
export const FAILURES_FOLDER = "_failures";

export type WindowOutcome =
  | {
      status: "exported";
      window: HourWindow;
      files: number;
      events: number;
      bytes: number;
      rejected: number;
      attempts: number;
      apps: string[];
    }
  | { status: "empty"; window: HourWindow; attempts: number }
  | { status: "failed"; window: HourWindow; attempts: number; error: string };

export interface ExtractReporter {
  windowStarted?(window: HourWindow): void;
  bytesReceived?(window: HourWindow, total: number): void;
  retrying?(window: HourWindow, attempt: number, delayMs: number, reason: string): void;
  splitting?(window: HourWindow, halves: [HourWindow, HourWindow], reason: string): void;
  windowFinished?(outcome: WindowOutcome): void;
}

export interface ExtractOptions {
  /** Where windows come from; `client` is the shorthand for the Export API. */
  source?: ExportSource;
  client?: ExportClient;
  /** The hours to export: one range, or several (the gaps a resumed run fills). */
  range: HourWindow | HourWindow[];
  outDir: string;
  hoursPerWindow?: number;
  concurrency?: number;
  maxLineBytes?: number;
  /** Worker threads that decompress and validate (default: up to 2, one per core); 0 = this thread. */
  validationThreads?: number;
  /** Tries per window before it is split (or, at one hour, failed). */
  attempts?: number;
  /** 429 answers allowed per window; they wait for Retry-After and do not use up `attempts`. */
  rateLimitAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
  runId?: string;
  reporter?: ExtractReporter;
  /**
   * The Amplitude project's app id, when known. An empty or failed window says nothing of its app, so
   * its record needs the id from here or from a window of the same run that had data.
   */
  appId?: string;
  /**
   * Where `appId` came from ("AMPLITUDE_APP_ID", "the backup folder and the lake"): an export that answers
   * with another app is refused before its window is written, naming this.
   */
  appIdFrom?: string;
  /** The demo's run against the built-in simulator: its manifests and run ids say so (`demo: true`, `demo-…`). */
  demo?: boolean;
  /** Once aborted, no new window starts; windows under way finish (or are cleaned up). */
  signal?: AbortSignal;
}

export interface ExtractSummary {
  /** Windows that completed, data or empty, after splitting. */
  windows: number;
  files: number;
  events: number;
  bytes: number;
  rejected: number;
  outcomes: WindowOutcome[];
  failed: Array<Extract<WindowOutcome, { status: "failed" }>>;
  /** The app the windows belong to, when the run learnt it. */
  appId?: string;
  /** Empty or failed windows that could not be recorded because the app id is unknown. */
  unrecorded: number;
  /** Windows not started because the run was interrupted. */
  notStarted: number;
}

/** A window that failed in one run: the watermark stays before it, and reports say since when. */
export interface FailureRecord {
  app_id: string;
  window: { start: string; end: string };
  failed_at: string;
  run_id: string;
  error: string;
}

export interface WindowManifest {
  manifest_version: 1;
  app_id: string;
  window: { start: string; end: string };
  /** `empty`: Amplitude had no data for the window (404); it is complete all the same. */
  status: "exported" | "empty";
  /** The longest line accepted: longer ones were set aside, and load and Snowpipe skip them too. */
  max_line_bytes: number;
  run_id: string;
  extracted_at: string;
  request: string;
  totals: { files: number; bytes: number; lines: number; events: number; rejected: number };
  files: Array<{
    name: string;
    member: string;
    bytes: number;
    sha256: string;
    lines: number;
    events: number;
    rejected: number;
    min_server_upload_time: string | null;
    max_server_upload_time: string | null;
  }>;
  ignored_members: string[];
  timings: { attempts: number } & FetchedWindow["timings"];
  /** Written by the demo: simulator data, which a real project's commands refuse to read or mix. */
  demo?: true;
}

export function validateExtractSettings(settings: { concurrency?: number; hoursPerWindow?: number }): void {
  const { concurrency, hoursPerWindow } = settings;
  if (
    concurrency !== undefined &&
    !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY)
  ) {
    throw new ConfigurationError(
      `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (Amplitude allows about 5 concurrent requests per project)`,
    );
  }
  if (
    hoursPerWindow !== undefined &&
    !(Number.isInteger(hoursPerWindow) && hoursPerWindow >= 1 && hoursPerWindow <= 8760)
  ) {
    throw new ConfigurationError(
      "window hours must be a whole number from 1 to 8760 (the Export API takes at most 365 days)",
    );
  }
}

/**
 * Exports every hour of `options.range` into `<outDir>/<appId>/<window>/`. Windows that fail after
 * retries and splitting are returned in `failed`; a configuration error stops everything at once.
 */
export async function extract(options: ExtractOptions): Promise<ExtractSummary> {
  validateExtractSettings(options);
  const source = options.source ?? (options.client ? new ApiExportSource(options.client) : undefined);
  if (!source) throw new ConfigurationError("extract needs a source: the Export API or an S3 export");
  const windows = [options.range].flat().flatMap((range) => cutWindows(range, options.hoursPerWindow ?? 24));
  const tmpRoot = join(options.outDir, ".tmp");
  await makeFolder(tmpRoot).catch((error: unknown) => {
    throw new ConfigurationError(
      `the backup folder ${options.outDir} cannot be created (${errorMessage(error)}): choose another --out`,
    );
  });
  await removeStaleTemporaries(tmpRoot, options.now?.() ?? new Date());
  const validation = ValidationPool.create(options.validationThreads);
  const exporter = new WindowExporter(options, source, tmpRoot, validation);
  const limit = pLimit(options.concurrency ?? 2);
  // A configuration or local error (bad keys, disk full) ends the run: no other window can do better.
  let fatal: { error: unknown } | undefined;
  let notStarted = 0;
  let results: WindowOutcome[][];
  try {
    results = await Promise.all(
      windows.map((window) =>
        limit(async () => {
          if (fatal) return [];
          if (options.signal?.aborted) {
            notStarted += 1;
            return [];
          }
          try {
            return await exporter.export(window);
          } catch (error) {
            fatal ??= { error };
            return [];
          }
        }),
      ),
    );
  } finally {
    await validation.close();
    // Leave no empty scaffolding behind; a folder another run is still using is not empty and stays.
    await rmdir(tmpRoot).catch(() => {});
  }
  if (fatal) throw fatal.error;
  const outcomes = results.flat().sort((a, b) => a.window.start - b.window.start);
  const summary: ExtractSummary = {
    windows: 0,
    files: 0,
    events: 0,
    bytes: 0,
    rejected: 0,
    outcomes,
    failed: [],
    unrecorded: 0,
    notStarted,
  };
  const apps = new Set(outcomes.flatMap((o) => (o.status === "exported" ? o.apps : [])));
  summary.appId = options.appId ?? (apps.size === 1 ? [...apps][0] : undefined);
  if (summary.appId) {
    await exporter.recordEmptyAndFailed(summary.appId, outcomes);
    await rmdir(tmpRoot).catch(() => {});
  } else {
    summary.unrecorded = outcomes.filter((o) => o.status !== "exported").length;
  }
  for (const outcome of outcomes) {
    if (outcome.status === "failed") {
      summary.failed.push(outcome);
      continue;
    }
    summary.windows += 1;
    if (outcome.status === "exported") {
      summary.files += outcome.files;
      summary.events += outcome.events;
      summary.bytes += outcome.bytes;
      summary.rejected += outcome.rejected;
    }
  }
  return summary;
}

class WindowExporter {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly runId: string;
  private readonly maxLineBytes: number;

  constructor(
    private readonly options: ExtractOptions,
    private readonly source: ExportSource,
    private readonly tmpRoot: string,
    private readonly validation: ValidationPool,
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.runId = options.runId ?? `${options.demo ? "demo" : "local"}-${this.now().toISOString()}`;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /**
   * An empty window is complete: it gets a manifest with no files, so quiet hours move the watermark. A
   * failed one gets a failure record instead, and no manifest: it holds the watermark back.
   */
  async recordEmptyAndFailed(appId: string, outcomes: WindowOutcome[]): Promise<void> {
    for (const outcome of outcomes) {
      if (outcome.status === "empty") {
        const workDir = join(
          this.tmpRoot,
          `${formatWindow(outcome.window)}-${randomBytes(4).toString("hex")}`,
        );
        const folder = join(workDir, "apps", appId);
        await mkdir(folder, { recursive: true });
        try {
          const manifest = this.manifest(appId, outcome.window, [], [], {
            attempts: outcome.attempts,
            request_ms: 0,
            download_ms: 0,
            unpack_ms: 0,
            downloaded_bytes: 0,
          });
          await writeFile(join(folder, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
          await this.commit(folder, appId, outcome.window, workDir);
        } finally {
          await rm(workDir, { recursive: true, force: true });
        }
      } else if (outcome.status === "failed") {
        const failedAt = this.now();
        const record: FailureRecord = {
          app_id: appId,
          window: { start: formatHour(outcome.window.start), end: formatHour(outcome.window.end) },
          failed_at: failedAt.toISOString(),
          run_id: this.runId,
          error: outcome.error,
        };
        const dir = join(this.options.outDir, appId, FAILURES_FOLDER);
        await mkdir(dir, { recursive: true });
        const name = `${compactTime(failedAt)}_${formatWindow(outcome.window)}.json`;
        await writeFile(join(dir, name), JSON.stringify(record, null, 2) + "\n");
      }
    }
  }

  async export(window: HourWindow): Promise<WindowOutcome[]> {
    const { reporter } = this.options;
    const attempts = this.options.attempts ?? 4;
    const rateLimitAttempts = this.options.rateLimitAttempts ?? 10;
    reporter?.windowStarted?.(window);
    let tries = 0;
    let rateLimited = 0;
    let failure: ExportAttemptError;
    while (true) {
      tries += 1;
      try {
        const outcome = await this.exportOnce(window, tries + rateLimited);
        reporter?.windowFinished?.(outcome);
        return [outcome];
      } catch (error) {
        failure = asAttemptError(error);
        const isRateLimit = failure.status === 429;
        if (isRateLimit) {
          rateLimited += 1;
          tries -= 1;
        }
        const canRetry =
          failure.retryable && (isRateLimit ? rateLimited < rateLimitAttempts : tries < attempts);
        if (!canRetry) break;
        const delay = backoffDelay(
          isRateLimit ? rateLimited : tries,
          { ...DEFAULT_BACKOFF, ...this.options.backoff, random: this.random },
          failure.retryAfterMs,
        );
        reporter?.retrying?.(window, tries + rateLimited, delay, failure.message);
        await this.sleep(delay);
      }
    }
    if (failure.splittable && windowHours(window) > 1) {
      const halves = splitWindow(window);
      reporter?.splitting?.(window, halves, failure.message);
      return [...(await this.export(halves[0])), ...(await this.export(halves[1]))];
    }
    const outcome: WindowOutcome = {
      status: "failed",
      window,
      attempts: tries + rateLimited,
      error: failureMessage(window, failure),
    };
    reporter?.windowFinished?.(outcome);
    return [outcome];
  }

  private async exportOnce(window: HourWindow, attempt: number): Promise<WindowOutcome> {
    const { reporter } = this.options;
    const workDir = join(this.tmpRoot, `${formatWindow(window)}-${randomBytes(4).toString("hex")}`);
    const staging = join(workDir, "apps");
    await mkdir(staging, { recursive: true });
    try {
      const fetched = await this.source.fetch(window, {
        workDir,
        stagingDir: staging,
        unpack: {
          maxLineBytes: this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
          validation: this.validation,
        },
        onBytes: (n) => reporter?.bytesReceived?.(window, n),
      });
      if (!fetched) return { status: "empty", window, attempts: attempt };
      const { unpacked } = fetched;
      const timings = { attempts: attempt, ...fetched.timings };
      const byApp = groupBy(unpacked.files, (f) => f.appId);
      if (byApp.size === 0) {
        // A 200 whose ZIP holds no event member: treat as empty but keep the evidence in the message.
        if (unpacked.ignored.length > 0) {
          throw new CorruptExportError(
            `the export ZIP holds no event files, only: ${unpacked.ignored.join(", ")}`,
          );
        }
        return { status: "empty", window, attempts: attempt };
      }
      const expected = this.options.appId;
      const other = [...byApp.keys()].find((appId) => expected !== undefined && appId !== expected);
      if (other !== undefined) throw appMismatch(other, expected!, this.options.appIdFrom);
      for (const [appId, files] of byApp) {
        const manifest = this.manifest(appId, window, files, unpacked.ignored, timings);
        await writeFile(join(staging, appId, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
        await this.commit(join(staging, appId), appId, window, workDir);
      }
      return {
        status: "exported",
        window,
        files: unpacked.files.length,
        events: sum(unpacked.files, (f) => f.events),
        bytes: sum(unpacked.files, (f) => f.bytes),
        rejected: sum(unpacked.files, (f) => f.rejected),
        attempts: attempt,
        apps: [...byApp.keys()],
      };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * Renames the finished folder into place. A folder already there for the same window is moved aside
   * first and removed after, so a reader sees the old window or the new one, never a mix; folders of
   * smaller windows that this one covers are retired the same way.
   */
  private async commit(source: string, appId: string, window: HourWindow, workDir: string): Promise<void> {
    const appDir = join(this.options.outDir, appId);
    await mkdir(appDir, { recursive: true });
    const target = join(appDir, formatWindow(window));
    const retired = join(workDir, "retired");
    await mkdir(retired, { recursive: true });
    for (const name of await readdir(appDir)) {
      const covered = parseWindowFolder(name);
      if (covered && covered.start >= window.start && covered.end <= window.end) {
        await rename(join(appDir, name), join(retired, name));
      }
    }
    await rename(source, target);
  }

  private manifest(
    appId: string,
    window: HourWindow,
    files: MemberFile[],
    ignored: string[],
    timings: WindowManifest["timings"],
  ): WindowManifest {
    return {
      manifest_version: 1,
      app_id: appId,
      window: { start: formatHour(window.start), end: formatHour(window.end) },
      status: files.length > 0 ? "exported" : "empty",
      max_line_bytes: this.maxLineBytes,
      run_id: this.runId,
      extracted_at: this.now().toISOString(),
      request: this.source.describe(window),
      totals: {
        files: files.length,
        bytes: sum(files, (f) => f.bytes),
        lines: sum(files, (f) => f.lines),
        events: sum(files, (f) => f.events),
        rejected: sum(files, (f) => f.rejected),
      },
      files: files.map((f) => ({
        name: f.name,
        member: f.member,
        bytes: f.bytes,
        sha256: f.sha256,
        lines: f.lines,
        events: f.events,
        rejected: f.rejected,
        min_server_upload_time: f.minServerUploadTime,
        max_server_upload_time: f.maxServerUploadTime,
      })),
      ignored_members: ignored,
      timings,
      ...(this.options.demo ? { demo: true as const } : {}),
    };
  }
}

/** Keys of another project than the data already there: refused before the window is written. */
function appMismatch(answered: string, expected: string, from = "the project"): ConfigurationError {
  return new ConfigurationError(
    `the Amplitude keys answer for app ${answered}, but ${from} says app ${expected}: nothing was written. ` +
      `If these keys are the project's, keep app ${expected}'s data apart (another --out and --lake, or move ` +
      `it aside) or set AMPLITUDE_APP_ID=${answered} to keep both apps in one lake; otherwise set the keys ` +
      `of app ${expected} (AMP_API_KEY, AMP_SECRET_KEY)`,
  );
}

/** `YYYY-MM-DDTHH_YYYY-MM-DDTHH` back to a window; null for any other name. */
export function parseWindowFolder(name: string): HourWindow | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2})_(\d{4}-\d{2}-\d{2}T\d{2})$/.exec(name);
  if (!match) return null;
  const toHour = (text: string) => Date.parse(`${text}:00:00Z`) / 3_600_000;
  return { start: toHour(match[1]!), end: toHour(match[2]!) };
}

function asAttemptError(error: unknown): ExportAttemptError {
  if (error instanceof ExportAttemptError) return error;
  if (error instanceof ExternalServiceError && error.retryable) {
    // A storage hiccup (S3 throttling or 5xx after the SDK's own retries): try again, no point splitting.
    return new ExportAttemptError(error.message, {
      status: error.status,
      retryable: true,
      splittable: false,
      cause: error,
    });
  }
  if (error instanceof CorruptExportError) {
    return new ExportAttemptError(error.message, { retryable: true, splittable: true, cause: error });
  }
  // Configuration errors and local failures (disk full, permissions) are not the window's fault.
  throw error;
}

function failureMessage(window: HourWindow, failure: ExportAttemptError): string {
  const what =
    windowHours(window) === 1 ? `hour ${formatHour(window.start)}` : `window ${formatWindow(window)}`;
  const retryCommand = `extract --start ${formatHour(window.start)} --end ${formatHour(window.end)}`;
  const remedy = failure.splittable
    ? `re-run \`${retryCommand}\` later; if it keeps failing, take this hour from Amplitude's S3 export or ask Amplitude support`
    : `fix the cause and re-run \`${retryCommand}\``;
  return `${what} could not be exported: ${failure.message}. Remedy: ${remedy}`;
}

async function removeStaleTemporaries(tmpRoot: string, now: Date): Promise<void> {
  for (const name of await readdir(tmpRoot)) {
    const path = join(tmpRoot, name);
    const info = await stat(path).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > 24 * 3_600_000)
      await rm(path, { recursive: true, force: true });
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
