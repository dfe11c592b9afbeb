import type { AmplitudeConfig, Env } from "../config.ts";
import type { UploadSummary } from "../lake/upload.ts";
import type { TransformResult } from "../models/runner.ts";
import type { ExtractCommandSummary } from "../pipeline/extract.ts";
import type { LoadCommandSummary } from "../pipeline/load.ts";
import { runPipeline as runSteps, type RunPipelineOptions } from "../pipeline/run.ts";
import { extractReporter, printExtract } from "./extract-command.ts";
import { loadReporter, printLoad } from "./load-command.ts";
import { printJson, type Output } from "./output.ts";
import { printTransform, transformReporter } from "./transform-command.ts";
import { printUpload, uploadReporter } from "./upload-command.ts";

export interface RunCommandOptions extends RunPipelineOptions {
  json?: boolean;
  /** Every data test's result in the table (by default, those that did not pass and a line of counts). */
  verbose?: boolean;
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
 * extract -> upload -> load -> transform, each step printing as its own command does, under a
 * `== step` line. A step that partly fails does not stop the next; the run exits 1.
 */
export async function runPipeline(options: RunCommandOptions, deps: RunDeps): Promise<RunSummary> {
  const { output } = deps;
  const result = await runSteps(options, {
    env: deps.env,
    now: deps.now,
    amplitude: deps.amplitude,
    signal: deps.signal,
    reporter: {
      waiting: ({ what, pid }) => output.err(`waiting: another run (pid ${pid}) holds ${what}`),
      stepStarted: (step) => output.err(`== ${step}`),
      extract: extractReporter(output),
      upload: uploadReporter(output),
      load: loadReporter(output),
      transform: transformReporter(output),
      stepFinished(finished) {
        if (finished.step === "extract") printExtract(output, finished.result);
        if (finished.step === "upload") printUpload(output, finished.result);
        if (finished.step === "load") printLoad(output, finished.result);
        if (finished.step === "transform")
          printTransform(output, finished.result, {
            targetDir: options.targetDir,
            verbose: options.verbose,
          });
      },
    },
  });
  if (options.json) printJson(output, result.figures);
  return {
    extract: result.extract.summary,
    upload: result.upload.summary,
    load: result.load.summary,
    transform: result.transform.result,
    failed: result.failed,
  };
}
