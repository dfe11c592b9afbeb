import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.ts";
import { readProject, type Project } from "../src/models/project.ts";
import { planProject, planTests } from "../src/models/runner.ts";
import { runTaskGraph, type GraphRunResult, type TaskRun } from "../src/snowflake/graph-run.ts";
import { DRY_RUN_SETTINGS, renderObjects } from "../src/snowflake/render.ts";
import type { Warehouse } from "../src/warehouse/warehouse.ts";
import { runCli } from "./support/cli.ts";
import type { FakeSnowflake } from "./support/fake-snowflake.ts";
import { parseCreateTask } from "./support/fake-snowflake-syntax.ts";
import {
  GRAPH_RUN_ID,
  graphTasks,
  passingResults,
  scriptTaskGraph,
  sent,
  startScriptedSnowflake,
  testClock,
  triggeredRunStarts,
  type TaskGraphScript,
} from "./support/fake-snowflake-tasks.ts";
import { readJson, tempDir } from "./support/files.ts";
import { simulator } from "./support/simulator.ts";

const PROJECT_DIR = fileURLToPath(new URL("../sql", import.meta.url));

let project: Project;
let order: string[];
let testNames: string[];
const relations = new Map<string, string>();

beforeAll(async () => {
  project = await readProject(PROJECT_DIR);
  const plan = planProject(project, "snowflake");
  order = plan.order;
  for (const [name, model] of plan.compiled) relations.set(name, model.relation);
  testNames = planTests(project, plan.compiled, plan.selected, "snowflake").map((t) => t.name);
});

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function scripted(script: TaskGraphScript) {
  const { fake, env, open } = await startScriptedSnowflake();
  cleanup.push(() => fake.close());
  const state = scriptTaskGraph(fake, script);
  const warehouse = await open();
  cleanup.push(() => warehouse.close());
  return { fake, env, warehouse, state };
}

function run(warehouse: Warehouse, extra: Partial<Parameters<typeof runTaskGraph>[0]> = {}) {
  const clock = testClock();
  const tasks: TaskRun[] = [];
  const result = runTaskGraph({
    warehouse,
    project,
    timeoutSeconds: 600,
    pollSeconds: 10,
    now: clock.now,
    sleep: clock.sleep,
    reporter: { task: (t) => tasks.push(t) },
    ...extra,
  });
  return { result, clock, tasks };
}

const counts = () => Object.fromEntries(order.map((name, i) => [relations.get(name)!, 100 + i]));
const modelStatus = (result: GraphRunResult) =>
  Object.fromEntries(result.models.map((m) => [m.name, m.status]));

describe("transform on Snowflake: the task graph", () => {
  it("executes the root, follows the graph run to its finalizer and reports like the embedded runner", async () => {
    const results = passingResults(testNames).map((row) =>
      row.test_name === "accepted_values_stg_amplitude__events__event_type"
        ? {
            ...row,
            failures: 7,
            sample: [
              { VALUE: "[Custom] Signup", OCCURRENCES: 4 },
              { VALUE: "Quiz Opened", OCCURRENCES: 3 },
            ],
          }
        : row.test_name === "freshness_source_amplitude_events"
          ? { ...row, failures: 1, sample: [{ LATEST: "2025-11-04 10:00:00.000", AGE_HOURS: 46 }] }
          : row,
    );
    const { fake, warehouse, state } = await scripted({
      rootAppearsAfter: 1,
      tasks: graphTasks(order, (task) =>
        task === "AMPLITUDE_ROOT"
          ? ["EXECUTING", "SUCCEEDED"]
          : task === "AMPLITUDE_FINALIZER"
            ? [null, null, "SCHEDULED", "EXECUTING", "SUCCEEDED"]
            : [null, "EXECUTING", "SUCCEEDED"],
      ),
      testResults: results,
      testPasses: {
        [GRAPH_RUN_ID]: {
          scope: "increment",
          everyHours: 24,
          startedAt: "2025-11-06 08:00:30.000",
          lastWholePass: "2025-11-06 01:00:00.000",
        },
      },
      rowCounts: counts(),
    });
    const targetDir = await tempDir();
    const { result, clock, tasks } = run(warehouse, { targetDir });
    const done = await result;

    expect(state.executed).toBe(1);
    expect(done.graphRunId).toBe(GRAPH_RUN_ID);
    expect(done.failed).toBe(false);
    // Waited for the finalizer: five polls of the graph run, one sleep between each.
    expect(state.historyPolls).toBe(5);
    expect(clock.sleeps.every((ms) => ms === 10_000)).toBe(true);
    expect(done.tasks.map((t) => [t.task, t.state])).toEqual([
      ["pipeline.amplitude_root", "SUCCEEDED"],
      ...order.map((m) => [`pipeline.run_${m}`, "SUCCEEDED"]),
      ["pipeline.amplitude_finalizer", "SUCCEEDED"],
    ]);
    // Each task reported once, as it finished: the root first, the finalizer last.
    expect(tasks.map((t) => t.task)).toEqual(done.tasks.map((t) => t.task));
    const root = done.tasks[0]!;
    expect(root.startedAt).toBe("2025-11-06T08:00:01.500Z");
    expect(root.seconds).toBe(2);

    expect(done.models.map((m) => [m.relation, m.status, m.rows])).toEqual(
      order.map((m, i) => [relations.get(m), "success", 100 + i]),
    );
    expect(done.tests.map((t) => t.name)).toEqual(testNames);
    expect(state.testResultsRunIds).toEqual([GRAPH_RUN_ID]);
    const accepted = done.tests.find((t) => t.name === "accepted_values_stg_amplitude__events__event_type")!;
    expect(accepted).toMatchObject({ status: "warn", failures: 7, severity: "warn" });
    // The sample's keys came back as OBJECT_CONSTRUCT(*) makes them and read as the test's own columns.
    expect(accepted.message).toBe(
      "e.g. value=[Custom] Signup occurrences=4; value=Quiz Opened occurrences=3",
    );
    const freshness = done.tests.find((t) => t.name === "freshness_source_amplitude_events")!;
    expect(freshness).toMatchObject({ status: "warn", severity: "warn" });
    expect(done.figures).toEqual({
      models: order.length,
      tests_passed: testNames.length - 2,
      tests_failed: 0,
      tests_warned: 2,
    });
    // The finalizer tested the rows the run wrote, as it recorded in pipeline.test_passes.
    expect(done.testsScope).toEqual({
      scope: "increment",
      reason: "scheduled",
      lastWholePass: "2025-11-06 01:00:00.000",
      everyHours: 24,
      startedAt: "2025-11-06 08:00:30.000",
    });
    const written = await readJson<GraphRunResult>(join(targetDir, "run_results.json"));
    expect(written).toEqual(JSON.parse(JSON.stringify(done)));
    expect(written.target).toBe("snowflake");
    expect(fake.unknown).toEqual([]);
  });

  it("tests whole tables from here when --full-tests-every is due although the finalizer tested the increment", async () => {
    const { fake, warehouse } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]),
      testResults: passingResults(testNames),
      testPasses: {
        [GRAPH_RUN_ID]: {
          scope: "increment",
          everyHours: 24,
          startedAt: "2025-11-06 08:00:30.000",
          lastWholePass: "2025-11-05 20:00:00.000",
        },
      },
      rowCounts: counts(),
    });
    const done = await run(warehouse, { fullTestsEveryHours: 6 }).result;
    expect(done.testsScope).toMatchObject({
      scope: "whole",
      reason: "due",
      everyHours: 6,
      lastWholePass: "2025-11-05 20:00:00.000",
    });
    // Each test ran from this session, over whole tables, and the pass is recorded for the finalizer's schedule.
    const unique = sent(
      fake,
      /^select \* from \(\nselect uuid, count\(\*\) as occurrences from core\.events /,
    );
    expect(unique.map((q) => q.sql)).toEqual([
      expect.stringContaining("where true and uuid is not null group by uuid"),
    ]);
    const recorded = sent(fake, /^insert into pipeline\.test_passes/);
    expect(recorded.map((q) => q.sql.replace(/\s+/g, " "))).toEqual([
      expect.stringMatching(new RegExp(`values \\('${GRAPH_RUN_ID}', 'whole', 6, cast\\('2025-11-06 08:`)),
    ]);
  });

  it("fails with a FAILED task's error, and reports the tasks after it as never run and why", async () => {
    const descendants = new Set(["users", "company_traffic", "page_paths", "sessions", "web_issues"]);
    const { warehouse } = await scripted({
      tasks: graphTasks(order, (task) => {
        const model = task.replace(/^RUN_/, "").toLowerCase();
        if (task === "RUN_EVENTS") return ["EXECUTING", "FAILED"];
        if (descendants.has(model)) return [null];
        return ["SUCCEEDED"];
      }).map((t) =>
        t.name === "RUN_EVENTS"
          ? { ...t, errorCode: "100038", errorMessage: "Numeric value 'abc' is not recognized" }
          : t,
      ),
      testResults: passingResults(testNames.filter((name) => !/_(events|users|sessions)__/.test(name))),
      rowCounts: counts(),
    });
    const done = await run(warehouse).result;
    expect(done.failed).toBe(true);
    const events = done.models.find((m) => m.name === "events")!;
    expect(events).toMatchObject({ status: "error", rows: null });
    expect(events.message).toBe("pipeline.run_events FAILED: 100038 Numeric value 'abc' is not recognized");
    for (const name of descendants) {
      const model = done.models.find((m) => m.name === name)!;
      expect(model.status).toBe("skipped");
      expect(model.message).toMatch(/^skipped: pipeline\.run_(events|users|page_paths) (failed|did not run)/);
    }
    expect(done.models.find((m) => m.name === "users")!.message).toBe("skipped: pipeline.run_events failed");
    expect(done.tasks.find((t) => t.task === "pipeline.run_users")).toMatchObject({ state: "NOT_RUN" });
    // Tests of models that were not built are skipped, not errors; the rest come from the finalizer.
    expect(done.tests.find((t) => t.name === "unique_events__uuid")).toMatchObject({
      status: "skipped",
      message: "skipped: events was not built",
    });
    expect(done.tests.find((t) => t.name === "unique_devices__device_id")!.status).toBe("pass");
    expect(done.models.filter((m) => m.status === "success").map((m) => m.name)).not.toContain("events");
  });

  it("judges each task by its latest attempt when the graph run was retried", async () => {
    // TASK_AUTO_RETRY_ATTEMPTS retried the run from its failed task before transform read the history.
    const { warehouse } = await scripted({
      tasks: [
        ...graphTasks(order, () => ["SUCCEEDED"]).map((t) =>
          t.name === "RUN_EVENTS" ? { ...t, states: ["FAILED"], errorMessage: "Numeric value 'abc'" } : t,
        ),
        { name: "RUN_EVENTS", states: ["SUCCEEDED"], attempt: 2 },
        { name: "AMPLITUDE_FINALIZER", states: ["SUCCEEDED"], attempt: 2 },
      ],
      testResults: passingResults(testNames),
      rowCounts: counts(),
    });
    const done = await run(warehouse).result;
    expect(done.failed).toBe(false);
    expect(done.tasks.find((t) => t.task === "pipeline.run_events")).toMatchObject({
      state: "SUCCEEDED",
      attempt: 2,
    });
    expect(modelStatus(done).events).toBe("success");
  });

  it("reports a SKIPPED task as skipped, and a test the finalizer did not record as an error", async () => {
    const { warehouse } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]).map((t) =>
        t.name === "RUN_COMPANY_TRAFFIC"
          ? { ...t, states: ["SKIPPED"], errorMessage: "Conditional expression for task evaluated to false." }
          : t,
      ),
      testResults: passingResults(testNames.filter((name) => name !== "not_null_devices__device_id")),
      rowCounts: counts(),
    });
    const done = await run(warehouse).result;
    const traffic = done.models.find((m) => m.name === "company_traffic")!;
    expect(traffic.status).toBe("skipped");
    expect(traffic.message).toBe(
      "skipped: pipeline.run_company_traffic was skipped (Conditional expression for task evaluated to false.)",
    );
    expect(done.tasks.find((t) => t.task === "pipeline.run_company_traffic")!.state).toBe("SKIPPED");
    const missing = done.tests.find((t) => t.name === "not_null_devices__device_id")!;
    expect(missing.status).toBe("error");
    expect(missing.message).toMatch(
      /^the finalizer recorded no result for this test in pipeline\.test_results/,
    );
    // The missing result fails the run; the skipped model alone would not.
    expect(done.failed).toBe(true);
    expect(done.figures.tests_failed).toBe(1);
  });

  it("says plainly that there was nothing new when the root was skipped for an empty stream", async () => {
    const { warehouse, state } = await scripted({
      tasks: [{ name: "AMPLITUDE_ROOT", states: ["SKIPPED"] }],
      streamHasData: false,
      pendingBatches: 1,
    });
    const done = await run(warehouse).result;
    expect(done.failed).toBe(false);
    expect(done.notice).toMatch(
      /^nothing new to build: pipeline\.amplitude_root was skipped because raw\.amplitude_events_stream has no new rows; 1 batch\(es\) of an earlier run/,
    );
    expect(done.models.every((m) => m.status === "skipped")).toBe(true);
    expect(done.models[0]!.message).toMatch(/^skipped: nothing new to build/);
    expect(done.tests).toEqual([]);
    expect(state.testResultsRunIds).toEqual([]);
    expect(done.figures).toEqual({ models: 0, tests_passed: 0, tests_failed: 0, tests_warned: 0 });
  });

  it("fails when the root was skipped although the stream has rows", async () => {
    const { warehouse } = await scripted({
      tasks: [
        {
          name: "AMPLITUDE_ROOT",
          states: ["SKIPPED"],
          errorMessage: "Skipped: previous run still executing",
        },
      ],
      streamHasData: true,
    });
    const done = await run(warehouse).result;
    expect(done.failed).toBe(true);
    expect(done.notice).toContain("(Snowflake: Skipped: previous run still executing)");
  });

  it("follows the graph run the root's trigger started when this EXECUTE TASK's run was skipped", async () => {
    const serverNow = Date.parse("2025-11-06T08:00:00.000Z");
    const { warehouse, state } = await scripted({
      serverNow,
      tasks: [{ name: "AMPLITUDE_ROOT", states: ["SKIPPED"], errorMessage: "Task run skipped: overlapping" }],
      otherRuns: [
        {
          // Triggered by the stream a minute before, still building.
          graphRunId: "1762415940000",
          scheduledFrom: "TRIGGER",
          scheduledAt: serverNow - 60_000,
          tasks: graphTasks(order, (task) =>
            task === "AMPLITUDE_FINALIZER" ? [null, null, "EXECUTING", "SUCCEEDED"] : ["SUCCEEDED"],
          ),
        },
        {
          graphRunId: "1762412400000",
          scheduledFrom: "TRIGGER",
          scheduledAt: serverNow - 3_600_000,
          tasks: graphTasks(order, () => ["SUCCEEDED"]),
        },
      ],
      resultsRunId: "1762415940000",
      testResults: passingResults(testNames),
      rowCounts: counts(),
    });
    const adopted: string[] = [];
    const { result } = run(warehouse, { reporter: { adopted: (r) => adopted.push(r.graphRunId) } });
    const done = await result;
    expect(adopted).toEqual(["1762415940000"]);
    expect(done.graphRunId).toBe("1762415940000");
    expect(done.failed).toBe(false);
    expect(done.tests.every((t) => t.status === "pass")).toBe(true);
    expect(state.testResultsRunIds).toEqual(["1762415940000"]);
    // Followed until its finalizer finished; the hour-old run was never looked at.
    expect(state.polls).toEqual({ [GRAPH_RUN_ID]: 1, "1762415940000": 4 });
    expect(done.notice).toBe(
      "the run of pipeline.amplitude_root from EXECUTE TASK was skipped (Snowflake: Task run skipped: overlapping): " +
        "graph run 1762415940000, started by TRIGGER at 2025-11-06T07:59:00.000Z, builds the new rows and is reported here",
    );
  });

  it("reports a triggered run that finished since run's load began, not an older one", async () => {
    const serverNow = Date.parse("2025-11-06T08:00:00.000Z");
    const script = (scheduledAt: number): TaskGraphScript => ({
      serverNow,
      tasks: [{ name: "AMPLITUDE_ROOT", states: ["SKIPPED"] }],
      otherRuns: [
        {
          graphRunId: "1762415000000",
          scheduledFrom: "TRIGGER",
          scheduledAt,
          tasks: graphTasks(order, () => ["SUCCEEDED"]),
        },
      ],
      resultsRunId: "1762415000000",
      testResults: passingResults(testNames),
      rowCounts: counts(),
    });
    // The load step began five minutes ago on this machine's clock; the triggered run began since.
    const recent = await scripted(script(serverNow - 120_000));
    const clock = testClock();
    const since = new Date(clock.ms() - 300_000);
    const adopted = await run(recent.warehouse, { adoptRunsSince: since }).result;
    expect(adopted.graphRunId).toBe("1762415000000");
    expect(adopted.figures.models).toBe(order.length);
    // A run that finished before the load began built something else: nothing new to build now.
    const older = await scripted(script(serverNow - 600_000));
    const skipped = await run(older.warehouse, { adoptRunsSince: since }).result;
    expect(skipped.graphRunId).toBe(GRAPH_RUN_ID);
    expect(skipped.notice).toMatch(/^nothing new to build/);
    expect(older.state.testResultsRunIds).toEqual([]);
  });

  it("times out on the injected clock, naming what still runs and what never started", async () => {
    const { warehouse, state } = await scripted({
      tasks: graphTasks(order, (task) =>
        task === "AMPLITUDE_ROOT"
          ? ["SUCCEEDED"]
          : task === "RUN_STG_AMPLITUDE__EVENTS"
            ? ["EXECUTING"]
            : task === "RUN_STG_AMPLITUDE__EVENT_DELIVERIES"
              ? ["SCHEDULED"]
              : [null],
      ),
    });
    const { result, clock } = run(warehouse, { timeoutSeconds: 120, pollSeconds: 30 });
    const done = await result;
    expect(done.failed).toBe(true);
    expect(clock.sleeps).toEqual([30_000, 30_000, 30_000, 30_000]);
    expect(state.historyPolls).toBe(5);
    expect(done.notice).toMatch(/^the graph run [\w-]+ did not finish within 2 min: /);
    expect(done.notice).toContain("pipeline.run_stg_amplitude__events EXECUTING");
    expect(done.notice).toContain("pipeline.run_stg_amplitude__event_deliveries SCHEDULED");
    expect(done.notice).toContain("pipeline.amplitude_finalizer not scheduled yet");
    expect(done.models.find((m) => m.name === "stg_amplitude__events")).toMatchObject({
      status: "error",
      message: "timed out after 2 min: pipeline.run_stg_amplitude__events was still EXECUTING",
    });
    expect(done.tests).toEqual([]);
  });

  it("times out when the graph run never shows up in TASK_HISTORY", async () => {
    const { warehouse } = await scripted({ rootAppearsAfter: 1000, tasks: [] });
    const done = await run(warehouse, { timeoutSeconds: 60, pollSeconds: 20 }).result;
    expect(done.failed).toBe(true);
    expect(done.graphRunId).toBeNull();
    expect(done.tasks[0]).toMatchObject({
      state: "NOT_RUN",
      message: "the graph run never appeared in TASK_HISTORY",
    });
  });

  it("refuses --select without --full-refresh: the graph builds every model", async () => {
    const { warehouse, state } = await scripted({ tasks: [] });
    const error = await run(warehouse, { select: "+events" }).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/on Snowflake the task graph builds every model/);
    expect(state.executed).toBe(0);
  });
});

describe("transform --full-refresh on Snowflake: the procedures without the graph", () => {
  function emptyTests(fake: FakeSnowflake) {
    fake.on(/\) as failures limit 6$/, { columns: [{ name: "UUID", type: "text" }], rows: [] });
  }

  it("captures a batch, rebuilds every model in graph order, tests whole tables, then completes the batch", async () => {
    const { fake, warehouse, state } = await scripted({ tasks: [], rowCounts: counts() });
    emptyTests(fake);
    const done = await run(warehouse, { fullRefresh: true }).result;
    expect(state.calls).toEqual([
      "call pipeline.capture_batch('full-refresh 2025-11-06T08:00:00.000Z')",
      ...order.map((m) => `call pipeline.build_${m}(true)`),
      "update pipeline.stream_batches set completed_at = convert_timezone('UTC', current_timestamp())::timestamp_ntz where completed_at is null",
    ]);
    expect(state.executed).toBe(0);
    expect(done).toMatchObject({ fullRefresh: true, failed: false, graphRunId: null, tasks: [] });
    expect(done.models.every((m) => m.status === "success")).toBe(true);
    expect(done.tests.map((t) => [t.name, t.status])).toEqual(testNames.map((n) => [n, "pass"]));
    // Whole tables: no test reads only the rows after a watermark.
    expect(sent(fake, /as failures limit 6$/).some((q) => /loaded_at >/.test(q.sql))).toBe(false);
    // A whole pass, recorded for the finalizer's schedule.
    expect(done.testsScope).toMatchObject({ scope: "whole", reason: "full-refresh" });
    expect(sent(fake, /^insert into pipeline\.test_passes/).map((q) => q.sql.replace(/\s+/g, " "))).toEqual([
      expect.stringContaining("values ('full-refresh 2025-11-06T08:00:00.000Z', 'whole', null, cast("),
    ]);
  });

  it("skips a failed model's descendants and leaves the batch pending", async () => {
    const { fake, warehouse, state } = await scripted({
      tasks: [],
      rowCounts: counts(),
      failingProcedures: { build_events: "Uncaught exception of type 'STATEMENT_ERROR': division by zero" },
    });
    emptyTests(fake);
    const done = await run(warehouse, { fullRefresh: true }).result;
    expect(done.failed).toBe(true);
    expect(modelStatus(done)).toMatchObject({
      events: "error",
      users: "skipped",
      page_paths: "skipped",
      web_issues: "skipped",
      devices: "success",
    });
    expect(state.calls).not.toContain("call pipeline.build_users(true)");
    expect(state.calls).toContain("call pipeline.build_devices(true)");
    expect(state.calls.some((c) => c.startsWith("update"))).toBe(false);
    expect(done.notice).toMatch(/stays pending in pipeline\.stream_batches: a model failed/);
    expect(done.models.find((m) => m.name === "events")!.message).toContain("division by zero");
  });

  it("suspends the root, waits for the graph run in flight, rebuilds, then resumes the graph", async () => {
    const { fake, warehouse, state } = await scripted({ tasks: [], rowCounts: counts(), executingPolls: 2 });
    emptyTests(fake);
    const { result, clock } = run(warehouse, { fullRefresh: true, pollSeconds: 15 });
    const done = await result;
    expect(done.failed).toBe(false);
    expect(state.graph).toEqual([
      "alter task pipeline.amplitude_root suspend",
      "graph run executing? true",
      "graph run executing? true",
      "graph run executing? false",
      "call pipeline.capture_batch('full-refresh 2025-11-06T08:00:00.000Z')",
      ...order.map((m) => `call pipeline.build_${m}(true)`),
      "alter task pipeline.amplitude_root resume",
    ]);
    expect(clock.sleeps).toEqual([15_000, 15_000]);
    expect(state.rootState).toBe("started");
  });

  it("resumes the graph after a rebuild that failed, and leaves a suspended graph suspended", async () => {
    const failing = await scripted({
      tasks: [],
      rowCounts: counts(),
      failingProcedures: { capture_batch: "Stream RAW.AMPLITUDE_EVENTS_STREAM is stale" },
    });
    const error = await run(failing.warehouse, { fullRefresh: true }).result.catch((e: unknown) => e);
    expect((error as Error).message).toContain("is stale");
    expect(failing.state.graph.at(-1)).toBe("alter task pipeline.amplitude_root resume");
    expect(failing.state.rootState).toBe("started");

    const suspended = await scripted({ tasks: [], rowCounts: counts(), rootState: "suspended" });
    emptyTests(suspended.fake);
    await run(suspended.warehouse, { fullRefresh: true }).result;
    expect(suspended.state.graph.filter((s) => s.startsWith("alter task"))).toEqual([]);
    expect(suspended.state.rootState).toBe("suspended");
  });

  it("does not rebuild while a graph run outlasts the timeout, and resumes the graph", async () => {
    const { warehouse, state } = await scripted({ tasks: [], executingPolls: 1000 });
    const error = await run(warehouse, {
      fullRefresh: true,
      timeoutSeconds: 60,
      pollSeconds: 30,
    }).result.catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "a graph run of pipeline.amplitude_root was still executing after 1 min, so the full refresh did not start " +
        "(the graph is resumed as it was): run transform --full-refresh again once the run has finished " +
        "(CURRENT_TASK_GRAPHS shows it)",
    );
    expect(state.calls).toEqual([]);
    expect(state.graph.at(-1)).toBe("alter task pipeline.amplitude_root resume");
    expect(state.rootState).toBe("started");
  });

  it("rebuilds only the selection, and leaves the batch for the graph to build into the rest", async () => {
    const { fake, warehouse, state } = await scripted({ tasks: [], rowCounts: counts() });
    emptyTests(fake);
    const done = await run(warehouse, { fullRefresh: true, select: "stg_amplitude__events" }).result;
    expect(state.calls).toEqual([
      "call pipeline.capture_batch('full-refresh 2025-11-06T08:00:00.000Z')",
      "call pipeline.build_stg_amplitude__events(true)",
    ]);
    expect(done.selection).toBe("stg_amplitude__events");
    expect(done.notice).toMatch(/not every model was rebuilt \(--select\)/);
  });
});

describe("the task graph's time limits: the first build outside the tasks", () => {
  const provisioned = () =>
    renderObjects(project, DRY_RUN_SETTINGS)
      .filter((object) => object.kind === "task")
      .map((object) => object.statement);
  function emptyTests(fake: FakeSnowflake) {
    fake.on(/\) as failures limit 6$/, { columns: [{ name: "UUID", type: "text" }], rows: [] });
  }
  const sessionBuild = () => [
    "call pipeline.capture_batch('full-refresh 2025-11-06T08:00:00.000Z')",
    ...order.map((m) => `call pipeline.build_${m}(true)`),
    "update pipeline.stream_batches set completed_at = convert_timezone('UTC', current_timestamp())::timestamp_ntz where completed_at is null",
  ];

  it("builds every model from its own session when no model table exists, executing no task", async () => {
    const { fake, warehouse, state } = await scripted({
      tasks: [],
      rowCounts: counts(),
      models: { built: 0, rawRows: 40_000_000, waiting: 40_000_000 },
    });
    emptyTests(fake);
    const done = await run(warehouse).result;
    expect(state.executed).toBe(0);
    expect(state.calls).toEqual(sessionBuild());
    expect(done).toMatchObject({ fullRefresh: true, failed: false, graphRunId: null, tasks: [] });
    expect(done.notice).toBe(
      "first build: no model table exists yet, so every model was built from this session, not by the task graph " +
        "(a task stops after 2 hours, a call from here only at the warehouse's statement timeout)",
    );
  });

  it("rebuilds from its session when most of raw was never built (a backfill the trigger started on)", async () => {
    const { fake, warehouse, state } = await scripted({
      tasks: [],
      rowCounts: counts(),
      models: { built: 14, rawRows: 40_000_000, waiting: 39_990_000 },
    });
    emptyTests(fake);
    const done = await run(warehouse).result;
    expect(state.executed).toBe(0);
    expect(state.calls).toEqual(sessionBuild());
    expect(done.notice).toMatch(
      /^first build: 39990000 of the 40000000 rows of raw\.amplitude_events were never built, so every model was rebuilt/,
    );
    // An hour's delivery on top of built models goes through the graph as before.
    const hourly = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]),
      testResults: passingResults(testNames),
      rowCounts: counts(),
      models: { built: 14, rawRows: 40_000_000, waiting: 10_000 },
    });
    const graphRun = await run(hourly.warehouse).result;
    expect(hourly.state.executed).toBe(1);
    expect(graphRun.fullRefresh).toBe(false);
  });

  it("lets a model's task run past Snowflake's one-hour default: the tasks carry a two-hour limit", async () => {
    const { warehouse } = await scripted({
      provisioned: provisioned(),
      tasks: graphTasks(order, () => ["SUCCEEDED"]).map((t) =>
        t.name === "RUN_EVENTS" ? { ...t, seconds: 90 * 60 } : t,
      ),
      testResults: passingResults(testNames),
      rowCounts: counts(),
    });
    const done = await run(warehouse).result;
    expect(done.tasks.find((t) => t.task === "pipeline.run_events")).toMatchObject({
      state: "SUCCEEDED",
      seconds: 5400,
    });
    expect(done.failed).toBe(false);
  });

  it("names the remedy when a task ran into its time limit", async () => {
    const { warehouse } = await scripted({
      provisioned: provisioned(),
      tasks: graphTasks(order, (task) =>
        ["RUN_USERS", "RUN_COMPANY_TRAFFIC"].includes(task) ? [null] : ["SUCCEEDED"],
      ).map((t) => (t.name === "RUN_EVENTS" ? { ...t, seconds: 3 * 60 * 60 } : t)),
      testResults: passingResults(testNames),
      rowCounts: counts(),
    });
    const done = await run(warehouse).result;
    expect(done.failed).toBe(true);
    expect(done.tasks.find((t) => t.task === "pipeline.run_events")).toMatchObject({
      state: "FAILED",
      seconds: 7200,
      errorCode: "000630",
      errorMessage:
        "Statement reached its statement or warehouse timeout of 7,200 second(s) and was canceled.",
    });
    expect(done.notice).toBe(
      "pipeline.run_events ran into its time limit (USER_TASK_TIMEOUT_MS): the batch stays pending in " +
        "pipeline.stream_batches and the next graph run would take as long; build it from this session with " +
        "transform --full-refresh, which no task time limit stops",
    );
  });

  it("starts one graph run an hour for hourly deliveries that Snowpipe loads over minutes", () => {
    const root = parseCreateTask(provisioned()[0]!);
    if (!root.ok) throw new Error(root.error.message);
    expect(root.value.name).toBe("pipeline.amplitude_root");
    // A day of deliveries: each hour from 00:06, 40 files committed 5 s apart (3 min 20 s).
    const day = Date.parse("2025-11-06T00:00:00.000Z");
    const commits = Array.from({ length: 24 }, (_, hour) =>
      Array.from({ length: 40 }, (_, file) => day + hour * 3_600_000 + 6 * 60_000 + file * 5_000),
    ).flat();
    const starts = triggeredRunStarts(root.value, commits, 4 * 60_000);
    expect(starts.filter((start) => start < day + 86_400_000)).toHaveLength(24);
    expect(starts.slice(1).every((start, i) => start - starts[i]! >= 3_600_000)).toBe(true);
    // The first file of a delivery starts its run; the rest wait for the next one, an hour later (the
    // last delivery's rest is captured at 00:06 the next day).
    expect(starts.at(-1)).toBe(day + 86_400_000 + 6 * 60_000);
  });
});

describe("transform --warehouse snowflake from the CLI", () => {
  it("prints the results table, writes run_results.json and exits 1 on a FAILED task", async () => {
    const { env } = await scripted({
      tasks: graphTasks(order, (task) => (task === "RUN_SESSIONS" ? ["FAILED"] : ["SUCCEEDED"])).map((t) =>
        t.name === "RUN_SESSIONS"
          ? { ...t, errorCode: "000603", errorMessage: "Processing aborted due to error 300010" }
          : t,
      ),
      testResults: passingResults(testNames),
      rowCounts: counts(),
    });
    const cwd = await tempDir();
    const cli = await runCli(["transform", "--warehouse", "snowflake", "--project", PROJECT_DIR, "--json"], {
      cwd,
      env,
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("following graph run 01b8a2c5-3f1d-4e6a-9c27-5d0e8f4b7a31");
    expect(cli.stderr).toMatch(
      /^FAILED pipeline\.run_sessions started \S+, 2\.0 s: error 000603 Processing aborted/m,
    );
    expect(cli.stderr).toMatch(/^ERROR core\.sessions: pipeline\.run_sessions FAILED: 000603 /m);
    expect(cli.stderr).toMatch(/^core\.sessions\s+incremental\s+task graph\s+2\.00\s+error$/m);
    expect(cli.stderr).toMatch(/Details: target\/run_results\.json$/m);
    expect(cli.json()).toEqual({
      models: order.length - 1,
      tests_passed: testNames.length,
      tests_failed: 0,
      tests_warned: 0,
    });
    const written = await readJson<GraphRunResult>(join(cwd, "target", "run_results.json"));
    expect(written.failed).toBe(true);
    expect(written.tasks.find((t) => t.task === "pipeline.run_sessions")).toMatchObject({
      state: "FAILED",
      errorCode: "000603",
    });
  });

  it("exits 2 for --select without --full-refresh", async () => {
    const { env } = await scripted({ tasks: [] });
    const cli = await runCli(
      ["transform", "--warehouse", "snowflake", "--project", PROJECT_DIR, "--select", "events"],
      {
        cwd: await tempDir(),
        env,
      },
    );
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/--select events: on Snowflake the task graph builds every model/);
  });
});

describe("run --warehouse snowflake from the CLI", () => {
  it("extracts, uploads, waits for Snowpipe to load what was uploaded, then runs the task graph", async () => {
    const sim = await simulator();
    const { fake, env, state } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]),
      testResults: passingResults(testNames),
      rowCounts: counts(),
    });
    // A fresh raw.extract_windows, and a Snowpipe that has loaded each file by the time it is asked.
    fake.on(/information_schema\.tables/i, { columns: [{ name: "FOUND", type: "fixed" }], rows: [[1]] });
    fake.on(/from raw\.extract_windows where app_id = \?$/i, {
      columns: [{ name: "WINDOW_START", type: "timestamp_ntz" }],
      rows: [],
    });
    fake.on(/^select source_file from raw\.lake_manifests$/i, {
      columns: [{ name: "SOURCE_FILE", type: "text" }],
      rows: [],
    });
    const asked: string[] = [];
    fake.on(
      /^select (distinct )?source_file from raw\.\w+ where source_file in \(([\s\S]*)\)$/i,
      (_q, match) => {
        const keys = [...match[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
        asked.push(...keys);
        return { columns: [{ name: "SOURCE_FILE", type: "text" }], rows: keys.map((k) => [k]) };
      },
    );
    const cwd = await tempDir();
    const cli = await runCli(
      [
        "run",
        "--warehouse",
        "snowflake",
        "--start",
        "2025-11-04T08",
        "--end",
        "2025-11-04T09",
        "--project",
        PROJECT_DIR,
        "--json",
      ],
      {
        cwd,
        env: { ...env, AMPLITUDE_API_URL: sim.url, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey },
      },
    );
    expect(cli.stderr).toMatch(/== extract[\s\S]*== upload[\s\S]*== load[\s\S]*== transform/);
    expect(cli.code).toBe(0);
    // load checked every uploaded file and manifest against raw before the graph ran.
    expect(asked.filter((k) => k.startsWith("amplitude/events/")).length).toBeGreaterThan(0);
    expect(asked.filter((k) => k.startsWith("amplitude/_manifests/")).length).toBeGreaterThan(0);
    expect(cli.stderr).toMatch(/^Snowpipe: \d+ file\(s\) of \d+ deliver(y|ies) checked/m);
    expect(state.executed).toBe(1);
    expect(cli.json()).toMatchObject({
      models: order.length,
      tests_failed: 0,
      events: sim.served.events,
      watermark: "2025-11-04T10",
    });
  });
});
