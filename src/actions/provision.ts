import * as core from "@actions/core";
import { readFileSync } from "node:fs";
import { addProvisionToSummary } from "../github/summary.ts";
import {
  DEFAULT_FULL_TESTS_EVERY_HOURS,
  DEFAULT_PROJECT,
  DEFAULT_PROVISION_OUT,
} from "../pipeline/defaults.ts";
import { planFigures, provisionStep } from "../pipeline/provision.ts";
import type { ProvisionPlan } from "../snowflake/provision.ts";
import {
  ACTION_IO,
  INPUTS,
  OUTPUTS,
  SNOWFLAKE_SECRETS,
  booleanInput,
  inInputTerms,
  intInput,
  listInput,
  optionalInput,
  secretEnv,
} from "./io.ts";
import { runAction, type ActionRun } from "./run-action.ts";

/** Set by the bundler to package.json's version (dist/), so the bundle changes with the version alone. */
declare const AMPLITUDE_PIPELINE_VERSION: string | undefined;

/** The version recorded in the change history: fixed in the bundle, read from package.json when run from source. */
function toolVersion(): string {
  if (typeof AMPLITUDE_PIPELINE_VERSION === "string") return AMPLITUDE_PIPELINE_VERSION;
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

async function main(run: ActionRun): Promise<void> {
  const env = { ...process.env, ...secretEnv(SNOWFLAKE_SECRETS) };
  const options = {
    lake: optionalInput(INPUTS.lake),
    integration: optionalInput(INPUTS.integration),
    plan: booleanInput(INPUTS.plan, false),
    dryRun: booleanInput(INPUTS.dryRun, false),
    out: optionalInput(INPUTS.out) ?? DEFAULT_PROVISION_OUT,
    allowReplace: listInput(INPUTS.allowReplace),
    project: optionalInput(INPUTS.project) ?? DEFAULT_PROJECT,
    fullTestsEvery: intInput(INPUTS.fullTestsEvery, DEFAULT_FULL_TESTS_EVERY_HOURS, {
      min: 0,
      max: 24 * 366,
    }),
  };
  const mode = options.dryRun ? "dry-run" : options.plan ? "plan" : "applied";
  let planned: ProvisionPlan | undefined;
  const setOutputs = (plan: ProvisionPlan) => {
    const figures = planFigures(plan);
    core.setOutput(OUTPUTS.changes, figures.create + figures.alter + figures.replace + figures.drop);
    core.setOutput(OUTPUTS.refusals, figures.refused);
  };
  const result = await provisionStep(options, {
    env,
    toolVersion: toolVersion(),
    reporter: {
      warning: run.annotations.warning,
      planned: (plan) => (planned = plan),
    },
  }).catch((thrown: unknown) => {
    const error = inInputTerms(thrown, ACTION_IO.provision.inputs);
    // A refusal throws after the plan: the plan shows what was refused and why.
    if (planned) setOutputs(planned);
    addProvisionToSummary(core.summary, planned, { error, mode });
    throw run.shownInSummary(error);
  });
  setOutputs(result.plan);
  addProvisionToSummary(core.summary, result.plan, {
    mode: result.mode === "unchanged" ? "applied" : result.mode,
    applied: result.applied,
  });
}

void runAction("provision", main);
