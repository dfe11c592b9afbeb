import * as core from "@actions/core";
import { onSecretRead } from "../config.ts";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { exitFlushed } from "../exit-flushed.ts";
import { ANNOTATIONS_PER_KIND } from "../github/annotations.ts";
import {
  addErrorToSummary,
  addUnannotatedToSummary,
  saveSummaryCopy,
  type DiagnosticInput,
} from "../github/summary.ts";
import { forgetMasks, maskSecret } from "./io.ts";

export interface RunActionOptions {
  /** Ends the process; tests pass their own. */
  exit?: (code: number) => void;
}

/** What `runAction` hands its `main`. */
export interface ActionRun {
  /**
   * Says the summary already shows `error` (a builder got it as `options.error`), so `runAction` does not add it a
   * second time when it is thrown. Returns it, for `throw run.shownInSummary(error)`. Only that very value counts:
   * another error thrown later is still added.
   */
  shownInSummary<T>(error: T): T;
  /**
   * Annotations, at most ANNOTATIONS_PER_KIND of each kind per step (the runner keeps no more; one error is kept for
   * the step's own failure): the rest go to the log as plain lines and to a table in the summary.
   */
  annotations: Record<"error" | "warning" | "notice", (message: string) => void>;
}

/**
 * Runs one action's `main`: secrets masked as read, the error added to the summary unless a builder showed it, a copy
 * of the summary left in `$RUNNER_TEMP` for a later `report` step, the summary written whatever happens, any thrown
 * value turned into a failed step, and an explicit exit so a dangling socket cannot hang the job.
 */
export async function runAction(
  name: string,
  main: (run: ActionRun) => Promise<void>,
  { exit = (code) => void exitFlushed(code) }: RunActionOptions = {},
): Promise<void> {
  forgetMasks();
  onSecretRead(maskSecret);
  let code = 0;
  // A box, so that `undefined` thrown and shown can be told from nothing shown.
  let shown: { error: unknown } | undefined;
  const overflow: DiagnosticInput[] = [];
  const used = { error: 0, warning: 0, notice: 0 };
  const annotation = (kind: keyof typeof used) => (message: string) => {
    const limit = kind === "error" ? ANNOTATIONS_PER_KIND - 1 : ANNOTATIONS_PER_KIND;
    if (used[kind] < limit) {
      used[kind] += 1;
      core[kind](message);
    } else {
      core.info(`${kind}: ${message}`);
      overflow.push({ severity: kind, message });
    }
  };
  const run: ActionRun = {
    shownInSummary(error) {
      shown = { error };
      return error;
    },
    annotations: { error: annotation("error"), warning: annotation("warning"), notice: annotation("notice") },
  };
  try {
    await main(run);
  } catch (error) {
    code = 1;
    core.setFailed(
      error instanceof ConfigurationError ? error.message : `${name} failed: ${errorMessage(error)}`,
    );
    if (!shown || !Object.is(shown.error, error)) {
      try {
        addErrorToSummary(core.summary, name, error);
      } catch (summaryError) {
        core.warning(`${name}: the error was not added to the job summary: ${errorMessage(summaryError)}`);
      }
    }
  } finally {
    try {
      addUnannotatedToSummary(core.summary, overflow);
    } catch (error) {
      core.warning(
        `${name}: the annotations past the limit were not added to the summary: ${errorMessage(error)}`,
      );
    }
    // Before write(): it empties the buffer.
    try {
      await saveSummaryCopy(name, core.summary.stringify(), process.env.RUNNER_TEMP);
    } catch (error) {
      core.warning(`${name}: the copy of the job summary was not saved: ${errorMessage(error)}`);
    }
    try {
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.write();
    } catch (error) {
      core.warning(`${name}: the job summary was not written: ${errorMessage(error)}`);
    }
  }
  exit(code);
}
