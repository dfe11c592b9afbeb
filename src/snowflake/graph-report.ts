import type { Project } from "../models/project.ts";
import { planProject, planTests, type TestResult } from "../models/runner.ts";
import type { TestsScope } from "../models/test-passes.ts";
import { sqlString, type SqlValue, type Warehouse } from "../warehouse/warehouse.ts";
import {
  graphRunDone,
  graphRunTasks,
  modelResults,
  notRun,
  recordedPass,
  recordedTests,
  rootHistory,
  rootRun,
  timestampMs,
  type Plan,
  type RootRun,
  type TaskRun,
} from "./graph-run.ts";
import { FINALIZER_TASK, GRAPH_REPORTS, modelTask, ROOT_TASK, upperParts } from "./objects.ts";

/** How far back TASK_HISTORY is read for runs not reported yet: a day of hourly runs. */
export const REPORT_LOOKBACK_HOURS = 24;

/** One graph run as `transform --no-wait` reports it. */
export interface ReportedRun {
  graphRunId: string;
  /** The attempt reported: above 1 for a run retried (EXECUTE TASK … RETRY LAST, or automatic retries). */
  attempt: number;
  scheduledAt: string | null;
  /** EXECUTE TASK, TRIGGER, SCHEDULE… */
  scheduledFrom: string | null;
  /** The root, one task per model, the finalizer: as TASK_HISTORY has them (NOT_RUN when absent). */
  tasks: TaskRun[];
  /** The finalizer's results of this run (pipeline.test_results); empty while it runs or when the root was skipped. */
  tests: TestResult[];
  /** Which pass of the tests the finalizer ran (whole tables or the rows the run wrote); absent when unrecorded. */
  testsScope?: TestsScope;
  /** Finished: a task failed or an error-severity test failed. */
  failed: boolean;
  /** What failed, one phrase each: `pipeline.run_events FAILED: …`, `test not_null_… failed (3 rows)`. */
  failures: string[];
}

export interface GraphReport {
  /** Runs finished since the last report, oldest first, each claimed by this call (reported once). */
  finished: ReportedRun[];
  /** The run still in progress, if any: reported again (as finished) by a later call. */
  running: ReportedRun | null;
  failed: boolean;
}

/**
 * Reports the task graph's runs without waiting for one: every run of the root in TASK_HISTORY that has
 * finished and that no earlier report claimed, and the run still in progress. A finished run is claimed
 * in pipeline.graph_reports by one MERGE before it is reported, so two overlapping reports never both
 * report it. The tasks are read as `transform` follows a run; the tests from the finalizer's results.
 */
export async function reportGraphRuns(options: {
  warehouse: Warehouse;
  project: Project;
}): Promise<GraphReport> {
  const { warehouse, project } = options;
  const plan: Plan = planProject(project, "snowflake");
  const expected = [ROOT_TASK, ...plan.order.map(modelTask), FINALIZER_TASK];
  // Server time, not this machine's: TASK_HISTORY's times are Snowflake's.
  const [clock] = await warehouse.query<{ ms: SqlValue }>(
    "select date_part(epoch_millisecond, current_timestamp()) as ms",
  );
  const sinceMs = Number(clock?.ms) - REPORT_LOOKBACK_HOURS * 3_600_000;
  // A root retried after it failed has a row per attempt: one graph run, from its first attempt's time.
  const roots = [
    ...new Map(
      (await warehouse.query(rootHistory(sinceMs, `scheduled_time >= ${timestampMs(sinceMs)}`, "", 100)))
        .map(rootRun)
        .sort((a, b) => b.scheduledMs - a.scheduledMs)
        .map((root) => [root.graphRunId, root] as const),
    ).values(),
  ].sort((a, b) => a.scheduledMs - b.scheduledMs);
  const ids = roots.map((r) => r.graphRunId);
  // A retry keeps the group id: a run reported after its first attempt failed is reported again once
  // retried, for its latest attempt, and each (group id, attempt) only once.
  const attempts = await latestAttempts(warehouse, sinceMs, ids);
  const claimed = await reportedAttempts(warehouse, ids);

  const finished: ReportedRun[] = [];
  let running: ReportedRun | null = null;
  for (const root of roots) {
    const attempt = attempts.get(root.graphRunId) ?? 1;
    if (claimed.has(claimKey(root.graphRunId, attempt))) continue;
    const found = await graphRunTasks(warehouse, root, expected);
    const seen = new Map(found.map((t) => [t.task, t]));
    if (!graphRunDone(seen)) {
      // The newest run in progress; an older one left unfinished is shown by a later report.
      running = {
        ...runOf(root, attempt),
        tasks: expected.flatMap((task) => seen.get(task) ?? []),
        tests: [],
        failed: false,
        failures: [],
      };
      continue;
    }
    if (!(await claim(warehouse, root, attempt))) continue;
    const tasks = expected.map((task) => seen.get(task) ?? notRun(task, seen, plan, false));
    finished.push(await finishedRun(warehouse, project, plan, root, attempt, tasks));
  }
  return { finished, running, failed: finished.some((run) => run.failed) };
}

function runOf(root: RootRun, attempt: number) {
  return {
    graphRunId: root.graphRunId,
    attempt,
    scheduledAt: root.scheduledAt,
    scheduledFrom: root.scheduledFrom,
  };
}

async function finishedRun(
  warehouse: Warehouse,
  project: Project,
  plan: Plan,
  root: RootRun,
  attempt: number,
  tasks: TaskRun[],
): Promise<ReportedRun> {
  const skipped = tasks[0]?.state === "SKIPPED";
  const broken = new Set(
    modelResults(plan, tasks)
      .filter((m) => m.status !== "success")
      .map((m) => m.name),
  );
  const tests = skipped
    ? []
    : await recordedTests(
        warehouse,
        planTests(project, plan.compiled, plan.selected, "snowflake"),
        root.graphRunId,
        broken,
        tasks.at(-1)!,
        undefined,
      );
  const failures = [
    ...tasks
      .filter((t) => t.state !== "SUCCEEDED" && t.state !== "SKIPPED" && t.state !== "NOT_RUN")
      .map((t) => `${t.task} ${t.state}${t.errorMessage ? `: ${t.errorMessage}` : ""}`),
    // An error that kept a test from running (e.g. its model was not built) fails it as a failure would.
    ...tests
      .filter((t) => t.status === "fail" || t.status === "error")
      .map((t) => `test ${t.name} ${t.status === "fail" ? `failed (${t.failures} row(s))` : "errored"}`),
  ];
  const testsScope = skipped ? undefined : await recordedPass(warehouse, root.graphRunId);
  return {
    ...runOf(root, attempt),
    tasks,
    tests,
    ...(testsScope ? { testsScope } : {}),
    failed: failures.length > 0,
    failures,
  };
}

function claimKey(graphRunId: string, attempt: number): string {
  return `${graphRunId} ${attempt}`;
}

/** The highest ATTEMPT_NUMBER of any task of each graph run: a retry runs again only what failed. */
async function latestAttempts(
  warehouse: Warehouse,
  sinceMs: number,
  ids: string[],
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await warehouse.query<{ graph_run_group_id: SqlValue; attempt_number: SqlValue }>(
    `select to_varchar(graph_run_group_id) as graph_run_group_id, max(attempt_number) as attempt_number
     from table(information_schema.task_history(
       scheduled_time_range_start => ${timestampMs(sinceMs)},
       result_limit => 10000))
     where database_name = current_database() and schema_name = ${sqlString(upperParts(ROOT_TASK).schema)}
       and to_varchar(graph_run_group_id) in (${ids.map(sqlString).join(", ")})
     group by 1`,
  );
  return new Map(rows.map((row) => [String(row.graph_run_group_id), Number(row.attempt_number ?? 1) || 1]));
}

async function reportedAttempts(warehouse: Warehouse, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await warehouse.query<{ graph_run_group_id: SqlValue; attempt_number: SqlValue }>(
    `select graph_run_group_id, attempt_number from ${GRAPH_REPORTS} where graph_run_group_id in (${ids.map(sqlString).join(", ")})`,
  );
  return new Set(
    rows.map((row) => claimKey(String(row.graph_run_group_id), Number(row.attempt_number ?? 1) || 1)),
  );
}

/**
 * Claims a finished run for this report: true when this MERGE inserted its row, false when another
 * report already holds it. MERGE takes the table's lock, so two reports' claims run one after the other.
 */
async function claim(warehouse: Warehouse, root: RootRun, attempt: number): Promise<boolean> {
  const rows = await warehouse.query<Record<string, SqlValue>>(
    `merge into ${GRAPH_REPORTS} as reported
     using (select ${sqlString(root.graphRunId)} as graph_run_group_id, ${Math.trunc(attempt)} as attempt_number) as run
     on reported.graph_run_group_id = run.graph_run_group_id
       and coalesce(reported.attempt_number, 1) = run.attempt_number
     when not matched then insert (graph_run_group_id, attempt_number, scheduled_time, reported_at)
       values (run.graph_run_group_id, run.attempt_number, ${
         Number.isFinite(root.scheduledMs)
           ? `convert_timezone('UTC', ${timestampMs(root.scheduledMs)})::timestamp_ntz`
           : "null"
       }, convert_timezone('UTC', current_timestamp())::timestamp_ntz)`,
  );
  // MERGE answers one row: "number of rows inserted" (and updated/deleted when those clauses exist).
  const inserted = rows[0] ? Object.values(rows[0])[0] : 0;
  return Number(inserted ?? 0) > 0;
}
