import { mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { CompileError } from "../models/compile.ts";
import { DEFAULT_TARGET_DIR } from "../models/defaults.ts";
import { readProject, type Project } from "../models/project.ts";
import { rawTableStatements } from "../warehouse/raw-tables.ts";
import { schemaOfModel } from "../models/compile.ts";
import { compileEverything, shown, type RenderedStatement } from "./compile-check.ts";
import { checkEngineParity } from "./engine-parity.ts";
import {
  checkWithPolyglot,
  tableFromColumns,
  tablesCreatedBy,
  type PolyglotStatement,
} from "./polyglot-check.ts";
import {
  CHECKS,
  Diagnostics,
  displayPath,
  type CheckName,
  type CheckSummary,
  type ValidatedStatement,
  type ValidationReport,
} from "./report.ts";
import { notBuilt, runOnSampleData, sampleRunDiagnostics, type SampleRun } from "./sample-run.ts";
import {
  checkWithSqlfluff,
  sqlfluffDiagnostics,
  type SqlfluffOutcome,
  type SqlfluffStatement,
} from "./sqlfluff-check.ts";

export type { Diagnostic, ValidatedStatement, ValidationReport } from "./report.ts";

/**
 * The project `validate` is given, read, and the Snowflake provisioning SQL to check with it when the project has its
 * templates (snowflake/stage.sql). A project that cannot be read is passed on as its path, for validateProject to
 * report; a model that does not compile is the compile check's to report, so the Snowflake side is then left out.
 */
export async function projectToValidate(
  dir: string,
): Promise<{ project: Project | string; extraStatements: ValidatedStatement[] }> {
  const project = await readProject(dir).catch(() => undefined);
  if (!project) return { project: dir, extraStatements: [] };
  if (!existsSync(join(project.root, "snowflake", "stage.sql"))) return { project, extraStatements: [] };
  const { snowflakeStatements } = await import("../snowflake/validation.ts");
  try {
    // Its files are the project's (`snowflake/…`, `models/…`): shown like every other finding's, from the
    // working directory (`sql/models/…`), which is the repository's root in a workflow.
    const extraStatements = snowflakeStatements(project).map((statement) => ({
      ...statement,
      file: shown(project, statement.file),
    }));
    return { project, extraStatements };
  } catch (error) {
    if (error instanceof CompileError) return { project, extraStatements: [] };
    throw error;
  }
}

export interface ValidateOptions {
  /** The model project, or its folder (`sql`). */
  project: Project | string;
  /** Statements the project does not render (the Snowflake provisioning DDL), each with the checks it gets. */
  extraStatements?: ValidatedStatement[];
  /** Where the compiled SQL (`compiled/<dialect>/`) and `validate_results.json` go; default `target`. */
  targetDir?: string;
  /** The sqlfluff command (default `sqlfluff` on PATH); `false` skips it. */
  sqlfluff?: string | false;
  /** Where sqlfluff's parses are kept between runs (default: defaultSqlfluffCache()); `false` keeps none. */
  sqlfluffCache?: string | false;
  /**
   * Also parse every rendered model statement (full, incremental and scope builds) with sqlfluff, not
   * only the singular tests and the extra statements: thorough, and 10-30 s slower on a 2-core machine.
   */
  sqlfluffModels?: boolean;
  /** Progress, one line per step. */
  progress?: (line: string) => void;
  signal?: AbortSignal;
  clock?: () => number;
}

/**
 * The pull-request check. Compiles every model and test for DuckDB and Snowflake; builds every model
 * and runs every test on a temporary DuckDB warehouse over simulator data, a full build and then an
 * incremental run; parses every rendered Snowflake statement with polyglot and checks its names against
 * the project's schema (the raw tables' definitions and the models' columns as DuckDB built them); refuses
 * what cannot give the same rows on both engines (checkEngineParity: plain casts of VARIANT paths, `desc`
 * without a NULLS placement, row picks without a total order); and, where sqlfluff is installed, parses the caller's DDL and the singular tests with it (and, when asked,
 * every model statement).
 */
export async function validateProject(options: ValidateOptions): Promise<ValidationReport> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const progress = options.progress ?? (() => {});
  const targetDir = options.targetDir ?? DEFAULT_TARGET_DIR;
  const diagnostics = new Diagnostics();
  const summaries = new Map<CheckName, CheckSummary>();
  const extras = options.extraStatements ?? [];

  const project = await openProject(options.project, diagnostics);
  if (!project) {
    const report = finish({
      project: String(options.project),
      diagnostics,
      summaries,
      started,
      clock,
      statements: 0,
    });
    await writeResults(targetDir, report);
    return report;
  }
  progress(`compiling ${project.models.size} model(s) and their tests for duckdb and snowflake`);
  const compiled = await compileEverything(project, { targetDir, diagnostics, clock });
  summaries.set("compile", compiled.summary);
  const snowflake = compiled.statements.filter((s) => s.dialect === "snowflake");

  // sqlfluff is slow: it runs beside the sample run.
  const fluffed = sqlfluffStatements(snowflake, extras, options.sqlfluffModels === true);
  const sqlfluffStarted = clock();
  const sqlfluff: Promise<SqlfluffOutcome | undefined> =
    options.sqlfluff === false
      ? Promise.resolve(undefined)
      : checkWithSqlfluff(fluffed, {
          command: options.sqlfluff ?? "sqlfluff",
          signal: options.signal,
          cache: options.sqlfluffCache,
        });
  // Settled at once so a failure while the sample run is under way is not an unhandled rejection.
  const sqlfluffSettled = sqlfluff.then(
    (outcome) => ({ outcome, seconds: (clock() - sqlfluffStarted) / 1000 }),
    (error: unknown) => ({ error, seconds: (clock() - sqlfluffStarted) / 1000 }),
  );

  let sample: SampleRun | undefined;
  if (compiled.runnable) {
    progress("building every model and running every test on simulator data (DuckDB)");
    const sampleStarted = clock();
    try {
      sample = await runOnSampleData(project, { signal: options.signal });
      const counted = await sampleRunDiagnostics(
        project,
        sample,
        compiled.statements.filter((s) => s.dialect === "duckdb"),
        diagnostics,
      );
      const seconds = (clock() - sampleStarted) / 1000;
      const testSeconds = sample.runs.flatMap((r) => r.result.tests).reduce((sum, t) => sum + t.seconds, 0);
      summaries.set("execute", {
        ...counted.execute,
        seconds: seconds - testSeconds,
        note: `model builds: a full build over ${sample.events} simulated events, then an incremental run`,
      });
      summaries.set("tests", { ...counted.tests, seconds: testSeconds, note: "test runs, in both runs" });
    } catch (error) {
      options.signal?.throwIfAborted();
      diagnostics.add({
        check: "execute",
        severity: "error",
        message: `the sample run failed: ${errorMessage(error)}`,
      });
      summaries.set("execute", summary("execute", { failed: 1, seconds: (clock() - sampleStarted) / 1000 }));
    }
  } else {
    const note = "not run: a model or test does not compile for duckdb";
    summaries.set("execute", summary("execute", { note }));
    summaries.set("tests", summary("tests", { note }));
  }

  progress("checking the Snowflake SQL with polyglot");
  const polyglotStarted = clock();
  // A model DuckDB could not build has one error, its own: polyglot's findings on it, on the models and tests
  // downstream and on their Snowflake procedures would repeat it, so those statements are left out.
  const unbuilt = sample ? notBuilt(sample) : undefined;
  const all = polyglotStatements(project, snowflake, extras);
  const checked = all.filter((s) => !(s.reads ?? []).some((relation) => unbuilt?.relations.has(relation)));
  const schema = sample && {
    tables: [
      ...tablesCreatedBy(rawTableStatements("snowflake")),
      ...[...sample.columns].map(([relation, columns]) => tableFromColumns(relation, columns)),
      ...tablesCreatedBy(extras.filter((s) => s.checks.includes("polyglot")).map((s) => s.sql)),
    ],
  };
  const polyglot = checkWithPolyglot(checked, schema, diagnostics);
  const leftOut = all.length - checked.length;
  summaries.set("polyglot", {
    ...polyglot,
    skipped: polyglot.skipped + leftOut,
    seconds: (clock() - polyglotStarted) / 1000,
  });
  if (unbuilt && unbuilt.failed.length > 0) {
    diagnostics.add({ check: "execute", severity: "note", message: skippedLine(unbuilt, leftOut) });
  }

  progress("checking that the models give the same rows on both engines");
  const parityStarted = clock();
  const parity = checkEngineParity(project, snowflake, diagnostics);
  summaries.set("parity", { ...parity, seconds: (clock() - parityStarted) / 1000 });

  const fluff = await sqlfluffSettled;
  if ("error" in fluff) {
    options.signal?.throwIfAborted();
    diagnostics.add({
      check: "sqlfluff",
      severity: "error",
      message: `sqlfluff failed: ${errorMessage(fluff.error)}`,
    });
    summaries.set("sqlfluff", summary("sqlfluff", { failed: fluffed.length, seconds: fluff.seconds }));
  } else if (fluff.outcome === undefined) {
    diagnostics.add({ check: "sqlfluff", severity: "note", message: "sqlfluff was skipped by the caller" });
    summaries.set("sqlfluff", summary("sqlfluff", { note: "skipped by the caller" }));
  } else {
    summaries.set("sqlfluff", { ...sqlfluffDiagnostics(fluff.outcome, diagnostics), seconds: fluff.seconds });
  }

  const sqlfluffRan = "outcome" in fluff && fluff.outcome?.installed === true;
  const statements = new Set([...checked, ...(sqlfluffRan ? fluffed : [])].map((s) => s.sql)).size;
  const report = finish({
    project: displayPath(project.root),
    diagnostics,
    summaries,
    started,
    clock,
    statements,
  });
  report.figures.models = project.models.size;
  await writeResults(targetDir, report);
  return report;
}

/** `validate_results.json` beside `run_results.json`: everything the report holds, for a job summary. */
async function writeResults(targetDir: string, report: ValidationReport): Promise<void> {
  await mkdir(targetDir, { recursive: true });
  await writeFile(join(targetDir, "validate_results.json"), JSON.stringify(report, null, 2) + "\n");
}

/**
 * A folder is read here; what is wrong inside it (bad YAML, a test on no model) is a finding for each
 * file, while a folder that is no project at all is a configuration error.
 */
async function openProject(
  project: Project | string,
  diagnostics: Diagnostics,
): Promise<Project | undefined> {
  if (typeof project !== "string") return project;
  try {
    return await readProject(project);
  } catch (error) {
    const problems = /^the model project has errors:\n([\s\S]*)$/.exec(errorMessage(error));
    if (!(error instanceof ConfigurationError) || !problems) throw error;
    for (const problem of problems[1]!
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)) {
      const located = /^([^\s:]+\.(?:sql|ya?ml))(?::(\d+))?: ([\s\S]*)$/.exec(problem);
      diagnostics.add({
        check: "compile",
        severity: "error",
        file: located ? displayPath(resolve(project, located[1]!)) : undefined,
        line: located?.[2] === undefined ? undefined : Number(located[2]),
        message: located ? located[3]! : problem,
      });
    }
    return undefined;
  }
}

/**
 * sqlfluff gets the caller's statements that ask for it (the DDL polyglot cannot read inside) and the
 * singular tests; with `models`, every rendered model statement too. Those are left to polyglot and
 * DuckDB by default because sqlfluff 1.4 is slow on them: 1-5 s per statement on this 2-core machine
 * (the URL-path regexp of core.events takes 5 s), 10-30 s for the eleven full builds alone.
 */
function sqlfluffStatements(
  snowflake: RenderedStatement[],
  extras: ValidatedStatement[],
  models: boolean,
): SqlfluffStatement[] {
  return [
    ...snowflake
      .filter((s) => (s.kind === "test" ? s.source.file.endsWith(".sql") : models))
      .map((s) => ({ name: s.name, file: s.file, line: 1, sql: s.sql, source: s.source })),
    ...extras
      .filter((s) => s.checks.includes("sqlfluff"))
      .map((s) => ({ name: s.name, file: s.file, line: s.line ?? 1, sql: s.sql })),
  ];
}

/** `reads` also names the relation a model statement builds: a model that did not build leaves it out. */
function polyglotStatements(
  project: Project,
  snowflake: RenderedStatement[],
  extras: ValidatedStatement[],
): PolyglotStatement[] {
  const builds = (name: string | undefined) => {
    const model = name === undefined ? undefined : project.models.get(name);
    return model ? [`${schemaOfModel(model)}.${model.name}`] : [];
  };
  return [
    ...snowflake.map((s) => ({
      name: s.name,
      file: s.file,
      line: 1,
      sql: s.sql,
      source: s.source,
      reads: [...s.reads, ...builds(s.model)],
    })),
    ...extras
      .filter((s) => s.checks.includes("polyglot"))
      .map((s) => ({ name: s.name, file: s.file, line: s.line ?? 1, sql: s.sql, reads: s.reads })),
  ];
}

/** How many names a summary line lists before it counts the rest. */
const NAMED = 10;

function named(names: string[]): string {
  return names.length <= NAMED
    ? names.join(", ")
    : `${names.slice(0, NAMED).join(", ")} and ${names.length - NAMED} more`;
}

/** The one line that names what a failing model took with it. */
function skippedLine(unbuilt: ReturnType<typeof notBuilt>, statements: number): string {
  const parts = [
    unbuilt.models.length > 0 ? `${unbuilt.models.length} model(s) (${named(unbuilt.models)})` : undefined,
    unbuilt.tests.length > 0 ? `${unbuilt.tests.length} test(s) (${named(unbuilt.tests)})` : undefined,
    statements > 0
      ? `the polyglot check of ${statements} Snowflake statement(s) that build or read them`
      : undefined,
  ].filter((part) => part !== undefined);
  return (
    `skipped because ${unbuilt.failed.join(", ")} did not build (its error above is the cause): ` +
    (parts.length > 0 ? parts.join("; ") : "nothing else")
  );
}

function summary(check: CheckName, values: Partial<CheckSummary>): CheckSummary {
  return { check, passed: 0, failed: 0, warnings: 0, skipped: 0, seconds: 0, ...values };
}

function finish(args: {
  project: string;
  diagnostics: Diagnostics;
  summaries: Map<CheckName, CheckSummary>;
  started: number;
  clock: () => number;
  statements: number;
}): ValidationReport {
  const list = args.diagnostics.list();
  const errors = list.filter((d) => d.severity === "error").length;
  const warnings = list.filter((d) => d.severity === "warning").length;
  const checks = CHECKS.map((check) => args.summaries.get(check) ?? summary(check, { note: "not run" }));
  // A check's failures are its own units; findings that no unit counted (a project that cannot be read)
  // still fail the check they belong to.
  for (const check of checks) {
    const own = list.filter((d) => d.check === check.check && d.severity === "error").length;
    if (check.failed === 0 && own > 0) check.failed = own;
  }
  return {
    project: args.project,
    diagnostics: list,
    checks,
    figures: {
      models: 0,
      statements: args.statements,
      errors,
      warnings,
      seconds: (args.clock() - args.started) / 1000,
    },
    failed: errors > 0,
  };
}
