// A scripted task graph behind the fake's `on(regex, handler)`: each task moves through TASK_HISTORY
// states as the graph run is polled, procedures can fail, the finalizer's test results wait in
// pipeline.test_results. Tests then assert what the pipeline did with that state (what it reported,
// what it called), not only which SQL it sent.
import { generateKeyPairSync } from "node:crypto";
import type { Env } from "../../src/config.ts";
import { openWarehouse } from "../../src/warehouse/open-warehouse.ts";
import type { Warehouse } from "../../src/warehouse/warehouse.ts";
import { parseCreateTask, type ParsedTask } from "./fake-snowflake-syntax.ts";
import {
  startFakeSnowflake,
  type FakeAnswer,
  type FakeCell,
  type FakeColumn,
  type FakeQuery,
  type FakeSnowflake,
} from "./fake-snowflake.ts";

const ACCOUNT = "acme-test";
const USER = "pipeline_user";

/**
 * A fake Snowflake the pipeline's user signs in to with a key pair, and the SNOWFLAKE_* variables that
 * point SnowflakeWarehouse (or the CLI, as SNOWFLAKE_ACCESS_URL) at it.
 */
export async function startScriptedSnowflake(): Promise<{
  fake: FakeSnowflake;
  env: Env;
  open(): Promise<Warehouse>;
}> {
  const keys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const fake = await startFakeSnowflake({ account: ACCOUNT, user: USER, publicKey: keys.publicKey });
  const env: Env = {
    SNOWFLAKE_ACCOUNT: ACCOUNT,
    SNOWFLAKE_USER: USER,
    SNOWFLAKE_PRIVATE_KEY: keys.privateKey,
    SNOWFLAKE_DATABASE: "analytics",
    SNOWFLAKE_WAREHOUSE: "transforming",
    SNOWFLAKE_ROLE: "pipeline",
    SNOWFLAKE_ACCESS_URL: fake.url,
  };
  return { fake, env, open: () => openWarehouse("snowflake", { create: false, env }) };
}

/** A test clock: `sleep` moves it instead of waiting, so timeouts are exact and instant. */
export function testClock(start = Date.parse("2025-11-06T08:00:00.000Z")) {
  let ms = start;
  const sleeps: number[] = [];
  return {
    now: () => new Date(ms),
    ms: () => ms,
    sleep: async (wait: number) => {
      sleeps.push(wait);
      ms += wait;
    },
    advance: (wait: number) => {
      ms += wait;
    },
    sleeps,
  };
}

const status = (text: string): FakeAnswer => ({
  columns: [{ name: "status", type: "text" }],
  rows: [[text]],
  statementTypeId: 0x6000,
});

function sqlError(message: string, code = "100132"): FakeAnswer {
  return { code, sqlState: "P0000", message };
}

// ---------------------------------------------------------------------------------------------------
// Task graph

/** One task's life in the graph run: its state at each poll of TASK_HISTORY (the last one stays). */
export interface ScriptedTask {
  /** Unqualified, as TASK_HISTORY gives it: `AMPLITUDE_ROOT`, `RUN_EVENTS`, `AMPLITUDE_FINALIZER`. */
  name: string;
  /** `null` where the task has not appeared in TASK_HISTORY yet. */
  states: Array<string | null>;
  errorCode?: string;
  errorMessage?: string;
  /** Seconds from its query start to its completion. */
  seconds?: number;
  /** TASK_HISTORY's ATTEMPT_NUMBER (default 1): a retried graph run lists a task again with a higher one. */
  attempt?: number;
  /** Polls of its graph run before `states` begins (set for the tasks of a retry). */
  fromPoll?: number;
}

export interface TaskGraphScript {
  /** GRAPH_RUN_GROUP_ID of the EXECUTE TASK run (default GRAPH_RUN_ID, a UUID). */
  graphRunId?: string;
  rootTaskId?: string;
  /** Polls of the root's history before its run shows up (TASK_HISTORY lags a little). */
  rootAppearsAfter?: number;
  tasks: ScriptedTask[];
  /** Other runs of the root (started by its trigger), newest first or not: TASK_HISTORY sorts them. */
  otherRuns?: ScriptedRun[];
  /** pipeline.test_results rows for this run, as the finalizer writes them (sample keys UPPERCASE). */
  testResults?: Array<{
    test_name: string;
    failures: number;
    sample?: unknown[] | null;
    error?: string | null;
    seconds?: number;
  }>;
  /** Results of other runs, by GRAPH_RUN_GROUP_ID (transform --no-wait reports several runs). */
  testResultsByRun?: Record<string, NonNullable<TaskGraphScript["testResults"]>>;
  /**
   * pipeline.test_passes as the finalizer writes it, by run id: which pass of the tests ran (`whole` or
   * `increment`), its schedule, when it started, and the last whole pass that finished before it.
   */
  testPasses?: Record<
    string,
    { scope: "whole" | "increment"; everyHours: number; startedAt: string; lastWholePass: string | null }
  >;
  /** The run the finalizer recorded testResults for (default: the EXECUTE TASK run). */
  resultsRunId?: string;
  /** count(*) of each relation. */
  rowCounts?: Record<string, number>;
  streamHasData?: boolean;
  pendingBatches?: number;
  /** `call pipeline.build_<model>(…)` that raise this message. */
  failingProcedures?: Record<string, string>;
  /** The server's clock in epoch ms (what `current_timestamp()` says). */
  serverNow?: number;
  /**
   * What transform checks before it executes the root: how many model tables exist, the rows of
   * raw.amplitude_events, and the rows waiting in its stream (default: every table built, 100 rows waiting of 100,000).
   */
  models?: { built: number; rawRows: number; waiting: number };
  /**
   * The CREATE TASK statements the graph was provisioned with: each task's USER_TASK_TIMEOUT_MS decides whether
   * its scripted run (`seconds`) times out. Without them, or without the parameter, Snowflake's default applies.
   */
  provisioned?: string[];
  /** The root task's state as SHOW TASKS gives it (default started); ALTER TASK … SUSPEND / RESUME change it. */
  rootState?: "started" | "suspended";
  /** Polls of CURRENT_TASK_GRAPHS that still show a graph run EXECUTING (one started before the suspend). */
  executingPolls?: number;
  /** ALTER TASK … RESUME fails with this message. */
  failingResume?: string;
  /**
   * What `execute task pipeline.amplitude_root retry last` runs: the tasks of a new attempt of the last
   * graph run (given without `attempt`, they get the next attempt number).
   */
  retry?: ScriptedTask[];
}

/** A graph run the root started by itself, e.g. its stream trigger. */
export interface ScriptedRun {
  graphRunId: string;
  scheduledFrom: string;
  /** Epoch ms of the root's scheduled time. */
  scheduledAt: number;
  tasks: ScriptedTask[];
}

export interface TaskGraphState {
  executed: number;
  /** Polls of the EXECUTE TASK run's tasks. */
  historyPolls: number;
  /** Polls of each graph run's tasks, by GRAPH_RUN_GROUP_ID. */
  polls: Record<string, number>;
  /** `call …` and `update pipeline.stream_batches …` statements, in order. */
  calls: string[];
  /** The run id the test_results query asked for. */
  testResultsRunIds: unknown[];
  /** pipeline.graph_reports: the runs claimed by a report, in claim order. */
  graphReports: string[];
  /** The same claims as `<graph run id> attempt <n>`: a retried run is claimed again for its new attempt. */
  claims: string[];
  /** The root's state now. */
  rootState: "started" | "suspended";
  /** `alter task pipeline.amplitude_root …`, CURRENT_TASK_GRAPHS polls (`graph run executing?`) and calls, in order. */
  graph: string[];
}

const SERVER_NOW = Date.parse("2025-11-06T08:00:00.000Z");

/**
 * "There is a 60 minute default limit on a single run of a task. This limitation was implemented as a safeguard
 * against non-terminating tasks." … "consider increasing the timeout limit for the task by executing ALTER TASK …
 * SET USER_TASK_TIMEOUT_MS = <num>" … "the task currently has the default 3600000 millisecond (60 minute) timeout."
 * https://docs.snowflake.com/en/user-guide/tasks-ts.html
 */
export const DEFAULT_USER_TASK_TIMEOUT_MS = 3_600_000;

/**
 * How a run canceled at its time limit shows in TASK_HISTORY: FAILED, with the error Snowflake gives a statement
 * canceled at its timeout (code 000630, SQL state 57014, "Statement reached its statement or warehouse timeout of
 * 3,600 second(s) and was canceled.", as Snowflake's drivers report it). The documentation gives no TASK_HISTORY
 * sample for a task timeout: the wording is the statement timeout's, assumed the same.
 */
export function taskTimeoutError(timeoutMs: number): { errorCode: string; errorMessage: string } {
  const seconds = Math.round(timeoutMs / 1000).toLocaleString("en-US");
  return {
    errorCode: "000630",
    errorMessage: `Statement reached its statement or warehouse timeout of ${seconds} second(s) and was canceled.`,
  };
}

/** Each task's USER_TASK_TIMEOUT_MS, by its unqualified UPPERCASE name, from the statements that created them. */
function taskTimeouts(statements: string[] = []): Map<string, number> {
  const timeouts = new Map<string, number>();
  for (const sql of statements) {
    const parsed = parseCreateTask(sql);
    if (!parsed.ok) throw new Error(`not a CREATE TASK the fake accepts: ${parsed.error.message}`);
    const name = parsed.value.name.split(".").at(-1)!.toUpperCase();
    const value = parsed.value.properties.get("USER_TASK_TIMEOUT_MS");
    timeouts.set(name, value === undefined ? DEFAULT_USER_TASK_TIMEOUT_MS : Number(value));
  }
  return timeouts;
}

/**
 * When a triggered root task starts its graph runs, given the instants (epoch ms) Snowpipe commits rows to the
 * stream it watches, each run taking `runMs`. "Use triggered tasks to run tasks whenever there's a change in a
 * stream." (https://docs.snowflake.com/en/user-guide/tasks-triggered); the root created with
 * "[ USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS = <num> ]" (https://docs.snowflake.com/en/sql-reference/sql/create-task)
 * starts a run no sooner than that many seconds after the previous one began, 30 without it (the parameter's
 * default, https://docs.snowflake.com/en/sql-reference/parameters), and never while the previous run goes on. A run
 * captures every row committed before it starts.
 */
export function triggeredRunStarts(root: ParsedTask, commitsAt: number[], runMs = 0): number[] {
  if (!/system\$stream_has_data\(/i.test(root.when ?? "") || root.properties.has("SCHEDULE")) {
    throw new Error(`${root.name} is not a triggered task (WHEN system$stream_has_data(…) without SCHEDULE)`);
  }
  const intervalMs =
    Number(root.properties.get("USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS") ?? 30) * 1000;
  const commits = [...commitsAt].sort((a, b) => a - b);
  const starts: number[] = [];
  let i = 0;
  while (i < commits.length) {
    const previous = starts.at(-1);
    const start =
      previous === undefined ? commits[i]! : Math.max(commits[i]!, previous + intervalMs, previous + runMs);
    starts.push(start);
    while (i < commits.length && commits[i]! <= start) i += 1;
  }
  return starts;
}

/**
 * The default graph run's GRAPH_RUN_GROUP_ID. "'CURRENT_TASK_GRAPH_RUN_GROUP_ID' Returns a universally
 * unique identifier (UUID) that represents the current graph run group", and TASK_HISTORY's rows of one
 * run carry the same id: "The combination of graph_run_group_id, and attempt_number can be used to
 * uniquely identify a graph run." (The release note calls the column a NUMBER: the pipeline reads it
 * with to_varchar either way.)
 * https://docs.snowflake.com/en/sql-reference/functions/system_task_runtime_info
 * https://docs.snowflake.com/release-notes/bcr-bundles/2023_06/bcr-1279
 */
export const GRAPH_RUN_ID = "01b8a2c5-3f1d-4e6a-9c27-5d0e8f4b7a31";
const RUN_ID = "([\\w-]+)";

/** Scripts a task graph on the fake; returns what the pipeline did to it. */
export function scriptTaskGraph(fake: FakeSnowflake, script: TaskGraphScript): TaskGraphState {
  const graphRunId = script.graphRunId ?? GRAPH_RUN_ID;
  const rootTaskId = script.rootTaskId ?? "01b8a2c4-0000-4f00-8000-0000000000aa";
  const serverNow = script.serverNow ?? SERVER_NOW;
  const state: TaskGraphState = {
    executed: 0,
    historyPolls: 0,
    polls: {},
    calls: [],
    testResultsRunIds: [],
    graphReports: [],
    claims: [],
    rootState: script.rootState ?? "started",
    graph: [],
  };
  let executingPolls = script.executingPolls ?? 0;
  let rootPolls = 0;
  const ours: ScriptedRun = {
    graphRunId,
    scheduledFrom: "EXECUTE TASK",
    scheduledAt: serverNow + 1000,
    tasks: script.tasks,
  };
  const runs = [ours, ...(script.otherRuns ?? [])];
  const timeouts = taskTimeouts(script.provisioned);
  const rootColumns: FakeColumn[] = [
    { name: "GRAPH_RUN_GROUP_ID", type: "text" },
    { name: "ROOT_TASK_ID", type: "text" },
    { name: "SCHEDULED_FROM", type: "text" },
    { name: "SCHEDULED_TIME", type: "timestamp_ltz", scale: 3 },
    { name: "SCHEDULED_MS", type: "fixed" },
  ];
  const rootRow = (run: ScriptedRun): FakeCell[] => [
    run.graphRunId,
    rootTaskId,
    run.scheduledFrom,
    new Date(run.scheduledAt),
    run.scheduledAt,
  ];

  const models = script.models ?? { built: 1, rawRows: 100_000, waiting: 100 };
  fake.on(
    /\) as built,\s*\(select count\(\*\) from raw\.amplitude_events\) as raw_rows,[\s\S]*\) as waiting$/i,
    {
      columns: [
        { name: "BUILT", type: "fixed" },
        { name: "RAW_ROWS", type: "fixed" },
        { name: "WAITING", type: "fixed" },
      ],
      rows: [[models.built, models.rawRows, models.waiting]],
    },
  );
  fake.on(/date_part\(epoch_millisecond, current_timestamp\(\)\) as ms/i, {
    columns: [{ name: "MS", type: "fixed" }],
    rows: [[serverNow]],
  });
  fake.on(/^execute task pipeline\.amplitude_root$/i, () => {
    state.executed += 1;
    return status("Task AMPLITUDE_ROOT is scheduled to run immediately.");
  });
  // The root's runs since the execute: found once EXECUTE TASK has run (and TASK_HISTORY caught up).
  fake.on(/information_schema\.task_history\([\s\S]*task_name => 'AMPLITUDE_ROOT'/i, (query) => {
    if (/replace\(scheduled_from, '_', ' '\) = 'EXECUTE TASK'/i.test(query.sql)) {
      rootPolls += 1;
      const found = state.executed > 0 && rootPolls > (script.rootAppearsAfter ?? 0);
      return { columns: rootColumns, rows: found ? [rootRow(ours)] : [] };
    }
    // The other runs of the root, newest first, as the adoption query asks for them.
    const excluded = new RegExp(`to_varchar\\(graph_run_group_id\\) <> '${RUN_ID}'`, "i").exec(
      query.sql,
    )?.[1];
    const others = runs
      .filter((run) => run.graphRunId !== excluded)
      .sort((a, b) => b.scheduledAt - a.scheduledAt);
    return { columns: rootColumns, rows: others.map(rootRow) };
  });
  fake.on(
    new RegExp(`information_schema\\.task_history\\([\\s\\S]*graph_run_group_id\\) = '${RUN_ID}'`, "i"),
    (query, match) => {
      const run = runs.find((r) => r.graphRunId === match[1]);
      const poll = state.polls[match[1]!] ?? 0;
      state.polls[match[1]!] = poll + 1;
      if (run === ours) state.historyPolls += 1;
      const columns: FakeColumn[] = [
        { name: "NAME", type: "text" },
        { name: "STATE", type: "text" },
        { name: "SCHEDULED_TIME", type: "timestamp_ltz", scale: 3 },
        { name: "QUERY_START_TIME", type: "timestamp_ltz", scale: 3 },
        { name: "COMPLETED_TIME", type: "timestamp_ltz", scale: 3 },
        { name: "ERROR_CODE", type: "text" },
        { name: "ERROR_MESSAGE", type: "text" },
        { name: "ATTEMPT_NUMBER", type: "fixed" },
      ];
      const rooted = query.sql.includes(`root_task_id => '${rootTaskId}'`);
      if (!run || !rooted) return { columns, rows: [] };
      const rows: FakeCell[][] = [];
      run.tasks.forEach((task, i) => {
        const at = poll - (task.fromPoll ?? 0);
        let now = at < 0 ? null : task.states[Math.min(at, task.states.length - 1)];
        if (now === null || now === undefined) return;
        const scheduled = new Date(run.scheduledAt + 1000 * i);
        const started = now === "SCHEDULED" || now === "SKIPPED" ? null : new Date(scheduled.getTime() + 500);
        const terminal = !["SCHEDULED", "EXECUTING"].includes(now);
        // A run longer than its task's USER_TASK_TIMEOUT_MS is canceled at the limit and fails.
        const limitMs = timeouts.get(task.name.toUpperCase()) ?? DEFAULT_USER_TASK_TIMEOUT_MS;
        const timedOut = terminal && started !== null && 1000 * (task.seconds ?? 2) > limitMs;
        if (timedOut) now = "FAILED";
        const completed =
          terminal && started
            ? new Date(started.getTime() + Math.min(1000 * (task.seconds ?? 2), limitMs))
            : terminal
              ? scheduled
              : null;
        const failed = now !== "SUCCEEDED" && terminal;
        const error = timedOut ? taskTimeoutError(limitMs) : task;
        rows.push([
          task.name,
          now,
          scheduled,
          started,
          completed,
          failed ? (error.errorCode ?? null) : null,
          failed ? (error.errorMessage ?? null) : null,
          task.attempt ?? 1,
        ]);
      });
      return { columns, rows };
    },
  );
  fake.on(/^select count\(\*\) as n from (\w+\.\w+)$/i, (_query, match) => ({
    columns: [{ name: "N", type: "fixed" }],
    rows: [[script.rowCounts?.[match[1]!.toLowerCase()] ?? 0]],
  }));
  fake.on(/failing_rows as sample[\s\S]*from pipeline\.test_results\s+where run_id = \?/i, (query) => {
    state.testResultsRunIds.push(query.binds?.["1"]?.value);
    const asked = query.binds?.["1"]?.value;
    const recorded = script.resultsRunId ?? graphRunId;
    return {
      columns: [
        { name: "TEST_NAME", type: "text" },
        { name: "FAILURES", type: "fixed" },
        { name: "SAMPLE", type: "variant" },
        { name: "ERROR", type: "text" },
        { name: "SECONDS", type: "real" },
      ],
      rows: (
        script.testResultsByRun?.[String(asked)] ?? (asked === recorded ? (script.testResults ?? []) : [])
      ).map((row) => [
        row.test_name,
        row.failures,
        row.sample ?? null,
        row.error ?? null,
        row.seconds ?? 0.5,
      ]),
    };
  });
  // The pass the finalizer recorded for a run, with the last whole pass before it; none when not scripted.
  fake.on(/from pipeline\.test_passes as passes\s+where passes\.run_id = \?/i, (query) => {
    const pass = script.testPasses?.[String(query.binds?.["1"]?.value)];
    return {
      columns: [
        { name: "SCOPE", type: "text" },
        { name: "EVERY_HOURS", type: "fixed" },
        { name: "STARTED_AT", type: "timestamp_ntz", scale: 3 },
        { name: "LAST_WHOLE_PASS", type: "timestamp_ntz", scale: 3 },
      ],
      rows: pass
        ? [
            [
              pass.scope,
              pass.everyHours,
              new Date(`${pass.startedAt}Z`),
              pass.lastWholePass === null ? null : new Date(`${pass.lastWholePass}Z`),
            ],
          ]
        : [],
    };
  });
  // The latest attempt of each graph run a report looks at, from every task's row of the run.
  fake.on(
    /^select to_varchar\(graph_run_group_id\) as graph_run_group_id, max\(attempt_number\) as attempt_number[\s\S]*information_schema\.task_history\(/i,
    (query) => {
      const asked = new Set([...query.sql.matchAll(/'([\w-]+)'/g)].map((m) => m[1]!));
      return {
        columns: [
          { name: "GRAPH_RUN_GROUP_ID", type: "text" },
          { name: "ATTEMPT_NUMBER", type: "fixed" },
        ],
        rows: runs
          .filter((run) => asked.has(run.graphRunId))
          .map((run) => [run.graphRunId, Math.max(1, ...run.tasks.map((task) => task.attempt ?? 1))]),
      };
    },
  );
  fake.on(
    /^select graph_run_group_id, attempt_number from pipeline\.graph_reports where graph_run_group_id in \(([^)]*)\)$/i,
    (_q, match) => ({
      columns: [
        { name: "GRAPH_RUN_GROUP_ID", type: "text" },
        { name: "ATTEMPT_NUMBER", type: "fixed" },
      ],
      rows: [...match[1]!.matchAll(/'([\w-]+)'/g)].flatMap((m) =>
        state.claims
          .filter((claim) => claim.startsWith(`${m[1]!} attempt `))
          .map((claim) => [m[1]!, Number(claim.split(" ").at(-1))]),
      ),
    }),
  );
  // "The command returns … number of rows inserted" (one column per clause the MERGE has), and "UPDATE,
  // DELETE, and MERGE statements hold locks that generally prevent them from running in parallel with
  // other UPDATE, DELETE, and MERGE statements": claims run one after the other, as here.
  // https://docs.snowflake.com/en/sql-reference/sql/merge
  // https://docs.snowflake.com/en/sql-reference/transactions#resource-locking
  fake.on(
    /^merge into pipeline\.graph_reports[\s\S]*using \(select '([\w-]+)' as graph_run_group_id, (\d+) as attempt_number\)/i,
    (_q, match) => {
      const claim = `${match[1]!} attempt ${match[2]!}`;
      const claimed = !state.claims.includes(claim);
      if (claimed) {
        state.claims.push(claim);
        if (!state.graphReports.includes(match[1]!)) state.graphReports.push(match[1]!);
      }
      return {
        columns: [{ name: "number of rows inserted", type: "fixed" }],
        rows: [[claimed ? 1 : 0]],
        statementTypeId: 0x3400,
      };
    },
  );
  // "RETRY LAST creates a new graph run which begins execution at the last failed task(s). Specifically,
  // all FAILED or CANCELED task runs are immediately re-executed, and associated child tasks are scheduled
  // if all of their predecessors execute successfully", given "The last task graph run must be in state
  // FAILED or CANCELED." The new attempt keeps the group id (see GRAPH_RUN_ID). Lenient on purpose: the
  // script says which tasks the retry runs; the refusal's wording is the fake's own.
  // https://docs.snowflake.com/sql-reference/sql/execute-task
  fake.on(/^execute task pipeline\.amplitude_root retry last$/i, () => {
    const attempt = Math.max(1, ...ours.tasks.map((task) => task.attempt ?? 1));
    const latest = new Map(ours.tasks.map((task) => [task.name, task]));
    const failed = [...latest.values()].some((task) =>
      ["FAILED", "CANCELLED"].includes(String(task.states.at(-1))),
    );
    if (!failed || !script.retry) {
      return sqlError(
        "Cannot retry: the last graph run of AMPLITUDE_ROOT is not in state FAILED or CANCELED.",
        "091200",
      );
    }
    const fromPoll = state.polls[ours.graphRunId] ?? 0;
    ours.tasks = [
      ...ours.tasks,
      ...script.retry.map((task) => ({ ...task, attempt: task.attempt ?? attempt + 1, fromPoll })),
    ];
    return status("Task AMPLITUDE_ROOT is scheduled to run immediately.");
  });
  fake.on(/system\$stream_has_data\('raw\.amplitude_events_stream'\)/i, {
    columns: [{ name: "HAS_DATA", type: "boolean" }],
    rows: [[script.streamHasData ?? false]],
  });
  fake.on(/^select count\(\*\) as n from pipeline\.stream_batches where completed_at is null$/i, {
    columns: [{ name: "N", type: "fixed" }],
    rows: [[script.pendingBatches ?? 0]],
  });
  fake.on(/^show tasks like 'AMPLITUDE_ROOT' in schema pipeline$/i, () => ({
    columns: ["created_on", "name", "database_name", "schema_name", "state"].map((name) => ({
      name,
      type: "text" as const,
    })),
    rows: [["2025-11-01 00:00:00.000 +0000", "AMPLITUDE_ROOT", "ANALYTICS", "PIPELINE", state.rootState]],
  }));
  fake.on(/^alter task pipeline\.amplitude_root (suspend|resume)$/i, (query, match) => {
    state.graph.push(query.sql);
    if (match[1]!.toLowerCase() === "resume" && script.failingResume)
      return sqlError(script.failingResume, "003001");
    state.rootState = match[1]!.toLowerCase() === "suspend" ? "suspended" : "started";
    return status("Statement executed successfully.");
  });
  // "Returns the status of a graph run that is currently scheduled or is executing." A run that began
  // before the root was suspended goes on to its end: it shows EXECUTING for `executingPolls` polls.
  // https://docs.snowflake.com/sql-reference/functions/current_task_graphs
  fake.on(
    /^select graph_run_group_id, to_varchar\(query_start_time\) as started\s+from table\(information_schema\.current_task_graphs\(root_task_name => 'AMPLITUDE_ROOT'\)\)\s+where state = 'EXECUTING' and schema_name = 'PIPELINE' and database_name = current_database\(\)$/i,
    () => {
      const executing = executingPolls > 0;
      executingPolls -= 1;
      state.graph.push(`graph run executing? ${executing}`);
      return {
        columns: [
          { name: "GRAPH_RUN_GROUP_ID", type: "text" },
          { name: "STARTED", type: "text" },
        ],
        rows: executing ? [[graphRunId, new Date(serverNow).toISOString()]] : [],
      };
    },
  );
  fake.on(/^call pipeline\.(\w+)\(([^)]*)\)$/i, (query, match) => {
    state.calls.push(query.sql);
    state.graph.push(query.sql);
    const failure = script.failingProcedures?.[match[1]!.toLowerCase()];
    if (failure) return sqlError(failure);
    return {
      columns: [{ name: match[1]!.toUpperCase(), type: "text" }],
      rows: [["done"]],
      statementTypeId: 0x6000,
    };
  });
  fake.on(/^update pipeline\.stream_batches/i, (query) => {
    state.calls.push(query.sql);
    return {
      columns: [{ name: "number of rows updated", type: "fixed" }],
      rows: [[1]],
      statementTypeId: 0x3200,
    };
  });
  return state;
}

/** Every data test passing, as the finalizer records a clean run. */
export function passingResults(names: string[]): NonNullable<TaskGraphScript["testResults"]> {
  return names.map((test_name) => ({ test_name, failures: 0, sample: [], error: null }));
}

/** The root, one task per model in the order given, the finalizer: each with its states. */
export function graphTasks(
  models: string[],
  states: (task: string) => Array<string | null> = () => ["EXECUTING", "SUCCEEDED"],
): ScriptedTask[] {
  return [
    "AMPLITUDE_ROOT",
    ...models.map((model) => `RUN_${model.toUpperCase()}`),
    "AMPLITUDE_FINALIZER",
  ].map((name) => ({ name, states: states(name) }));
}

/** The statements the fake received that match `pattern`. */
export function sent(fake: FakeSnowflake, pattern: RegExp): FakeQuery[] {
  return fake.queries.filter((query) => pattern.test(query.sql));
}
