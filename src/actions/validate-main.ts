import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import * as core from "@actions/core";
import type { AnnotationProperties } from "@actions/core";
import { errorMessage } from "../errors.ts";
import { gitHubFromEnv } from "../github/octokit.ts";
import { upsertStickyComment } from "../github/sticky-comment.ts";
import { CompileError } from "../models/compile.ts";
import { DEFAULT_PROJECT, DEFAULT_TARGET_DIR } from "../models/defaults.ts";
import { readProject, type Project } from "../models/project.ts";
import type { Diagnostic, ValidatedStatement, ValidationReport } from "../validate/report.ts";
import { validateProject, type ValidateOptions } from "../validate/validate.ts";
import { escapeText } from "./escape.ts";
import { pullRequestNumber, runUrlFromEnv } from "./github-env.ts";
import { INPUTS, OUTPUTS, booleanInput, optionalInput, secretInput } from "./io.ts";

export const SQL_CHECK_MARKER = "<!-- amplitude-pipeline:sql-check -->";
/** GitHub shows at most 10 annotations of each kind per step. */
const ANNOTATIONS_PER_KIND = 10;
const SUMMARY_FINDINGS = 300;
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
  // As the CLI does: the Snowflake side is checked when the project has its templates (sql/snowflake/).
  const project = await readProject(projectDir).catch(() => undefined);
  const extraStatements =
    project && existsSync(join(project.root, "snowflake", "stage.sql")) ? await snowflakeSide(project) : [];
  const report = await (deps.validate ?? validateProject)({
    project: project ?? projectDir,
    extraStatements,
    targetDir: resolve(workspace, DEFAULT_TARGET_DIR),
    progress: (line) => core.info(line),
  });
  const diagnostics = report.diagnostics.map((d) => ({
    ...d,
    file: d.file && inWorkspace(d.file, workspace),
  }));
  annotateDiagnostics(diagnostics);
  const failedChecks = report.checks.filter((c) => c.failed > 0).map((c) => c.check);
  core.setOutput(OUTPUTS.failed, failedChecks.length);
  addValidateSummary(report, diagnostics);

  if (comment) await postComment(report, diagnostics, token, env);
  if (report.failed) {
    throw new Error(
      `${failedChecks.length} check(s) failed (${failedChecks.join(", ")}): ${report.figures.errors} error(s); ` +
        "see the annotations and the job summary",
    );
  }
}

/** The provisioning SQL, when the models compile: a model that does not is the compile check's to report. */
async function snowflakeSide(project: Project): Promise<ValidatedStatement[]> {
  const { snowflakeStatements } = await import("../snowflake/validation.ts");
  try {
    return snowflakeStatements(project);
  } catch (error) {
    if (error instanceof CompileError) return [];
    throw error;
  }
}

/** Annotation paths are relative to the repository root; validate's are relative to the working directory. */
function inWorkspace(file: string, workspace: string): string {
  const shown = relative(workspace, resolve(file));
  return shown === "" || shown.startsWith("..") || isAbsolute(shown) ? file : shown;
}

// To be replaced by annotate() from src/github/annotations.ts (helper S) once it is on main.
function annotateDiagnostics(diagnostics: readonly Diagnostic[]): void {
  const located = (d: Diagnostic) => (d.file ? (d.line !== undefined ? 0 : 1) : 2);
  const used = { error: 0, warning: 0, notice: 0 };
  for (const d of [...diagnostics].sort((a, b) => located(a) - located(b))) {
    const kind = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice";
    if (used[kind] >= ANNOTATIONS_PER_KIND) continue;
    used[kind] += 1;
    const properties: AnnotationProperties = { title: `validate: ${d.check}` };
    if (d.file) properties.file = d.file;
    if (d.file && d.line !== undefined) Object.assign(properties, { startLine: d.line, endLine: d.line });
    core[kind](d.message, properties);
  }
}

function where(d: Diagnostic): string {
  return d.file ? `${d.file}${d.line === undefined ? "" : `:${d.line}`}` : "";
}

function verdict(report: ValidationReport): string {
  const { figures } = report;
  return (
    `${report.failed ? "failed" : "passed"}: ${figures.errors} error(s), ${figures.warnings} warning(s); ` +
    `${figures.models} model(s), ${figures.statements} Snowflake statement(s) checked in ${figures.seconds.toFixed(1)} s`
  );
}

// To be replaced by addValidateToSummary from src/github/summary.ts (helper S) once it is on main.
function addValidateSummary(report: ValidationReport, diagnostics: readonly Diagnostic[]): void {
  core.summary
    .addHeading(`SQL check ${report.failed ? "failed" : "passed"}`, 3)
    .addRaw(`<p>${escapeText(verdict(report))}</p>`, true)
    .addTable([
      ["check", "passed", "failed", "warnings", "skipped", "seconds", "note"].map((data) => ({
        data,
        header: true,
      })),
      ...report.checks.map((c) =>
        [c.check, c.passed, c.failed, c.warnings, c.skipped, c.seconds.toFixed(2), c.note ?? ""].map(
          escapeText,
        ),
      ),
    ]);
  if (diagnostics.length === 0) return;
  const shown = diagnostics.slice(0, SUMMARY_FINDINGS);
  core.summary.addTable([
    ["where", "severity", "check", "message"].map((data) => ({ data, header: true })),
    ...shown.map((d) => [where(d), d.severity, d.check, d.message].map(escapeText)),
  ]);
  if (diagnostics.length > shown.length) {
    core.summary.addRaw(
      `<p>… and ${diagnostics.length - shown.length} more finding(s) in target/validate_results.json.</p>`,
      true,
    );
  }
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
    escapeText(verdict(report)),
    "",
    "| check | passed | failed | warnings | skipped | note |",
    "|---|--:|--:|--:|--:|---|",
    ...report.checks.map(
      (c) =>
        `| ${[c.check, c.passed, c.failed, c.warnings, c.skipped, c.note ?? ""].map(escapeText).join(" | ")} |`,
    ),
  ];
  if (diagnostics.length > 0) {
    const shown = diagnostics.slice(0, COMMENT_FINDINGS);
    lines.push(
      "",
      `<details${report.failed ? " open" : ""}><summary>Findings (${diagnostics.length})</summary>`,
      "",
    );
    for (const d of shown) {
      const place = where(d);
      lines.push(
        `- ${place ? `${escapeText(place)}: ` : ""}**${d.severity}** (${d.check}): ${escapeText(d.message)}`,
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
