import type { Env } from "../config.ts";
import { openLake } from "../lake/open-lake.ts";
import { upload, type UploadSummary } from "../lake/upload.ts";
import { formatBytes, formatDuration, type Output } from "./output.ts";

export interface UploadCommandOptions {
  from: string;
  lake: string;
  json?: boolean;
  concurrency: number;
  repair?: boolean;
}

/** The figures `upload --json` prints, as DESIGN.md fixes them. */
export function uploadFigures(summary: UploadSummary) {
  const { files, bytes, skipped } = summary;
  return { files, bytes, skipped };
}

export async function runUpload(
  options: UploadCommandOptions,
  deps: { env: Env; output: Output },
): Promise<UploadSummary> {
  const { output } = deps;
  const lake = await openLake(options.lake, deps.env);
  const started = Date.now();
  output.err(`Uploading ${options.from} to ${lake.url}, ${options.concurrency} files at a time`);
  const inFlight = new Map<string, number>();
  let sent = 0;
  const showStatus = () => {
    const active = [...inFlight.values()].reduce((a, b) => a + b, 0);
    output.status(`uploading ${inFlight.size} file(s): ${formatBytes(sent + active)} sent`);
  };
  const summary = await upload({
    lake,
    from: options.from,
    concurrency: options.concurrency,
    repair: options.repair,
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
        if (outcome === "skipped") return;
        if (outcome === "uploaded") sent += bytes;
        output.err(
          `${outcome === "uploaded" ? "uploaded" : "FAILED"} ${lake.describe(key)} (${formatBytes(bytes)})`,
        );
        if (inFlight.size > 0) showStatus();
      },
    },
  });
  output.out(
    `Uploaded ${summary.files} file(s), ${formatBytes(summary.bytes)}, in ${formatDuration(Date.now() - started)} to ${lake.url}; ` +
      `${summary.skipped} already there; ${summary.windows} window(s) complete in the lake`,
  );
  for (const failure of summary.failures) output.err(`error: ${failure.error}`);
  if (options.json) output.out(JSON.stringify(uploadFigures(summary)));
  return summary;
}
