import * as core from "@actions/core";
import { addUploadToSummary, type UploadWindowInput } from "../github/summary.ts";
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
import { runAction } from "./run-action.ts";

async function main(): Promise<void> {
  const env = { ...process.env, ...secretEnv(AWS_SECRETS) };
  const options = {
    from: optionalInput(INPUTS.from) ?? "data/exports",
    lake: requiredInput(INPUTS.lake),
    concurrency: intInput(INPUTS.concurrency, 4, { min: 1, max: 32 }),
  };
  const windows: UploadWindowInput[] = [];
  const reporter = {
    windowFinished: (w: UploadWindowInput & { appId: string }) =>
      windows.push({ ...w, window: `${w.appId}/${w.window}` }),
  };
  const result = await uploadStep(options, { env, reporter }).catch((thrown: unknown) => {
    const error = inInputTerms(thrown, ACTION_IO.upload.inputs);
    addUploadToSummary(core.summary, undefined, { error, windows });
    throw error;
  });
  core.setOutput(OUTPUTS.files, result.figures.files);
  core.setOutput(OUTPUTS.bytes, result.figures.bytes);
  core.setOutput(OUTPUTS.skipped, result.figures.skipped);
  addUploadToSummary(core.summary, result, { windows });
  if (result.failed) {
    for (const failure of result.summary.failures.slice(0, 10)) core.error(failure.error);
    throw new Error(`${result.summary.failures.length} file(s) could not be uploaded to ${result.lakeUrl}`);
  }
}

void runAction("upload", main);
