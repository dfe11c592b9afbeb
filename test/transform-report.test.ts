import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runActionInProcess } from "./support/run-action-in-process.ts";
import { transformMain } from "../src/actions/transform-main.ts";
import { manifestKey } from "../src/lake/lake.ts";
import { readProject, type Project } from "../src/models/project.ts";
import { planProject, planTests } from "../src/models/runner.ts";
import { transformReportStep } from "../src/pipeline/transform.ts";
import { reportGraphRuns } from "../src/snowflake/graph-report.ts";
import { runCli } from "./support/cli.ts";
import {
  GRAPH_RUN_ID,
  graphTasks,
  passingResults,
  scriptTaskGraph,
  sent,
  startScriptedSnowflake,
  testClock,
  type ScriptedRun,
  type TaskGraphScript,
} from "./support/fake-snowflake-tasks.ts";
import { scriptSnowpipe, type PipeScript } from "./support/fake-snowpipe.ts";
import { tempDir } from "./support/files.ts";

const PROJECT_DIR = fileURLToPath(new URL("../sql", import.meta.url));
const SERVER_NOW = Date.parse("2025-11-06T08:00:00.000Z");
const MINUTE = 60_000;

let project: Project;
let order: string[];
let tests: Array<{ name: string; severity: string }>;

beforeAll(async () => {
  project = await readProject(PROJECT_DIR);
  const plan = planProject(project, "snowflake");
  order = plan.order;
  tests = planTests(project, plan.compiled, plan.selected, "snowflake").map((t) => ({
    name: t.name,
    severity: t.severity,
  }));
});

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function scripted(script: TaskGraphScript) {
  const { fake, env, open } = await startScriptedSnowflake();
  cleanup.push(() => fake.close());
  const state = scriptTaskGraph(fake, script);
  // Every request the driver sent is one the fake speaks.
  cleanup.push(async () => expect(fake.unknown).toEqual([]));
  const warehouse = await open();
  cleanup.push(() => warehouse.close());
  return { fake, env, open, warehouse, state };
}

const passing = () => passingResults(tests.map((t) => t.name));
/** A run the root's stream trigger started `minutesAgo` before the server's now. */
const triggered = (graphRunId: string, minutesAgo: number, run: Partial<ScriptedRun> = {}): ScriptedRun => ({
  graphRunId,
  scheduledFrom: "TRIGGER",
  scheduledAt: SERVER_NOW - minutesAgo * MINUTE,
  tasks: graphTasks(order, () => ["SUCCEEDED"]),
  ...run,
});

describe("transform --no-wait: the graph runs since the last report", () => {
  it("reports two finished runs once each, not again on the next call, even when two reports overlap", async () => {
    const { warehouse, open, state } = await scripted({
      graphRunId: "1762412400000",
      tasks: graphTasks(order, () => ["SUCCEEDED"]),
      otherRuns: [triggered("1762408800000", 120)],
      testResultsByRun: { "1762412400000": passing(), "1762408800000": passing() },
    });
    const other = await open();
    cleanup.push(() => other.close());

    const [first, overlapping] = await Promise.all([
      reportGraphRuns({ warehouse, project }),
      reportGraphRuns({ warehouse: other, project }),
    ]);
    const reported = [...first.finished, ...overlapping.finished].map((run) => run.graphRunId).sort();
    expect(reported).toEqual(["1762408800000", "1762412400000"]);
    // Oldest first, every task and test of each.
    const all = [...first.finished, ...overlapping.finished];
    for (const run of all) {
      expect(run.failed).toBe(false);
      expect(run.tasks).toHaveLength(order.length + 2);
      expect(run.tests.every((t) => t.status === "pass")).toBe(true);
    }
    expect(state.graphReports.sort()).toEqual(["1762408800000", "1762412400000"]);

    const next = await reportGraphRuns({ warehouse, project });
    expect(next.finished).toEqual([]);
    expect(next.running).toBeNull();
    expect(next.failed).toBe(false);
  });

  it("fails for a FAILED task, naming the run, its scheduled time and the task", async () => {
    const { warehouse } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]).map((t) =>
        t.name === "RUN_SESSIONS"
          ? { ...t, states: ["FAILED"], errorCode: "000603", errorMessage: "Processing aborted" }
          : t,
      ),
      testResults: passing(),
    });
    const report = await reportGraphRuns({ warehouse, project });
    expect(report.failed).toBe(true);
    const [run] = report.finished;
    expect(run).toMatchObject({ graphRunId: GRAPH_RUN_ID, scheduledAt: "2025-11-06T08:00:01.000Z" });
    expect(run!.failures[0]).toBe("pipeline.run_sessions FAILED: Processing aborted");
  });

  it("reports a failed run again once retried (RETRY LAST), for its latest attempt, and each attempt once", async () => {
    const { warehouse, state } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]).map((t) =>
        t.name === "RUN_SESSIONS"
          ? { ...t, states: ["FAILED"], errorCode: "000603", errorMessage: "Processing aborted" }
          : t,
      ),
      // Attempt 2 runs the task that failed, and the finalizer again.
      retry: [
        { name: "RUN_SESSIONS", states: ["SUCCEEDED"] },
        { name: "AMPLITUDE_FINALIZER", states: ["SUCCEEDED"] },
      ],
      testResults: passing(),
    });
    const first = await reportGraphRuns({ warehouse, project });
    expect(first.finished.map((run) => [run.graphRunId, run.attempt, run.failed])).toEqual([
      [GRAPH_RUN_ID, 1, true],
    ]);

    await warehouse.execute("execute task pipeline.amplitude_root retry last");
    const retried = await reportGraphRuns({ warehouse, project });
    expect(retried.finished.map((run) => [run.graphRunId, run.attempt, run.failed])).toEqual([
      [GRAPH_RUN_ID, 2, false],
    ]);
    const run = retried.finished[0]!;
    // The first attempt's FAILED row no longer counts: the latest attempt of each task does.
    expect(run.failures).toEqual([]);
    expect(run.tasks.find((t) => t.task === "pipeline.run_sessions")).toMatchObject({
      state: "SUCCEEDED",
      attempt: 2,
    });
    expect(run.tasks.find((t) => t.task === "pipeline.run_events")).toMatchObject({
      state: "SUCCEEDED",
      attempt: 1,
    });
    expect(state.claims).toEqual([`${GRAPH_RUN_ID} attempt 1`, `${GRAPH_RUN_ID} attempt 2`]);

    const next = await reportGraphRuns({ warehouse, project });
    expect(next.finished).toEqual([]);
  });

  it("fails for an error-severity test that failed, not for a warning", async () => {
    const warned = tests.find((t) => t.severity === "warn" && !t.name.startsWith("freshness"))!;
    const erred = tests.find((t) => t.severity === "error" && !t.name.startsWith("freshness"))!;
    const warnOnly = passing().map((row) => (row.test_name === warned.name ? { ...row, failures: 3 } : row));
    const { warehouse: quiet } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]),
      testResults: warnOnly,
    });
    const warning = await reportGraphRuns({ warehouse: quiet, project });
    expect(warning.failed).toBe(false);
    expect(warning.finished[0]!.tests.find((t) => t.name === warned.name)!.status).toBe("warn");

    const { warehouse } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]),
      testResults: warnOnly.map((row) => (row.test_name === erred.name ? { ...row, failures: 2 } : row)),
    });
    const failing = await reportGraphRuns({ warehouse, project });
    expect(failing.failed).toBe(true);
    expect(failing.finished[0]!.failures).toEqual([`test ${erred.name} failed (2 row(s))`]);
  });

  it("shows a run in progress as running, and reports it once it has finished", async () => {
    const { warehouse, state } = await scripted({
      tasks: graphTasks(order, (task) =>
        task === "AMPLITUDE_ROOT"
          ? ["SUCCEEDED"]
          : task === "AMPLITUDE_FINALIZER"
            ? [null, "SUCCEEDED"]
            : ["EXECUTING", "SUCCEEDED"],
      ),
      testResults: passing(),
    });
    const first = await reportGraphRuns({ warehouse, project });
    expect(first.finished).toEqual([]);
    expect(first.running?.graphRunId).toBe(GRAPH_RUN_ID);
    expect(first.running?.tasks.map((t) => t.state)).toContain("EXECUTING");
    expect(state.graphReports).toEqual([]);

    const second = await reportGraphRuns({ warehouse, project });
    expect(second.running).toBeNull();
    expect(second.finished.map((run) => run.graphRunId)).toEqual([GRAPH_RUN_ID]);
  });
});

describe("transform --no-wait: mending what Snowpipe missed", () => {
  it("refreshes a file uploaded 20 min ago that is not loaded, leaves one uploaded 5 min ago to Snowpipe", async () => {
    const clock = testClock(SERVER_NOW);
    const { fake, env } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]),
      testResults: passing(),
    });
    const root = await tempDir();
    const script: PipeScript = { events: [], manifests: [], manifestBodies: {}, clock };
    for (const [i, minutesAgo] of [20, 5].entries()) {
      const uploadedAt = SERVER_NOW - minutesAgo * MINUTE;
      const window = `2025-11-06T0${i}_2025-11-06T0${i + 1}`;
      const key = manifestKey("187520", new Date(uploadedAt), window, `d${i}`.padEnd(12, "0"));
      const file = `amplitude/events/app=187520/date=2025-11-06/hour=0${i}/part-${i}.json.gz`;
      const body = {
        manifest_version: 2,
        app_id: "187520",
        window: { start: window.split("_")[0], end: window.split("_")[1] },
        status: "exported",
        delivery: `d${i}`,
        uploaded_at: new Date(uploadedAt).toISOString(),
        supersedes: [],
        files: [{ key: file, name: file.split("/").pop(), bytes: 10, sha256: "0".repeat(64) }],
      };
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), JSON.stringify(body));
      script.events.push({ key: file, stagedAt: uploadedAt });
      script.manifests.push({ key, loaded: true, stagedAt: uploadedAt });
      script.manifestBodies![key] = { uploaded_at: body.uploaded_at, files: body.files };
    }
    const pipe = scriptSnowpipe(fake, script);

    const result = await transformReportStep(
      { warehouse: "snowflake", project: PROJECT_DIR, lake: pathToFileURL(root).href, mendAfterMinutes: 15 },
      { env, now: clock.now },
    );
    const old = "amplitude/events/app=187520/date=2025-11-06/hour=00/part-0.json.gz";
    expect(result.mended).toEqual([old]);
    expect(result.left).toEqual(["amplitude/events/app=187520/date=2025-11-06/hour=01/part-1.json.gz"]);
    expect(pipe.refreshes).toEqual([
      { pipe: "raw.amplitude_events_pipe", prefix: "app=187520/date=2025-11-06/hour=00/part-0.json.gz" },
    ]);
    expect(result.figures).toMatchObject({
      runs_reported: 1,
      runs_failed: 0,
      files_mended: 1,
      files_left: 1,
    });
    expect(result.failed).toBe(false);
    // Nothing was started or waited for.
    expect(sent(fake, /^execute task/i)).toEqual([]);
    expect(clock.sleeps).toEqual([]);
  });
});

describe("transform --no-wait from the CLI", () => {
  it("exits 1 naming the failed run and prints the figures with --json", async () => {
    const { env } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]).map((t) =>
        t.name === "AMPLITUDE_FINALIZER" ? { ...t, states: ["FAILED"], errorMessage: "tests crashed" } : t,
      ),
      otherRuns: [triggered("1762408800000", 120)],
      testResultsByRun: { "1762408800000": passing() },
      testPasses: {
        "1762408800000": {
          scope: "whole",
          everyHours: 24,
          startedAt: "2025-11-06 06:05:00.000",
          lastWholePass: "2025-11-05 05:00:00.000",
        },
      },
    });
    const cwd = await tempDir();
    const args = ["transform", "--no-wait", "--warehouse", "snowflake", "--project", PROJECT_DIR, "--json"];
    const cli = await runCli(args, { cwd, env });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(
      "graph run 01b8a2c5-3f1d-4e6a-9c27-5d0e8f4b7a31 (scheduled 2025-11-06T08:00:01.000Z) failed: pipeline.amplitude_finalizer FAILED: tests crashed",
    );
    // Which pass the finalizer ran, as it recorded it in pipeline.test_passes.
    expect(cli.stderr).toMatch(
      /^Graph run 1762408800000 [^\n]*\n(?: {2}.*\n)* {2}tests: whole tables \(due: last whole pass 25 h ago\)$/m,
    );
    expect(cli.json()).toEqual({
      runs_reported: 2,
      runs_failed: 1,
      runs_running: 0,
      files_mended: 0,
      files_left: 0,
    });
  });
});

// core.summary keeps the first GITHUB_STEP_SUMMARY it sees for the life of the process: one file, emptied per run.
let summaryFile: string | undefined;
afterAll(async () => {
  if (summaryFile) await rm(dirname(summaryFile), { recursive: true, force: true });
});

/** Runs the transform action's main through runAction, as its entry does, with INPUT_* set from `inputs`. */
async function runTransformAction(env: Record<string, string | undefined>, inputs: Record<string, string>) {
  summaryFile ??= join(await mkdtemp(join(tmpdir(), "transform-action-")), "summary.md");
  const dir = await tempDir();
  const output = join(dir, "output");
  await writeFile(summaryFile, "");
  await writeFile(output, "");
  const vars: Record<string, string | undefined> = {
    ...env,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: join(dir, "runner-temp"),
    INPUT_PROJECT: PROJECT_DIR,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  };
  try {
    const { code, stdout } = await runActionInProcess("transform", transformMain, vars);
    return { code, log: stdout, text: await readFile(summaryFile, "utf8") };
  } finally {
    vi.unstubAllEnvs();
    process.exitCode = undefined;
  }
}

describe("the transform action with wait: false, as the runner runs it", () => {
  it("refuses select and full-refresh, which need wait: true, before reaching Snowflake", async () => {
    const { code, log, text } = await runTransformAction(
      {},
      { warehouse: "snowflake", wait: "false", "full-refresh": "true" },
    );
    expect(code).toBe(1);
    expect(log).toContain("::error::input full-refresh needs wait: true");
    expect(text).toContain("input full-refresh needs wait: true");

    const every = await runTransformAction({}, { warehouse: "snowflake", "full-tests-every": "-1" });
    expect(every.code).toBe(1);
    expect(every.log).toContain(
      "::error::input full-tests-every: -1 is out of range: use a whole number from 0 to 8784",
    );
  });

  it("writes each run and the failing test to the summary, escaped, and fails the step naming the run", async () => {
    const erred = tests.find((t) => t.severity === "error" && !t.name.startsWith("freshness"))!;
    const { env } = await scripted({
      tasks: graphTasks(order, () => ["SUCCEEDED"]),
      testResults: passing().map((row) =>
        row.test_name === erred.name ? { ...row, error: "<b>boom</b> & more" } : row,
      ),
      testPasses: {
        "01b8a2c5-3f1d-4e6a-9c27-5d0e8f4b7a31": {
          scope: "increment",
          everyHours: 24,
          startedAt: "2025-11-06 08:05:00.000",
          lastWholePass: "2025-11-06 05:00:00.000",
        },
      },
    });
    const { code, log, text } = await runTransformAction(env, { warehouse: "snowflake", wait: "false" });
    expect(code).toBe(1);
    expect(log).toContain(
      `::error::transform failed: transform of snowflake://acme-test/analytics: graph run 01b8a2c5-3f1d-4e6a-9c27-5d0e8f4b7a31 (scheduled 2025-11-06T08:00:01.000Z) failed: test ${erred.name} errored`,
    );
    expect(log).toContain(
      "Graph run 01b8a2c5-3f1d-4e6a-9c27-5d0e8f4b7a31 scheduled 2025-11-06T08:00:01.000Z by EXECUTE TASK: FAILED",
    );
    expect(text).toContain(
      "Graph run 01b8a2c5-3f1d-4e6a-9c27-5d0e8f4b7a31 (failed, scheduled 2025-11-06T08:00:01.000Z by EXECUTE TASK)",
    );
    expect(text).toContain("&lt;b&gt;boom&lt;/b&gt; &amp; more");
    expect(text).toContain(
      "data tests passed. Data tests: on the rows this run wrote (whole tables last tested 3 h ago, again after 24 h).",
    );
    expect(text).not.toContain("<b>boom");
    expect(text).toMatch(/<strong>1<\/strong> runs reported/);
  });
});
