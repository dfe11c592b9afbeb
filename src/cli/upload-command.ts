import type { Env } from "../config.ts";
import type { UploadSummary } from "../lake/upload.ts";
import { uploadStep, type UploadStepReporter, type UploadStepResult } from "../pipeline/upload.ts";
import { formatBytes, formatCount, formatDuration, printJson, type Output } from "./output.ts";

export interface UploadCommandOptions {
  from: string;
  lake: string;
  json?: boolean;
  concurrency: number;
  repair?: boolean;
  /** One line per file instead of one per window. */
  verbose?: boolean;
}

export async function runUpload(
  options: UploadCommandOptions,
  deps: { env: Env; output: Output; signal?: AbortSignal },
): Promise<UploadSummary> {
  const { output } = deps;
  const result = await uploadStep(
    { from: options.from, lake: options.lake, concurrency: options.concurrency, repair: options.repair },
    { env: deps.env, signal: deps.signal, reporter: uploadReporter(output, options.verbose) },
  );
  printUpload(output, result, options.json);
  return result.summary;
}

/** Upload's progress on stderr: a status line while files are in flight, one line per window (per file when verbose). */
export function uploadReporter(output: Output, verbose = false): UploadStepReporter {
  const inFlight = new Map<string, number>();
  let sent = 0;
  const showStatus = () => {
    const active = [...inFlight.values()].reduce((a, b) => a + b, 0);
    output.status(`uploading ${inFlight.size} file(s): ${formatBytes(sent + active)} sent`);
  };
  return {
    started: ({ from, lakeUrl, concurrency }) =>
      output.err(`Uploading ${from} to ${lakeUrl}, ${concurrency} files at a time`),
    fileStarted(key) {
      inFlight.set(key, 0);
      showStatus();
    },
    fileProgress(key, bytes) {
      inFlight.set(key, bytes);
      showStatus();
    },
    fileFinished({ key, description, outcome, bytes }) {
      inFlight.delete(key);
      if (outcome === "uploaded") sent += bytes;
      if (verbose && outcome !== "skipped") {
        output.err(
          `${outcome === "uploaded" ? "uploaded" : "FAILED"} ${description} (${formatBytes(bytes)})`,
        );
      }
      if (inFlight.size > 0) showStatus();
    },
    snapshotFinished({ id, outcome, records, error }) {
      const name = `snapshot ${id.appId}/${id.object}${id.cohortId ? ` cohort=${id.cohortId}` : ""} ${id.takenAt}_${id.delivery}`;
      if (outcome === "uploaded") output.err(`${name}: uploaded (${formatCount(records)} record(s))`);
      else if (outcome === "failed") output.err(`${name}: FAILED: ${error ?? "unknown error"}`);
      else if (verbose) output.err(`${name}: already in the lake`);
    },
    windowFinished(window) {
      const name = `window ${window.appId}/${window.window}`;
      const left = window.total - window.files - window.skipped - window.failed;
      output.err(
        `${name}: ${window.files} file(s) uploaded (${formatBytes(window.bytes)}), ${window.skipped} already there` +
          (window.failed > 0 ? `, ${window.failed} FAILED (its manifest is held back)` : "") +
          (left > 0 ? `, ${left} not started` : "") +
          (window.outcome === "uploaded" ? `; delivery ${window.delivery} complete` : "") +
          (window.outcome === "present" ? `; delivery ${window.delivery} was complete already` : ""),
      );
    },
  };
}

/** Upload's totals on stdout, its failures on stderr, and with `json` its figures as the last line. */
export function printUpload(output: Output, result: UploadStepResult, json?: boolean): void {
  const { summary } = result;
  output.out(
    `Uploaded ${summary.files} file(s), ${formatBytes(summary.bytes)}, in ${formatDuration(result.durationMs)} to ${result.lakeUrl}; ` +
      `${summary.skipped} already there; ${summary.windows} window(s) complete in the lake` +
      (result.snapshots.snapshots > 0
        ? `; object snapshots: ${result.snapshots.files} uploaded, ${result.snapshots.skipped} already there`
        : ""),
  );
  for (const failure of summary.failures) output.err(`error: ${failure.error}`);
  if (json) printJson(output, result.figures);
}
