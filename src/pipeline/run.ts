import type { AmplitudeConfig, Env } from "../config.ts";
import type { TransformFigures } from "../models/runner.ts";
import { DEFAULT_UPLOAD_CONCURRENCY } from "./defaults.ts";
import {
  extractStep,
  type ExtractStepOptions,
  type ExtractStepReporter,
  type ExtractStepResult,
  type WindowStore,
} from "./extract.ts";
import { loadStep, type LoadStepReporter, type LoadStepResult } from "./load.ts";
import { lockRun } from "./lock.ts";
import { checkRunOptions, checkRunTargets } from "./preflight.ts";
import { transformStep, type TransformStepReporter, type TransformStepResult } from "./transform.ts";
import { uploadStep, type UploadStepReporter, type UploadStepResult } from "./upload.ts";

/** What a whole run is given: extract's options, and where the lake, warehouse and models are. */
export interface RunPipelineOptions extends ExtractStepOptions {
  lake: string;
  warehouse: string;
  project: string;
  targetDir: string;
  select?: string;
  fullRefresh?: boolean;
  fullTests?: boolean;
  /** Hours between whole passes of the data tests after incremental builds (transform's option). */
  fullTestsEvery?: number;
  /** Files uploaded at once (default 4). */
  uploadConcurrency?: number;
  /** Snowflake: how long load waits for Snowpipe (default 30). */
  loadTimeoutMinutes?: number;
  /** Snowflake: how long transform waits for the task graph (default 60). */
  timeoutMinutes?: number;
}

export type RunStepName = "extract" | "upload" | "load" | "transform";

/** Each step's result as it finishes, before the next starts. */
export type RunStepFinished =
  | { step: "extract"; result: ExtractStepResult }
  | { step: "upload"; result: UploadStepResult }
  | { step: "load"; result: LoadStepResult }
  | { step: "transform"; result: TransformStepResult };

/** What a run reports: each step's own events, and where each step starts and ends. */
export interface RunPipelineReporter {
  /** Another run holds the backup folder or the warehouse and the run waits for it (`wait`). */
  waiting?(event: { what: string; pid: number }): void;
  stepStarted?(step: RunStepName): void;
  stepFinished?(event: RunStepFinished): void;
  extract?: ExtractStepReporter;
  upload?: UploadStepReporter;
  load?: LoadStepReporter;
  transform?: TransformStepReporter;
}

export interface RunPipelineContext {
  env: Env;
  reporter?: RunPipelineReporter;
  signal?: AbortSignal;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Replaces the environment's Amplitude settings (the demo points this at the simulator). */
  amplitude?: AmplitudeConfig;
  windowStore?: WindowStore;
}

/** The figures `run --json` prints: the transform's, plus what extract exported and the watermark. */
export interface RunFigures extends TransformFigures {
  events: number;
  rejected: number;
  failed_hours: string[];
  watermark: string | null;
}

export interface RunPipelineResult {
  extract: ExtractStepResult;
  upload: UploadStepResult;
  load: LoadStepResult;
  transform: TransformStepResult;
  figures: RunFigures;
  durationMs: number;
  /** A step failed in part (exit 1); the steps after it still ran. */
  failed: boolean;
}

/**
 * extract -> upload -> load -> transform. A step that partly fails (an hour not exported, a file not
 * uploaded) does not stop the next: what did arrive is loaded and modelled, and the run fails.
 */
export async function runPipeline(
  options: RunPipelineOptions,
  context: RunPipelineContext,
): Promise<RunPipelineResult> {
  const { reporter = {} } = context;
  await checkRunOptions(options, context);
  const lock = await lockRun(
    { out: options.out, warehouse: options.warehouse },
    {
      command: "run",
      wait: options.wait,
      onWait: (what, pid) => reporter.waiting?.({ what, pid }),
    },
  );
  try {
    // Every target is opened and every model compiled before the first request to Amplitude.
    await checkRunTargets({ ...options, amplitude: context.amplitude }, context.env);
    return await runSteps(options, context, reporter);
  } finally {
    await lock.release();
  }
}

async function runSteps(
  options: RunPipelineOptions,
  context: RunPipelineContext,
  reporter: RunPipelineReporter,
): Promise<RunPipelineResult> {
  const started = Date.now();
  const { env, signal } = context;
  reporter.stepStarted?.("extract");
  const extract = await extractStep(options, {
    env,
    signal,
    now: context.now,
    sleep: context.sleep,
    amplitude: context.amplitude,
    windowStore: context.windowStore,
    reporter: reporter.extract,
  });
  reporter.stepFinished?.({ step: "extract", result: extract });
  // After an interruption no new step starts; what a step finished is kept, and a re-run resumes.
  signal?.throwIfAborted();
  reporter.stepStarted?.("upload");
  const uploadOptions = {
    from: options.out,
    lake: options.lake,
    concurrency: options.uploadConcurrency ?? DEFAULT_UPLOAD_CONCURRENCY,
  };
  const upload = await uploadStep(uploadOptions, { env, signal, reporter: reporter.upload });
  reporter.stepFinished?.({ step: "upload", result: upload });
  reporter.stepStarted?.("load");
  // On Snowflake the root's stream trigger may build what load waits for before transform asks.
  const loadStarted = new Date();
  // On Snowflake, Snowpipe loads: this waits for the files just uploaded, so the graph builds them.
  const load = await loadStep(
    { lake: options.lake, warehouse: options.warehouse, timeoutMinutes: options.loadTimeoutMinutes },
    { env, signal, sleep: context.sleep, reporter: reporter.load },
  );
  reporter.stepFinished?.({ step: "load", result: load });
  reporter.stepStarted?.("transform");
  const transform = await transformStep(
    {
      warehouse: options.warehouse,
      project: options.project,
      select: options.select,
      fullRefresh: options.fullRefresh,
      fullTests: options.fullTests,
      fullTestsEvery: options.fullTestsEvery,
      targetDir: options.targetDir,
      timeoutMinutes: options.timeoutMinutes,
      adoptRunsSince: loadStarted,
    },
    { env, signal, reporter: reporter.transform },
  );
  reporter.stepFinished?.({ step: "transform", result: transform });
  return {
    extract,
    upload,
    load,
    transform,
    figures: {
      ...transform.figures,
      events: extract.summary.events,
      rejected: extract.summary.rejected,
      failed_hours: extract.failedHours,
      watermark: extract.watermark ?? null,
    },
    durationMs: Date.now() - started,
    failed: extract.failed || upload.failed || load.failed || transform.failed,
  };
}
