import type { Env } from "../config.ts";
import { eventKey } from "../lake/lake.ts";
import { openLake } from "../lake/open-lake.ts";
import { findWindows, upload, type UploadSummary } from "../lake/upload.ts";
import { formatBytes, formatDuration, type Output } from "./output.ts";

export interface UploadCommandOptions {
  from: string;
  lake: string;
  json?: boolean;
  overwrite?: boolean;
  concurrency: number;
  /** One line per file instead of one per window. */
  verbose?: boolean;
}

/** The figures `upload --json` prints, as DESIGN.md fixes them. */
export function uploadFigures(summary: UploadSummary) {
  const { files, bytes, skipped } = summary;
  return { files, bytes, skipped };
}

/** What one backed-up window's files came to, for its line of progress. */
interface WindowTally {
  name: string;
  files: number;
  uploaded: number;
  skipped: number;
  failed: number;
  bytes: number;
}

const finished = (t: WindowTally) => t.uploaded + t.skipped + t.failed;

export async function runUpload(
  options: UploadCommandOptions,
  deps: { env: Env; output: Output; signal?: AbortSignal },
): Promise<UploadSummary> {
  const { output, signal } = deps;
  signal?.throwIfAborted();
  const lake = await openLake(options.lake, deps.env);
  const started = Date.now();
  output.err(`Uploading ${options.from} to ${lake.url}, ${options.concurrency} files at a time`);
  const tallies = await windowTallies(options.from);
  const inFlight = new Map<string, number>();
  let sent = 0;
  const showStatus = () => {
    const active = [...inFlight.values()].reduce((a, b) => a + b, 0);
    output.status(`uploading ${inFlight.size} file(s): ${formatBytes(sent + active)} sent`);
  };
  const summary = await upload({
    lake,
    from: options.from,
    overwrite: options.overwrite,
    concurrency: options.concurrency,
    signal,
    reporter: {
      fileStarted(key) {
        inFlight.set(key, 0);
        showStatus();
      },
      fileProgress(key, bytes) {
        inFlight.set(key, bytes);
        showStatus();
      },
      fileFinished(key, outcome, bytes) {
        inFlight.delete(key);
        if (outcome === "uploaded") sent += bytes;
        if (options.verbose && outcome !== "skipped") {
          output.err(
            `${outcome === "uploaded" ? "uploaded" : "FAILED"} ${lake.describe(key)} (${formatBytes(bytes)})`,
          );
        }
        // Overlapping backups (a window and a smaller one it covers) can hold the same key twice.
        const tally = tallies.get(key)?.find((t) => finished(t) < t.files);
        if (tally) {
          tally[outcome] += 1;
          if (outcome === "uploaded") tally.bytes += bytes;
          if (finished(tally) === tally.files) output.err(describeWindow(tally));
        }
        if (inFlight.size > 0) showStatus();
      },
    },
  });
  // A window left part-done (interrupted) still gets its line, so the counts add up to what was done.
  for (const tally of new Set([...tallies.values()].flat())) {
    const done = finished(tally);
    if (done > 0 && done < tally.files) output.err(describeWindow(tally));
  }
  output.out(
    `Uploaded ${summary.files} file(s), ${formatBytes(summary.bytes)}, in ${formatDuration(Date.now() - started)} to ${lake.url}; ` +
      `${summary.skipped} already there; ${summary.windows} window(s) complete in the lake`,
  );
  for (const failure of summary.failures) output.err(`error: ${failure.error}`);
  if (options.json) output.out(JSON.stringify(uploadFigures(summary)));
  return summary;
}

/**
 * Each lake key the upload will report, mapped to its window's tally. The reporter speaks in files;
 * the keys are rebuilt from the manifests the same way upload() builds them, so that a backfill of
 * hundreds of windows prints one line per window instead of one per file.
 */
async function windowTallies(from: string): Promise<Map<string, WindowTally[]>> {
  const byKey = new Map<string, WindowTally[]>();
  for (const { manifest } of await findWindows(from)) {
    const tally: WindowTally = {
      name: `${manifest.app_id}/${manifest.window.start}_${manifest.window.end}`,
      files: manifest.files.length,
      uploaded: 0,
      skipped: 0,
      failed: 0,
      bytes: 0,
    };
    for (const file of manifest.files) {
      const key = eventKey(manifest.app_id, file.name, manifest.window.start);
      byKey.set(key, [...(byKey.get(key) ?? []), tally]);
    }
  }
  return byKey;
}

function describeWindow(t: WindowTally): string {
  const left = t.files - finished(t);
  return (
    `window ${t.name}: ${t.uploaded} file(s) uploaded (${formatBytes(t.bytes)}), ${t.skipped} already there` +
    (t.failed > 0 ? `, ${t.failed} FAILED (its manifest is held back)` : "") +
    (left > 0 ? `, ${left} not started` : "")
  );
}
