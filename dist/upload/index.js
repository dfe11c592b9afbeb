import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  upload
} from "../chunks/chunk-PGIKJXDB.js";
import "../chunks/chunk-VWBXG3DB.js";
import "../chunks/chunk-ZCLQKLML.js";
import "../chunks/chunk-RMPWZSCO.js";
import "../chunks/chunk-SZTBGUUW.js";
import "../chunks/chunk-DDMIIEV4.js";
import {
  openLake
} from "../chunks/chunk-6Y5WRVSY.js";
import "../chunks/chunk-RXBOO6R5.js";
import "../chunks/chunk-VNF3GDG7.js";
import "../chunks/chunk-6K2WFAIU.js";
import "../chunks/chunk-MWCMZDA4.js";
import {
  DEFAULT_OUT,
  DEFAULT_UPLOAD_CONCURRENCY
} from "../chunks/chunk-IND6GMKE.js";
import "../chunks/chunk-GB4JQDUZ.js";
import {
  ACTION_IO,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  inInputTerms,
  intInput,
  optionalInput,
  requiredInput,
  secretEnv
} from "../chunks/chunk-U6TE73IN.js";
import {
  runAction
} from "../chunks/chunk-NZWUYTCM.js";
import {
  addUploadToSummary,
  setOutput,
  summary
} from "../chunks/chunk-7EJABCXT.js";
import "../chunks/chunk-DPBKSJN6.js";
import "../chunks/chunk-Z6P62WD7.js";
import "../chunks/chunk-QNAMUATI.js";

// src/pipeline/upload.ts
function uploadFigures(summary2) {
  const { files, bytes, skipped } = summary2;
  return { files, bytes, skipped };
}
async function uploadStep(options, context) {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const lake = await openLake(options.lake, context.env);
  const started = Date.now();
  reporter.started?.({ from: options.from, lakeUrl: lake.url, concurrency: options.concurrency });
  const summary2 = await upload({
    lake,
    from: options.from,
    concurrency: options.concurrency,
    repair: options.repair,
    signal,
    reporter: {
      fileStarted: (key, bytes) => reporter.fileStarted?.(key, bytes),
      fileProgress: (key, sent, bytes) => reporter.fileProgress?.(key, sent, bytes),
      fileFinished: (key, outcome, bytes) => reporter.fileFinished?.({ key, description: lake.describe(key), outcome, bytes }),
      windowFinished: (window) => reporter.windowFinished?.(window)
    }
  });
  return {
    summary: summary2,
    figures: uploadFigures(summary2),
    lakeUrl: lake.url,
    durationMs: Date.now() - started,
    failed: summary2.failures.length > 0
  };
}

// src/actions/upload.ts
async function main(run) {
  const env = { ...process.env, ...secretEnv(AWS_SECRETS) };
  const options = {
    from: optionalInput(INPUTS.from) ?? DEFAULT_OUT,
    lake: requiredInput(INPUTS.lake),
    concurrency: intInput(INPUTS.concurrency, DEFAULT_UPLOAD_CONCURRENCY, { min: 1, max: 32 })
  };
  const windows = [];
  const reporter = {
    windowFinished: (w) => windows.push({ ...w, window: `${w.appId}/${w.window}` })
  };
  const result = await uploadStep(options, { env, reporter }).catch((thrown) => {
    const error = inInputTerms(thrown, ACTION_IO.upload.inputs);
    addUploadToSummary(summary, void 0, { error, windows });
    throw run.shownInSummary(error);
  });
  setOutput(OUTPUTS.files, result.figures.files);
  setOutput(OUTPUTS.bytes, result.figures.bytes);
  setOutput(OUTPUTS.skipped, result.figures.skipped);
  addUploadToSummary(summary, result, { windows });
  if (result.failed) {
    for (const failure of result.summary.failures) run.annotations.error(failure.error);
    throw new Error(`${result.summary.failures.length} file(s) could not be uploaded to ${result.lakeUrl}`);
  }
}
void runAction("upload", main);
