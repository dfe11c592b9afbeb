// The plan-backfill, report and validate actions as the runner drives them: inputs in INPUT_* (hyphens kept),
// outputs and the summary in the files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name, workflow commands on stdout, the
// exit code from runAction; GitHub is the loopback fake, reached through GITHUB_API_URL.
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { planBackfillMain } from "../src/actions/plan-backfill-main.ts";
import { reportMain } from "../src/actions/report-main.ts";
import { runActionInProcess } from "./support/run-action-in-process.ts";
import { SQL_CHECK_MARKER, validateMain } from "../src/actions/validate-main.ts";
import { FAILURE_MARKER } from "../src/github/failure-issue.ts";
import type { Diagnostic, ValidationReport } from "../src/validate/report.ts";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.ts";

const PROJECT_DIR = fileURLToPath(new URL("../sql", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/tsx/dist/esm/index.mjs", import.meta.url));
const NOW = new Date("2026-03-01T12:30:00Z");

let scratch: string;
// core.summary keeps the first GITHUB_STEP_SUMMARY it reads: one file for every test, emptied before each.
let summaryFile: string;
let runnerTemp: string;
let runs = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "actions-entries-"));
  summaryFile = join(scratch, "step-summary.md");
});
afterAll(() => rm(scratch, { recursive: true, force: true }));
beforeEach(async () => {
  runnerTemp = join(scratch, `runner-temp-${++runs}`);
  await mkdir(runnerTemp, { recursive: true });
  await writeFile(summaryFile, "");
  // Nothing of the machine's own environment may leak into a run.
  for (const name of ["GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_WORKSPACE", "GITHUB_TOKEN"])
    vi.stubEnv(name, undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

interface ActionRun {
  code: number | undefined;
  outputs: Record<string, string>;
  summary: string;
  stdout: string;
  /** The workflow commands of one kind (`error`, `warning`, `notice`), as `properties::message`. */
  commands(kind: string): string[];
}

async function run(
  name: string,
  main: () => Promise<void>,
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
): Promise<ActionRun> {
  const outputFile = join(scratch, `output-${runs}-${name}`);
  await writeFile(outputFile, "");
  vi.stubEnv("GITHUB_OUTPUT", outputFile);
  vi.stubEnv("GITHUB_STEP_SUMMARY", summaryFile);
  vi.stubEnv("RUNNER_TEMP", runnerTemp);
  for (const [input, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${input.toUpperCase()}`, value);
  const { code, stdout } = await runActionInProcess(name, main, env);
  const outputs: Record<string, string> = {};
  const text = await readFile(outputFile, "utf8");
  for (const m of text.matchAll(/^(.+?)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return {
    code,
    outputs,
    summary: await readFile(summaryFile, "utf8"),
    stdout,
    commands: (kind) =>
      stdout
        .split("\n")
        .filter((line) => line.startsWith(`::${kind}`))
        .map((line) => line.slice(`::${kind}`.length).replace(/^ /, "")),
  };
}

describe("plan-backfill", () => {
  const plan = (inputs: Record<string, string>) =>
    run("plan-backfill", () => planBackfillMain(() => NOW), inputs);

  it("outputs the matrix, the chunk count and max-parallel, and a table of the chunks", async () => {
    const result = await plan({
      start: "2026-02-10",
      end: "2026-02-24T05",
      "chunk-days": "7",
      "max-parallel": "3",
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.outputs.matrix!)).toEqual({
      include: [
        { start: "2026-02-10T00", end: "2026-02-16T23", name: "2026-02-10T00--2026-02-16T23" },
        { start: "2026-02-17T00", end: "2026-02-23T23", name: "2026-02-17T00--2026-02-23T23" },
        { start: "2026-02-24T00", end: "2026-02-24T05", name: "2026-02-24T00--2026-02-24T05" },
      ],
    });
    expect(result.outputs.chunks).toBe("3");
    expect(result.outputs["max-parallel"]).toBe("3");
    expect(result.summary).toContain("3 chunk(s), at most 3 at once");
    expect(result.summary).toContain("<td>2026-02-24T00--2026-02-24T05</td><td>2026-02-24T00</td>");
    expect(result.commands("notice")).toEqual([]);
  });

  it("reads the runner's hyphenated names: INPUT_CHUNK-DAYS, not INPUT_CHUNK_DAYS", async () => {
    const result = await plan({ start: "2026-02-01", end: "2026-02-04", "chunk-days": "2" });
    expect(result.outputs.chunks).toBe("2");
    vi.unstubAllEnvs();
    const underscored = await run("plan-backfill", () => planBackfillMain(() => NOW), {
      start: "2026-02-01",
      end: "2026-02-04",
      chunk_days: "2",
    });
    // chunk_days is not an input: the default 7 days makes one chunk.
    expect(underscored.outputs.chunks).toBe("1");
  });

  it("clamps an end past the last settled hour with a notice, and runs to it when no end is given", async () => {
    const clamped = await plan({ start: "2026-02-27", end: "2026-03-05" });
    expect(clamped.code).toBe(0);
    expect(clamped.commands("notice")).toEqual([
      expect.stringMatching(
        /^::input end 2026-03-05 is after the last hour Amplitude has settled: .*2026-03-01T09/,
      ),
    ]);
    expect(clamped.summary).toContain("input end 2026-03-05 is after the last hour");
    const open = await plan({ start: "2026-02-27", "settle-hours": "2" });
    expect(JSON.parse(open.outputs.matrix!).include.at(-1).end).toBe("2026-03-01T09");
    expect(open.outputs["max-parallel"]).toBe("4");
  });

  it("with no start and no end plans the scheduled run: one chunk with no dates, resuming from the watermark", async () => {
    const result = await plan({});
    expect(result.code).toBe(0);
    expect(JSON.parse(result.outputs.matrix!)).toEqual({ include: [{ start: "", end: "", name: "resume" }] });
    expect(result.outputs.chunks).toBe("1");
    expect(result.outputs["max-parallel"]).toBe("1");
    expect(result.commands("notice")).toEqual([
      "::no start and no end: one chunk that resumes from the watermark",
    ]);
    expect(result.summary).toContain("<td>resume</td><td>the watermark</td><td>the last settled hour</td>");
  });

  it.each([
    [{ start: "2026-02-01", "max-parallel": "5" }, "input max-parallel must be a whole number from 1 to 4"],
    [{ start: "2026-02-01", "chunk-days": "seven" }, 'input chunk-days: "seven" is not an integer'],
    [{ end: "2026-02-01" }, "input start is required for a backfill"],
    [{ start: "2026-02-05", end: "2026-02-01" }, "input end 2026-02-01 is before input start 2026-02-05"],
    [{ start: "2026-03-02" }, "input start 2026-03-02 is after the last hour Amplitude has settled"],
  ])("fails on %j naming the input, with no matrix", async (inputs, message) => {
    const result = await plan(inputs);
    expect(result.code).toBe(1);
    expect(result.commands("error")).toEqual([expect.stringContaining(`::${message}`)]);
    expect(result.outputs).toEqual({});
  });
});

describe("report", () => {
  let fake: FakeGitHub;
  let env: Record<string, string>;
  beforeEach(async () => {
    fake = await startFakeGitHub();
    env = {
      GITHUB_API_URL: fake.url,
      GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "4242",
    };
  });
  afterEach(() => fake.close());
  const RUN_URL = "https://github.com/acme/analytics/actions/runs/4242";

  const report = (inputs: Record<string, string>, more: Record<string, string | undefined> = {}) =>
    run(
      "report",
      () => reportMain(() => NOW),
      { "github-token": "ghs_report_token", ...inputs },
      {
        ...env,
        ...more,
      },
    );

  async function summaryCopy(step: string, text: string): Promise<void> {
    await mkdir(join(runnerTemp, "amplitude-pipeline"), { recursive: true });
    await writeFile(join(runnerTemp, "amplitude-pipeline", `summary-${step}.md`), text);
  }

  it("failure: opens the labelled issue with the step, the run and the summary copy the step left; masks the token", async () => {
    await summaryCopy("extract", "### Extract\n\n| window | events |\n|---|---|\n| 2026-02-28T00 | 0 |\n");
    const result = await report({ mode: "failure", step: "extract" });
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("::add-mask::ghs_report_token");
    expect(fake.requests.every((r) => r.authorization === "token ghs_report_token")).toBe(true);
    expect(fake.issues).toHaveLength(1);
    const issue = fake.issues[0]!;
    expect(issue.labels).toEqual(["pipeline-failure"]);
    expect(issue.body).toContain(FAILURE_MARKER);
    expect(issue.body).toContain(`Step \`extract\` failed in [this run](${RUN_URL})`);
    expect(issue.body).toContain("| 2026-02-28T00 | 0 |");
    expect(result.outputs.issue).toBe(String(issue.number));
    expect(result.summary).toContain(`step extract failed: failure issue #${issue.number} created`);

    const again = await report({ mode: "failure", step: "transform", label: "pipeline-failure" });
    expect(again.code).toBe(0);
    expect(fake.issues).toHaveLength(1);
    expect(again.outputs.issue).toBe(String(issue.number));
    expect(fake.comments.map((c) => c.body)).toEqual([expect.stringContaining("Step `transform` failed")]);
    // No copy for transform: the comment goes without a summary.
    expect(fake.comments[0]!.body).not.toContain("<details>");
  });

  it("failure: input summary-file wins over the copy; one that cannot be read is a warning, and the issue still opens", async () => {
    await summaryCopy("upload", "the copy");
    const given = join(scratch, `given-${runs}.md`);
    await writeFile(given, "the given summary");
    const result = await report({ mode: "failure", step: "upload", "summary-file": given });
    expect(fake.issues[0]!.body).toContain("the given summary");
    expect(fake.issues[0]!.body).not.toContain("the copy");
    expect(result.code).toBe(0);

    const missing = await report({
      mode: "failure",
      step: "upload",
      "summary-file": join(scratch, "nowhere.md"),
    });
    expect(missing.code).toBe(0);
    // The token is masked before the warning, or anything else, is logged.
    expect(missing.stdout.split("\n")[0]).toBe("::add-mask::ghs_report_token");
    expect(missing.commands("warning")).toEqual([
      expect.stringMatching(
        /^::input summary-file: .*nowhere\.md.*the issue goes without the step's summary$/,
      ),
    ]);
    expect(fake.comments).toHaveLength(1);
  });

  it("failure: a step name that is not a file name never reads outside RUNNER_TEMP", async () => {
    await writeFile(join(runnerTemp, "secret.md"), "outside");
    // Joined as it is, summary-/../../secret.md would be RUNNER_TEMP/secret.md.
    const result = await report({ mode: "failure", step: "/../../secret" });
    expect(result.code).toBe(0);
    expect(fake.issues[0]!.body).not.toContain("outside");
  });

  it("success: comments recovered and closes the open issue; with none open, outputs an empty issue", async () => {
    const none = await report({ mode: "success" });
    expect(none.code).toBe(0);
    expect(none.outputs.issue).toBe("");
    expect(fake.writes()).toEqual([]);
    expect(none.summary).toContain("no open failure issue: nothing to close");

    const open = fake.addIssue({ title: "failing", body: FAILURE_MARKER, labels: ["pipeline-failure"] });
    const result = await report({ mode: "success" });
    expect(result.code).toBe(0);
    expect(result.outputs.issue).toBe(String(open.number));
    expect(open.state).toBe("closed");
    expect(fake.comments[0]!.body).toContain(`Recovered in [run](${RUN_URL})`);
  });

  it("watchdog: opens the issue when the workflow has not succeeded for stale-hours, and not while it is fresh", async () => {
    const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString();
    fake.runs.push({
      id: 9,
      workflow: "pipeline.yml",
      status: "completed",
      conclusion: "success",
      created_at: at(5),
      updated_at: at(5),
    });
    const fresh = await report({ mode: "watchdog", "stale-hours": "6" });
    expect(fresh.code).toBe(0);
    expect(fresh.outputs.issue).toBe("");
    expect(fake.issues).toEqual([]);
    expect(fresh.summary).toContain("pipeline.yml last succeeded 5 h ago");

    const stale = await report({ mode: "watchdog", "stale-hours": "4", workflow: "pipeline.yml" });
    expect(stale.code).toBe(0);
    expect(fake.issues).toHaveLength(1);
    expect(stale.outputs.issue).toBe(String(fake.issues[0]!.number));
    expect(fake.issues[0]!.body).toContain("pipeline.yml has not succeeded for 5 h");
  });

  it("failure answered 403: fails naming the original failure, GitHub's answer and permissions: issues: write", async () => {
    fake.failWith("GET", /\/issues$/, 403);
    const result = await report({ mode: "failure", step: "extract" });
    expect(result.code).toBe(1);
    const [error, ...more] = result.commands("error");
    expect(more).toEqual([]);
    expect(error).toMatch(
      /^::report failed: GitHub answered 403 to list the open issues labelled pipeline-failure: Resource not accessible by integration/,
    );
    expect(error).toContain(
      `; give the job \`permissions: issues: write\`. The failure of step extract in ${RUN_URL} is not recorded in the failure issue.`,
    );
    expect(result.outputs).toEqual({});
  });

  it("watchdog answered 403 names actions: read too; a 500 fails without a permissions remedy", async () => {
    fake.failWith("GET", /\/actions\/workflows\//, 403, { times: 1 });
    const watch = await report({ mode: "watchdog" });
    expect(watch.code).toBe(1);
    expect(watch.commands("error")).toEqual([
      expect.stringMatching(
        /GitHub answered 403 .*issues: write and actions: read`\. The watchdog did not check the workflow/,
      ),
    ]);

    const missing = await report({ mode: "watchdog", workflow: "pipline.yml" });
    expect(missing.code).toBe(1);
    expect(missing.commands("error")).toEqual([
      expect.stringMatching(
        /GitHub answered 404 .*check input workflow: pipline\.yml must be a file in \.github\/workflows\. /,
      ),
    ]);

    fake.failWith("POST", /\/issues$/, 500);
    const failed = await report({ mode: "failure", step: "load" });
    expect(failed.code).toBe(1);
    const [error] = failed.commands("error");
    expect(error).toContain("GitHub answered 500 to open the failure issue");
    expect(error).not.toContain("permissions:");
  });

  it.each([
    [{ mode: "sometimes" }, {}, 'input mode: "sometimes" is not a mode: use failure, success, watchdog'],
    [{}, {}, "input mode is required"],
    [{ mode: "failure" }, {}, "input step is required"],
    [{ mode: "failure", step: "extract", "github-token": "" }, {}, "input github-token is empty"],
    [{ mode: "success" }, { GITHUB_RUN_ID: undefined }, "GITHUB_RUN_ID is not set"],
    [{ mode: "watchdog", "stale-hours": "0" }, {}, "input stale-hours: 0 is not a number of hours"],
    [{ mode: "success" }, { GITHUB_REPOSITORY: undefined }, "GITHUB_REPOSITORY is not set"],
  ])("refuses %j %j before calling GitHub", async (inputs, more, message) => {
    const result = await report(inputs, more);
    expect(result.code).toBe(1);
    expect(result.commands("error")).toEqual([expect.stringContaining(`::${message}`)]);
    expect(fake.requests).toEqual([]);
  });
});

describe("validate", () => {
  let fake: FakeGitHub;
  let workspace: string;
  let pr: number;
  let env: Record<string, string>;
  beforeEach(async () => {
    fake = await startFakeGitHub();
    pr = fake.addIssue({
      title: "Change a model",
      pull_request: { url: "https://example.invalid/pr" },
    }).number;
    workspace = await mkdtemp(join(scratch, "workspace-"));
    const eventPath = join(workspace, "event.json");
    await writeFile(eventPath, JSON.stringify({ action: "synchronize", pull_request: { number: pr } }));
    env = {
      GITHUB_API_URL: fake.url,
      GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
      GITHUB_RUN_ID: "99",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKSPACE: workspace,
    };
  });
  afterEach(() => fake.close());

  function canned(diagnostics: Diagnostic[]): ValidationReport {
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const failing = new Set(diagnostics.filter((d) => d.severity === "error").map((d) => d.check));
    return {
      project: "sql",
      diagnostics,
      checks: (["compile", "execute", "tests", "polyglot", "sqlfluff"] as const).map((check) => ({
        check,
        passed: 3,
        failed: failing.has(check) ? 1 : 0,
        warnings: 0,
        skipped: 0,
        seconds: 0.5,
      })),
      figures: {
        models: 11,
        statements: 150,
        errors,
        warnings: diagnostics.filter((d) => d.severity === "warning").length,
        seconds: 2,
      },
      failed: errors > 0,
    };
  }

  const validate = (
    report: ValidationReport | undefined,
    inputs: Record<string, string> = {},
    more: Record<string, string | undefined> = {},
  ) =>
    run(
      "validate",
      () => validateMain(report ? { validate: async () => report } : {}),
      { "github-token": "ghs_pr_token", comment: "true", ...inputs },
      { ...env, ...more },
    );

  it("on a model that does not compile: annotates the line, comments on the pull request, outputs failed and exits 1", async () => {
    await cp(PROJECT_DIR, join(workspace, "sql"), { recursive: true });
    const model = join(workspace, "sql/models/core/events.sql");
    await writeFile(
      model,
      (await readFile(model, "utf8")).replace("ref('stg_amplitude__events')", "ref('stg_amplitude__eventz')"),
    );
    // No sqlfluff on this PATH: the run stays quick.
    const result = await validate(undefined, {}, { PATH: "/nonexistent" });
    expect(result.code).toBe(1);
    expect(result.commands("error")).toContainEqual(
      "title=compile,file=sql/models/core/events.sql,line=5,endLine=5::ref('stg_amplitude__eventz') names no model (duckdb, snowflake)",
    );
    expect(result.commands("error").at(-1)).toMatch(/^::validate failed: \d check\(s\) failed \(compile[,)]/);
    const results = JSON.parse(
      await readFile(join(workspace, "target/validate_results.json"), "utf8"),
    ) as ValidationReport;
    expect(result.outputs.failed).toBe(String(results.checks.filter((c) => c.failed > 0).length));
    expect(Number(result.outputs.failed)).toBeGreaterThanOrEqual(1);
    expect(result.summary).toMatch(/❌ SQL check: \d+ error\(s\)/);
    expect(result.summary).toContain(
      "<td><strong>error</strong></td><td>compile</td><td><code>sql/models/core/events.sql:5</code></td>",
    );
    expect(fake.comments).toHaveLength(1);
    const comment = fake.comments[0]!;
    expect(comment.issue_number).toBe(pr);
    expect(comment.body.startsWith(SQL_CHECK_MARKER)).toBe(true);
    expect(comment.body).toContain("### SQL check failed");
    expect(comment.body).toContain(
      "sql/models/core/events.sql:5: **error** (compile): ref(&#39;stg_amplitude__eventz&#39;)",
    );
    expect(comment.body).toContain("[The run](https://github.com/acme/analytics/actions/runs/99)");
    expect(result.stdout).toContain("::add-mask::ghs_pr_token");
  });

  it("annotates at most 10 errors, 10 warnings and 10 notes, located ones first; the summary lists them all, escaped", async () => {
    const diagnostics: Diagnostic[] = [
      { check: "polyglot", severity: "error", message: "unlocated <b>|bold|</b>" },
      ...Array.from({ length: 24 }, (_, i): Diagnostic => ({
        check: "compile",
        severity: "error",
        file: `sql/models/m${i}.sql`,
        line: i + 1,
        message: `error ${i}`,
      })),
      ...Array.from({ length: 12 }, (_, i): Diagnostic => ({
        check: "tests",
        severity: "warning",
        file: `sql/tests/t${i}.sql`,
        message: `warning ${i}`,
      })),
      { check: "sqlfluff", severity: "note", message: "sqlfluff is not installed" },
    ];
    const result = await validate(canned(diagnostics));
    expect(result.code).toBe(1);
    const errors = result.commands("error");
    // Ten annotations and the step's own failure.
    expect(errors).toHaveLength(11);
    expect(errors[0]).toBe("title=compile,file=sql/models/m0.sql,line=1,endLine=1::error 0");
    expect(errors.some((e) => e.includes("unlocated"))).toBe(false);
    expect(result.commands("warning")).toHaveLength(10);
    expect(result.commands("warning")[0]).toBe("title=tests,file=sql/tests/t0.sql::warning 0");
    expect(result.commands("notice")).toEqual(["title=sqlfluff::sqlfluff is not installed"]);
    expect(result.outputs.failed).toBe("2");
    expect(result.summary).toContain("<td><code>sql/models/m23.sql:24</code></td>");
    expect(result.summary).toContain("<td><code>sql/tests/t11.sql</code></td>");
    expect(result.summary).toContain("unlocated &lt;b&gt;&#124;bold&#124;&lt;/b&gt;");
    expect(result.summary).not.toContain("<b>");
    const body = fake.comments[0]!.body;
    expect(body).toContain("Findings (38)");
    expect(body.split("\n").filter((l) => l.startsWith("- "))).toHaveLength(38);
    expect(body).toContain("unlocated &lt;b&gt;&#124;bold&#124;&lt;/b&gt;");
    expect(body).not.toContain("<b>");
  });

  it("the comment lists errors first, at most 50 findings, and says how many more the summary has", async () => {
    const diagnostics: Diagnostic[] = [
      { check: "sqlfluff", severity: "note", message: "a note" },
      { check: "tests", severity: "warning", file: "sql/tests/w.sql", message: "a warning" },
      ...Array.from({ length: 58 }, (_, i): Diagnostic => ({
        check: "compile",
        severity: "error",
        message: `error ${i}`,
      })),
    ];
    const result = await validate(canned(diagnostics));
    expect(result.code).toBe(1);
    const items = fake.comments[0]!.body.split("\n").filter((l) => l.startsWith("- "));
    expect(items).toHaveLength(51);
    expect(items[0]).toBe("- **error** (compile): error 0");
    expect(items[49]).toBe("- **error** (compile): error 49");
    expect(items[50]).toBe("- … and 10 more in the job summary");
    expect(result.summary).toContain("a note");
  });

  it("updates its one comment on the next push, and passes with output failed 0", async () => {
    fake.addComment(pr, "a reviewer's comment");
    const old = fake.addComment(pr, `${SQL_CHECK_MARKER}\n### SQL check failed`);
    const result = await validate(canned([]));
    expect(result.code).toBe(0);
    expect(result.outputs.failed).toBe("0");
    expect(fake.comments).toHaveLength(2);
    expect(old.body).toContain("### SQL check passed");
    expect(result.stdout).toMatch(
      /PR comment updated: https:\/\/github\.com\/acme\/analytics\/issues\/\d+#issuecomment-/,
    );
    expect(result.summary).toContain("✅ SQL check: 0 error(s), 0 warning(s)");
  });

  it("a read-only token (403, a fork's pull request) is a notice, not a failure", async () => {
    fake.failWith("GET", /\/comments$/, 403);
    const passing = await validate(canned([]));
    expect(passing.code).toBe(0);
    expect(passing.commands("notice")).toEqual([
      expect.stringMatching(/^::no PR comment: GitHub answered 403 .*read-only token/),
    ]);
    expect(passing.commands("error")).toEqual([]);
    expect(passing.commands("warning")).toEqual([]);
    expect(passing.outputs.failed).toBe("0");
    // A failing check still fails, for its own reason.
    const failing = await validate(canned([{ check: "compile", severity: "error", message: "bad" }]));
    expect(failing.code).toBe(1);
    expect(failing.commands("error").at(-1)).toMatch(/^::validate failed: 1 check\(s\) failed \(compile\)/);
    expect(fake.comments).toEqual([]);
  });

  it("another GitHub failure writing the comment is a warning; the verdict stays the SQL's", async () => {
    fake.failWith("POST", /\/comments$/, 500);
    const result = await validate(canned([]));
    expect(result.code).toBe(0);
    expect(result.commands("warning")).toEqual([
      expect.stringMatching(/^::the PR comment was not written: GitHub answered 500 to comment on #\d+/),
    ]);
  });

  it("comments only on pull_request events, only when input comment is true, only with a token", async () => {
    const push = await validate(canned([]), {}, { GITHUB_EVENT_NAME: "push" });
    expect(push.code).toBe(0);
    expect(push.stdout).toContain("not a pull_request event: no PR comment");
    const off = await validate(canned([]), { comment: "false" });
    expect(off.code).toBe(0);
    const tokenless = await validate(canned([]), { "github-token": "" });
    expect(tokenless.code).toBe(0);
    expect(tokenless.commands("notice")).toEqual([expect.stringContaining("::input github-token is empty")]);
    expect(fake.requests).toEqual([]);
    const bad = await validate(canned([]), { comment: "perhaps" });
    expect(bad.code).toBe(1);
    expect(bad.commands("error")).toEqual(['::input comment: "perhaps" is not true or false']);
  });

  it("compares the compiled models with the base commit (HEAD^1): the comment and the summary show the changed model's diff", async () => {
    const git = (...args: string[]) => {
      const result = spawnSync("git", args, {
        cwd: workspace,
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@example.invalid",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@example.invalid",
        },
      });
      expect(result.status, result.stderr).toBe(0);
    };
    await cp(PROJECT_DIR, join(workspace, "sql"), { recursive: true });
    git("init", "-q");
    git("add", "sql");
    git("commit", "-q", "-m", "the base branch");
    const model = join(workspace, "sql/models/core/events.sql");
    await writeFile(
      model,
      (await readFile(model, "utf8")).replace(
        "select * from {{ ref('stg_amplitude__events') }}",
        "select * from {{ ref('stg_amplitude__events') }} -- <b>the PR's edit</b>",
      ),
    );
    // The merge commit actions/checkout checks out: its first parent is the base branch's tip.
    git("commit", "-q", "-am", "Merge the pull request into the base");
    const result = await validate(canned([]));
    expect(result.code).toBe(0);
    const body = fake.comments[0]!.body;
    expect(body).toContain("### SQL check passed");
    expect(body).toContain("| compile | 3 | 0 | 0 | 0 |  |");
    expect(body).toContain("#### Compiled model changes");
    expect(body).toMatch(
      /snowflake SQL against the base, HEAD\^1 \([0-9a-f]{12}\): 1 changed, \d+ unchanged\./,
    );
    expect(body).toContain("| model | change |\n|---|---|\n| events | changed |");
    expect(body).toContain(
      "<details><summary>events</summary>\n\n```diff\n--- a/models/core/events.sql\n+++ b/models/core/events.sql\n@@ -",
    );
    expect(body).toMatch(/^\+\s*select \* from \S+ -- <b>the PR's edit<\/b>$/m);
    expect(body.indexOf("#### Compiled model changes")).toBeLessThan(body.indexOf("[The run]"));
    expect(result.summary).toContain("<h3>Compiled model changes</h3>");
    expect(result.summary).toContain(
      "<td>events</td><td><code>models/core/events.sql</code></td><td>changed</td>",
    );
    expect(result.summary).toContain("-- &lt;b&gt;the PR&#39;s edit&lt;/b&gt;");
    expect(result.summary).not.toContain("<b>");
  });

  it("without git history the comment says the changes could not be compared, and validate still passes", async () => {
    await cp(PROJECT_DIR, join(workspace, "sql"), { recursive: true });
    const result = await validate(canned([]));
    expect(result.code).toBe(0);
    expect(result.commands("warning")).toEqual([]);
    const body = fake.comments[0]!.body;
    expect(body).toContain("### SQL check passed");
    expect(body).toMatch(
      /#### Compiled model changes\n\nThe compiled models could not be compared: not compared with the base: no git repository/,
    );
    expect(result.summary).toContain(
      "The compiled models could not be compared: not compared with the base: no git repository",
    );
    // A shallow clone of depth 1: HEAD has no parent.
    const git = (...args: string[]) =>
      expect(
        spawnSync("git", args, {
          cwd: workspace,
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: "t",
            GIT_AUTHOR_EMAIL: "t@e.invalid",
            GIT_COMMITTER_NAME: "t",
            GIT_COMMITTER_EMAIL: "t@e.invalid",
          },
        }).status,
      ).toBe(0);
    git("init", "-q");
    git("add", "sql");
    git("commit", "-q", "-m", "one commit");
    const shallow = await validate(canned([]));
    expect(shallow.code).toBe(0);
    expect(fake.comments[0]!.body).toContain(
      "HEAD has no parent commit here (a shallow clone of depth 1? actions/checkout needs fetch-depth: 2)",
    );
  });

  it("fails with the configuration error when the project folder is not a model project", async () => {
    const result = await validate(undefined, { project: "nowhere" }, { PATH: "/nonexistent" });
    expect(result.code).toBe(1);
    expect(result.commands("error")).toEqual([
      expect.stringMatching(/^::there is no model folder at .*nowhere/),
    ]);
    expect(result.outputs).toEqual({});
  });
});

describe("the entry files, run as the runner runs them (from source, in a process of their own)", () => {
  async function runEntry(
    name: string,
    inputs: Record<string, string>,
    env: Record<string, string> = {},
  ): Promise<{ code: number | null; stdout: string; outputs: string; summary: string }> {
    const dir = await mkdtemp(join(scratch, `entry-${name}-`));
    const files = { GITHUB_OUTPUT: join(dir, "output"), GITHUB_STEP_SUMMARY: join(dir, "summary") };
    await Promise.all(Object.values(files).map((file) => writeFile(file, "")));
    const entry = fileURLToPath(new URL(`../src/actions/${name}.ts`, import.meta.url));
    const child = spawn(process.execPath, ["--import", TSX, entry], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RUNNER_TEMP: dir,
        ...files,
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
        ...env,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    return {
      code,
      stdout,
      outputs: await readFile(files.GITHUB_OUTPUT, "utf8"),
      summary: await readFile(files.GITHUB_STEP_SUMMARY, "utf8"),
    };
  }

  it("plan-backfill: exits 0 with the matrix in GITHUB_OUTPUT and the table in GITHUB_STEP_SUMMARY", async () => {
    const result = await runEntry("plan-backfill", {
      start: "2020-01-01",
      end: "2020-01-10",
      "chunk-days": "5",
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toContain(
      '{"include":[{"start":"2020-01-01T00","end":"2020-01-05T23","name":"2020-01-01T00--2020-01-05T23"},' +
        '{"start":"2020-01-06T00","end":"2020-01-10T23","name":"2020-01-06T00--2020-01-10T23"}]}',
    );
    expect(result.summary).toContain("2 chunk(s), at most 4 at once");
  });

  it("report: exits 0 after opening the issue, its keep-alive socket notwithstanding", async () => {
    const fake = await startFakeGitHub();
    try {
      const result = await runEntry(
        "report",
        { mode: "failure", step: "extract", "github-token": "ghs_entry" },
        { GITHUB_API_URL: fake.url, GITHUB_REPOSITORY: "acme/analytics", GITHUB_RUN_ID: "5" },
      );
      expect(result.code).toBe(0);
      expect(fake.issues).toHaveLength(1);
      expect(result.outputs).toMatch(/^issue<<ghadelimiter_[\w-]+\n1\n/);
    } finally {
      await fake.close();
    }
  });

  it("validate: exits 1 with the configuration error when the project is not there", async () => {
    const result = await runEntry("validate", { project: "nowhere", comment: "false" });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error::there is no model folder at .*nowhere/m);
  });
});
