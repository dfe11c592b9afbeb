import { join } from "node:path";
import type { Env } from "../config.ts";
import type { ModelResult, TestResult, TransformResult } from "../models/runner.ts";
import { describeTestsScope } from "../models/test-passes.ts";
import {
  compileStep,
  describeReport,
  reportFailure,
  transformReportStep,
  type TransformReportOptions,
  type TransformReportResult,
  transformStep,
  type TransformStepOptions,
  type TransformStepReporter,
  type TransformStepResult,
} from "../pipeline/transform.ts";
import { describeTask } from "../snowflake/graph-run.ts";
import { formatCount, textTable, printJson, type Output } from "./output.ts";

export interface TransformCommandOptions extends TransformStepOptions {
  json?: boolean;
  /** Every data test's result in the table (by default, those that did not pass and a line of counts). */
  verbose?: boolean;
}

export async function runTransform(
  options: TransformCommandOptions,
  deps: { env?: Env; output: Output; signal?: AbortSignal },
): Promise<TransformResult> {
  const { output } = deps;
  const step = await transformStep(options, {
    env: deps.env,
    signal: deps.signal,
    reporter: transformReporter(output),
  });
  printTransform(output, step, options);
  return step.result;
}

export interface TransformReportCommandOptions extends TransformReportOptions {
  json?: boolean;
}

/** `transform --no-wait`: the report on stderr, its figures with --json. */
export async function runTransformReport(
  options: TransformReportCommandOptions,
  deps: { env?: Env; output: Output; signal?: AbortSignal; now?: () => Date },
): Promise<TransformReportResult> {
  const result = await transformReportStep(options, { env: deps.env, signal: deps.signal, now: deps.now });
  for (const line of describeReport(result)) deps.output.err(line);
  if (result.failed) deps.output.err(`error: ${reportFailure(result)}`);
  if (options.json) printJson(deps.output, result.figures);
  return result;
}

/** Transform's progress on stderr: each model, each test not passed, each task of a graph run. */
export function transformReporter(output: Output): TransformStepReporter {
  return {
    warning: (message) => output.err(`warning: ${message}`),
    started: ({ warehouseUrl, graph, select, fullRefresh }) =>
      output.err(
        `Transforming in ${warehouseUrl}` +
          (graph ? " through the task graph" : "") +
          (select ? ` (--select ${select})` : "") +
          (fullRefresh ? ", full refresh" : ""),
      ),
    seed: (s) =>
      output.err(
        s.status === "error"
          ? `ERROR ${s.relation}: ${s.message}`
          : `seed ${s.relation} ${s.status === "loaded" ? "loaded" : "unchanged"} (${s.rows} rows)`,
      ),
    model: (m) =>
      output.err(
        `${m.status !== "success" ? m.status.toUpperCase() : m.unchanged ? "unchanged" : "built"} ${m.relation}${m.message ? `: ${m.message}` : ""}`,
      ),
    test: (t) => {
      if (t.status !== "pass")
        output.err(`${t.status.toUpperCase()} ${t.name}${t.message ? `: ${t.message}` : ""}`);
    },
    graphRunStarted: (id) => output.err(`following graph run ${id}`),
    adopted: (run) =>
      output.err(
        `this execute task was skipped: following graph run ${run.graphRunId} instead, started by ` +
          `${run.scheduledFrom ?? "the root's trigger"}${run.scheduledAt ? ` at ${run.scheduledAt}` : ""}`,
      ),
    task: (run) => output.err(describeTask(run)),
    notice: (message) => output.err(`notice: ${message}`),
  };
}

/** The tables of models and tests on stdout, and the figures with --json. */
export function printTransform(
  output: Output,
  step: TransformStepResult,
  options: { targetDir: string; json?: boolean; verbose?: boolean },
): void {
  for (const line of resultTable(step.result, options.targetDir, options)) output.out(line);
  const scope = step.result.testsScope?.scope;
  if (options.json) printJson(output, scope ? { ...step.figures, tests_scope: scope } : step.figures);
}

/**
 * The terminal report: one table of models, one of the tests that did not pass and a line of counts
 * (with `verbose`, every test instead), and a last line of totals that names the run_results.json the
 * runner wrote under `targetDir` (the path as given, so it opens from where the command ran).
 */
export function resultTable(
  result: TransformResult,
  targetDir: string,
  options: { verbose?: boolean } = {},
): string[] {
  const models = textTable(
    ["model", "materialized", "build", "rows", "processed", "seconds", "status"],
    result.models.map((m: ModelResult) => [
      m.relation,
      m.materialized,
      buildOf(m, result),
      m.rows === null ? "" : formatCount(m.rows),
      m.processed === null ? "" : formatCount(m.processed),
      m.seconds.toFixed(2),
      m.status,
    ]),
    [false, false, false, true, true, true, false],
  );
  // A hundred passing tests would bury the one that failed: they are counted, and listed with --verbose.
  const shown = options.verbose ? result.tests : result.tests.filter((t) => t.status !== "pass");
  const tests =
    shown.length === 0
      ? []
      : [
          ...textTable(
            ["test", "severity", "status", "failures"],
            shown.map((t: TestResult) => [t.name, t.severity, t.status, formatCount(t.failures)]),
            [false, false, false, true],
          ),
        ];
  const { figures } = result;
  // In place of the passing tests' rows: their counts, and how to see them.
  const counted =
    options.verbose || result.tests.length === 0
      ? []
      : [
          `Data tests: ${figures.tests_passed} passed, ${figures.tests_failed} failed, ` +
            `${figures.tests_warned} warned (every test's result: --verbose)`,
        ];
  // Which form of the tests ran: the rows this run wrote, or whole tables, and why.
  const scope = result.testsScope ? [describeTestsScope(result.testsScope), ""] : [];
  return [
    ...[models, tests, counted]
      .filter((section) => section.length > 0)
      .flatMap((section) => [...section, ""]),
    ...scope,
    `${modelCounts(result)}; tests: ${figures.tests_passed} passed, ` +
      `${figures.tests_warned} warned, ${figures.tests_failed} failed; ${result.seconds.toFixed(1)} s. ` +
      `Details: ${join(targetDir, "run_results.json")}`,
  ];
}

/** `20 model(s) built, 2 not`, or with models left as they were `6 model(s) built, 16 unchanged, 0 not`. */
function modelCounts(result: TransformResult): string {
  const succeeded = result.figures.models;
  const unchanged = result.models.filter((m) => m.status === "success" && m.unchanged).length;
  const not = `${result.models.length - succeeded} not`;
  if (unchanged === 0) return `${succeeded} model(s) built, ${not}`;
  return `${succeeded - unchanged} model(s) built, ${unchanged} unchanged, ${not}`;
}

/**
 * What this run did to a model, beside the materialization it declares (which never changes between runs):
 * a full build, an increment merged into the table, a view replaced, a model left as it was because nothing
 * it reads changed; on Snowflake the task graph decides.
 */
function buildOf(model: ModelResult, result: TransformResult): string {
  if (model.status === "skipped") return "none";
  if (model.unchanged) return "unchanged";
  if (model.materialized === "view") return "replaced";
  // An increment that computed most of the model again rebuilt it from its full query.
  if (model.rebuilt) return "rebuilt";
  if (model.incremental) return "increment";
  return result.target === "snowflake" && !result.fullRefresh ? "task graph" : "full";
}

export interface CompileCommandOptions {
  target: string;
  project: string;
  select?: string;
  targetDir: string;
}

/** Renders every selected model (as a full refresh) and test for one engine into target/compiled/<target>/. */
export async function runCompile(options: CompileCommandOptions, deps: { output: Output }): Promise<number> {
  const compiled = await compileStep(options);
  deps.output.out(
    `Compiled ${compiled.models} model(s) and their tests for ${compiled.dialect}: ${compiled.files} file(s) in ${compiled.root}`,
  );
  return compiled.files;
}
