import type { AmplitudeConfig, Env } from "../config.ts";
import type { UploadSummary } from "../lake/upload.ts";
import type { TransformResult } from "../models/runner.ts";
import { runExtract, type ExtractCommandOptions, type ExtractCommandSummary } from "./extract-command.ts";
import { loadFailed, runLoad, type LoadCommandSummary } from "./load-command.ts";
import type { Output } from "./output.ts";
import { lockRun } from "../pipeline/lock.ts";
import { checkRunTargets } from "../pipeline/preflight.ts";
import { runTransform } from "./transform-command.ts";
import { runUpload } from "./upload-command.ts";

export interface RunCommandOptions extends ExtractCommandOptions {
  lake: string;
  warehouse: string;
  project: string;
  targetDir: string;
  select?: string;
  fullRefresh?: boolean;
  fullTests?: boolean;
  /** Snowflake: how long load waits for Snowpipe (default 30). */
  loadTimeoutMinutes?: number;
  /** Snowflake: how long transform waits for the task graph (default 60). */
  timeoutMinutes?: number;
}

type RunDeps = {
  env: Env;
  output: Output;
  now?: () => Date;
  amplitude?: AmplitudeConfig;
  signal?: AbortSignal;
};

export interface RunSummary {
  extract: ExtractCommandSummary;
  upload: UploadSummary;
  load: LoadCommandSummary;
  transform: TransformResult;
  failed: boolean;
}

/**
 * extract -> upload -> load -> transform. A step that partly fails (an hour not exported, a file not
 * uploaded) does not stop the next: what did arrive is loaded and modelled, and the run exits 1.
 */
export async function runPipeline(options: RunCommandOptions, deps: RunDeps): Promise<RunSummary> {
  const { output } = deps;
  const lock = await lockRun(
    { out: options.out, warehouse: options.warehouse },
    {
      command: "run",
      wait: options.wait,
      onWait: (what, pid) => output.err(`waiting: another run (pid ${pid}) holds ${what}`),
    },
  );
  try {
    // Every target is opened and every model compiled before the first request to Amplitude.
    await checkRunTargets({ ...options, amplitude: deps.amplitude }, deps.env);
    return await runSteps(options, deps);
  } finally {
    await lock.release();
  }
}

async function runSteps(options: RunCommandOptions, deps: RunDeps): Promise<RunSummary> {
  const { output } = deps;
  output.err("== extract");
  const extract = await runExtract({ ...options, json: false }, deps);
  // After an interruption no new step starts; what a step finished is kept, and a re-run resumes.
  deps.signal?.throwIfAborted();
  output.err("== upload");
  const upload = await runUpload({ from: options.out, lake: options.lake, concurrency: 4 }, deps);
  output.err("== load");
  // On Snowflake the root's stream trigger may build what load waits for before transform asks.
  const loadStarted = new Date();
  // On Snowflake, Snowpipe loads: this waits for the files just uploaded, so the graph builds them.
  const load = await runLoad(
    { lake: options.lake, warehouse: options.warehouse, timeoutMinutes: options.loadTimeoutMinutes },
    deps,
  );
  output.err("== transform");
  const transform = await runTransform(
    {
      warehouse: options.warehouse,
      project: options.project,
      select: options.select,
      fullRefresh: options.fullRefresh,
      fullTests: options.fullTests,
      targetDir: options.targetDir,
      timeoutMinutes: options.timeoutMinutes,
      adoptRunsSince: loadStarted,
    },
    deps,
  );
  const failed =
    extract.failed.length > 0 || upload.failures.length > 0 || loadFailed(load) || transform.failed;
  if (options.json) {
    output.out(
      JSON.stringify({
        ...transform.figures,
        events: extract.events,
        rejected: extract.rejected,
        failed_hours: extract.failedHours,
        watermark: extract.watermark ?? null,
      }),
    );
  }
  return { extract, upload, load, transform, failed };
}
