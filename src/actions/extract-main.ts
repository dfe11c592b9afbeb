import * as core from "@actions/core";
import { parseObjectGroups } from "../amplitude/objects-client.ts";
import type { SnapshotOutcome } from "../amplitude/snapshots.ts";
import { addExtractToSummary } from "../github/summary.ts";
import {
  DEFAULT_EXTRACT_CONCURRENCY,
  DEFAULT_HISTORY,
  DEFAULT_MAX_HOURS,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_OUT,
  DEFAULT_SETTLE_HOURS,
  DEFAULT_SNAPSHOT_EVERY,
  DEFAULT_WINDOW_HOURS,
} from "../pipeline/defaults.ts";
import { parseSnapshotEvery } from "../pipeline/snapshot-every.ts";
import { extractStep, failedSnapshots, type ExtractStepResult } from "../pipeline/extract.ts";
import {
  ACTION_IO,
  AMPLITUDE_SECRETS,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  SNOWFLAKE_SECRETS,
  booleanInput,
  inInputTerms,
  intInput,
  optionalInput,
  secretEnv,
} from "./io.ts";
import type { ActionRun } from "./run-action.ts";
import { actionsWindowStore } from "./window-cache.ts";

/** The extract action's work; `now` is the clock tests set (the snapshot interval depends on it). */
export async function extractMain(run: ActionRun, now?: () => Date): Promise<void> {
  const env = { ...process.env, ...secretEnv([...AMPLITUDE_SECRETS, ...AWS_SECRETS, ...SNOWFLAKE_SECRETS]) };
  let objects;
  try {
    objects = parseObjectGroups(optionalInput(INPUTS.objects));
  } catch (error) {
    throw inInputTerms(error, ACTION_IO.extract.inputs);
  }
  const options = {
    objects,
    start: optionalInput(INPUTS.start),
    end: optionalInput(INPUTS.end),
    out: optionalInput(INPUTS.out) ?? DEFAULT_OUT,
    settleHours: intInput(INPUTS.settleHours, DEFAULT_SETTLE_HOURS, { min: 0, max: 72 }),
    maxHours: intInput(INPUTS.maxHours, DEFAULT_MAX_HOURS, { min: 1, max: 24 * 366 }),
    history: optionalInput(INPUTS.history) ?? DEFAULT_HISTORY,
    windowHours: intInput(INPUTS.windowHours, DEFAULT_WINDOW_HOURS, { min: 1, max: 8760 }),
    lake: optionalInput(INPUTS.lake),
    warehouse: optionalInput(INPUTS.warehouse),
    concurrency: DEFAULT_EXTRACT_CONCURRENCY,
    maxLineBytes: DEFAULT_MAX_LINE_BYTES,
    snapshotEvery: snapshotEveryInput(),
  };
  const artifact = optionalInput(INPUTS.artifact);
  const windowStore = booleanInput(INPUTS.cache, true)
    ? actionsWindowStore({
        notice: run.annotations.notice,
        warn: run.annotations.warning,
      })
    : undefined;
  const reporter = {
    notice: run.annotations.notice,
    warning: run.annotations.warning,
    nothingToExport: (reason: string) => core.info(`Nothing to export: ${reason}`),
    // Objects the plan lacks are said once, in the job summary.
    snapshotFinished: (outcome: SnapshotOutcome) => {
      const name = outcome.cohortId ? `cohort ${outcome.cohortId} members` : outcome.object;
      if (outcome.status === "written" || outcome.status === "unchanged")
        core.info(`snapshot ${name}: ${outcome.status} (${outcome.records} record(s))`);
      else if (outcome.status === "failed") core.info(`snapshot ${name}: failed: ${outcome.error}`);
    },
  };
  const result = await extractStep(options, { env, reporter, windowStore, now }).catch((thrown: unknown) => {
    const error = inInputTerms(thrown, ACTION_IO.extract.inputs);
    addExtractToSummary(core.summary, { outcomes: [] }, { error, artifact });
    throw run.shownInSummary(error);
  });
  setOutputs(result);
  addExtractToSummary(
    core.summary,
    {
      ...result.summary,
      failedHours: result.failedHours,
      watermark: result.watermark,
      restored: result.restored,
      snapshots: result.snapshots?.outcomes,
      skippedObjects: result.snapshots?.skipped,
      deferredSnapshots: result.snapshotsDeferred,
    },
    { artifact },
  );
  const snapshotErrors = failedSnapshots(result.snapshots);
  if (result.failedHours.length === 0 && snapshotErrors.length > 0) {
    throw new Error(
      `${snapshotErrors.length} snapshot(s) could not be taken (${snapshotErrors.slice(0, 3).join("; ")}` +
        `${snapshotErrors.length > 3 ? "; …" : ""}): the earlier snapshots stay the latest; the next run tries again`,
    );
  }
  if (result.failed) {
    throw new Error(
      `${result.failedHours.length} hour(s) could not be exported (${result.failedHours.slice(0, 5).join(", ")}` +
        `${result.failedHours.length > 5 ? ", …" : ""}): they hold the watermark back and are retried first next run`,
    );
  }
}

/** `snapshot-every`: unlike the CLI, it applies to the objects input too, whose default names them all. */
function snapshotEveryInput(): number {
  return parseSnapshotEvery(
    optionalInput(INPUTS.snapshotEvery) ?? DEFAULT_SNAPSHOT_EVERY,
    INPUTS.snapshotEvery,
  );
}

function setOutputs(result: ExtractStepResult): void {
  const { figures } = result;
  core.setOutput(OUTPUTS.windows, figures.windows);
  core.setOutput(OUTPUTS.files, figures.files);
  core.setOutput(OUTPUTS.events, figures.events);
  core.setOutput(OUTPUTS.bytes, figures.bytes);
  core.setOutput(OUTPUTS.rejected, figures.rejected);
  core.setOutput(OUTPUTS.watermark, result.watermark ?? "");
  core.setOutput(OUTPUTS.backupDir, result.backupDir);
  core.setOutput(OUTPUTS.failedHours, result.failedHours.join(","));
}
