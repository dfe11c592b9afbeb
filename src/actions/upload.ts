import * as core from "@actions/core";
import { uploadStep, type UploadStepResult } from "../pipeline/upload.ts";
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
  const result = await uploadStep(options, { env }).catch((error: unknown) => {
    throw inInputTerms(error, ACTION_IO.upload.inputs);
  });
  core.setOutput(OUTPUTS.files, result.figures.files);
  core.setOutput(OUTPUTS.bytes, result.figures.bytes);
  core.setOutput(OUTPUTS.skipped, result.figures.skipped);
  addUploadSummary(result);
  if (result.failed) {
    for (const failure of result.summary.failures.slice(0, 10)) core.error(failure.error);
    throw new Error(`${result.summary.failures.length} file(s) could not be uploaded to ${result.lakeUrl}`);
  }
}

// replaced by addUploadToSummary at merge
function addUploadSummary(result: UploadStepResult): void {
  const escape = (text: string) =>
    text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\|/g, "&#124;");
  const { files, bytes, skipped } = result.figures;
  core.summary.addRaw(
    `### Upload to ${escape(result.lakeUrl)}\n\n| files | bytes | skipped | failed |\n|---:|---:|---:|---:|\n` +
      `| ${files} | ${bytes} | ${skipped} | ${result.summary.failures.length} |\n`,
    true,
  );
}

void runAction("upload", main);
