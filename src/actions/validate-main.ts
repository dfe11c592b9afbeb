import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import * as core from "@actions/core";
import { errorMessage } from "../errors.ts";
import { annotate } from "../github/annotations.ts";
import { escapeHtml } from "../github/html.ts";
import { gitHubFromEnv } from "../github/octokit.ts";
import { upsertStickyComment } from "../github/sticky-comment.ts";
import { addValidateToSummary, location } from "../github/summary.ts";
import { DEFAULT_PROJECT, DEFAULT_TARGET_DIR } from "../models/defaults.ts";
import { baseProjectFromGit, compiledModelChanges, type ModelChanges } from "../validate/model-changes.ts";
import type { Diagnostic, ValidationReport } from "../validate/report.ts";
import { projectToValidate, validateProject, type ValidateOptions } from "../validate/validate.ts";
import { pullRequestNumber, runUrlFromEnv } from "./github-env.ts";
import { INPUTS, OUTPUTS, booleanInput, optionalInput, secretInput } from "./io.ts";

export const SQL_CHECK_MARKER = "<!-- amplitude-pipeline:sql-check -->";
const COMMENT_FINDINGS = 50;
/** The comment's room for diffs, all together and each: the rest of it (the checks, the findings) stays readable. */
const COMMENT_DIFF_CHARS = 40_000;
const COMMENT_DIFF_EACH_CHARS = 12_000;
const COMMENT_MODEL_ROWS = 200;
/** The job summary's: well inside its 1 MiB with the diagnostics. */
const SUMMARY_DIFF_CHARS = 300_000;
const SUMMARY_DIFF_EACH_CHARS = 60_000;

/** The compiled models against the pull request's base, or the one line saying why there are none. */
export type ModelComparison = { changes: ModelChanges; base: string } | { unavailable: string };

export interface ValidateMainDeps {
  /** The check itself; tests pass a canned report. */
  validate?: (options: ValidateOptions) => Promise<ValidationReport>;
  /** The comparison with the base; default: the base's project from git (`HEAD^1`), compiled for Snowflake. */
  compare?: (project: ValidateProject, projectDir: string, workspace: string) => Promise<ModelComparison>;
}

type ValidateProject = Awaited<ReturnType<typeof projectToValidate>>["project"];

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
  const comparison = await (deps.compare ?? compareWithBase)(project, projectDir, workspace).catch(
    (error: unknown): ModelComparison => ({
      unavailable: `the compiled models could not be compared with the base: ${errorMessage(error)}`,
    }),
  );
  if ("unavailable" in comparison) core.info(`compiled model changes: ${comparison.unavailable}`);
  else core.info(`compiled model changes against ${comparison.base}: ${tally(comparison.changes)}`);
  annotate(diagnostics, core);
  const failedChecks = report.checks.filter((c) => c.failed > 0).map((c) => c.check);
  core.setOutput(OUTPUTS.failed, failedChecks.length);
  addValidateToSummary(
    core.summary,
    { ...report, diagnostics },
    { fullResults: join(DEFAULT_TARGET_DIR, "validate_results.json") },
  );
  core.summary.addRaw(changesHtml(comparison), true);

  if (comment) await postComment(report, diagnostics, comparison, token, env);
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
  comparison?: ModelComparison,
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
  if (comparison) lines.push("", ...changesMarkdown(comparison));
  if (runUrl) lines.push("", `[The run](${runUrl}): its job summary has everything.`);
  return lines.join("\n") + "\n";
}

async function postComment(
  report: ValidationReport,
  diagnostics: readonly Diagnostic[],
  comparison: ModelComparison,
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
      body: commentBody(report, diagnostics, runUrlFromEnv(env), comparison),
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

// ----- the compiled models against the base

/**
 * The base's project from git (the merge commit's first parent), compiled with the head's for Snowflake. A missing
 * base (no git, a shallow clone, not a pull request) is one line, never a failure.
 */
async function compareWithBase(
  project: ValidateProject,
  projectDir: string,
  workspace: string,
): Promise<ModelComparison> {
  if (typeof project === "string")
    return { unavailable: "the project could not be read, so nothing was compared" };
  const base = await baseProjectFromGit({
    projectDir,
    workspace,
    eventName: process.env.GITHUB_EVENT_NAME,
    tempRoot: process.env.RUNNER_TEMP || tmpdir(),
  });
  if ("unavailable" in base) return { unavailable: `not compared with the base: ${base.unavailable}` };
  try {
    return {
      changes: await compiledModelChanges(base.dir, project),
      base: `HEAD^1 (${base.commit.slice(0, 12)})`,
    };
  } finally {
    await base.cleanup();
  }
}

const CHANGE_ORDER = [
  "changed",
  "added",
  "removed",
  "does not compile",
  "base does not compile",
  "unchanged",
];

/** "1 changed, 10 unchanged": the kinds of change, the ones to read first. */
function tally(changes: ModelChanges): string {
  const counts = new Map<string, number>();
  for (const m of changes.models) counts.set(m.change, (counts.get(m.change) ?? 0) + 1);
  return (
    CHANGE_ORDER.filter((change) => counts.has(change))
      .map((change) => `${counts.get(change)} ${change}`)
      .join(", ") || "no models"
  );
}

/** A code fence longer than any run of backticks in `text`. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

/**
 * At most `limit` characters of `text`, cut at a line end. Not fitMarkdown: the diff sits in a fence of its own
 * length (SQL may hold backticks), which fitMarkdown's closing fence would not match.
 */
function cutAtLine(text: string, limit: number): { text: string; cut: boolean } {
  if (text.length <= limit) return { text, cut: false };
  const end = text.lastIndexOf("\n", limit - 1);
  let kept = text.slice(0, end > 0 ? end + 1 : limit);
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return { text: kept, cut: true };
}

const DIFF_CUT_NOTE = "*(this diff was cut; the job summary has more of it)*";

/** The comment's section: a table of the models that changed, then each changed model's diff, collapsed. */
export function changesMarkdown(comparison: ModelComparison): string[] {
  const lines = ["#### Compiled model changes"];
  if ("unavailable" in comparison) {
    lines.push("", escapeHtml(`The compiled models could not be compared: ${comparison.unavailable}.`));
    return lines;
  }
  const { changes, base } = comparison;
  const shown = changes.models.filter((m) => m.change !== "unchanged");
  const unchanged = changes.models.length - shown.length;
  lines.push("", escapeHtml(`${changes.dialect} SQL against the base, ${base}: ${tally(changes)}.`));
  if (changes.baseError) lines.push("", escapeHtml(`The base does not compile: ${changes.baseError}`));
  if (shown.length === 0) return lines;
  lines.push("", "| model | change |", "|---|---|");
  for (const m of shown.slice(0, COMMENT_MODEL_ROWS))
    lines.push(`| ${escapeHtml(m.model)} | ${escapeHtml(m.change)} |`);
  if (shown.length > COMMENT_MODEL_ROWS)
    lines.push(
      "",
      escapeHtml(`… and ${shown.length - COMMENT_MODEL_ROWS} more model(s) in the job summary.`),
    );
  if (unchanged > 0) lines.push("", escapeHtml(`${unchanged} model(s) unchanged.`));
  let room = COMMENT_DIFF_CHARS;
  const diffs = shown.filter((m) => m.diff);
  let left = diffs.length;
  for (const m of diffs) {
    const fence = fenceFor(m.diff!);
    const { text, cut } = cutAtLine(m.diff!, COMMENT_DIFF_EACH_CHARS);
    const block = `${fence}diff\n${text.replace(/\n$/, "")}\n${fence}${cut ? `\n\n${DIFF_CUT_NOTE}` : ""}`;
    const section = [`<details><summary>${escapeHtml(m.model)}</summary>`, "", block, "", "</details>"];
    const size = section.join("\n").length + 2;
    if (size > room) break;
    room -= size;
    left -= 1;
    lines.push("", ...section);
  }
  if (left > 0) lines.push("", escapeHtml(`… and ${left} more diff(s) in the job summary.`));
  return lines;
}

/** The job summary's section, every value escaped. */
export function changesHtml(comparison: ModelComparison): string {
  const title = "<h3>Compiled model changes</h3>";
  if ("unavailable" in comparison)
    return `${title}<p>${escapeHtml(`The compiled models could not be compared: ${comparison.unavailable}.`)}</p>`;
  const { changes, base } = comparison;
  const shown = changes.models.filter((m) => m.change !== "unchanged");
  const parts = [
    title,
    `<p>${escapeHtml(`${changes.dialect} SQL against the base, ${base}: ${tally(changes)}.`)}</p>`,
  ];
  if (changes.baseError)
    parts.push(`<p>${escapeHtml(`The base does not compile: ${changes.baseError}`)}</p>`);
  if (shown.length > 0)
    parts.push(
      "<table><tr><th>model</th><th>file</th><th>change</th></tr>" +
        shown
          .map(
            (m) =>
              `<tr><td>${escapeHtml(m.model)}</td><td><code>${escapeHtml(m.path)}</code></td><td>${escapeHtml(m.change)}</td></tr>`,
          )
          .join("") +
        "</table>",
    );
  let room = SUMMARY_DIFF_CHARS;
  const diffs = shown.filter((m) => m.diff);
  let left = diffs.length;
  for (const m of diffs) {
    const { text, cut } = cutAtLine(m.diff!, SUMMARY_DIFF_EACH_CHARS);
    const diff = cut ? `${text}… (cut)\n` : text;
    const html = `<details><summary>${escapeHtml(`${m.model} (diff)`)}</summary><pre lang="diff">${escapeHtml(diff)}</pre></details>`;
    if (html.length > room) break;
    room -= html.length;
    left -= 1;
    parts.push(html);
  }
  if (left > 0) parts.push(`<p>${escapeHtml(`${left} more diff(s) did not fit in this summary.`)}</p>`);
  return parts.join("");
}
