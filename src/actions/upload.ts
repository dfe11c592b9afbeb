import * as core from "@actions/core";
import { addUploadToSummary, type UploadWindowInput } from "../github/summary.ts";
import { DEFAULT_OUT, DEFAULT_UPLOAD_CONCURRENCY } from "../pipeline/defaults.ts";
import { uploadStep } from "../pipeline/upload.ts";
import {
  ACTION_IO,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  inInputTerms,
  intInput,
  optionalInput,
  requiredInput,
  secretEnv,
} from "./io.ts";
import { runAction, type ActionRun } from "./run-action.ts";

async function main(run: ActionRun): Promise<void> {
  const env = { ...process.env, ...secretEnv(AWS_SECRETS) };
  const options = {
    from: optionalInput(INPUTS.from) ?? DEFAULT_OUT,
    lake: requiredInput(INPUTS.lake),
    concurrency: intInput(INPUTS.concurrency, DEFAULT_UPLOAD_CONCURRENCY, { min: 1, max: 32 }),
  };
  const windows: UploadWindowInput[] = [];
  const reporter = {
    windowFinished: (w: UploadWindowInput & { appId: string }) =>
      windows.push({ ...w, window: `${w.appId}/${w.window}` }),
  };
  const result = await uploadStep(options, { env, reporter }).catch((thrown: unknown) => {
    const error = inInputTerms(thrown, ACTION_IO.upload.inputs);
    addUploadToSummary(core.summary, undefined, { error, windows });
    throw run.shownInSummary(error);
  });
  core.setOutput(OUTPUTS.files, result.figures.files);
  core.setOutput(OUTPUTS.bytes, result.figures.bytes);
  core.setOutput(OUTPUTS.skipped, result.figures.skipped);
  addUploadToSummary(core.summary, result, { windows });
  if (result.failed) {
    for (const failure of result.summary.failures) run.annotations.error(failure.error);
    throw new Error(`${result.summary.failures.length} file(s) could not be uploaded to ${result.lakeUrl}`);
  }
}

void runAction("upload", main);
