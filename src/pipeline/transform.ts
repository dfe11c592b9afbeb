import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import { compileModel } from "../models/compile.ts";
import { plannedGenericTests } from "../models/data-tests.ts";
import { readProject } from "../models/project.ts";
import { describeTestsScope } from "../models/test-passes.ts";
import type { SeedResult } from "../models/seeds.ts";
import {
  planProject,
  transform,
  type ModelResult,
  type TestResult,
  type TransformFigures,
  type TransformResult,
} from "../models/runner.ts";
import {
  describeTask,
  runTaskGraph,
  type GraphRunReporter,
  type GraphRunResult,
  type TaskRun,
} from "../snowflake/graph-run.ts";
import { reportGraphRuns, type GraphReport, type ReportedRun } from "../snowflake/graph-report.ts";
import { pipeLoad, type PipeLoadSummary } from "../snowflake/pipe-load.ts";
import { openLake } from "../lake/open-lake.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import type { Dialect } from "../warehouse/warehouse.ts";
import { DEFAULT_MEND_AFTER_MINUTES, DEFAULT_TRANSFORM_TIMEOUT_MINUTES } from "./defaults.ts";
import { openLockedWarehouse } from "./locked-warehouse.ts";

/** What the transform step is given: typed values, whichever front end (CLI flags, action inputs) read them. */
export interface TransformStepOptions {
  warehouse: string;
  project: string;
  select?: string;
  fullRefresh?: boolean;
  fullTests?: boolean;
  /**
   * After incremental builds, test whole tables when the last whole pass is this many hours old (0: every
   * run). Embedded: default 24. Snowflake: the finalizer's schedule is set at provision; given here, this
   * transform tests whole tables from here when its own schedule is due.
   */
  fullTestsEvery?: number;
  /** Where run_results.json (and, on Snowflake, the graph run's record) goes. */
  targetDir: string;
  /** Snowflake: how long to wait for the task graph run (default 60). */
  timeoutMinutes?: number;
  /**
   * Snowflake: when this run's EXECUTE TASK is skipped, a graph run the root's stream trigger started
   * since then builds the new rows and is reported instead (run passes the start of its load step).
   */
  adoptRunsSince?: Date;
}

/** What the transform step reports as it goes; every event is optional. */
export interface TransformStepReporter {
  warning?(message: string): void;
  /** Once the warehouse is open; `graph`: Snowflake's task graph builds the models. */
  started?(event: { warehouseUrl: string; graph: boolean; select?: string; fullRefresh: boolean }): void;
  /** Each model built (or failed, or skipped). */
  /** Each seed the models read, built (or found unchanged) before them; embedded only. */
  seed?(result: SeedResult): void;
  model?(result: ModelResult): void;
  /** Each data test, passed or not. */
  test?(result: TestResult): void;
  /** Snowflake: the graph run followed (its GRAPH_RUN_GROUP_ID). */
  graphRunStarted?(graphRunId: string): void;
  adopted?: GraphRunReporter["adopted"];
  /** Snowflake: each task of the graph run as it finishes, or as it was left. */
  task?(run: TaskRun): void;
  notice?(message: string): void;
}

export interface TransformStepResult {
  /** The runner's result (embedded), or the task graph run's (Snowflake). */
  result: TransformResult | GraphRunResult;
  figures: TransformFigures;
  warehouseUrl: string;
  durationMs: number;
  /** A model failed or an error-severity test failed, or the graph run did not finish in time (exit 1). */
  failed: boolean;
}

/**
 * Transform: build the models in graph order and run their data tests on the embedded warehouse, or on
 * Snowflake run the task graph and follow it (a full refresh calls the build procedures from here).
 */
export async function transformStep(
  options: TransformStepOptions,
  context: { env?: Env; reporter?: TransformStepReporter; signal?: AbortSignal },
): Promise<TransformStepResult> {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const project = await readProject(options.project);
  // On Snowflake the lock is the graph's own (one run at a time); a local file guards only DuckDB.
  const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
    command: "transform",
    create: false,
    env: context.env,
    warn: (message) => reporter.warning?.(message),
  });
  try {
    signal?.throwIfAborted();
    const started = Date.now();
    const snowflake = warehouse.dialect === "snowflake";
    reporter.started?.({
      warehouseUrl: warehouse.url,
      graph: snowflake && !options.fullRefresh,
      select: options.select,
      fullRefresh: options.fullRefresh === true,
    });
    const common = {
      warehouse,
      project,
      select: options.select,
      fullRefresh: options.fullRefresh,
      fullTests: options.fullTests,
      fullTestsEveryHours: options.fullTestsEvery,
      targetDir: options.targetDir,
      signal,
      reporter: {
        seed: (s: SeedResult) => reporter.seed?.(s),
        model: (m: ModelResult) => reporter.model?.(m),
        test: (t: TestResult) => reporter.test?.(t),
        started: (id: string) => reporter.graphRunStarted?.(id),
        adopted: (run) => reporter.adopted?.(run),
        task: (run) => reporter.task?.(run),
      } satisfies GraphRunReporter,
    };
    const result = snowflake
      ? await runTaskGraph({
          ...common,
          timeoutSeconds: (options.timeoutMinutes ?? DEFAULT_TRANSFORM_TIMEOUT_MINUTES) * 60,
          adoptRunsSince: options.adoptRunsSince,
        })
      : await transform(common);
    if ("notice" in result && typeof result.notice === "string") reporter.notice?.(result.notice);
    return {
      result,
      figures: result.figures,
      warehouseUrl: warehouse.url,
      durationMs: Date.now() - started,
      failed: result.failed,
    };
  } finally {
    await release();
  }
}

export interface CompileStepOptions {
  /** The engine: duckdb or snowflake. */
  target: string;
  project: string;
  select?: string;
  targetDir: string;
}

export interface CompileStepResult {
  dialect: Dialect;
  /** target/compiled/<dialect>. */
  root: string;
  models: number;
  files: number;
}

/** Renders every selected model (as a full refresh) and test for one engine into target/compiled/<target>/. */
export async function compileStep(options: CompileStepOptions): Promise<CompileStepResult> {
  if (options.target !== "duckdb" && options.target !== "snowflake") {
    throw new ConfigurationError(`--target ${options.target}: use duckdb or snowflake`);
  }
  const dialect: Dialect = options.target;
  const project = await readProject(options.project);
  const { compiled, order, selected, singular } = planProject(project, dialect, options.select);
  const root = join(options.targetDir, "compiled", dialect);
  let written = 0;
  const write = async (path: string, sql: string) => {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, sql.endsWith("\n") ? sql : sql + "\n");
    written += 1;
  };
  for (const name of order.filter((n) => selected.has(n))) {
    const model = compiled.get(name)!;
    await write(model.path, model.sql);
    if (model.config.materialized === "incremental") {
      const increment = compileModel(project, project.models.get(name)!, { dialect, incremental: true });
      await write(model.path.replace(/\.sql$/, ".incremental.sql"), increment.sql);
      if (model.config.scope) {
        // The keys an incremental build replaces: deleted before the increment goes in.
        const scope = compileModel(project, project.models.get(name)!, {
          dialect,
          incremental: true,
          scope: true,
        });
        await write(model.path.replace(/\.sql$/, ".scope.sql"), scope.sql);
      }
    }
  }
  for (const test of plannedGenericTests(project, compiled, selected))
    await write(`tests/${test.name}.sql`, test.sql);
  for (const test of singular) await write(test.path, test.sql);
  return { dialect, root, models: selected.size, files: written };
}

export interface TransformReportOptions {
  warehouse: string;
  project: string;
  /** When given, its files Snowpipe has not loaded `mendAfterMinutes` after upload are refreshed or copied. */
  lake?: string;
  /** Default 15. */
  mendAfterMinutes?: number;
}

export interface TransformReportFigures {
  runs_reported: number;
  runs_failed: number;
  runs_running: number;
  files_mended: number;
  /** Missing from raw but younger than mend-after-minutes: Snowpipe's still. */
  files_left: number;
}

export interface TransformReportResult {
  report: GraphReport;
  /** What the mend found and did; null without a lake. */
  mend: PipeLoadSummary | null;
  /** Lake keys refreshed into their pipe or copied; those Snowpipe still has time for (younger). */
  mended: string[];
  left: string[];
  figures: TransformReportFigures;
  warehouseUrl: string;
  /** A reported run failed (a task, or an error-severity test), or a lake file could not be loaded. */
  failed: boolean;
}

/**
 * Transform without waiting (the hourly job): on Snowflake the task graph runs by itself (its root is
 * triggered by the events stream), so this reports the graph runs that finished since the last report
 * and the one in progress, and mends the lake files Snowpipe missed, then returns.
 */
export async function transformReportStep(
  options: TransformReportOptions,
  context: { env?: Env; signal?: AbortSignal; now?: () => Date },
): Promise<TransformReportResult> {
  context.signal?.throwIfAborted();
  const project = await readProject(options.project);
  if (options.warehouse.startsWith("duckdb:")) {
    throw new ConfigurationError(
      `--no-wait reports the Snowflake task graph's runs; ${options.warehouse} builds its models in transform itself`,
    );
  }
  const lake = options.lake ? await openLake(options.lake, context.env ?? process.env) : undefined;
  await lake?.check({ create: false });
  const warehouse = await openWarehouse(options.warehouse, { create: false, env: context.env });
  try {
    const mend = lake
      ? await pipeLoad({
          lake,
          warehouse,
          // One pass: what is missing and old enough is refreshed or copied now, nothing is waited for.
          timeoutSeconds: 0,
          graceSeconds: 0,
          mendAfterSeconds: (options.mendAfterMinutes ?? DEFAULT_MEND_AFTER_MINUTES) * 60,
          now: context.now,
          signal: context.signal,
        })
      : null;
    const report = await reportGraphRuns({ warehouse, project });
    const mended = mend ? [...mend.refreshed, ...mend.copied] : [];
    const left = mend ? mend.pending.filter((key) => !mended.includes(key)) : [];
    return {
      report,
      mend,
      mended,
      left,
      figures: {
        runs_reported: report.finished.length,
        runs_failed: report.finished.filter((run) => run.failed).length,
        runs_running: report.running ? 1 : 0,
        files_mended: mended.length,
        files_left: left.length,
      },
      warehouseUrl: warehouse.url,
      failed: report.failed || (mend !== null && mend.failed.length > 0),
    };
  } finally {
    await warehouse.close();
  }
}

/** A retried graph run keeps its id: the attempt says which of its runs this is. */
function attemptOf(run: ReportedRun): string {
  return run.attempt > 1 ? ` attempt ${run.attempt}` : "";
}

/** The terminal's report: each finished run's failures and tasks, the run in progress, the files mended. */
export function describeReport(result: TransformReportResult): string[] {
  const { report } = result;
  const when = (run: ReportedRun) =>
    `${run.scheduledAt ? ` scheduled ${run.scheduledAt}` : ""}${run.scheduledFrom ? ` by ${run.scheduledFrom}` : ""}`;
  const lines: string[] = [];
  if (report.finished.length === 0) lines.push("No task graph run has finished since the last report.");
  for (const run of report.finished) {
    lines.push(
      `Graph run ${run.graphRunId}${attemptOf(run)}${when(run)}: ${run.failed ? "FAILED" : "finished"}`,
    );
    for (const failure of run.failures) lines.push(`  FAILED ${failure}`);
    for (const task of run.tasks) lines.push(`  ${describeTask(task)}`);
    const notPassed = run.tests.filter((test) => test.status !== "pass");
    for (const test of notPassed)
      lines.push(`  ${test.status.toUpperCase()} ${test.name}${test.message ? `: ${test.message}` : ""}`);
    if (run.tests.length > 0)
      lines.push(`  data tests: ${run.tests.length - notPassed.length} of ${run.tests.length} passed`);
    if (run.testsScope) lines.push(`  ${describeTestsScope(run.testsScope)}`);
  }
  if (report.running) {
    lines.push(
      `Graph run ${report.running.graphRunId}${attemptOf(report.running)}${when(report.running)}: still running`,
    );
    for (const task of report.running.tasks) lines.push(`  ${describeTask(task)}`);
  }
  if (result.mend) {
    lines.push(
      `Lake files Snowpipe missed: ${result.mended.length} mended` +
        (result.mended.length > 0 ? ` (${result.mended.join(", ")})` : "") +
        `, ${result.left.length} younger left to Snowpipe, ${result.mend.failed.length} not loadable`,
    );
    for (const failure of result.mend.failed) lines.push(`  FAILED ${failure.key}: ${failure.message}`);
  }
  return lines;
}

/** Why a report fails the step: each failed run by its id and scheduled time, with what failed in it. */
export function reportFailure(result: TransformReportResult): string {
  const runs = result.report.finished
    .filter((run) => run.failed)
    .map(
      (run) =>
        `graph run ${run.graphRunId}${attemptOf(run)}${run.scheduledAt ? ` (scheduled ${run.scheduledAt})` : ""} failed: ` +
        // A finalizer that failed leaves every test unrecorded: the first few name the run, the summary has all.
        [
          ...run.failures.slice(0, 5),
          ...(run.failures.length > 5 ? [`and ${run.failures.length - 5} more`] : []),
        ].join("; "),
    );
  const files = result.mend?.failed.length
    ? [
        `${result.mend.failed.length} lake file(s) could not be loaded: ${result.mend.failed.map((f) => f.key).join(", ")}`,
      ]
    : [];
  return `transform of ${result.warehouseUrl}: ${[...runs, ...files].join("; ")}`;
}
