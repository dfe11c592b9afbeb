import * as core from "@actions/core";
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseHour } from "../src/amplitude/hours.ts";
import { ConfigurationError, ExternalServiceError, SqlExecutionError } from "../src/errors.ts";
import type { ExtractSummary } from "../src/amplitude/extract.ts";
import type { AnnotatedDiagnostic } from "../src/github/annotations.ts";
import { escapeHtml } from "../src/github/html.ts";
import type { UploadReporter } from "../src/lake/upload.ts";
import type { TransformResult } from "../src/models/runner.ts";
import type { UploadStepResult } from "../src/pipeline/upload.ts";
import type { GraphRunResult } from "../src/snowflake/graph-run.ts";
import type { ProvisionPlan } from "../src/snowflake/provision.ts";
import type { Diagnostic, ValidationReport } from "../src/validate/report.ts";
import {
  addErrorToSummary,
  addExtractToSummary,
  addProvisionToSummary,
  addTransformToSummary,
  addUnannotatedToSummary,
  addUploadToSummary,
  addValidateToSummary,
  saveSummaryCopy,
  SUMMARY_LIMIT_BYTES,
  type ExtractSummaryInput,
  type ExtractWindowInput,
  type ProvisionPlanInput,
  type TransformSummaryInput,
  type UploadSummaryInput,
  type UploadWindowInput,
  type ValidateSummaryInput,
} from "../src/github/summary.ts";

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "summary-"));
  file = join(dir, "step-summary.md");
  await writeFile(file, "");
  // core.summary reads the variable once and keeps the path: one file for the whole suite, emptied per test.
  process.env.GITHUB_STEP_SUMMARY = file;
});

afterAll(async () => {
  delete process.env.GITHUB_STEP_SUMMARY;
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  core.summary.emptyBuffer();
  await writeFile(file, "");
});

async function written(): Promise<string> {
  await core.summary.write();
  return readFile(file, "utf8");
}

const hour = (text: string) => parseHour(text, "start");

function exported(start: string, end: string, events: number): ExtractWindowInput {
  return {
    status: "exported",
    window: { start: hour(start), end: hour(end) },
    files: 2,
    events,
    bytes: events * 400,
    rejected: 1,
    attempts: 1,
  };
}

const HOSTILE = `<script>alert("x")</script> a|b & c`;

describe("addExtractToSummary", () => {
  it("shows the figures, the watermark, the artifact, the failed hours and one row per window", async () => {
    addExtractToSummary(
      core.summary,
      {
        windows: 2,
        files: 4,
        events: 3500,
        bytes: 1_400_000,
        rejected: 2,
        outcomes: [
          exported("2026-11-29T00", "2026-11-29T23", 1500),
          {
            status: "empty",
            window: { start: hour("2026-11-30T00"), end: hour("2026-11-30T00") },
            attempts: 1,
          },
          {
            status: "failed",
            window: { start: hour("2026-11-30T01"), end: hour("2026-11-30T02") },
            attempts: 5,
            error: "HTTP 504 from Amplitude",
          },
        ],
        failedHours: ["2026-11-30T01", "2026-11-30T02"],
        watermark: "2026-11-30T00",
      },
      { artifact: "exports-2026-11-29T00" },
    );
    const text = await written();
    expect(text).toContain("<h2>❌ Extract: 2 window(s), 1 failed</h2>");
    expect(text).toContain("<strong>3,500</strong> events");
    expect(text).toContain("<strong>1.4 MB</strong> downloaded");
    expect(text).toContain("<strong>2</strong> rejected lines");
    expect(text).toContain("Watermark: <code>2026-11-30T00</code>");
    expect(text).toContain("Backup artifact: <code>exports-2026-11-29T00</code>");
    expect(text).toContain("<code>2026-11-30T01</code>, <code>2026-11-30T02</code>");
    expect(text).toContain(
      "<tr><th>window</th><th>outcome</th><th>events</th><th>files</th><th>bytes</th><th>rejected lines</th></tr>",
    );
    expect(text).toContain(
      "<tr><td>2026-11-29T00 – 2026-11-29T23</td><td>exported</td><td>1,500</td><td>2</td><td>600.0 KB</td><td>1</td></tr>",
    );
    expect(text).toContain("<tr><td>2026-11-30T00</td><td>empty</td><td>–</td>");
    expect(text).toContain("<strong>failed</strong>: HTTP 504 from Amplitude");
  });

  it("is green with no failed window and says when there is no watermark yet", async () => {
    addExtractToSummary(core.summary, { outcomes: [exported("2026-11-29T00", "2026-11-29T00", 7)] });
    const text = await written();
    expect(text).toContain("<h2>✅ Extract: 1 window(s)</h2>");
    expect(text).toContain("Watermark: none yet");
    expect(text).not.toContain("artifact");
    expect(text).not.toContain("Actions cache");
  });

  it("says how many windows came back from the Actions cache instead of Amplitude", async () => {
    addExtractToSummary(core.summary, {
      outcomes: [exported("2026-11-29T00", "2026-11-29T00", 7)],
      restored: 3,
      watermark: "2026-11-29T01",
    });
    const text = await written();
    expect(text).toContain("3 window(s) restored from the Actions cache, not downloaded again.");
    expect(text).toContain("Watermark: <code>2026-11-29T01</code> (the first hour not exported yet");
  });

  it("after a failure: totals from the windows that finished, then the error and who can fix it", async () => {
    addExtractToSummary(
      core.summary,
      {
        outcomes: [
          exported("2026-11-29T00", "2026-11-29T00", 10),
          exported("2026-11-29T01", "2026-11-29T01", 5),
        ],
      },
      {
        artifact: "exports-a",
        error: new ExternalServiceError("Amplitude", "429 <too many> requests", {
          status: 429,
          retryable: true,
        }),
      },
    );
    const text = await written();
    expect(text).toContain("<h2>❌ Extract: 2 window(s)</h2>");
    expect(text).toContain("<strong>15</strong> events");
    expect(text).toContain("<strong>4</strong> files");
    expect(text).toContain("<h3>extract failed</h3><p>429 &lt;too many&gt; requests</p>");
    expect(text).toContain("<li>service: Amplitude</li><li>status: 429</li><li>retryable: yes</li>");
  });
});

describe("escaping", () => {
  it("escapes every value taken from data, in every builder", async () => {
    addExtractToSummary(
      core.summary,
      {
        outcomes: [
          {
            status: "failed",
            window: { start: hour("2026-11-30T01"), end: hour("2026-11-30T01") },
            attempts: 1,
            error: HOSTILE,
          },
        ],
      },
      { artifact: HOSTILE },
    );
    addTransformToSummary(core.summary, {
      target: "duckdb",
      models: [
        { name: HOSTILE, materialized: "table", status: "error", rows: null, seconds: 1, message: HOSTILE },
      ],
      tests: [{ name: HOSTILE, severity: "error", status: "fail", failures: 3, message: HOSTILE }],
    });
    addValidateToSummary(core.summary, {
      checks: [{ check: "compile", passed: 0, failed: 1, warnings: 0, skipped: 0, note: HOSTILE }],
      diagnostics: [{ severity: "error", check: "compile", file: "sql/<x>.sql", line: 3, message: HOSTILE }],
    });
    addProvisionToSummary(core.summary, {
      changes: [{ object: { kind: "table", name: HOSTILE }, action: "alter", detail: HOSTILE }],
      refusals: [{ object: { kind: "pipe", name: HOSTILE }, reason: HOSTILE, remedy: HOSTILE }],
    });
    addUploadToSummary(
      core.summary,
      {
        summary: { files: 0, bytes: 0, skipped: 0, failures: [{ key: HOSTILE, error: HOSTILE }] },
        lakeUrl: HOSTILE,
      },
      { windows: [{ window: HOSTILE, outcome: "failed", files: 0, skipped: 0, failed: 1, bytes: 0 }] },
    );
    addErrorToSummary(
      core.summary,
      "transform",
      new Error(`${HOSTILE}\n\n# not a heading\n| not | a table |`),
    );
    const text = await written();
    expect(text).not.toContain("<script>");
    expect(text).not.toContain("a|b");
    expect(text).not.toContain(" & c");
    expect(text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; a&#124;b &amp; c");
    expect(text).toContain("sql/&lt;x&gt;.sql:3");
    // A blank line would end the HTML block and let the rest be read as markdown.
    expect(text).not.toMatch(/\n\s*\n/);
    expect(text).toContain("<br><br># not a heading<br>&#124; not &#124; a table &#124;");
    expect(text.match(/&lt;script&gt;/g)!.length).toBeGreaterThanOrEqual(15);
  });

  it("escapeHtml turns quotes, ampersands, angle brackets, pipes and line breaks into entities", () => {
    expect(escapeHtml(`'"&<>|\r\n`)).toBe("&#39;&quot;&amp;&lt;&gt;&#124;<br>");
    expect(escapeHtml(undefined)).toBe("");
  });

  it("cuts a very long value and says the log holds the rest", async () => {
    addErrorToSummary(core.summary, "load", new Error("x".repeat(5000)));
    const text = await written();
    expect(text).toContain(`${"x".repeat(2000)}… <em>(3000 more characters in the log)</em>`);
    expect(text).not.toContain("x".repeat(2001));
  });
});

function bigValidation(n: number): ValidateSummaryInput {
  return {
    checks: [{ check: "polyglot", passed: 1, failed: n, warnings: 0, skipped: 0, seconds: 2 }],
    diagnostics: Array.from({ length: n }, (_, i) => ({
      severity: "error",
      check: "polyglot",
      file: `sql/models/core/model_${i}.sql`,
      line: i + 1,
      message: `unknown column ${"c".repeat(900)} <${i}>`,
    })),
  };
}

describe("the 900 KiB cap", () => {
  it("shows the rows that fit, says how many were cut and where the rest is, and stays under the cap", async () => {
    addValidateToSummary(core.summary, bigValidation(3000), { maxRows: 100_000 });
    const text = await written();
    const size = (await stat(file)).size;
    expect(size).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(size).toBeGreaterThan(800 * 1024);
    const shown = text.match(/<tr><td><strong>error<\/strong>/g)!.length;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(3000);
    expect(text).toContain(
      `✂ Showing the first ${shown.toLocaleString("en-US")} of 3,000 diagnostics; every row is in the step’s log.`,
    );
    expect(text.trimEnd().endsWith("</em></p>")).toBe(true);
  });

  it("cuts a later step's whole tables when the summary is full, keeping its heading, and says so", async () => {
    addValidateToSummary(core.summary, bigValidation(3000), { maxRows: 100_000 });
    const before = Buffer.byteLength(core.summary.stringify());
    addTransformToSummary(
      core.summary,
      {
        target: "duckdb",
        models: [
          { name: "core.events", materialized: "incremental", status: "success", rows: 5, seconds: 1 },
        ],
        tests: [{ name: "not_null_events_id", severity: "error", status: "pass", failures: 0 }],
      },
      // As if an earlier write had left the file nearly full: no table of this step fits any more.
      { fullResults: "target/run_results.json", writtenBytes: SUMMARY_LIMIT_BYTES - before - 4096 },
    );
    const text = await written();
    expect((await stat(file)).size).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(text).toContain("<h2>✅ Transform (duckdb)</h2>");
    expect(text).toContain(
      "✂ The models table (1 row) was left out to keep this summary under GitHub’s 1 MiB limit; " +
        "the full figures are in target/run_results.json.",
    );
    expect(text).toContain("✂ The data tests table (1 row) was left out");
    expect(text).not.toContain("<td>core.events</td>");
  });

  it("counts what an earlier write left in the step's summary file", async () => {
    await writeFile(file, "x".repeat(895 * 1024));
    addExtractToSummary(core.summary, {
      outcomes: Array.from({ length: 10 }, (_, i) =>
        exported(`2026-11-29T${String(i).padStart(2, "0")}`, `2026-11-29T${String(i).padStart(2, "0")}`, i),
      ),
    });
    await core.summary.write();
    const text = await readFile(file, "utf8");
    expect(text.length).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(text).toContain("<h2>✅ Extract: 10 window(s)</h2>");
    expect(text).toContain("✂ The windows table (10 rows) was left out");
    expect(text).not.toContain("<table>");
  });

  it("at the hard limit even the heading gives way to the line saying so, and past it nothing is added", async () => {
    const result = { outcomes: [exported("2026-11-29T00", "2026-11-29T00", 1)] };
    addExtractToSummary(core.summary, result, { writtenBytes: SUMMARY_LIMIT_BYTES - 600 });
    const text = core.summary.stringify();
    expect(text).not.toContain("<h2>");
    expect(text).toContain(
      "<p><em>✂ The step’s heading was left out to keep this summary under GitHub’s 1 MiB limit; " +
        "the full figures are in the step’s log.</em></p>",
    );
    expect(text).toContain("✂ The windows table (1 row) was left out");
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(600);
    core.summary.emptyBuffer();
    addExtractToSummary(core.summary, result, { writtenBytes: SUMMARY_LIMIT_BYTES - 10 });
    expect(core.summary.isEmptyBuffer()).toBe(true);
  });

  it("shows at most maxRows rows of a table however small they are", async () => {
    const outcomes = Array.from({ length: 40 }, (_, i) => exported("2026-11-29T00", "2026-11-29T00", i));
    addExtractToSummary(core.summary, { outcomes }, { maxRows: 25, artifact: "exports-1" });
    const text = await written();
    expect(text.match(/<td>exported<\/td>/g)).toHaveLength(25);
    expect(text).toContain(
      "✂ Showing the first 25 of 40 windows (a table shows at most 25); every row is in the step’s log and the artifact exports-1.",
    );
  });

  it("a huge extract run: 20,000 windows stay in a readable table and the file far under the cap", async () => {
    const outcomes = Array.from({ length: 20_000 }, (_, i) => ({
      status: "failed" as const,
      window: { start: hour("2024-01-01T00") + i, end: hour("2024-01-01T00") + i },
      attempts: 5,
      error: "e".repeat(1000),
    }));
    addExtractToSummary(core.summary, {
      outcomes,
      failedHours: outcomes.map((o) => String(o.window.start)),
    });
    const text = await written();
    expect((await stat(file)).size).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(text).toContain("… and 19,900 more");
    expect(text).toContain("Showing the first 500 of 20,000 windows (a table shows at most 500)");
  });
});

describe("addUploadToSummary", () => {
  it("shows files, bytes, skipped, failures and one line per window", async () => {
    addUploadToSummary(
      core.summary,
      {
        summary: {
          files: 3,
          bytes: 2_500_000,
          skipped: 7,
          windows: 2,
          deliveries: 1,
          failures: [{ key: "amplitude/events/a.json.gz", error: "503 SlowDown" }],
        },
        lakeUrl: "s3://bucket/prefix",
        durationMs: 1500,
      },
      {
        windows: [
          {
            window: "2026-11-29T00_2026-11-29T23",
            delivery: "d1",
            outcome: "uploaded",
            files: 3,
            skipped: 0,
            failed: 0,
            bytes: 2_500_000,
          },
          {
            window: "2026-11-30T00_2026-11-30T23",
            outcome: "failed",
            files: 0,
            skipped: 7,
            failed: 1,
            bytes: 0,
          },
        ],
      },
    );
    const text = await written();
    expect(text).toContain("<h2>❌ Upload to s3://bucket/prefix</h2>");
    expect(text).toContain(
      "<strong>3</strong> files uploaded · <strong>2.5 MB</strong> uploaded · <strong>7</strong> files already in the lake",
    );
    expect(text).toContain("<strong>1.5 s</strong> taken");
    expect(text).toContain("<tr><td>amplitude/events/a.json.gz</td><td>503 SlowDown</td></tr>");
    expect(text).toContain(
      "<tr><td>2026-11-29T00_2026-11-29T23</td><td>d1</td><td>uploaded</td><td>3</td><td>0</td><td>0</td><td>2.5 MB</td></tr>",
    );
    expect(text).toContain("<td>–</td><td><strong>failed</strong></td>");
  });

  it("with no result (the lake never opened) shows the error alone", async () => {
    addUploadToSummary(core.summary, undefined, { error: new ConfigurationError("input lake is required") });
    const text = await written();
    expect(text).toContain("<h2>❌ Upload</h2>");
    expect(text).toContain("<h3>upload failed</h3><p>input lake is required</p>");
    expect(text).toContain("a setting or input to fix");
    expect(text).not.toContain("<table>");
  });
});

describe("addProvisionToSummary", () => {
  const plan = {
    changes: [
      {
        object: { kind: "table", name: "raw.events" },
        action: "alter",
        detail: "1 new column(s): insert_id",
      },
      { object: { kind: "view", name: "marts.page_paths" }, action: "replace", detail: "definition changed" },
      { object: { kind: "stage", name: "raw.lake" }, action: "unchanged" },
      { object: { kind: "schema", name: "core" }, action: "record" },
    ],
    refusals: [
      {
        object: { kind: "pipe", name: "raw.events_pipe" },
        reason: "COPY statement changed",
        remedy: "run provision with allow-replace",
      },
    ],
    statements: ["alter table raw.events add column insert_id varchar", "create or replace view …"],
    suspendsGraph: false,
  };

  it("lists the plan per object, refusals first and marked, unchanged objects folded", async () => {
    addProvisionToSummary(core.summary, plan, { mode: "plan" });
    const text = await written();
    expect(text).toContain("<h2>❌ Provision (plan)</h2>");
    expect(text).toContain("<h4>⛔ 1 change(s) refused: nothing was applied</h4>");
    expect(text).toContain(
      "<tr><td><strong>raw.events_pipe</strong></td><td>pipe</td><td>COPY statement changed</td><td>run provision with allow-replace</td></tr>",
    );
    expect(text).toContain("<tr><th>object</th><th>kind</th><th>action</th><th>reason</th></tr>");
    expect(text).toContain(
      "<tr><td><strong>raw.events_pipe</strong></td><td>pipe</td><td><strong>refused</strong></td><td>COPY statement changed</td></tr>",
    );
    expect(text).toContain(
      "<tr><td>raw.events</td><td>table</td><td>alter</td><td>1 new column(s): insert_id</td></tr>",
    );
    expect(text).toContain("<strong>1</strong> to alter · <strong>1</strong> to replace");
    expect(text).toContain("<strong>2</strong> unchanged · <strong>1</strong> refused");
    expect(text).toContain(
      "<details><summary>2 unchanged object(s)</summary><ul><li><code>raw.lake</code> stage</li><li><code>core</code> schema</li></ul></details>",
    );
    expect(text.indexOf("refused: nothing was applied")).toBeLessThan(text.indexOf("<h4>Plan</h4>"));
  });

  it("says when nothing changes, and an apply that failed shows the statements run and the error", async () => {
    addProvisionToSummary(core.summary, { changes: [plan.changes[2]!], refusals: [], statements: [] });
    addProvisionToSummary(
      core.summary,
      { ...plan, refusals: [] },
      {
        mode: "applied",
        applied: 1,
        error: new SqlExecutionError("marts.page_paths", "invalid identifier 'X'", { queryId: "q-1" }),
      },
    );
    const text = await written();
    expect(text).toContain("<h2>✅ Provision (plan)</h2>");
    expect(text).toContain("Nothing to change");
    expect(text).toContain("<h2>❌ Provision (applied)</h2>");
    expect(text).toContain("<strong>1</strong> applied");
    expect(text).toContain("<p>marts.page_paths: invalid identifier &#39;X&#39;</p>");
    expect(text).toContain("<li>object: marts.page_paths</li><li>query id: q-1</li>");
  });
});

const snowflakeRun: TransformSummaryInput = {
  target: "snowflake",
  seconds: 42,
  graphRunId: "1712",
  models: [{ name: "core.events", materialized: "incremental", status: "success", rows: 5, seconds: 3 }],
  tasks: [
    {
      task: "pipeline.amplitude_root",
      state: "SUCCEEDED",
      startedAt: "2026-12-01T10:00:00.000Z",
      seconds: 1.2,
      errorCode: null,
      errorMessage: null,
    },
    {
      task: "pipeline.run_events",
      state: "FAILED",
      startedAt: "2026-12-01T10:00:02.000Z",
      seconds: 3,
      errorCode: "100038",
      errorMessage: "Numeric value 'abc' is not recognized",
    },
    {
      task: "pipeline.amplitude_finalizer",
      state: "NOT_RUN",
      startedAt: null,
      seconds: null,
      errorCode: null,
      errorMessage: null,
      message: "its predecessor failed",
    },
  ],
  tests: [
    { name: "not_null_events_id", severity: "error", status: "pass", failures: 0 },
    {
      name: "unique_events_id",
      severity: "error",
      status: "fail",
      failures: 12,
      message: "12 duplicate ids",
    },
    { name: "accepted_values_platform", severity: "warn", status: "warn", failures: 2 },
  ],
  figures: { models: 1, tests_passed: 1, tests_failed: 1, tests_warned: 1 },
};

describe("addTransformToSummary", () => {
  it("Snowflake: the task graph run (task, state, start, duration, error) and the data tests, failures first", async () => {
    addTransformToSummary(core.summary, snowflakeRun);
    const text = await written();
    expect(text).toContain("<h2>❌ Transform (snowflake)</h2>");
    expect(text).toContain("Graph run: <code>1712</code>");
    expect(text).toContain(
      "<tr><th>task</th><th>state</th><th>start</th><th>duration</th><th>error</th></tr>",
    );
    expect(text).toContain(
      "<tr><td>pipeline.amplitude_root</td><td>SUCCEEDED</td><td>2026-12-01T10:00:00.000Z</td><td>1.2 s</td><td>–</td></tr>",
    );
    expect(text).toContain(
      "<td><strong>FAILED</strong></td><td>2026-12-01T10:00:02.000Z</td><td>3.0 s</td><td>100038: Numeric value &#39;abc&#39; is not recognized</td>",
    );
    expect(text).toContain(
      "<td>pipeline.amplitude_finalizer</td><td><strong>NOT_RUN</strong></td><td>–</td><td>–</td><td>its predecessor failed</td>",
    );
    expect(text).not.toContain("<h4>Models</h4>");
    expect(text).toContain("<tr><th>test</th><th>severity</th><th>status</th><th>failures</th></tr>");
    const failing = text.indexOf("unique_events_id");
    expect(failing).toBeGreaterThan(0);
    expect(failing).toBeLessThan(text.indexOf("accepted_values_platform"));
    expect(text.indexOf("accepted_values_platform")).toBeLessThan(text.indexOf("not_null_events_id"));
    expect(text).toContain("<td><strong>fail</strong>: 12 duplicate ids</td><td>12</td>");
    expect(text).toContain(
      "<strong>1</strong> tests failed · <strong>1</strong> tests warned · <strong>42.0 s</strong> taken",
    );
  });

  it("embedded warehouse: the runner's models (model, materialization, rows, duration, status)", async () => {
    addTransformToSummary(core.summary, {
      target: "duckdb",
      selection: "core.events+",
      models: [
        {
          name: "core.events",
          materialized: "incremental",
          incremental: true,
          status: "success",
          rows: 1200,
          seconds: 0.25,
        },
        {
          name: "core.cohorts",
          materialized: "table",
          unchanged: true,
          status: "success",
          rows: 4,
          seconds: 0.01,
        },
        {
          name: "marts.web_issues",
          materialized: "table",
          status: "error",
          rows: null,
          seconds: 0.1,
          message: "Binder Error",
        },
      ],
      tests: [],
      testsScope: {
        scope: "whole",
        reason: "due",
        lastWholePass: "2026-11-30 08:00:00.000",
        everyHours: 24,
        startedAt: "2026-12-01 09:30:00.000",
      },
    });
    const text = await written();
    expect(text).toContain("<h2>❌ Transform (duckdb, select core.events+)</h2>");
    expect(text).toContain("<p>Data tests: whole tables (due: last whole pass 25 h ago).</p>");
    expect(text).toContain(
      "<tr><th>model</th><th>materialization</th><th>rows</th><th>duration</th><th>status</th></tr>",
    );
    expect(text).toContain(
      "<tr><td>marts.web_issues</td><td>table</td><td>–</td><td>100 ms</td><td><strong>error</strong>: Binder Error</td></tr>",
    );
    expect(text).toContain(
      "<tr><td>core.events</td><td>incremental (incremental)</td><td>1,200</td><td>250 ms</td><td>success</td></tr>",
    );
    // A model nothing new reached is said to be left as it was.
    expect(text).toContain(
      "<tr><td>core.cohorts</td><td>table (unchanged)</td><td>4</td><td>10 ms</td><td>success</td></tr>",
    );
    expect(text).not.toContain("<h4>Data tests");
  });

  it("with no result (the warehouse never opened) shows the error", async () => {
    addTransformToSummary(core.summary, undefined, { error: "Snowflake login failed" });
    const text = await written();
    expect(text).toBe("<h2>❌ Transform</h2>\n<h3>transform failed</h3><p>Snowflake login failed</p>\n");
  });

  it("a passing run is green", async () => {
    addTransformToSummary(core.summary, {
      target: "duckdb",
      models: [{ name: "core.users", materialized: "table", status: "success", rows: 3, seconds: 1 }],
      tests: [{ name: "unique_users_id", severity: "error", status: "pass", failures: 0 }],
    });
    expect(await written()).toContain("<h2>✅ Transform (duckdb)</h2>");
  });
});

describe("addValidateToSummary", () => {
  it("shows each check's counts and every diagnostic with its file and line, errors first", async () => {
    addValidateToSummary(core.summary, {
      project: "sql",
      checks: [
        { check: "compile", passed: 12, failed: 0, warnings: 0, skipped: 0, seconds: 0.5 },
        {
          check: "sqlfluff",
          passed: 0,
          failed: 0,
          warnings: 0,
          skipped: 4,
          seconds: 0,
          note: "sqlfluff is not installed",
        },
        { check: "polyglot", passed: 30, failed: 1, warnings: 1, skipped: 0, seconds: 1 },
      ],
      diagnostics: [
        {
          severity: "warning",
          check: "polyglot",
          file: "sql/models/core/users.sql",
          line: 4,
          message: "select *",
        },
        {
          severity: "error",
          check: "polyglot",
          file: "sql/models/core/events.sql",
          line: 17,
          message: "unknown column x",
        },
        { severity: "note", check: "execute", message: "sample run on 3 models" },
      ],
      figures: { models: 12, statements: 30, errors: 1, warnings: 1, seconds: 2.5 },
    });
    const text = await written();
    expect(text).toContain("<h2>❌ SQL check: 1 error(s), 1 warning(s)</h2>");
    expect(text).toContain(
      "<strong>12</strong> models · <strong>30</strong> Snowflake statements · <strong>2.5 s</strong> taken",
    );
    expect(text).toContain(
      "<tr><td>sqlfluff</td><td>0</td><td>0</td><td>0</td><td>4</td><td>0 ms</td><td>sqlfluff is not installed</td></tr>",
    );
    expect(text).toContain("<td>polyglot</td><td>30</td><td><strong>1</strong></td>");
    expect(text).toContain(
      "<tr><td><strong>error</strong></td><td>polyglot</td><td><code>sql/models/core/events.sql:17</code></td><td>unknown column x</td></tr>",
    );
    expect(text).toContain("<tr><td>note</td><td>execute</td><td>–</td><td>sample run on 3 models</td></tr>");
    expect(text.indexOf("events.sql:17")).toBeLessThan(text.indexOf("users.sql:4"));
  });

  it("a clean report is green and has no diagnostics table", async () => {
    addValidateToSummary(core.summary, {
      checks: [{ check: "compile", passed: 3, failed: 0, warnings: 0, skipped: 0 }],
      diagnostics: [],
    });
    const text = await written();
    expect(text).toContain("<h2>✅ SQL check: 0 error(s), 0 warning(s)</h2>");
    expect(text).not.toContain("Diagnostics");
  });
});

describe("addUnannotatedToSummary", () => {
  it("names how many of each kind had no annotation and lists them", async () => {
    addUnannotatedToSummary(core.summary, [
      { severity: "error", check: "compile", file: "sql/a.sql", line: 1, message: "one" },
      { severity: "error", check: "compile", file: "sql/b.sql", line: 2, message: "two" },
      { severity: "warning", check: "polyglot", message: "three" },
    ]);
    const text = await written();
    expect(text).toContain("<h4>2 more errors, 1 more warning (past the 10 annotations per kind");
    expect(text).toContain("<td><code>sql/b.sql:2</code></td><td>two</td>");
    expect(text).toContain("<tr><td>warning</td><td>polyglot</td><td>–</td><td>three</td></tr>");
  });

  it("adds nothing when every diagnostic was annotated", async () => {
    addUnannotatedToSummary(core.summary, []);
    expect(core.summary.isEmptyBuffer()).toBe(true);
  });
});

describe("saveSummaryCopy", () => {
  it("writes $RUNNER_TEMP/amplitude-pipeline/summary-<name>.md", async () => {
    addErrorToSummary(core.summary, "upload", new Error("boom"));
    const path = await saveSummaryCopy("upload", core.summary.stringify(), dir);
    expect(path).toBe(join(dir, "amplitude-pipeline", "summary-upload.md"));
    expect(await readFile(path!, "utf8")).toContain("<h3>upload failed</h3><p>boom</p>");
  });

  it("does nothing without a runner temp folder, and refuses a name that is not a plain word", async () => {
    expect(await saveSummaryCopy("upload", "x", undefined)).toBeUndefined();
    await expect(saveSummaryCopy("../x", "x", dir)).rejects.toThrow(/lowercase letters, digits and hyphens/);
  });
});

describe("a whole simulated run", () => {
  it("puts every step's summary in one file, kept in target/ for the README's picture", async () => {
    addExtractToSummary(
      core.summary,
      {
        windows: 3,
        files: 6,
        events: 48_210,
        bytes: 19_300_000,
        rejected: 3,
        outcomes: [
          exported("2026-11-28T00", "2026-11-28T23", 16_020),
          exported("2026-11-29T00", "2026-11-29T23", 15_870),
          exported("2026-11-30T00", "2026-11-30T23", 16_320),
        ],
        failedHours: [],
        watermark: "2026-11-30T23",
      },
      { artifact: "exports-2026-11-28T00-2026-11-30T23" },
    );
    addUploadToSummary(core.summary, {
      summary: { files: 6, bytes: 19_300_000, skipped: 0, windows: 3, deliveries: 3, failures: [] },
      lakeUrl: "s3://analytics-lake/amplitude-pipeline",
      durationMs: 4200,
    });
    addTransformToSummary(core.summary, snowflakeRun);
    const text = await written();
    expect(text.match(/<h2>/g)).toHaveLength(3);
    await mkdir("target", { recursive: true });
    await copyFile(file, join("target", "github-summary-sample.md"));
  });
});

describe("the builders' inputs", () => {
  it("accept the library's own results as they are (checked by tsc)", () => {
    const accepts = {
      extract: (r: ExtractSummary & { failedHours: string[]; watermark?: string }): ExtractSummaryInput => r,
      upload: (r: UploadStepResult): UploadSummaryInput => r,
      uploadWindow: (w: Parameters<NonNullable<UploadReporter["windowFinished"]>>[0]): UploadWindowInput => w,
      provision: (p: ProvisionPlan): ProvisionPlanInput => p,
      transform: (r: TransformResult): TransformSummaryInput => r,
      graphRun: (r: GraphRunResult): TransformSummaryInput => r,
      validate: (r: ValidationReport): ValidateSummaryInput => r,
      annotate: (d: Diagnostic): AnnotatedDiagnostic => d,
    };
    expect(Object.keys(accepts)).toHaveLength(8);
  });
});
