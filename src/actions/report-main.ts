import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import { ConfigurationError, ExternalServiceError, errorMessage } from "../errors.ts";
import {
  DEFAULT_FAILURE_LABEL,
  reportFailure,
  reportSuccess,
  watchdog,
  type IssueResult,
} from "../github/failure-issue.ts";
import { escapeHtml, paragraph } from "../github/html.ts";
import { gitHubFromEnv, gitHubStatus, repositoryFromEnv } from "../github/octokit.ts";
import { runUrlFromEnv } from "./github-env.ts";
import { INPUTS, OUTPUTS, intInput, optionalInput, requiredInput, secretInput } from "./io.ts";

const MODES = ["failure", "success", "watchdog"] as const;
type Mode = (typeof MODES)[number];

export const DEFAULT_STALE_HOURS = 6;
export const DEFAULT_WORKFLOW = "pipeline.yml";

/**
 * Keeps the failure issue: opens or comments on it when a step failed, closes it when a run succeeded, and (watchdog)
 * opens it when the workflow has not succeeded for stale-hours. Sets output issue (its number, or "").
 */
export async function reportMain(now: () => Date = () => new Date()): Promise<void> {
  // Read first, so it is masked before anything is logged.
  const token = secretInput(INPUTS.githubToken) ?? "";
  const mode = modeInput();
  const env = process.env;
  const label = optionalInput(INPUTS.label) ?? DEFAULT_FAILURE_LABEL;
  const step = mode === "failure" ? requiredInput(INPUTS.step) : optionalInput(INPUTS.step);
  const staleHours = intInput(INPUTS.staleHours, DEFAULT_STALE_HOURS)!;
  if (staleHours < 1)
    throw new ConfigurationError(`input stale-hours: ${staleHours} is not a number of hours`);
  const workflow = optionalInput(INPUTS.workflow) ?? DEFAULT_WORKFLOW;
  const runUrl = mode === "watchdog" ? undefined : runUrlFromEnv(env);
  if (mode !== "watchdog" && !runUrl) {
    // GITHUB_REPOSITORY's own message when that is what is missing.
    repositoryFromEnv(env);
    throw new ConfigurationError("GITHUB_RUN_ID is not set: run report inside a GitHub Actions job");
  }
  const summaryMarkdown = mode === "failure" ? await summaryOf(step!, env) : undefined;
  const gh = { ...gitHubFromEnv({ token, env }), label };

  let result: IssueResult;
  let line: string;
  try {
    if (mode === "failure") {
      result = await reportFailure({ ...gh, step: step!, runUrl: runUrl!, summaryMarkdown });
      line = `step ${step} failed: failure issue ${verb(result)}`;
    } else if (mode === "success") {
      result = await reportSuccess({ ...gh, runUrl: runUrl! });
      line = result.issue
        ? `recovered: failure issue ${verb(result)}`
        : "no open failure issue: nothing to close";
    } else {
      const outcome = await watchdog({ ...gh, workflow, staleHours, now: now() });
      result = outcome;
      line = outcome.stale ? `${outcome.message}: failure issue ${verb(result)}` : outcome.message;
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new Error(unreported(mode, step, runUrl, workflow, error), { cause: error });
  }
  core.setOutput(OUTPUTS.issue, result.issue ?? "");
  core.info(`${line}${result.url ? ` (${result.url})` : ""}`);
  const link = result.url ? ` — <a href="${escapeHtml(result.url)}">${escapeHtml(result.url)}</a>` : "";
  core.summary.addRaw(paragraph(escapeHtml(line) + link), true);
}

function modeInput(): Mode {
  const mode = requiredInput(INPUTS.mode);
  if (!(MODES as readonly string[]).includes(mode))
    throw new ConfigurationError(
      `input mode: ${JSON.stringify(mode)} is not a mode: use ${MODES.join(", ")}`,
    );
  return mode as Mode;
}

/**
 * The failing step's summary: input summary-file, else the copy every action leaves at
 * `$RUNNER_TEMP/amplitude-pipeline/summary-<step>.md` when there is one. A summary that cannot be read is a
 * warning: the issue matters more than its details.
 */
async function summaryOf(step: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const given = optionalInput(INPUTS.summaryFile);
  const copy =
    env.RUNNER_TEMP && /^[\w.-]+$/.test(step) && !step.startsWith(".")
      ? join(env.RUNNER_TEMP, "amplitude-pipeline", `summary-${step}.md`)
      : undefined;
  const path = given ?? (copy && existsSync(copy) ? copy : undefined);
  if (!path) return undefined;
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    core.warning(`input summary-file: ${errorMessage(error)}; the issue goes without the step's summary`);
    return undefined;
  }
}

function verb(result: IssueResult): string {
  const what = result.issue ? `#${result.issue}` : "";
  return result.action === "already-reported" ? `${what} already reports this` : `${what} ${result.action}`;
}

/**
 * The step fails, and its message keeps the original failure in view: which step failed in which run, what GitHub
 * answered, and the permission the job needs.
 */
function unreported(
  mode: Mode,
  step: string | undefined,
  runUrl: string | undefined,
  workflow: string,
  error: unknown,
): string {
  const status = error instanceof ExternalServiceError ? error.status : gitHubStatus(error);
  const permissions = mode === "watchdog" ? "issues: write and actions: read" : "issues: write";
  let remedy = status === 403 || status === 404 ? `; give the job \`permissions: ${permissions}\`` : "";
  if (status === 404 && mode === "watchdog")
    remedy += `, and check input workflow: ${workflow} must be a file in .github/workflows`;
  const what =
    mode === "failure"
      ? `The failure of step ${step} in ${runUrl} is not recorded in the failure issue.`
      : mode === "success"
        ? "The failure issue was not closed."
        : "The watchdog did not check the workflow or update the failure issue.";
  return `${errorMessage(error)}${remedy}. ${what}`;
}
