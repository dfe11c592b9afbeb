import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { realSleep } from "../backoff.ts";
import { ConfigurationError, errorMessage, ExternalServiceError } from "../errors.ts";
import type { CompiledModel } from "../models/compile.ts";
import type { PlannedTest } from "../models/data-tests.ts";
import type { Project } from "../models/project.ts";
import {
  planProject,
  planTests,
  runTest,
  testOutcome,
  type ModelResult,
  type TestResult,
  type TransformFigures,
  type TransformReporter,
  type TransformResult,
} from "../models/runner.ts";
import {
  lastWholePass,
  recordTestPass,
  TEST_PASSES,
  timestampValue,
  wholePassDue,
  type TestsScope,
} from "../models/test-passes.ts";
import { sqlString, timestampText, type Row, type SqlValue, type Warehouse } from "../warehouse/warehouse.ts";
import {
  buildProcedure,
  CAPTURE_PROCEDURE,
  EVENTS_STREAM,
  FINALIZER_TASK,
  modelOfTask,
  modelTask,
  ROOT_TASK,
  STREAM_BATCHES,
  TASK_TIMEOUT_MS,
  TEST_RESULTS,
  upperParts,
} from "./objects.ts";
import { EVENTS_TABLE } from "./pipe-load.ts";
import { waitForRunInFlight } from "./provision.ts";

/** TASK_HISTORY states after which a task run does nothing more. */
const TERMINAL_STATES = new Set(["SUCCEEDED", "FAILED", "SKIPPED", "CANCELLED", "FAILED_AND_AUTO_SUSPENDED"]);
/** States of a task run that has not finished: it will appear again with one of the above. */
const RUNNING_STATES = new Set(["SCHEDULED", "EXECUTING"]);

export const DEFAULT_POLL_SECONDS = 10;

/** One task of the graph run as TASK_HISTORY reported it, or as it was left when it never ran. */
export interface TaskRun {
  /** `pipeline.run_events`, `pipeline.amplitude_root`, `pipeline.amplitude_finalizer`. */
  task: string;
  /** The model the task builds; null for the root and the finalizer. */
  model: string | null;
  /**
   * TASK_HISTORY's STATE (SUCCEEDED, FAILED, SKIPPED, CANCELLED, FAILED_AND_AUTO_SUSPENDED, or SCHEDULED /
   * EXECUTING when the wait timed out), or NOT_RUN for a task that never appeared in the graph run.
   */
  state: string;
  scheduledAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /** From the start of its query to its completion; null when it did not start or finish. */
  seconds: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** TASK_HISTORY's ATTEMPT_NUMBER of the row shown: above 1 once the graph run was retried. */
  attempt?: number;
  /** Why a task did not run, or what a state means here. */
  message?: string;
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

export interface GraphRunReporter extends TransformReporter {
  /** Each task as it finishes (or, at the end, as it was left: never run, or still running at a timeout). */
  task?(run: TaskRun): void;
  /** Once the graph run is found: its GRAPH_RUN_GROUP_ID. */
  started?(graphRunId: string): void;
  /** This EXECUTE TASK's run was skipped; the graph run the root started otherwise is followed instead. */
  adopted?(run: RootRun): void;
}

export interface GraphRunResult extends TransformResult {
  target: "snowflake";
  /** TASK_HISTORY's GRAPH_RUN_GROUP_ID (the run id of pipeline.stream_batches and test_results); null without a graph run. */
  graphRunId: string | null;
  /** The root, one task per model in graph order, the finalizer; empty for a full refresh (no task graph). */
  tasks: TaskRun[];
  /** One sentence for a run that built nothing new, or that left work for the next run. */
  notice?: string;
}

export interface GraphRunOptions {
  warehouse: Warehouse;
  project: Project;
  /** How long to wait for the graph run to finish; the run goes on in Snowflake after a timeout. */
  timeoutSeconds: number;
  pollSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  reporter?: GraphRunReporter;
  /** Once aborted, no new poll (or, in a full refresh, no new procedure call) starts. */
  signal?: AbortSignal;
  /** Models to rebuild; only with `fullRefresh` (the task graph builds every model). */
  select?: string;
  /** Rebuild from all data through the same procedures, without the task graph. */
  fullRefresh?: boolean;
  /** Test whole tables from here instead of reading the finalizer's results for the rows the run wrote. */
  fullTests?: boolean;
  /**
   * When given: after a graph run whose finalizer tested the rows it wrote, test whole tables from here
   * if the last whole pass is this many hours old or older. Without it, the finalizer's own schedule
   * (rendered at provision) is the only one.
   */
  fullTestsEveryHours?: number;
  /** Where `run_results.json` goes; undefined writes nothing. */
  targetDir?: string;
  /**
   * When this EXECUTE TASK's run is skipped, a graph run the root's trigger started since this instant
   * is the one that builds the new rows: it is followed and reported (run passes the start of its load).
   */
  adoptRunsSince?: Date;
}

/**
 * `transform` on Snowflake: `execute task pipeline.amplitude_root`, then follows that graph run in
 * TASK_HISTORY until every task is done, reports each task as it finishes, counts the rows of what was
 * built and reads the finalizer's test results. The result has the embedded runner's shape, so the same
 * table, figures and run_results.json come out. With `fullRefresh`, the same procedures run from here
 * in graph order instead (`call pipeline.build_<model>(true)`), and the tests run from here.
 */
export async function runTaskGraph(options: GraphRunOptions): Promise<GraphRunResult> {
  if (options.warehouse.dialect !== "snowflake") {
    throw new ConfigurationError(`the task graph runs on Snowflake only, not on ${options.warehouse.url}`);
  }
  if (options.select?.trim() && !options.fullRefresh) {
    throw new ConfigurationError(
      `--select ${options.select}: on Snowflake the task graph builds every model; ` +
        "a selection is rebuilt only with --full-refresh (transform --full-refresh --select …)",
    );
  }
  let result: GraphRunResult;
  if (options.fullRefresh) {
    result = await fullRefresh(options);
  } else {
    const why = await buildsFromSession(options.warehouse, options.project);
    if (why) {
      const built = await fullRefresh(options);
      result = { ...built, notice: [why, built.notice].filter(Boolean).join("; ") };
    } else {
      result = await graphRun(options);
    }
  }
  if (options.targetDir) {
    const path = join(options.targetDir, "run_results.json");
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}

/**
 * Why this transform builds the models from its own session, as `--full-refresh` does, instead of executing the
 * task graph; null to run the graph. A task run stops after its USER_TASK_TIMEOUT_MS (TASK_TIMEOUT_MS here); a
 * procedure called from a session has only the warehouse's STATEMENT_TIMEOUT_IN_SECONDS. So the first build
 * goes from here: when no model table exists yet, or when most of raw has never been captured (a first backfill
 * whose first files the root's trigger already built).
 */
export async function buildsFromSession(warehouse: Warehouse, project: Project): Promise<string | null> {
  const { compiled } = planProject(project, "snowflake");
  const tables = [...compiled.values()]
    .filter((model) => model.config.materialized !== "view")
    .map((model) => {
      const { schema, name } = upperParts(model.relation);
      return sqlString(`${schema}.${name}`);
    });
  if (tables.length === 0) return null;
  const [row] = await warehouse.query<{ built: SqlValue; raw_rows: SqlValue; waiting: SqlValue }>(
    `select
       (select count(*) from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema || '.' || table_name in (${tables.join(", ")})) as built,
       (select count(*) from ${EVENTS_TABLE}) as raw_rows,
       (select count(*) from ${EVENTS_STREAM}) as waiting`,
  );
  const built = Number(row?.built ?? 0);
  const rawRows = Number(row?.raw_rows ?? 0);
  const waiting = Number(row?.waiting ?? 0);
  if (rawRows === 0) return null;
  const limit = `a task stops after ${TASK_TIMEOUT_MS / 3_600_000} hours, a call from here only at the warehouse's statement timeout`;
  if (built === 0) {
    return `first build: no model table exists yet, so every model was built from this session, not by the task graph (${limit})`;
  }
  if (waiting * 2 > rawRows) {
    return (
      `first build: ${waiting} of the ${rawRows} rows of ${EVENTS_TABLE} were never built, so every model was rebuilt ` +
      `from this session, not by the task graph (${limit})`
    );
  }
  return null;
}

interface HistoryRow {
  name: string;
  state: string;
  scheduled_time: SqlValue;
  query_start_time: SqlValue;
  completed_time: SqlValue;
  error_code: SqlValue;
  error_message: SqlValue;
  attempt_number: SqlValue;
}

export interface Plan {
  compiled: Map<string, CompiledModel>;
  order: string[];
  selected: Set<string>;
}

async function graphRun(options: GraphRunOptions): Promise<GraphRunResult> {
  const { warehouse, project, reporter } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const pollMs = (options.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000;
  const plan: Plan = planProject(project, "snowflake");
  const started = now();

  const deadline = started.getTime() + options.timeoutSeconds * 1000;
  const expected = [ROOT_TASK, ...plan.order.map(modelTask), FINALIZER_TASK];

  // Server time, not this machine's: TASK_HISTORY's times are Snowflake's.
  const [clock] = await warehouse.query<{ ms: SqlValue }>(
    "select date_part(epoch_millisecond, current_timestamp()) as ms",
  );
  const sinceMs = Number(clock?.ms);
  const adoptFromMs = options.adoptRunsSince
    ? sinceMs - Math.max(0, started.getTime() - options.adoptRunsSince.getTime())
    : sinceMs;
  await provisioned(warehouse, `execute task ${ROOT_TASK}`, ROOT_TASK);

  /** Polls one graph run until it is done or the deadline passes, reporting each task as it finishes. */
  const follow = async (find: () => Promise<RootRun | null>) => {
    const seen = new Map<string, TaskRun>();
    const reported = new Set<string>();
    let root: RootRun | null = null;
    while (true) {
      options.signal?.throwIfAborted();
      if (root === null) {
        root = await find();
        if (root) reporter?.started?.(root.graphRunId);
      }
      if (root !== null) {
        for (const run of await graphRunTasks(warehouse, root, expected)) seen.set(run.task, run);
        for (const task of expected) {
          const run = seen.get(task);
          if (run && TERMINAL_STATES.has(run.state) && !reported.has(task)) {
            reported.add(task);
            reporter?.task?.(run);
          }
        }
        if (graphRunDone(seen)) return { root, seen, reported, timedOut: false };
      }
      if (now().getTime() >= deadline) return { root, seen, reported, timedOut: true };
      await sleep(pollMs);
    }
  };

  let followed = await follow(() => findRootRun(warehouse, sinceMs));
  let adopted: RootRun | null = null;
  const skippedRoot = followed.seen.get(ROOT_TASK);
  if (!followed.timedOut && skippedRoot?.state === "SKIPPED") {
    // The root is triggered by its stream too: a graph run it started by itself (or one still running)
    // builds what this EXECUTE TASK would have. Follow that one and report it.
    adopted = await concurrentRun(warehouse, sinceMs, adoptFromMs, followed.root!, expected);
    if (adopted) {
      reporter?.adopted?.(adopted);
      const other = adopted;
      followed = await follow(async () => other);
    }
  }
  const { seen, reported, timedOut } = followed;
  const graphRunId = followed.root?.graphRunId ?? null;
  const adoptedNotice = adopted
    ? `the run of ${ROOT_TASK} from EXECUTE TASK was skipped` +
      (skippedRoot?.errorMessage ? ` (Snowflake: ${skippedRoot.errorMessage})` : "") +
      `: graph run ${adopted.graphRunId}, started by ${adopted.scheduledFrom ?? "its trigger"}` +
      `${adopted.scheduledAt ? ` at ${adopted.scheduledAt}` : ""}, builds the new rows and is reported here`
    : undefined;

  const tasks = expected.map((task) => seen.get(task) ?? notRun(task, seen, plan, graphRunId === null));
  for (const run of tasks) {
    if (!reported.has(run.task)) reporter?.task?.(run);
  }
  const root = tasks[0]!;
  const base = {
    target: "snowflake" as const,
    selection: null,
    fullRefresh: false,
    startedAt: started.toISOString(),
    graphRunId,
    tasks,
  };
  const finish = (parts: {
    models: ModelResult[];
    tests: TestResult[];
    testsScope?: TestsScope;
    failed: boolean;
    notice?: string;
  }): GraphRunResult => {
    const figures = figuresOf(parts.models, parts.tests);
    const result: GraphRunResult = {
      ...base,
      seconds: (now().getTime() - started.getTime()) / 1000,
      models: parts.models,
      tests: parts.tests,
      ...(parts.testsScope ? { testsScope: parts.testsScope } : {}),
      figures,
      failed: parts.failed || figures.tests_failed > 0,
    };
    const notice = [adoptedNotice, parts.notice].filter(Boolean).join("; ");
    return { ...result, ...(notice ? { notice } : {}) };
  };

  if (timedOut) {
    const waiting = tasks.filter((t) => !TERMINAL_STATES.has(t.state));
    const models = modelResults(plan, tasks, (run) => ({
      status: "error",
      message:
        `timed out after ${formatMinutes(options.timeoutSeconds)}: ${run.task} ` +
        (run.state === "NOT_RUN" ? "was not scheduled yet" : `was still ${run.state}`),
    }));
    for (const model of models) reporter?.model?.(model);
    return finish({
      models,
      tests: [],
      failed: true,
      notice:
        `the graph run${graphRunId ? ` ${graphRunId}` : ""} did not finish within ${formatMinutes(options.timeoutSeconds)}: ` +
        waiting.map((t) => `${t.task} ${t.state === "NOT_RUN" ? "not scheduled yet" : t.state}`).join(", ") +
        ". It goes on in Snowflake; run transform again once it has finished (or watch it in " +
        "table(information_schema.task_history(…)))",
    });
  }

  if (root.state === "SKIPPED") {
    const nothingNew = !(await streamHasData(warehouse));
    const pending = await pendingBatches(warehouse);
    const why = nothingNew
      ? `nothing new to build: ${ROOT_TASK} was skipped because ${EVENTS_STREAM} has no new rows`
      : `${ROOT_TASK} was skipped although ${EVENTS_STREAM} has rows` +
        `${root.errorMessage ? ` (Snowflake: ${root.errorMessage})` : ""}, and no other graph run is building ` +
        "them: run transform again (SHOW TASKS says whether the graph is suspended)";
    const models = modelResults(plan, tasks, () => ({ status: "skipped", message: `skipped: ${why}` }));
    for (const model of models) reporter?.model?.(model);
    return finish({
      models,
      tests: [],
      failed: !nothingNew,
      notice:
        why +
        (pending > 0
          ? `; ${pending} batch(es) of an earlier run that did not complete wait in ${STREAM_BATCHES}: the next run ` +
            "with new rows builds them, or run transform --full-refresh now"
          : ""),
    });
  }

  const models = modelResults(plan, tasks);
  for (const model of models) {
    if (model.status === "success" && model.materialized !== "view") {
      model.rows = await count(warehouse, model.relation);
    }
    reporter?.model?.(model);
  }
  const broken = new Set(models.filter((m) => m.status !== "success").map((m) => m.name));
  const planned = planTests(project, plan.compiled, plan.selected, "snowflake");
  let testsScope = options.fullTests ? undefined : await recordedPass(warehouse, graphRunId!);
  // The finalizer tested the rows the run wrote, but this transform's schedule says a whole pass is due.
  const due =
    testsScope?.scope === "increment" &&
    options.fullTestsEveryHours !== undefined &&
    wholePassDue(testsScope.lastWholePass, options.fullTestsEveryHours, timestampText(now()));
  let tests: TestResult[];
  if (options.fullTests || due) {
    const scope: TestsScope = {
      scope: "whole",
      reason: due ? "due" : "full-tests",
      lastWholePass: testsScope?.lastWholePass ?? (await lastWholePass(warehouse)),
      everyHours: options.fullTestsEveryHours ?? testsScope?.everyHours ?? null,
      startedAt: timestampText(now()),
    };
    tests = await runTests(warehouse, planned, broken, now, reporter, options.signal);
    await recordTestPass(warehouse, { runId: graphRunId!, scope, finishedAt: timestampText(now()) });
    testsScope = scope;
  } else {
    tests = await recordedTests(warehouse, planned, graphRunId!, broken, tasks.at(-1)!, reporter);
  }
  const failedTask = tasks.some((t) => t.state !== "SUCCEEDED" && t.state !== "SKIPPED");
  const left =
    adopted && (await streamHasData(warehouse))
      ? `rows loaded after that run captured its batch wait in ${EVENTS_STREAM}: the root's trigger ` +
        "builds them in its next run (or run transform again)"
      : undefined;
  const overran = tasks.find(ranOutOfTime);
  const limited = overran
    ? `${overran.task} ran into its time limit (USER_TASK_TIMEOUT_MS): the batch stays pending in ${STREAM_BATCHES} ` +
      "and the next graph run would take as long; build it from this session with transform --full-refresh, " +
      "which no task time limit stops"
    : undefined;
  return finish({
    models,
    tests,
    testsScope,
    failed: failedTask || models.some((m) => m.status === "error"),
    notice: [left, limited].filter(Boolean).join("; ") || undefined,
  });
}

/** A task Snowflake canceled at its USER_TASK_TIMEOUT_MS (or at the warehouse's statement timeout). */
function ranOutOfTime(run: TaskRun): boolean {
  return (
    run.state.startsWith("FAILED") &&
    (run.errorCode === "000630" || /\btimeout\b/i.test(run.errorMessage ?? ""))
  );
}

/** Runs a statement on a provisioned object; a missing one is the user's to fix: provision first. */
async function provisioned(warehouse: Warehouse, sql: string, object: string): Promise<void> {
  try {
    await warehouse.execute(sql);
  } catch (error) {
    const message = errorMessage(error);
    if (/does not exist|not authorized/i.test(message)) {
      throw new ConfigurationError(
        `${object} cannot be used in ${warehouse.url} (${message}): run \`provision\` first, ` +
          "and grant this role OPERATE on the task graph and USAGE on the procedures",
      );
    }
    throw error;
  }
}

/** A run of the root task, as TASK_HISTORY gives it: the graph run it started. */
export interface RootRun {
  graphRunId: string;
  rootTaskId: string | null;
  /** EXECUTE TASK, TRIGGER, SCHEDULE… */
  scheduledFrom: string | null;
  scheduledAt: string | null;
  /** Epoch ms of its scheduled time: its tasks are looked for from shortly before it. */
  scheduledMs: number;
}

const ROOT_RUN_COLUMNS = `to_varchar(graph_run_group_id) as graph_run_group_id, to_varchar(root_task_id) as root_task_id,
       scheduled_from, scheduled_time, date_part(epoch_millisecond, scheduled_time) as scheduled_ms`;

export function rootRun(row: Row): RootRun {
  return {
    graphRunId: String(row.graph_run_group_id),
    rootTaskId: row.root_task_id === null || row.root_task_id === undefined ? null : String(row.root_task_id),
    scheduledFrom:
      row.scheduled_from === null || row.scheduled_from === undefined ? null : String(row.scheduled_from),
    scheduledAt: isoTime(row.scheduled_time),
    scheduledMs: Number(row.scheduled_ms),
  };
}

export function rootHistory(sinceMs: number, where: string, order: string, limit: number): string {
  const { schema, name } = upperParts(ROOT_TASK);
  return `select ${ROOT_RUN_COLUMNS}
     from table(information_schema.task_history(
       scheduled_time_range_start => ${since(sinceMs)},
       task_name => ${sqlString(name)},
       result_limit => 100))
     where database_name = current_database() and schema_name = ${sqlString(schema)}
       and graph_run_group_id is not null and ${where}
     order by scheduled_time ${order}
     limit ${limit}`;
}

/** The root's run that this EXECUTE TASK started: the first one scheduled from EXECUTE TASK since then. */
async function findRootRun(warehouse: Warehouse, sinceMs: number): Promise<RootRun | null> {
  const [row] = await warehouse.query(
    rootHistory(
      sinceMs,
      // TASK_HISTORY's docs write the value EXECUTE TASK, COMPLETE_TASK_GRAPHS's EXECUTE_TASK: either.
      `replace(scheduled_from, '_', ' ') = 'EXECUTE TASK' and scheduled_time >= ${timestampMs(sinceMs)}`,
      "",
      1,
    ),
  );
  return row ? rootRun(row) : null;
}

/**
 * When this EXECUTE TASK's run was skipped: the other graph run that builds the new rows, if any. One
 * the root started (by its trigger) since `adoptFromMs`, or an earlier one still running.
 */
async function concurrentRun(
  warehouse: Warehouse,
  sinceMs: number,
  adoptFromMs: number,
  ours: RootRun,
  expected: string[],
): Promise<RootRun | null> {
  const rows = await warehouse.query(
    rootHistory(
      Math.min(sinceMs, adoptFromMs) - 24 * 3_600_000,
      `to_varchar(graph_run_group_id) <> ${sqlString(ours.graphRunId)} and state <> 'SKIPPED'`,
      "desc",
      5,
    ),
  );
  for (const row of rows) {
    const run = rootRun(row);
    if (run.scheduledMs >= adoptFromMs) return run;
    const seen = new Map((await graphRunTasks(warehouse, run, expected)).map((t) => [t.task, t]));
    if (!graphRunDone(seen)) return run;
    // Older runs than a finished one are finished too.
    return null;
  }
  return null;
}

/** The tasks of one graph run, as TASK_HISTORY has them now. */
export async function graphRunTasks(
  warehouse: Warehouse,
  root: RootRun,
  expected: string[],
): Promise<TaskRun[]> {
  const rows = await graphRunRows(warehouse, root.scheduledMs, root.graphRunId, root.rootTaskId);
  return rows.map(taskRun).filter((run) => expected.includes(run.task));
}

async function graphRunRows(
  warehouse: Warehouse,
  scheduledMs: number,
  graphRunId: string,
  rootTaskId: string | null,
): Promise<HistoryRow[]> {
  const rows = await warehouse.query<HistoryRow & Row>(
    `select name, state, scheduled_time, query_start_time, completed_time,
            to_varchar(error_code) as error_code, error_message, attempt_number
     from table(information_schema.task_history(
       scheduled_time_range_start => ${since(scheduledMs)},
       ${rootTaskId ? `root_task_id => ${sqlString(rootTaskId)},` : ""}
       result_limit => 10000))
     where to_varchar(graph_run_group_id) = ${sqlString(graphRunId)}
     order by scheduled_time`,
  );
  // A retried graph run (EXECUTE TASK … RETRY LAST) keeps its group id: the latest attempt of each task counts.
  const latest = new Map<string, HistoryRow>();
  for (const row of rows) {
    const previous = latest.get(row.name.toLowerCase());
    if (!previous || Number(row.attempt_number ?? 0) >= Number(previous.attempt_number ?? 0)) {
      latest.set(row.name.toLowerCase(), row);
    }
  }
  return [...latest.values()];
}

/** Five minutes before the run, so a run scheduled on a clock a little behind is still found. */
function since(ms: number): string {
  return `dateadd('minute', -5, ${timestampMs(ms)})`;
}

export function timestampMs(ms: number): string {
  if (!Number.isFinite(ms)) throw new Error(`Snowflake's current_timestamp() came back as ${String(ms)}`);
  return `to_timestamp_ltz(${Math.trunc(ms)}, 3)`;
}

function taskRun(row: HistoryRow): TaskRun {
  const name = row.name.toLowerCase().replace(/^.*\./, "");
  const task = `${upperParts(ROOT_TASK).schema.toLowerCase()}.${name}`;
  const startedAt = isoTime(row.query_start_time);
  const completedAt = isoTime(row.completed_time);
  return {
    task,
    model: modelOfTask(name),
    state: row.state.toUpperCase(),
    scheduledAt: isoTime(row.scheduled_time),
    startedAt,
    completedAt,
    seconds: startedAt && completedAt ? (Date.parse(completedAt) - Date.parse(startedAt)) / 1000 : null,
    errorCode: row.error_code === null || row.error_code === undefined ? null : String(row.error_code),
    errorMessage:
      row.error_message === null || row.error_message === undefined ? null : String(row.error_message),
    attempt: Number(row.attempt_number ?? 1) || 1,
  };
}

function isoTime(value: SqlValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * Done when nothing more will happen: the root was skipped (nothing after it runs), or the finalizer,
 * which Snowflake runs once every other task has finished or will never run, has finished.
 */
export function graphRunDone(seen: Map<string, TaskRun>): boolean {
  const root = seen.get(ROOT_TASK);
  if (root?.state === "SKIPPED") return true;
  const finalizer = seen.get(FINALIZER_TASK);
  if (!finalizer || !TERMINAL_STATES.has(finalizer.state)) return false;
  return [...seen.values()].every((run) => !RUNNING_STATES.has(run.state));
}

/** A task that never appeared in the graph run, with the reason: the predecessor that did not succeed. */
export function notRun(task: string, seen: Map<string, TaskRun>, plan: Plan, noGraphRun: boolean): TaskRun {
  const base: TaskRun = {
    task,
    model: modelOfTask(task),
    state: "NOT_RUN",
    scheduledAt: null,
    startedAt: null,
    completedAt: null,
    seconds: null,
    errorCode: null,
    errorMessage: null,
  };
  if (noGraphRun) return { ...base, message: "the graph run never appeared in TASK_HISTORY" };
  const blocker = blockingTask(task, seen, plan);
  return {
    ...base,
    message: blocker
      ? `${blocker.task} ${describeState(blocker)}`
      : `${task} did not run in this graph run: provision the task graph again if its model is new`,
  };
}

/**
 * Why a task never ran: a model it refs (directly or not) whose task did not succeed; else, for a chain
 * that runs every model after the one before it, the nearest earlier task that did not succeed.
 */
function blockingTask(task: string, seen: Map<string, TaskRun>, plan: Plan): TaskRun | undefined {
  const stateOf = (t: string) => seen.get(t) ?? null;
  const root = stateOf(ROOT_TASK);
  if (task === ROOT_TASK) return undefined;
  if (!root || root.state !== "SUCCEEDED") return root ?? undefined;
  const model = modelOfTask(task);
  if (model) {
    const visited = new Set<string>();
    const stack = [...(plan.compiled.get(model)?.refs ?? [])];
    while (stack.length > 0) {
      const parent = stack.pop()!;
      if (visited.has(parent)) continue;
      visited.add(parent);
      const run = stateOf(modelTask(parent));
      if (run && run.state !== "SUCCEEDED") return run;
      if (!run) {
        // Not run either: its own blocker is the reason.
        const deeper = blockingTask(modelTask(parent), seen, plan);
        if (deeper) return deeper;
      }
      stack.push(...(plan.compiled.get(parent)?.refs ?? []));
    }
  }
  const order = [ROOT_TASK, ...plan.order.map(modelTask), FINALIZER_TASK];
  for (let i = order.indexOf(task) - 1; i >= 0; i -= 1) {
    const run = stateOf(order[i]!);
    if (run && run.state !== "SUCCEEDED") return run;
  }
  return undefined;
}

function describeState(run: TaskRun): string {
  if (run.state === "NOT_RUN") return `did not run${run.message ? ` (${run.message})` : ""}`;
  return run.state === "SKIPPED" ? "was skipped" : run.state.toLowerCase().replaceAll("_", " ");
}

function formatMinutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * The models' results from their tasks. `leftOver` decides for a task that did not finish (still running
 * at a timeout, or never run): by default it is skipped for the reason its TaskRun gives.
 */
export function modelResults(
  plan: Plan,
  tasks: TaskRun[],
  leftOver?: (run: TaskRun) => { status: ModelResult["status"]; message: string },
): ModelResult[] {
  return plan.order.map((name) => {
    const model = plan.compiled.get(name)!;
    const run = tasks.find((t) => t.model === name)!;
    let outcome: { status: ModelResult["status"]; message?: string };
    if (run.state === "SUCCEEDED") {
      outcome = { status: "success" };
    } else if (run.state === "SKIPPED") {
      outcome = {
        status: "skipped",
        message: `skipped: ${run.task} was skipped${run.errorMessage ? ` (${run.errorMessage})` : ""}`,
      };
    } else if (run.state === "NOT_RUN" || RUNNING_STATES.has(run.state)) {
      outcome = leftOver?.(run) ?? { status: "skipped", message: `skipped: ${run.message ?? "not run"}` };
    } else {
      const error = [run.errorCode, run.errorMessage].filter(Boolean).join(" ");
      outcome = { status: "error", message: `${run.task} ${run.state}${error ? `: ${error}` : ""}` };
    }
    return {
      name,
      relation: model.relation,
      materialized: model.config.materialized,
      // The procedure decides (a missing table is built whole); TASK_HISTORY does not say which it did.
      incremental: false,
      status: outcome.status,
      rows: null,
      processed: null,
      seconds: run.seconds ?? 0,
      ...(outcome.message ? { message: outcome.message } : {}),
    };
  });
}

/**
 * The finalizer's results (one row per test in pipeline.test_results), reported as the embedded runner
 * reports its own: through testOutcome with the test planned under the same name.
 */
export async function recordedTests(
  warehouse: Warehouse,
  planned: PlannedTest[],
  graphRunId: string,
  broken: Set<string>,
  finalizer: TaskRun,
  reporter: GraphRunReporter | undefined,
): Promise<TestResult[]> {
  const rows = await warehouse.query<{
    test_name: string;
    failures: SqlValue;
    sample: SqlValue;
    error: SqlValue;
    seconds: SqlValue;
  }>(
    `select test_name, failures, failing_rows as sample, error, seconds from ${TEST_RESULTS}
     where run_id = ? order by recorded_at`,
    [graphRunId],
  );
  // A retried finalizer records again: the latest row of a test wins.
  const byName = new Map(rows.map((row) => [String(row.test_name).toLowerCase(), row]));
  const tests: TestResult[] = [];
  for (const test of planned) {
    const row = byName.get(test.name.toLowerCase());
    let result: TestResult;
    if (row) {
      const seconds = Number(row.seconds ?? 0);
      result =
        row.error !== null && row.error !== undefined && String(row.error) !== ""
          ? testOutcome(test, { error: String(row.error), seconds })
          : testOutcome(test, {
              failures: Number(row.failures ?? 0),
              sample: sampleRows(row.sample),
              seconds,
            });
    } else {
      const brokenModel = test.on.find((name) => broken.has(name));
      result = {
        name: test.name,
        on: test.on,
        severity: test.severity,
        declaredIn: test.declaredIn,
        status: brokenModel ? "skipped" : "error",
        failures: 0,
        seconds: 0,
        message: brokenModel
          ? `skipped: ${brokenModel} was not built`
          : `the finalizer recorded no result for this test in ${TEST_RESULTS} (run ${graphRunId})` +
            (finalizer.state !== "SUCCEEDED"
              ? `: ${finalizer.task} ${describeState(finalizer)}` +
                (finalizer.errorMessage ? ` (${finalizer.errorMessage})` : "")
              : ": provision again so pipeline.run_data_tests knows every test"),
      };
    }
    tests.push(result);
    reporter?.test?.(result);
  }
  return tests;
}

/**
 * The pass of the data tests the finalizer recorded for a graph run (whole tables or the rows it wrote),
 * with the last whole pass before it; undefined when none is recorded (a finalizer that did not run, or
 * a procedure provisioned before passes were recorded).
 */
export async function recordedPass(
  warehouse: Warehouse,
  graphRunId: string,
): Promise<TestsScope | undefined> {
  // An account not provisioned since passes were recorded has no such table: nothing to read.
  if (!(await warehouse.tableExists("pipeline", "test_passes"))) return undefined;
  const [row] = await warehouse.query<{
    scope: SqlValue;
    every_hours: SqlValue;
    started_at: SqlValue;
    last_whole_pass: SqlValue;
  }>(
    `select passes.scope, passes.every_hours, passes.started_at,
       (select max(earlier.started_at) from ${TEST_PASSES} as earlier
        where earlier.scope = 'whole' and earlier.finished_at is not null
          and earlier.started_at < passes.started_at) as last_whole_pass
     from ${TEST_PASSES} as passes
     where passes.run_id = ?
     order by passes.started_at desc
     limit 1`,
    [graphRunId],
  );
  const scope = row?.scope === undefined || row.scope === null ? "" : String(row.scope).toLowerCase();
  const startedAt = timestampValue(row?.started_at);
  if ((scope !== "whole" && scope !== "increment") || startedAt === null) return undefined;
  const every = row!.every_hours;
  return {
    scope,
    // The finalizer tests whole tables only when its schedule says so.
    reason: scope === "whole" ? "due" : "scheduled",
    lastWholePass: timestampValue(row!.last_whole_pass),
    everyHours: every === null || every === undefined ? null : Number(every),
    startedAt,
  };
}

/** OBJECT_CONSTRUCT(*) makes the sample's keys uppercase; the tests' own columns are lowercase. */
function sampleRows(sample: SqlValue): Record<string, unknown>[] {
  const value = typeof sample === "string" ? (JSON.parse(sample) as unknown) : sample;
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (row): row is Record<string, unknown> => typeof row === "object" && row !== null && !Array.isArray(row),
    )
    .map((row) => Object.fromEntries(Object.entries(row).map(([key, v]) => [key.toLowerCase(), v])));
}

async function runTests(
  warehouse: Warehouse,
  planned: PlannedTest[],
  broken: Set<string>,
  now: () => Date,
  reporter: GraphRunReporter | undefined,
  signal: AbortSignal | undefined,
): Promise<TestResult[]> {
  const clock = () => now().getTime();
  const tests: TestResult[] = [];
  for (const test of planned) {
    signal?.throwIfAborted();
    const result = await runTest(warehouse, test, broken, clock);
    tests.push(result);
    reporter?.test?.(result);
  }
  return tests;
}

async function streamHasData(warehouse: Warehouse): Promise<boolean> {
  const [row] = await warehouse.query<{ has_data: SqlValue }>(
    `select system$stream_has_data(${sqlString(EVENTS_STREAM)}) as has_data`,
  );
  return row?.has_data === true || String(row?.has_data).toLowerCase() === "true";
}

async function pendingBatches(warehouse: Warehouse): Promise<number> {
  return Number(
    (
      await warehouse.query<{ n: SqlValue }>(
        `select count(*) as n from ${STREAM_BATCHES} where completed_at is null`,
      )
    )[0]?.n ?? 0,
  );
}

async function count(warehouse: Warehouse, relation: string): Promise<number> {
  const [row] = await warehouse.query<{ n: SqlValue }>(`select count(*) as n from ${relation}`);
  return Number(row?.n ?? 0);
}

function figuresOf(models: ModelResult[], tests: TestResult[]): TransformFigures {
  return {
    models: models.filter((m) => m.status === "success").length,
    tests_passed: tests.filter((t) => t.status === "pass").length,
    tests_failed: tests.filter((t) => t.status === "fail" || t.status === "error").length,
    tests_warned: tests.filter((t) => t.status === "warn").length,
  };
}

/**
 * `--full-refresh`: the procedures the tasks call, from here, without the task graph: capture a batch,
 * rebuild the selected models in graph order (a failed model skips its descendants), test whole tables,
 * and mark the pending batches complete once every model of the project was rebuilt.
 */
async function fullRefresh(options: GraphRunOptions): Promise<GraphRunResult> {
  const { warehouse, signal } = options;
  const now = options.now ?? (() => new Date());
  const started = now();
  // Planned first: a selection that names no model fails before the graph is touched.
  planProject(options.project, "snowflake", options.select);
  signal?.throwIfAborted();
  const suspended = await suspendGraph(warehouse, {
    timeoutSeconds: options.timeoutSeconds,
    pollMs: (options.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000,
    sleep: options.sleep ?? realSleep,
    now,
    signal,
  });
  let result: GraphRunResult;
  try {
    result = await rebuild(options, started, now);
  } catch (error) {
    if (suspended) await resumeGraph(warehouse, error);
    throw error;
  }
  if (suspended) await resumeGraph(warehouse);
  return result;
}

/**
 * Suspends the root task before a full refresh, so no graph run captures and merges while the procedures
 * rebuild the same tables from here, and waits for a run already in flight (suspending lets it finish).
 * True when it suspended the root; false when the graph was suspended already (it stays so after).
 */
export async function suspendGraph(
  warehouse: Warehouse,
  options: {
    timeoutSeconds: number;
    pollMs: number;
    sleep: (ms: number) => Promise<void>;
    now: () => Date;
    signal?: AbortSignal;
  },
): Promise<boolean> {
  const { schema, name } = upperParts(ROOT_TASK);
  const rows = await warehouse.query<{ name: SqlValue; state: SqlValue }>(
    `show tasks like ${sqlString(name)} in schema ${schema.toLowerCase()}`,
  );
  const state = rows.find((row) => String(row.name).toUpperCase() === name)?.state;
  if (state === undefined || state === null) {
    throw new ConfigurationError(
      `${ROOT_TASK} does not exist in ${warehouse.url}: run \`provision\` first (SHOW TASKS found no such task)`,
    );
  }
  if (String(state).toLowerCase() !== "started") return false;
  await provisioned(warehouse, `alter task ${ROOT_TASK} suspend`, ROOT_TASK);
  const still = await waitForRunInFlight(warehouse, { ...options, seconds: options.timeoutSeconds });
  if (still === undefined) return true;
  await resumeGraph(warehouse);
  options.signal?.throwIfAborted();
  throw new ExternalServiceError(
    "Snowflake",
    `a graph run of ${ROOT_TASK} was still executing after ${formatMinutes(options.timeoutSeconds)}, ` +
      "so the full refresh did not start (the graph is resumed as it was): run transform --full-refresh " +
      "again once the run has finished (CURRENT_TASK_GRAPHS shows it)",
    { retryable: true },
  );
}

/**
 * Resumes the root a full refresh suspended. After a failed rebuild (`failure`) the graph is resumed too,
 * and a resume that fails then is named beside the rebuild's own error.
 */
async function resumeGraph(warehouse: Warehouse, failure?: unknown): Promise<void> {
  try {
    await warehouse.execute(`alter task ${ROOT_TASK} resume`);
  } catch (error) {
    const message =
      `${ROOT_TASK} stays suspended: resuming it failed (${errorMessage(error)}); ` +
      `resume it with ALTER TASK ${ROOT_TASK} RESUME`;
    if (failure === undefined) throw new ExternalServiceError("Snowflake", message, { retryable: true });
    if (failure instanceof Error) failure.message = `${failure.message}; ${message}`;
  }
}

async function rebuild(options: GraphRunOptions, started: Date, now: () => Date): Promise<GraphRunResult> {
  const { warehouse, project, reporter, signal } = options;
  const { compiled, order, selected } = planProject(project, "snowflake", options.select);
  options.signal?.throwIfAborted();
  // The batch's run id says who captured it: the graph's runs use their GRAPH_RUN_GROUP_ID.
  const runId = `full-refresh ${started.toISOString()}`;
  await provisioned(warehouse, `call ${CAPTURE_PROCEDURE}(${sqlString(runId)})`, CAPTURE_PROCEDURE);

  const models: ModelResult[] = [];
  const broken = new Set<string>();
  for (const name of order.filter((n) => selected.has(n))) {
    signal?.throwIfAborted();
    const model = compiled.get(name)!;
    const result: ModelResult = {
      name,
      relation: model.relation,
      materialized: model.config.materialized,
      incremental: false,
      status: "success",
      rows: null,
      processed: null,
      seconds: 0,
    };
    const brokenParent = model.refs.find((parent) => broken.has(parent));
    if (brokenParent) {
      broken.add(name);
      result.status = "skipped";
      result.message = `skipped: ${brokenParent} failed`;
    } else {
      const begun = now().getTime();
      try {
        await warehouse.execute(`call ${buildProcedure(name)}(true)`);
        if (model.config.materialized !== "view") {
          result.rows = await count(warehouse, model.relation);
          result.processed = result.rows;
        }
      } catch (error) {
        broken.add(name);
        result.status = "error";
        result.message = `${buildProcedure(name)}: ${errorMessage(error)}`;
      }
      result.seconds = (now().getTime() - begun) / 1000;
    }
    models.push(result);
    reporter?.model?.(result);
  }

  const planned = planTests(project, compiled, selected, "snowflake");
  const testsScope: TestsScope = {
    scope: "whole",
    reason: "full-refresh",
    lastWholePass: await lastWholePass(warehouse),
    everyHours: options.fullTestsEveryHours ?? null,
    startedAt: timestampText(now()),
  };
  const tests = await runTests(warehouse, planned, broken, now, reporter, signal);
  const everyModel = selected.size === compiled.size;
  // The whole pass of every model's tests: the finalizer's schedule counts from it.
  if (everyModel)
    await recordTestPass(warehouse, { runId, scope: testsScope, finishedAt: timestampText(now()) });
  const built = models.every((m) => m.status === "success");
  let notice: string | undefined;
  if (built && everyModel) {
    // What was captured is now in every model: the next graph run need not build it again.
    await warehouse.execute(
      `update ${STREAM_BATCHES} set completed_at = convert_timezone('UTC', current_timestamp())::timestamp_ntz where completed_at is null`,
    );
  } else {
    notice =
      `the captured batch stays pending in ${STREAM_BATCHES}: ` +
      (built ? "not every model was rebuilt (--select)" : "a model failed") +
      ", so the next graph run builds it into every model";
  }
  const figures = figuresOf(models, tests);
  return {
    target: "snowflake",
    selection: options.select?.trim() || null,
    fullRefresh: true,
    startedAt: started.toISOString(),
    seconds: (now().getTime() - started.getTime()) / 1000,
    models,
    tests,
    testsScope,
    figures,
    failed: !built || figures.tests_failed > 0,
    graphRunId: null,
    tasks: [],
    ...(notice ? { notice } : {}),
  };
}
