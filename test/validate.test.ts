import { spawnSync } from "node:child_process";
import { access, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckName, Diagnostic, ValidatedStatement, ValidationReport } from "../src/validate/report.ts";
import { validateProject } from "../src/validate/validate.ts";
import { annotate } from "../src/github/annotations.ts";
import type { AnnotationProperties } from "@actions/core";
import { runCli } from "./support/cli.ts";

const PROJECT_DIR = fileURLToPath(new URL("../sql", import.meta.url));
const SQLFLUFF_INSTALLED = spawnSync("sqlfluff", ["--version"]).status === 0;
const SQLFLUFF_MISSING =
  "sqlfluff is not installed here (.ci/run installs it with apt-get install sqlfluff, as CI does)";
if (!SQLFLUFF_INSTALLED) console.warn(`validate.test.ts: the sqlfluff test is skipped: ${SQLFLUFF_MISSING}`);

// The provisioning renderer's statements, as it will pass them: one file, each statement at its line.
const PROVISION = "snowflake/provision.sql";
const EXTRAS: ValidatedStatement[] = [
  {
    file: PROVISION,
    line: 1,
    name: "raw.amplitude_events_stream",
    checks: ["polyglot", "sqlfluff"],
    sql: "create stream if not exists raw.amplitude_events_stream on table raw.amplitude_events append_only = true",
  },
  {
    file: PROVISION,
    line: 3,
    name: "raw.amplitude_pipe",
    checks: ["sqlfluff"],
    // `form` for `from`, on the statement's fifth line: line 7 of the file.
    sql: [
      "create pipe if not exists raw.amplitude_pipe",
      "  auto_ingest = true",
      "as",
      "  copy into raw.amplitude_events (json_data, source_file)",
      "  form (select $1, metadata$filename from @raw.amplitude_stage)",
    ].join("\n"),
  },
  {
    file: PROVISION,
    line: 10,
    name: "core.build_log",
    // sqlfluff 1.4 does not know CREATE OR ALTER: this statement is for polyglot only.
    checks: ["polyglot"],
    sql: "create or alter table core.build_log (\n  model varchar not null,\n  built_at timestamp_ntz\n)",
  },
  {
    file: PROVISION,
    line: 15,
    name: "latest builds",
    checks: ["polyglot"],
    sql: "select model, built_at\nfrom core.build_log\nwhere no_such_column is null",
  },
  {
    file: PROVISION,
    line: 20,
    name: "for sqlfluff only",
    checks: ["sqlfluff"],
    sql: "select no_such_column from raw.amplitude_events",
  },
];

const errorsOf = (report: ValidationReport, check?: CheckName) =>
  report.diagnostics.filter((d) => d.severity === "error" && (check === undefined || d.check === check));
const summaryOf = (report: ValidationReport, check: CheckName) =>
  report.checks.find((c) => c.check === check)!;

const work: string[] = [];
async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "amplitude-pipeline-validate-test-"));
  work.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A copy of the project's sql/ folder below a new folder, with files added or changed. */
async function projectCopy(files: Record<string, string | ((text: string) => string)>): Promise<string> {
  const root = await workDir();
  const project = join(root, "sql");
  await cp(PROJECT_DIR, project, { recursive: true });
  for (const [path, change] of Object.entries(files)) {
    const file = join(project, path);
    const text = typeof change === "string" ? change : change(await readFile(file, "utf8"));
    if (typeof change !== "string" && text === (await readFile(file, "utf8"))) {
      throw new Error(`the change to ${path} changed nothing`);
    }
    await writeFile(file, text);
  }
  return root;
}

describe("validate on the project's own models", () => {
  let report: ValidationReport;
  let targetDir: string;

  beforeAll(async () => {
    targetDir = join(await workDir(), "target");
    report = await validateProject({ project: PROJECT_DIR, targetDir, extraStatements: EXTRAS });
  }, 240_000);

  it("finds no error or warning in the models and tests, compiled for both engines and run on DuckDB", async () => {
    const own = report.diagnostics.filter((d) => d.file !== PROVISION && d.severity !== "note");
    expect(own).toEqual([]);
    const models = report.figures.models;
    expect(models).toBe(22);
    expect(summaryOf(report, "compile")).toMatchObject({ failed: 0 });
    // Both engines: each model's full build, incremental and scope builds, and every test.
    expect(summaryOf(report, "compile").passed).toBeGreaterThan(2 * (models + 50));
    // Every model built twice: the full build, then the incremental run after the second delivery.
    expect(summaryOf(report, "execute")).toMatchObject({ passed: 2 * models, failed: 0, skipped: 0 });
    expect(summaryOf(report, "tests")).toMatchObject({ failed: 0, warnings: 0, skipped: 0 });
    expect(summaryOf(report, "tests").passed).toBeGreaterThan(100);
    for (const path of [
      "compiled/snowflake/models/core/events.sql",
      "compiled/snowflake/models/core/events.incremental.sql",
      "compiled/snowflake/models/core/sessions.scope.sql",
      "compiled/duckdb/models/core/sessions.scope.sql",
      "compiled/snowflake/tests/unique_events__uuid.sql",
      "compiled/snowflake/tests/duplicate_events.sql",
    ]) {
      await access(join(targetDir, path));
    }
    const saved = JSON.parse(
      await readFile(join(targetDir, "validate_results.json"), "utf8"),
    ) as ValidationReport;
    expect(saved.figures).toEqual(report.figures);
    expect(saved.diagnostics).toEqual(report.diagnostics);
  });

  it("parses every rendered Snowflake statement with polyglot and checks its names against the project's schema", () => {
    const polyglot = summaryOf(report, "polyglot");
    // 27 model statements and 50 tests, plus the polyglot extras; none fell back to a syntax-only check.
    expect(polyglot.passed + polyglot.failed).toBeGreaterThanOrEqual(77 + 2);
    expect(polyglot.note).not.toMatch(/syntax only/);
    // The schema holds the extras' own tables too: an unknown column in core.build_log is named at its line.
    expect(errorsOf(report, "polyglot")).toEqual([
      expect.objectContaining({
        file: PROVISION,
        line: 17,
        message: expect.stringMatching(/^latest builds: Unknown column 'no_such_column'.*E201/),
      }),
    ]);
    // polyglot keeps the stream as raw text: it says so rather than passing it.
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ check: "polyglot", severity: "note", file: PROVISION, line: 1 }),
    );
  });

  it("gives each extra statement only the checks it asks for", () => {
    const about = (line: number) => report.diagnostics.filter((d) => d.file === PROVISION && d.line === line);
    // CREATE OR ALTER goes to polyglot only (sqlfluff 1.4 would call it unparsable).
    expect(about(10)).toEqual([]);
    // An unknown column in a sqlfluff-only statement is not polyglot's to find.
    expect(about(20).filter((d) => d.check === "polyglot")).toEqual([]);
  });

  it.skipIf(!SQLFLUFF_INSTALLED)(
    `catches a broken DDL statement with sqlfluff, at its file and line${SQLFLUFF_INSTALLED ? "" : ` (skipped: ${SQLFLUFF_MISSING})`}`,
    () => {
      expect(errorsOf(report, "sqlfluff")).toEqual([
        expect.objectContaining({
          file: PROVISION,
          line: 7,
          message: expect.stringMatching(
            /^raw\.amplitude_pipe: sqlfluff found an unparsable section: 'form \(select/,
          ),
        }),
      ]);
      const sqlfluff = summaryOf(report, "sqlfluff");
      // The five singular tests and three extras went to sqlfluff (not the models: not asked); one failed.
      expect(sqlfluff).toMatchObject({ passed: 7, failed: 1, note: expect.stringMatching(/^sqlfluff \d/) });
    },
  );
});

describe.skipIf(!SQLFLUFF_INSTALLED)(
  `sqlfluff on the model statements, when asked${SQLFLUFF_INSTALLED ? "" : ` (skipped: ${SQLFLUFF_MISSING})`}`,
  () => {
    it("names the template line of a Snowflake-only syntax error", async () => {
      const root = await workDir();
      const sources = "models/staging/amplitude/_amplitude__sources.yml";
      await cp(join(PROJECT_DIR, sources), join(root, "sql", sources));
      await writeFile(
        join(root, "sql/models/staging/amplitude/files.sql"),
        [
          "select",
          "    source_file,",
          "    count(*) as lines",
          "from {{ source('amplitude', 'events') }}",
          "{% if target.type == 'snowflake' %}",
          "where source_file ilike",
          "{% endif %}",
          "group by source_file",
          "",
        ].join("\n"),
      );
      const report = await validateProject({
        project: join(root, "sql"),
        targetDir: join(root, "target"),
        sqlfluffModels: true,
      });
      expect(errorsOf(report, "sqlfluff")).toEqual([
        expect.objectContaining({
          file: expect.stringMatching(/sql\/models\/staging\/amplitude\/files\.sql$/),
          line: 6,
          message: expect.stringMatching(
            /^staging\.files: sqlfluff found an unparsable section: 'ilike' \(rendered at .*compiled\/snowflake\/models\/staging\/amplitude\/files\.sql:\d+\)$/,
          ),
        }),
      ]);
      // DuckDB never saw the broken branch.
      expect(summaryOf(report, "execute")).toMatchObject({ passed: 2, failed: 0 });
    });
  },
);

describe("validate on broken models and tests", () => {
  let report: ValidationReport;

  beforeAll(async () => {
    const root = await projectCopy({
      // DuckDB never sees the missing column: only the Snowflake rendering selects it.
      "models/marts/snowflake_only.sql": [
        "select",
        "    uuid,",
        "    {% if target.type == 'snowflake' %}",
        "    no_such_column,",
        "    {% endif %}",
        "    event_type",
        "from {{ ref('events') }}",
        "",
      ].join("\n"),
      "tests/events_exist.sql": "select uuid from {{ ref('events') }} limit 1\n",
    });
    report = await validateProject({
      project: join(root, "sql"),
      targetDir: join(root, "target"),
      sqlfluff: false,
    });
  }, 240_000);

  it("names the model file and line where polyglot finds a column the Snowflake SQL selects but no table has", () => {
    expect(errorsOf(report, "polyglot")).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/sql\/models\/marts\/snowflake_only\.sql$/),
        line: 4,
        message: expect.stringMatching(
          /Unknown column 'no_such_column'.*E201.*compiled\/snowflake\/models\/marts\/snowflake_only\.sql:\d+/,
        ),
      }),
    ]);
    // DuckDB built it: the finding is polyglot's alone.
    expect(errorsOf(report, "execute")).toEqual([]);
    expect(summaryOf(report, "execute")).toMatchObject({ passed: 46, failed: 0 });
  });

  it("makes a failing error-severity data test an error naming its file", () => {
    const tests = errorsOf(report, "tests");
    expect(tests.length).toBeGreaterThan(0);
    for (const diagnostic of tests) {
      expect(diagnostic).toMatchObject({
        file: expect.stringMatching(/sql\/tests\/events_exist\.sql$/),
        message: expect.stringMatching(/^test events_exist failed: 1 failing row\(s\), e\.g\. uuid=/),
      });
    }
    expect(report.failed).toBe(true);
    expect(report.figures.errors).toBe(errorsOf(report).length);
  });

  it("notes that sqlfluff was skipped when asked to", () => {
    expect(summaryOf(report, "sqlfluff")).toMatchObject({ passed: 0, failed: 0 });
    expect(report.diagnostics.filter((d: Diagnostic) => d.check === "sqlfluff")).toEqual([
      expect.objectContaining({ severity: "note", message: expect.stringMatching(/skipped by the caller/) }),
    ]);
  });
});

describe("validate from the command line", () => {
  // No sqlfluff on this PATH: these runs stay quick, and show the note a machine without it gets.
  const env = { PATH: "/nonexistent" };

  it("exits 1 and names file:line when a model does not compile", async () => {
    const cwd = await projectCopy({
      "models/core/events.sql": (text) =>
        text.replace("ref('stg_amplitude__events')", "ref('stg_amplitude__eventz')"),
    });
    const result = await runCli(["validate", "--project", "sql", "--json"], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "sql/models/core/events.sql:5: error: ref('stg_amplitude__eventz') names no model (duckdb, snowflake)",
    );
    expect(result.stderr).toMatch(/^note: sqlfluff is not installed/m);
    expect(result.stderr).toMatch(
      /^execute +0 +0 +0 +0 +0\.00 +not run: a model or test does not compile for duckdb$/m,
    );
    const figures = result.json<Record<string, number>>();
    expect(Object.keys(figures).sort()).toEqual(["errors", "models", "seconds", "statements", "warnings"]);
    expect(figures).toMatchObject({ models: 22, errors: 1, warnings: 0 });
  });

  it("reports a misspelled column once, at its line, and names what it skipped downstream in one line", async () => {
    const cwd = await projectCopy({
      "models/core/events.sql": (text) => text.replace("        event_type,\n", "        event_tpye,\n"),
    });
    const result = await runCli(["validate", "--project", "sql", "--json"], { cwd, env });
    expect(result.code).toBe(1);
    const errors = result.stderr.split("\n").filter((line) => /: error: /.test(line));
    expect(errors).toEqual([
      expect.stringMatching(
        /^sql\/models\/core\/events\.sql:39: error: DuckDB could not build core\.events: .*"event_tpye" not found/,
      ),
    ]);
    expect(result.stderr).toMatch(
      /^note: skipped because core\.events did not build \(its error above is the cause\): 6 model\(s\) \(core\.users, marts\.company_traffic, .*\); 60 test\(s\) \(.* and 50 more\); the polyglot check of \d+ Snowflake statement\(s\) that build or read them$/m,
    );
    expect(result.json()).toMatchObject({ errors: 1 });
    // One annotation, on a file GitHub can attach it to.
    const report = JSON.parse(
      await readFile(join(cwd, "target/validate_results.json"), "utf8"),
    ) as ValidationReport;
    const annotations: Array<[string, AnnotationProperties | undefined]> = [];
    annotate(report.diagnostics, {
      error: (message, properties) => annotations.push([message, properties]),
      warning: () => {},
    });
    expect(annotations).toEqual([
      [
        expect.stringMatching(/^DuckDB could not build core\.events/),
        expect.objectContaining({ file: "sql/models/core/events.sql", startLine: 39 }),
      ],
    ]);
    expect(report.checks.find((c) => c.check === "polyglot")).toMatchObject({ failed: 0 });
  }, 120_000);

  it("exits 0 with a warning when only a warn-severity test finds rows", async () => {
    const cwd = await projectCopy({
      "tests/always_warns.sql": "{{ config(severity='warn') }}\nselect 'a reason to look' as reason\n",
    });
    const result = await runCli(["validate", "--project", "sql", "--json"], { cwd, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "sql/tests/always_warns.sql: warning: test always_warns (severity warn) found 1 row(s): e.g. reason=a reason to look (full build, incremental run)",
    );
    expect(result.stderr).not.toMatch(/: error: /);
    expect(result.stderr).toMatch(/^tests +\d+ +0 +2 +0 /m);
    expect(result.json()).toMatchObject({ models: 22, errors: 0, warnings: 1 });
    // The Snowflake side is checked too: every query inside the procedures passed polyglot.
    expect(result.json<{ statements: number }>().statements).toBeGreaterThan(150);
    await access(join(cwd, "target/compiled/snowflake/tests/always_warns.sql"));
  });

  it("checks the Snowflake provisioning SQL too: a view naming a missing column, a pipe that does not parse", async () => {
    const cwd = await projectCopy({
      "snowflake/view_extract_windows.sql": (text) =>
        text.replace("loaded_at as recorded_at", "loaded_att as recorded_at"),
      "snowflake/pipe_events.sql": (text) =>
        text.replace("        from @raw.amplitude_lake", "        form @raw.amplitude_lake"),
    });
    const result = await runCli(["validate", "--project", "sql", "--json"], {
      cwd,
      env: SQLFLUFF_INSTALLED ? {} : env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/snowflake\/view_extract_windows\.sql(:\d+)?: error: .*loaded_att/);
    if (SQLFLUFF_INSTALLED)
      expect(result.stderr).toMatch(/snowflake\/pipe_events\.sql(:\d+)?: error: .*sqlfluff/);
    // The procedures' queries are checked on their own, as the task graph runs them.
    expect(result.json<{ statements: number }>().statements).toBeGreaterThan(150);
  });

  it("exits 2 when the project folder is not a model project", async () => {
    const cwd = await workDir();
    const result = await runCli(["validate", "--project", "nowhere"], { cwd, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/configuration error: there is no model folder at nowhere\/models/);
  });
});
