import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConfigurationError } from "../errors.ts";
import { compileModel } from "../models/compile.ts";
import { plannedGenericTests } from "../models/data-tests.ts";
import { readProject } from "../models/project.ts";
import {
  planProject,
  transform,
  type ModelResult,
  type TestResult,
  type TransformResult,
} from "../models/runner.ts";
import type { Env } from "../config.ts";
import { lockRun } from "../pipeline/lock.ts";
import { runTaskGraph, type GraphRunReporter, type TaskRun } from "../snowflake/graph-run.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import type { Dialect } from "../warehouse/warehouse.ts";
import { formatCount, textTable, type Output } from "./output.ts";

/** How long transform waits for Snowflake's task graph by default. */
export const DEFAULT_TRANSFORM_TIMEOUT_MINUTES = 60;

export interface TransformCommandOptions {
  warehouse: string;
  project: string;
  select?: string;
  fullRefresh?: boolean;
  fullTests?: boolean;
  targetDir: string;
  json?: boolean;
  /** Snowflake: how long to wait for the task graph run (default 60). */
  timeoutMinutes?: number;
  /**
   * Snowflake: when this run's EXECUTE TASK is skipped, a graph run the root's stream trigger started
   * since then builds the new rows and is reported instead (run passes the start of its load step).
   */
  adoptRunsSince?: Date;
}

export async function runTransform(
  options: TransformCommandOptions,
  deps: { env?: Env; output: Output; signal?: AbortSignal },
): Promise<TransformResult> {
  const { output, signal } = deps;
  signal?.throwIfAborted();
  const project = await readProject(options.project);
  // On Snowflake the lock is the graph's own (one run at a time); a local file guards only DuckDB.
  const lock = await lockRun({ warehouse: options.warehouse }, { command: "transform" });
  const warehouse = await openWarehouse(options.warehouse, {
    create: false,
    env: deps.env,
    warn: (message) => output.err(`warning: ${message}`),
  }).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
  try {
    signal?.throwIfAborted();
    const snowflake = warehouse.dialect === "snowflake";
    output.err(
      `Transforming in ${warehouse.url}` +
        (snowflake && !options.fullRefresh ? " through the task graph" : "") +
        (options.select ? ` (--select ${options.select})` : "") +
        (options.fullRefresh ? ", full refresh" : ""),
    );
    const reporter: GraphRunReporter = {
      model: (m) =>
        output.err(
          `${m.status === "success" ? "built" : m.status.toUpperCase()} ${m.relation}${m.message ? `: ${m.message}` : ""}`,
        ),
      test: (t) => {
        if (t.status !== "pass")
          output.err(`${t.status.toUpperCase()} ${t.name}${t.message ? `: ${t.message}` : ""}`);
      },
      started: (id) => output.err(`following graph run ${id}`),
      adopted: (run) =>
        output.err(
          `this execute task was skipped: following graph run ${run.graphRunId} instead, started by ` +
            `${run.scheduledFrom ?? "the root's trigger"}${run.scheduledAt ? ` at ${run.scheduledAt}` : ""}`,
        ),
      task: (run) => output.err(describeTask(run)),
    };
    const common = {
      warehouse,
      project,
      select: options.select,
      fullRefresh: options.fullRefresh,
      fullTests: options.fullTests,
      targetDir: options.targetDir,
      signal,
      reporter,
    };
    const result = snowflake
      ? await runTaskGraph({
          ...common,
          timeoutSeconds: (options.timeoutMinutes ?? DEFAULT_TRANSFORM_TIMEOUT_MINUTES) * 60,
          adoptRunsSince: options.adoptRunsSince,
        })
      : await transform(common);
    if ("notice" in result && typeof result.notice === "string") output.err(`notice: ${result.notice}`);
    for (const line of resultTable(result, options.targetDir)) output.out(line);
    if (options.json) output.out(JSON.stringify(result.figures));
    return result;
  } finally {
    await warehouse.close();
    await lock.release();
  }
}

/** One stderr line per task of the graph run: state, start, duration, and Snowflake's error. */
export function describeTask(run: TaskRun): string {
  const when = run.startedAt ? ` started ${run.startedAt}` : "";
  const took = run.seconds === null ? "" : `, ${run.seconds.toFixed(1)} s`;
  const error = [run.errorCode, run.errorMessage].filter(Boolean).join(" ");
  const why =
    run.message ?? (error ? `${run.state.startsWith("FAILED") ? "error" : "Snowflake says"} ${error}` : "");
  return `${run.state} ${run.task}${when}${took}${why ? `: ${why}` : ""}`;
}

/**
 * The terminal report: one table of models, one of tests, and a last line of totals that names the
 * run_results.json the runner wrote under `targetDir` (the path as given, so it opens from where the
 * command ran).
 */
export function resultTable(result: TransformResult, targetDir: string): string[] {
  const models = textTable(
    ["model", "materialized", "rows", "processed", "seconds", "status"],
    result.models.map((m: ModelResult) => [
      m.relation,
      m.incremental ? "incremental (merge)" : m.materialized,
      m.rows === null ? "" : formatCount(m.rows),
      m.processed === null ? "" : formatCount(m.processed),
      m.seconds.toFixed(2),
      m.status,
    ]),
    [false, false, true, true, true, false],
  );
  const tests = textTable(
    ["test", "severity", "status", "failures"],
    result.tests.map((t: TestResult) => [t.name, t.severity, t.status, formatCount(t.failures)]),
    [false, false, false, true],
  );
  const { figures } = result;
  return [
    ...models,
    "",
    ...tests,
    "",
    `${figures.models} model(s) built, ${result.models.length - figures.models} not; tests: ${figures.tests_passed} passed, ` +
      `${figures.tests_warned} warned, ${figures.tests_failed} failed; ${result.seconds.toFixed(1)} s. ` +
      `Details: ${join(targetDir, "run_results.json")}`,
  ];
}

export interface CompileCommandOptions {
  target: string;
  project: string;
  select?: string;
  targetDir: string;
}

/** Renders every selected model (as a full refresh) and test for one engine into target/compiled/<target>/. */
export async function runCompile(options: CompileCommandOptions, deps: { output: Output }): Promise<number> {
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
  deps.output.out(
    `Compiled ${selected.size} model(s) and their tests for ${dialect}: ${written} file(s) in ${root}`,
  );
  return written;
}
