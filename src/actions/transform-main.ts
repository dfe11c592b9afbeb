import * as core from "@actions/core";
import { buildDocs } from "../docs/build-docs.ts";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { addGraphReportToSummary, addTransformToSummary } from "../github/summary.ts";
import {
  DEFAULT_MEND_AFTER_MINUTES,
  DEFAULT_PROJECT,
  DEFAULT_TARGET_DIR,
  DEFAULT_TRANSFORM_TIMEOUT_MINUTES,
  DEFAULT_WAREHOUSE,
} from "../pipeline/defaults.ts";
import { loadStep } from "../pipeline/load.ts";
import { describeReport, reportFailure, transformReportStep, transformStep } from "../pipeline/transform.ts";
import {
  ACTION_IO,
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

/** The transform action: the task graph run (or, with `wait: false`, the report of the runs since the last one). */
export async function transformMain(run: ActionRun): Promise<void> {
  const env = { ...process.env, ...secretEnv([...SNOWFLAKE_SECRETS, ...AWS_SECRETS]) };
  const warehouse = optionalInput(INPUTS.warehouse) ?? DEFAULT_WAREHOUSE;
  const lake = optionalInput(INPUTS.lake);
  const timeoutMinutes = intInput(INPUTS.timeoutMinutes, DEFAULT_TRANSFORM_TIMEOUT_MINUTES, {
    min: 1,
    max: 1440,
  });
  const options = {
    warehouse,
    project: optionalInput(INPUTS.project) ?? DEFAULT_PROJECT,
    select: optionalInput(INPUTS.select),
    fullRefresh: booleanInput(INPUTS.fullRefresh, false),
    fullTests: booleanInput(INPUTS.fullTests, false),
    fullTestsEvery: intInput(INPUTS.fullTestsEvery, undefined, { min: 0, max: 24 * 366 }),
    targetDir: DEFAULT_TARGET_DIR,
    timeoutMinutes,
  };
  const wait = booleanInput(INPUTS.wait, true);
  const failed = (thrown: unknown) => {
    const error = inInputTerms(thrown, ACTION_IO.transform.inputs);
    if (wait) addTransformToSummary(core.summary, undefined, { error });
    else addGraphReportToSummary(core.summary, undefined, { error });
    return run.shownInSummary(error);
  };
  const warning = run.annotations.warning;
  if (!wait) {
    if (options.select || options.fullRefresh) {
      throw failed(
        new ConfigurationError(
          `input ${options.select ? INPUTS.select : INPUTS.fullRefresh} needs wait: true (wait: false starts no build)`,
        ),
      );
    }
    const mendAfterMinutes = intInput(INPUTS.mendAfterMinutes, DEFAULT_MEND_AFTER_MINUTES, {
      min: 0,
      max: 7 * 24 * 60,
    });
    const reported = await transformReportStep(
      { warehouse, project: options.project, lake, mendAfterMinutes },
      { env },
    ).catch((error: unknown) => {
      throw failed(error);
    });
    for (const line of describeReport(reported)) core.info(line);
    addGraphReportToSummary(core.summary, {
      ...reported.report,
      mended: reported.mended,
      left: reported.left,
      mendAfterMinutes,
      failedFiles: reported.mend?.failed ?? [],
    });
    if (reported.failed) throw new Error(reportFailure(reported));
    return;
  }
  const loadStarted = new Date();
  if (lake) {
    // Embedded: load the lake's new files; Snowflake: wait for Snowpipe to have loaded them.
    const loaded = await loadStep({ lake, warehouse, timeoutMinutes }, { env, reporter: { warning } }).catch(
      (error: unknown) => {
        throw failed(error);
      },
    );
    core.info(`Loaded ${lake} into ${loaded.warehouseUrl}: ${JSON.stringify(loaded.figures)}`);
    if (loaded.failed)
      throw failed(new Error(`loading ${lake} into ${loaded.warehouseUrl} failed for some files`));
  }
  const result = await transformStep(
    { ...options, adoptRunsSince: lake ? loadStarted : undefined },
    { env, reporter: { warning, notice: run.annotations.notice } },
  ).catch((error: unknown) => {
    throw failed(error);
  });
  const { figures } = result;
  core.setOutput(OUTPUTS.models, figures.models);
  core.setOutput(OUTPUTS.testsPassed, figures.tests_passed);
  core.setOutput(OUTPUTS.testsFailed, figures.tests_failed);
  core.setOutput(OUTPUTS.testsWarned, figures.tests_warned);
  addTransformToSummary(core.summary, result.result);
  // Also after a failed test: the dictionary then shows which tests failed, beside the models' docs.
  const docsDir = optionalInput(INPUTS.docsDir);
  if (docsDir) {
    const docs = await buildDocs(
      { out: docsDir, warehouse, project: options.project, targetDir: options.targetDir },
      { env, warn: warning },
    ).catch((error: unknown) => {
      throw new Error(
        `input docs-dir ${docsDir}: the data dictionary was not written: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    });
    core.setOutput(OUTPUTS.docsDir, docs.outDir);
    core.info(`Data dictionary: ${docs.pages} page(s) in ${docs.outDir}; open ${docs.index}`);
  }
  if (result.failed) {
    throw new Error(
      `transform of ${result.warehouseUrl} failed: ${figures.tests_failed} data test(s) failed; see the summary for models and tests`,
    );
  }
}
