import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  runUrlFromEnv
} from "../chunks/chunk-NYDE5VXU.js";
import {
  DEFAULT_FAILURE_LABEL,
  reportFailure,
  reportSuccess,
  watchdog
} from "../chunks/chunk-7Z3JVQ4H.js";
import {
  gitHubFromEnv,
  gitHubStatus,
  repositoryFromEnv
} from "../chunks/chunk-KATSHUU2.js";
import {
  runAction
} from "../chunks/chunk-WEI66VQV.js";
import {
  INPUTS,
  OUTPUTS,
  escapeHtml,
  info,
  intInput,
  optionalInput,
  paragraph,
  requiredInput,
  secretInput,
  setOutput,
  summary,
  warning
} from "../chunks/chunk-2ZKHZUYU.js";
import "../chunks/chunk-R47Z7GPO.js";
import "../chunks/chunk-DLZUFQUX.js";
import "../chunks/chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  ExternalServiceError,
  errorMessage
} from "../chunks/chunk-Z6P62WD7.js";
import "../chunks/chunk-QNAMUATI.js";

// src/actions/report-main.ts
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
var MODES = ["failure", "success", "watchdog"];
var DEFAULT_STALE_HOURS = 6;
var DEFAULT_WORKFLOW = "pipeline.yml";
async function reportMain(now = () => /* @__PURE__ */ new Date()) {
  const token = secretInput(INPUTS.githubToken) ?? "";
  const mode = modeInput();
  const env = process.env;
  const label = optionalInput(INPUTS.label) ?? DEFAULT_FAILURE_LABEL;
  const step = mode === "failure" ? requiredInput(INPUTS.step) : optionalInput(INPUTS.step);
  const staleHours = intInput(INPUTS.staleHours, DEFAULT_STALE_HOURS);
  if (staleHours < 1)
    throw new ConfigurationError(`input stale-hours: ${staleHours} is not a number of hours`);
  const workflow = optionalInput(INPUTS.workflow) ?? DEFAULT_WORKFLOW;
  const runUrl = mode === "watchdog" ? void 0 : runUrlFromEnv(env);
  if (mode !== "watchdog" && !runUrl) {
    repositoryFromEnv(env);
    throw new ConfigurationError("GITHUB_RUN_ID is not set: run report inside a GitHub Actions job");
  }
  const summaryMarkdown = mode === "failure" ? await summaryOf(step, env) : void 0;
  const gh = { ...gitHubFromEnv({ token, env }), label };
  let result;
  let line;
  try {
    if (mode === "failure") {
      result = await reportFailure({ ...gh, step, runUrl, summaryMarkdown });
      line = `step ${step} failed: failure issue ${verb(result)}`;
    } else if (mode === "success") {
      result = await reportSuccess({ ...gh, runUrl });
      line = result.issue ? `recovered: failure issue ${verb(result)}` : "no open failure issue: nothing to close";
    } else {
      const outcome = await watchdog({ ...gh, workflow, staleHours, now: now() });
      result = outcome;
      line = outcome.stale ? `${outcome.message}: failure issue ${verb(result)}` : outcome.message;
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new Error(unreported(mode, step, runUrl, workflow, error), { cause: error });
  }
  setOutput(OUTPUTS.issue, result.issue ?? "");
  info(`${line}${result.url ? ` (${result.url})` : ""}`);
  const link = result.url ? ` — <a href="${escapeHtml(result.url)}">${escapeHtml(result.url)}</a>` : "";
  summary.addRaw(paragraph(escapeHtml(line) + link), true);
}
function modeInput() {
  const mode = requiredInput(INPUTS.mode);
  if (!MODES.includes(mode))
    throw new ConfigurationError(
      `input mode: ${JSON.stringify(mode)} is not a mode: use ${MODES.join(", ")}`
    );
  return mode;
}
async function summaryOf(step, env) {
  const given = optionalInput(INPUTS.summaryFile);
  const copy = env.RUNNER_TEMP && /^[\w.-]+$/.test(step) && !step.startsWith(".") ? join(env.RUNNER_TEMP, "amplitude-pipeline", `summary-${step}.md`) : void 0;
  const path = given ?? (copy && existsSync(copy) ? copy : void 0);
  if (!path) return void 0;
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    warning(`input summary-file: ${errorMessage(error)}; the issue goes without the step's summary`);
    return void 0;
  }
}
function verb(result) {
  const what = result.issue ? `#${result.issue}` : "";
  return result.action === "already-reported" ? `${what} already reports this` : `${what} ${result.action}`;
}
function unreported(mode, step, runUrl, workflow, error) {
  const status = error instanceof ExternalServiceError ? error.status : gitHubStatus(error);
  const permissions = mode === "watchdog" ? "issues: write and actions: read" : "issues: write";
  let remedy = status === 403 || status === 404 ? `; give the job \`permissions: ${permissions}\`` : "";
  if (status === 404 && mode === "watchdog")
    remedy += `, and check input workflow: ${workflow} must be a file in .github/workflows`;
  const what = mode === "failure" ? `The failure of step ${step} in ${runUrl} is not recorded in the failure issue.` : mode === "success" ? "The failure issue was not closed." : "The watchdog did not check the workflow or update the failure issue.";
  return `${errorMessage(error)}${remedy}. ${what}`;
}

// src/actions/report.ts
void runAction("report", () => reportMain());
