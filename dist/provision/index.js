import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  planFigures,
  provisionStep
} from "../chunks/chunk-YS4ASIOH.js";
import "../chunks/chunk-6YD5DB67.js";
import "../chunks/chunk-NNGNHO3L.js";
import "../chunks/chunk-R2LSW7R3.js";
import "../chunks/chunk-KVYT4TEJ.js";
import "../chunks/chunk-JC7DLJCH.js";
import {
  DEFAULT_PROVISION_OUT
} from "../chunks/chunk-UPPOIW6S.js";
import "../chunks/chunk-XV34QLYJ.js";
import "../chunks/chunk-X6Q3NHRZ.js";
import "../chunks/chunk-OYBGSQDJ.js";
import {
  runAction
} from "../chunks/chunk-WEI66VQV.js";
import {
  ACTION_IO,
  INPUTS,
  OUTPUTS,
  SNOWFLAKE_SECRETS,
  addProvisionToSummary,
  booleanInput,
  inInputTerms,
  intInput,
  listInput,
  optionalInput,
  secretEnv,
  setOutput,
  summary
} from "../chunks/chunk-2ZKHZUYU.js";
import {
  DEFAULT_FULL_TESTS_EVERY_HOURS,
  DEFAULT_PROJECT
} from "../chunks/chunk-R47Z7GPO.js";
import "../chunks/chunk-DLZUFQUX.js";
import "../chunks/chunk-DPBKSJN6.js";
import "../chunks/chunk-Z6P62WD7.js";
import "../chunks/chunk-QNAMUATI.js";

// src/actions/provision.ts
import { readFileSync } from "node:fs";
function toolVersion() {
  if (true) return "0.1.0";
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return manifest.version;
}
async function main(run) {
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
      max: 24 * 366
    })
  };
  const mode = options.dryRun ? "dry-run" : options.plan ? "plan" : "applied";
  let planned;
  const setOutputs = (plan) => {
    const figures = planFigures(plan);
    setOutput(OUTPUTS.changes, figures.create + figures.alter + figures.replace + figures.drop);
    setOutput(OUTPUTS.refusals, figures.refused);
  };
  const result = await provisionStep(options, {
    env,
    toolVersion: toolVersion(),
    reporter: {
      warning: run.annotations.warning,
      planned: (plan) => planned = plan
    }
  }).catch((thrown) => {
    const error = inInputTerms(thrown, ACTION_IO.provision.inputs);
    if (planned) setOutputs(planned);
    addProvisionToSummary(summary, planned, { error, mode });
    throw run.shownInSummary(error);
  });
  setOutputs(result.plan);
  addProvisionToSummary(summary, result.plan, {
    mode: result.mode === "unchanged" ? "applied" : result.mode,
    applied: result.applied
  });
}
void runAction("provision", main);
