import * as core from "@actions/core";
import { addDoctorToSummary } from "../github/summary.ts";
import { DEFAULT_LAKE, DEFAULT_PROJECT, DEFAULT_WAREHOUSE } from "../pipeline/defaults.ts";
import { doctor, type DoctorResult } from "../pipeline/doctor.ts";
import {
  AMPLITUDE_SECRETS,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  SNOWFLAKE_SECRETS,
  inInputTerms,
  optionalInput,
  secretEnv,
} from "./io.ts";
import type { ActionRun } from "./run-action.ts";

/** The inputs `command: doctor` reads on the root action. */
export const DOCTOR_INPUTS = [
  INPUTS.lake,
  INPUTS.warehouse,
  INPUTS.integration,
  INPUTS.project,
  INPUTS.githubToken,
  ...AMPLITUDE_SECRETS,
  ...AWS_SECRETS,
  ...SNOWFLAKE_SECRETS,
] as const;

/**
 * `command: doctor`: every check as a log line and a row of the job summary, with the remedy of each
 * that is not a pass; `failed` is the number that failed, and the step fails when one did.
 */
export async function doctorMain(run: ActionRun): Promise<void> {
  const env = { ...process.env, ...secretEnv([...AMPLITUDE_SECRETS, ...AWS_SECRETS, ...SNOWFLAKE_SECRETS]) };
  let result: DoctorResult;
  try {
    result = await doctor(
      {
        // As the workflows pass it: LAKE_URL, else the bucket's root (s3:// takes AWS_BUCKET_NAME).
        lake: optionalInput(INPUTS.lake) ?? env.LAKE_URL ?? (env.AWS_BUCKET_NAME ? "s3://" : DEFAULT_LAKE),
        warehouse: optionalInput(INPUTS.warehouse) ?? DEFAULT_WAREHOUSE,
        integration: optionalInput(INPUTS.integration),
        project: optionalInput(INPUTS.project) ?? DEFAULT_PROJECT,
      },
      {
        env,
        githubToken: optionalInput(INPUTS.githubToken),
        onCheck: (check) => {
          const text = `${check.status}: ${check.name}: ${check.detail}${check.remedy ? ` — remedy: ${check.remedy}` : ""}`;
          if (check.status === "fail") run.annotations.error(text);
          else if (check.status === "warn") run.annotations.warning(text);
          else core.info(text);
        },
      },
    );
  } catch (thrown) {
    const error = inInputTerms(thrown, DOCTOR_INPUTS);
    addDoctorToSummary(core.summary, undefined, { error });
    throw run.shownInSummary(error);
  }
  core.setOutput(OUTPUTS.failed, result.failed);
  addDoctorToSummary(core.summary, result);
  if (result.failed > 0) {
    throw run.shownInSummary(
      new Error(`${result.failed} check(s) failed: the job summary gives each one's remedy`),
    );
  }
}
