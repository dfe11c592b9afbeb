import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  ANNOTATIONS_PER_KIND,
  addErrorToSummary,
  addUnannotatedToSummary,
  core_exports,
  forgetMasks,
  info,
  maskSecret,
  saveSummaryCopy,
  setFailed,
  summary,
  warning
} from "./chunk-2ZKHZUYU.js";
import {
  onSecretRead
} from "./chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  errorMessage
} from "./chunk-Z6P62WD7.js";

// src/exit-flushed.ts
async function exitFlushed(code) {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise((resolve) => stream.write("", () => resolve()))
    )
  );
  process.exit(code);
}

// src/actions/run-action.ts
async function runAction(name, main, { exit = (code) => void exitFlushed(code) } = {}) {
  forgetMasks();
  onSecretRead(maskSecret);
  let code = 0;
  let shown;
  const overflow = [];
  const used = { error: 0, warning: 0, notice: 0 };
  const annotation = (kind) => (message) => {
    const limit = kind === "error" ? ANNOTATIONS_PER_KIND - 1 : ANNOTATIONS_PER_KIND;
    if (used[kind] < limit) {
      used[kind] += 1;
      core_exports[kind](message);
    } else {
      info(`${kind}: ${message}`);
      overflow.push({ severity: kind, message });
    }
  };
  const run = {
    shownInSummary(error) {
      shown = { error };
      return error;
    },
    annotations: { error: annotation("error"), warning: annotation("warning"), notice: annotation("notice") }
  };
  try {
    await main(run);
  } catch (error) {
    code = 1;
    setFailed(
      error instanceof ConfigurationError ? error.message : `${name} failed: ${errorMessage(error)}`
    );
    if (!shown || !Object.is(shown.error, error)) {
      try {
        addErrorToSummary(summary, name, error);
      } catch (summaryError) {
        warning(`${name}: the error was not added to the job summary: ${errorMessage(summaryError)}`);
      }
    }
  } finally {
    try {
      addUnannotatedToSummary(summary, overflow);
    } catch (error) {
      warning(
        `${name}: the annotations past the limit were not added to the summary: ${errorMessage(error)}`
      );
    }
    try {
      await saveSummaryCopy(name, summary.stringify(), process.env.RUNNER_TEMP);
    } catch (error) {
      warning(`${name}: the copy of the job summary was not saved: ${errorMessage(error)}`);
    }
    try {
      if (process.env.GITHUB_STEP_SUMMARY) await summary.write();
    } catch (error) {
      warning(`${name}: the job summary was not written: ${errorMessage(error)}`);
    }
  }
  exit(code);
}

export {
  runAction
};
