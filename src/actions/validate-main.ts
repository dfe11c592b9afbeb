import { isAbsolute, join, relative, resolve } from "node:path";
import * as core from "@actions/core";
import { errorMessage } from "../errors.ts";
import { annotate } from "../github/annotations.ts";
import { escapeHtml } from "../github/html.ts";
import { gitHubFromEnv } from "../github/octokit.ts";
import { upsertStickyComment } from "../github/sticky-comment.ts";
import { addValidateToSummary, location } from "../github/summary.ts";
import { DEFAULT_PROJECT, DEFAULT_TARGET_DIR } from "../models/defaults.ts";
import type { Diagnostic, ValidationReport } from "../validate/report.ts";
import { projectToValidate, validateProject, type ValidateOptions } from "../validate/validate.ts";
import { pullRequestNumber, runUrlFromEnv } from "./github-env.ts";
import { INPUTS, OUTPUTS, booleanInput, optionalInput, secretInput } from "./io.ts";

export const SQL_CHECK_MARKER = "<!-- amplitude-pipeline:sql-check -->";
const COMMENT_FINDINGS = 50;

export interface ValidateMainDeps {
  /** The check itself; tests pass a canned report. */
  validate?: (options: ValidateOptions) => Promise<ValidationReport>;
}

/**
 * The pull-request check: validates the model project, annotates the SQL lines, writes the job summary and the
 * sticky PR comment, sets output failed (the number of failing checks) and fails the step when a check failed.
 */
export async function validateMain(deps: ValidateMainDeps = {}): Promise<void> {
  const env = process.env;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const comment = booleanInput(INPUTS.comment, true);
  const token = secretInput(INPUTS.githubToken);
  const projectDir = resolve(workspace, optionalInput(INPUTS.project) ?? DEFAULT_PROJECT);
  const { project, extraStatements } = await projectToValidate(projectDir);
  const report = await (deps.validate ?? validateProject)({
    project,
    extraStatements,
    targetDir: resolve(workspace, DEFAULT_TARGET_DIR),
    progress: (line) => core.info(line),
  });
  const diagnostics = report.diagnostics.map((d) => ({
    ...d,
    file: d.file && inWorkspace(d.file, workspace),
  }));
  annotate(diagnostics, core);
  const failedChecks = report.checks.filter((c) => c.failed > 0).map((c) => c.check);
  core.setOutput(OUTPUTS.failed, failedChecks.length);
  addValidateToSummary(
    core.summary,
    { ...report, diagnostics },
    { fullResults: join(DEFAULT_TARGET_DIR, "validate_results.json") },
  );

  if (comment) await postComment(report, diagnostics, token, env);
  if (report.failed) {
    throw new Error(
      `${failedChecks.length} check(s) failed (${failedChecks.join(", ")}): ${report.figures.errors} error(s); ` +
        "see the annotations and the job summary",
    );
  }
}

/** Annotation paths are relative to the repository root; validate's are relative to the working directory. */
function inWorkspace(file: string, workspace: string): string {
  const shown = relative(workspace, resolve(file));
  return shown === "" || shown.startsWith("..") || isAbsolute(shown) ? file : shown;
}

function verdict(report: ValidationReport): string {
  const { figures } = report;
  return (
    `${report.failed ? "failed" : "passed"}: ${figures.errors} error(s), ${figures.warnings} warning(s); ` +
    `${figures.models} model(s), ${figures.statements} Snowflake statement(s) checked in ${figures.seconds.toFixed(1)} s`
  );
}

/** The sticky comment's markdown: the verdict, the checks and the findings, every value escaped. */
export function commentBody(
  report: ValidationReport,
  diagnostics: readonly Diagnostic[],
  runUrl: string | undefined,
): string {
  const lines = [
    SQL_CHECK_MARKER,
    `### SQL check ${report.failed ? "failed" : "passed"}`,
    "",
    escapeHtml(verdict(report)),
    "",
    "| check | passed | failed | warnings | skipped | note |",
    "|---|--:|--:|--:|--:|---|",
    ...report.checks.map(
      (c) =>
        `| ${[c.check, c.passed, c.failed, c.warnings, c.skipped, c.note ?? ""].map(escapeHtml).join(" | ")} |`,
    ),
  ];
  if (diagnostics.length > 0) {
    const rank = (d: Diagnostic) => (d.severity === "error" ? 0 : d.severity === "warning" ? 1 : 2);
    const shown = [...diagnostics].sort((a, b) => rank(a) - rank(b)).slice(0, COMMENT_FINDINGS);
    lines.push(
      "",
      `<details${report.failed ? " open" : ""}><summary>Findings (${diagnostics.length})</summary>`,
      "",
    );
    for (const d of shown) {
      const place = location(d);
      lines.push(
        `- ${place ? `${escapeHtml(place)}: ` : ""}**${d.severity}** (${d.check}): ${escapeHtml(d.message)}`,
      );
    }
    if (diagnostics.length > shown.length)
      lines.push(`- … and ${diagnostics.length - shown.length} more in the job summary`);
    lines.push("", "</details>");
  }
  if (runUrl) lines.push("", `[The run](${runUrl}): its job summary has everything.`);
  return lines.join("\n") + "\n";
}

async function postComment(
  report: ValidationReport,
  diagnostics: readonly Diagnostic[],
  token: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const issueNumber = await pullRequestNumber(env);
  if (issueNumber === undefined) {
    core.info("not a pull_request event: no PR comment; the results are in the job summary");
    return;
  }
  if (!token) {
    core.notice(
      "input github-token is empty: no PR comment; the results are in the job summary and the annotations",
    );
    return;
  }
  try {
    const result = await upsertStickyComment({
      ...gitHubFromEnv({ token, env }),
      issueNumber,
      marker: SQL_CHECK_MARKER,
      body: commentBody(report, diagnostics, runUrlFromEnv(env)),
    });
    if (result.action === "skipped") core.notice(`no PR comment: ${result.reason}`);
    else core.info(`PR comment ${result.action}: ${result.url}`);
  } catch (error) {
    // The check's verdict is the SQL's: a comment GitHub refused does not change it.
    core.warning(
      `the PR comment was not written: ${errorMessage(error)}; the results are in the job summary and the annotations`,
    );
  }
}
