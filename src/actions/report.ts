import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import { ConfigurationError } from "../errors.ts";
import {
  DEFAULT_FAILURE_LABEL,
  reportFailure,
  reportSuccess,
  watchdog,
  type IssueResult,
} from "../github/failure-issue.ts";
import { gitHubFromEnv } from "../github/octokit.ts";
import { INPUTS, OUTPUTS, intInput, optionalInput, requiredInput } from "./io.ts";
import { runAction } from "./run-action.ts";

const MODES = ["failure", "success", "watchdog"];

async function main(): Promise<void> {
  const mode = requiredInput(INPUTS.mode);
  if (!MODES.includes(mode)) {
    throw new ConfigurationError(
      `input mode: ${JSON.stringify(mode)} is not a mode: use ${MODES.join(", ")}`,
    );
  }
  const token = optionalInput(INPUTS.githubToken) ?? process.env.GITHUB_TOKEN ?? "";
  if (token) core.setSecret(token);
  const target = { ...gitHubFromEnv({ token }), label: optionalInput(INPUTS.label) ?? DEFAULT_FAILURE_LABEL };
  const runUrl = runLink(process.env);
  let result: IssueResult;
  if (mode === "failure") {
    const step = optionalInput(INPUTS.step) ?? "pipeline";
    const file = optionalInput(INPUTS.summaryFile) ?? defaultSummaryFile(step);
    const summaryMarkdown = await readFile(file, "utf8").catch(() => {
      core.notice(`report: no summary at ${file}; the issue names the failing step only`);
      return undefined;
    });
    result = await reportFailure({ ...target, step, runUrl, summaryMarkdown });
  } else if (mode === "success") {
    result = await reportSuccess({ ...target, runUrl });
  } else {
    const outcome = await watchdog({
      ...target,
      workflow: optionalInput(INPUTS.workflow) ?? "pipeline.yml",
      staleHours: intInput(INPUTS.staleHours, 6, { min: 1 }),
      now: new Date(),
    });
    core.info(outcome.message);
    result = outcome;
  }
  core.setOutput(OUTPUTS.issue, result.issue ?? "");
  // replaced by the summary.ts builder at merge
  core.summary.addRaw(
    `### Failure issue (${mode}): ${result.action}` +
      (result.url ? ` [#${result.issue}](${result.url})` : "") +
      "\n",
    true,
  );
}

/** The copy of its summary every action leaves in RUNNER_TEMP, so a later report step in the job can quote it. */
function defaultSummaryFile(step: string): string {
  return join(process.env.RUNNER_TEMP ?? ".", "amplitude-pipeline", `summary-${step}.md`);
}

function runLink(env: NodeJS.ProcessEnv): string {
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID ?? ""}`;
}

void runAction("report", main);
