import { cp, mkdir, readdir, readFile, realpath, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS } from "../src/actions/io.ts";
import { readProject } from "../src/models/project.ts";
import { planProject, planTests } from "../src/models/runner.ts";
import { uploadStep } from "../src/pipeline/upload.ts";
import {
  buildActionsForTest,
  runBundle,
  type BuiltActions,
  type BundleRun,
} from "./support/action-runner.ts";
import { startFakeCacheService } from "./support/fake-cache-service.ts";
import { startFakeGitHub } from "./support/fake-github.ts";
import {
  graphTasks,
  passingResults,
  scriptTaskGraph,
  startScriptedSnowflake,
} from "./support/fake-snowflake-tasks.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { node24 } from "./support/node24.ts";
import { s3Server } from "./support/s3.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOURS = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T05") };

let built: BuiltActions;
// Each bundle runs on the Node the actions declare (node24) and on the Node running the tests, when that is
// another major (CI runs the suite on Node 24 itself, where a second run would only repeat the first).
const HOST = `Node ${process.versions.node.split(".")[0]}`;
const NODE_NAMES = HOST === "Node 24" ? ["Node 24"] : [HOST, "Node 24"];
const nodes: Record<string, string> = { [HOST]: process.execPath };

beforeAll(async () => {
  const [build, binary] = await Promise.all([buildActionsForTest(), node24()]);
  built = build;
  nodes["Node 24"] = binary;
}, 180_000);

afterAll(async () => {
  await built?.remove();
});

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

describe("the built dist/", () => {
  it("holds one index.js per action, shared chunks, an ESM package.json, and no native binary or WebAssembly", async () => {
    const files = await listFiles(built.dist);
    for (const name of [...ACTIONS, "main"]) {
      expect(files).toContain(`${name}/index.js`);
    }
    expect(files.some((file) => file.startsWith("chunks/"))).toBe(true);
    expect(files.filter((file) => /\.(node|wasm)$/.test(file))).toEqual([]);
    expect(JSON.parse(await readFile(join(built.dist, "package.json"), "utf8"))).toEqual({ type: "module" });
    // The worker extract starts sits beside the code that starts it.
    expect(files.filter((file) => file.endsWith("/validation-worker.js"))).toHaveLength(1);
    const sizes = await Promise.all(files.map(async (file) => (await stat(join(built.dist, file))).size));
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(40 * 1024 * 1024);
  });
});

/** A backup folder as extract leaves it, in a workspace of its own: `data/exports`. */
async function workspaceWithBackup() {
  const workspace = await tempDir("action-workspace-");
  const sim = await simulator();
  const { summary } = await extractFrom(sim, {
    range: HOURS,
    outDir: join(workspace, "data", "exports"),
    validationThreads: 0,
  });
  expect(summary.files).toBeGreaterThan(0);
  return { workspace, extracted: summary };
}

/** Lines of stdout that are workflow commands other than masks, and the masks. */
function masksFirst(run: BundleRun, secrets: string[]) {
  const lines = run.stdout.split("\n").filter(Boolean);
  const firstOther = lines.findIndex((line) => !line.startsWith("::add-mask::"));
  const masks = lines.slice(0, firstOther === -1 ? lines.length : firstOther);
  for (const secret of secrets) expect(masks).toContain(`::add-mask::${secret}`);
  const rest = [...lines.slice(masks.length), run.stderr, run.summary, JSON.stringify(run.outputs)].join(
    "\n",
  );
  for (const secret of secrets) expect(rest).not.toContain(secret);
}

describe.each(NODE_NAMES)("the upload bundle on %s", (nodeName) => {
  const node = () => nodes[nodeName]!;

  it("uploads the backup into a file:// lake, sets files/bytes/skipped and writes the summary; a rerun skips all", async () => {
    const { workspace, extracted } = await workspaceWithBackup();
    const run = await runBundle(built.dist, "upload", {
      node: node(),
      workspace,
      inputs: { lake: "file://data/lake" },
    });

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({
      files: String(extracted.files),
      bytes: String(extracted.bytes),
      skipped: "0",
    });
    expect(run.summary).toContain("✅ Upload to file://");
    expect(run.summary).toContain(`<strong>${extracted.files}</strong> files uploaded`);
    expect(run.summary).toContain("<strong>0</strong> files already in the lake");
    const lakeFiles = await listFiles(join(workspace, "data", "lake"));
    expect(lakeFiles.filter((file) => file.endsWith(".json.gz"))).toHaveLength(extracted.files);

    const again = await runBundle(built.dist, "upload", {
      node: node(),
      workspace,
      inputs: { lake: "file://data/lake" },
    });
    expect(again.code).toBe(0);
    expect(again.outputs).toEqual({ files: "0", bytes: "0", skipped: String(extracted.files) });
  });

  it("runs the same through the root action with command=upload", async () => {
    const { workspace, extracted } = await workspaceWithBackup();
    const run = await runBundle(built.dist, "main", {
      node: node(),
      workspace,
      inputs: { command: "upload", lake: "file://data/lake", from: "data/exports", concurrency: "2" },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.files).toBe(String(extracted.files));
    expect(run.summary).toContain("✅ Upload to file://");
  });

  it("fails with exit 1 and an error naming the input when the lake is not a lake, and uploads nothing", async () => {
    const { workspace } = await workspaceWithBackup();
    const run = await runBundle(built.dist, "upload", {
      node: node(),
      workspace,
      inputs: { lake: "ftp://somewhere" },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::input lake: "ftp://somewhere" is not a lake: use file://DIR or s3://bucket/prefix',
    );
    expect(run.outputs).toEqual({});
    expect(run.summary).toContain("❌ Upload");
    expect(run.summary).toContain("is not a lake: use file://DIR or s3://bucket/prefix");
    expect(await readdir(join(workspace, "data"))).toEqual(["exports"]);
  });

  it("fails with exit 1 naming the input when a required input is missing or a number is out of range", async () => {
    const { workspace } = await workspaceWithBackup();
    const missing = await runBundle(built.dist, "upload", { node: node(), workspace });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("::error::input lake is required");
    const range = await runBundle(built.dist, "upload", {
      node: node(),
      workspace,
      inputs: { lake: "file://data/lake", concurrency: "0" },
    });
    expect(range.code).toBe(1);
    expect(range.stdout).toContain(
      "::error::input concurrency: 0 is out of range: use a whole number from 1 to 32",
    );
  });

  it("the root action refuses an unknown command, naming the ones there are", async () => {
    const run = await runBundle(built.dist, "main", { node: node(), inputs: { command: "uplaod" } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::input command: "uplaod" is not a command: use one of [a-z, -]*upload/,
    );
    const none = await runBundle(built.dist, "main", { node: node() });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("::error::input command: is required");
  });

  it("uploads into S3 (s3rver) with the keys from secret inputs, masked before anything else is written", async () => {
    const { workspace, extracted } = await workspaceWithBackup();
    const s3 = await s3Server();
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...endpoint } = s3.env;
    const run = await runBundle(built.dist, "upload", {
      node: node(),
      workspace,
      env: endpoint,
      inputs: {
        lake: `s3://${s3.bucket}/pipeline`,
        "aws-access-key-id": AWS_ACCESS_KEY_ID,
        "aws-secret-access-key": AWS_SECRET_ACCESS_KEY,
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.files).toBe(String(extracted.files));
    expect(run.stdout.split("\n")[0]).toBe(`::add-mask::${AWS_ACCESS_KEY_ID}`);
    expect(run.summary).toContain(`✅ Upload to s3://${s3.bucket}/pipeline`);
    const stored = await listFiles(s3.directory);
    expect(stored.filter((file) => file.includes("pipeline/amplitude/events/")).length).toBeGreaterThan(0);
  });

  it("fails with exit 1 when S3 refuses the credentials, and never prints the secret but in its mask", async () => {
    const { workspace } = await workspaceWithBackup();
    const s3 = await s3Server();
    const secret = "not-the-right-secret-7f3a9c";
    const run = await runBundle(built.dist, "upload", {
      node: node(),
      workspace,
      env: { S3_ENDPOINT: s3.env.S3_ENDPOINT, AWS_REGION: s3.env.AWS_REGION },
      inputs: {
        lake: `s3://${s3.bucket}/pipeline`,
        "aws-access-key-id": "AKIAWRONGKEY",
        "aws-secret-access-key": secret,
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error::access to bucket lake-bucket was refused (HTTP 403): check the AWS credentials",
    );
    masksFirst(run, ["AKIAWRONGKEY", secret]);
  });
});

describe.each(NODE_NAMES)("the plan-backfill bundle on %s", (nodeName) => {
  const node = () => nodes[nodeName]!;

  it("plans a range into a matrix of day-aligned chunks, with chunks and max-parallel", async () => {
    const run = await runBundle(built.dist, "plan-backfill", {
      node: node(),
      inputs: { start: "2025-01-01", end: "2025-01-20", "chunk-days": "7", "max-parallel": "3" },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.matrix!)).toEqual({
      include: [
        { start: "2025-01-01T00", end: "2025-01-07T23", name: "2025-01-01T00--2025-01-07T23" },
        { start: "2025-01-08T00", end: "2025-01-14T23", name: "2025-01-08T00--2025-01-14T23" },
        { start: "2025-01-15T00", end: "2025-01-20T23", name: "2025-01-15T00--2025-01-20T23" },
      ],
    });
    expect(run.outputs.chunks).toBe("3");
    expect(run.outputs["max-parallel"]).toBe("3");
    expect(run.summary).toContain("2025-01-15T00--2025-01-20T23");
  });

  it("refuses max-parallel above 4 with exit 1, saying why, through the root action too", async () => {
    const run = await runBundle(built.dist, "main", {
      node: node(),
      inputs: { command: "plan-backfill", start: "2025-01-01", end: "2025-01-20", "max-parallel": "5" },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::input max-parallel must be a whole number from 1 to 4");
    expect(run.outputs).toEqual({});
  });
});

describe.each(NODE_NAMES)("the report bundle on %s", (nodeName) => {
  const node = () => nodes[nodeName]!;
  const token = "ghs_report-token-5b1e0c";

  async function github() {
    const fake = await startFakeGitHub();
    stops.push(() => fake.close());
    const env = {
      GITHUB_API_URL: fake.url,
      GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
      GITHUB_RUN_ID: "4242",
    };
    return { fake, env };
  }

  it("opens the failure issue with the failing step's summary copy from RUNNER_TEMP, then closes it on success", async () => {
    const { fake, env } = await github();
    const runnerTemp = await tempDir("runner-temp-");
    await mkdir(join(runnerTemp, "amplitude-pipeline"));
    await writeFile(
      join(runnerTemp, "amplitude-pipeline", "summary-upload.md"),
      "### Upload\n\n| files | 3 |\n",
    );
    const failed = await runBundle(built.dist, "report", {
      node: node(),
      env,
      runnerTemp,
      inputs: { mode: "failure", step: "upload", "github-token": token },
    });
    expect(failed.stderr).toBe("");
    expect(failed.code).toBe(0);
    expect(failed.outputs).toEqual({ issue: "1" });
    const issue = fake.issues[0]!;
    expect(issue.labels).toContain("pipeline-failure");
    expect(issue.body).toContain("<!-- amplitude-pipeline:failure -->");
    expect(issue.body).toContain("`upload`");
    expect(issue.body).toContain("| files | 3 |");
    expect(issue.body).toContain("/acme/analytics/actions/runs/4242");
    expect(fake.requests.every((request) => request.authorization === `token ${token}`)).toBe(true);
    masksFirst(failed, [token]);

    const recovered = await runBundle(built.dist, "main", {
      node: node(),
      env,
      inputs: { command: "report", mode: "success", "github-token": token },
    });
    expect(recovered.code).toBe(0);
    expect(recovered.outputs).toEqual({ issue: "1" });
    expect(fake.issues[0]!.state).toBe("closed");
  });

  it("as a watchdog, opens the issue when the workflow has no successful run", async () => {
    const { fake, env } = await github();
    const run = await runBundle(built.dist, "report", {
      node: node(),
      env,
      inputs: { mode: "watchdog", "github-token": token, "stale-hours": "6" },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.issue).toBe("1");
    expect(fake.issues[0]!.body).toContain("pipeline.yml has no successful run");
  });

  it("fails with exit 1 and GitHub's status and remedy when the token is refused, or the mode is unknown", async () => {
    const { fake, env } = await github();
    fake.failWith("GET", /\/issues$/, 401);
    const run = await runBundle(built.dist, "report", {
      node: node(),
      env,
      inputs: { mode: "failure", step: "extract", "github-token": token },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::report failed: GitHub answered 401 .*check the github-token input/);
    masksFirst(run, [token]);
    const unknown = await runBundle(built.dist, "report", { node: node(), env, inputs: { mode: "panic" } });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain(
      '::error::input mode: "panic" is not a mode: use failure, success, watchdog',
    );
  });
});

describe.each(NODE_NAMES)("the extract bundle on %s", (nodeName) => {
  const node = () => nodes[nodeName]!;

  it("exports the hours from the simulator into the backup folder, with outputs and summary, and upload takes it on", async () => {
    const sim = await simulator();
    const workspace = await tempDir("action-workspace-");
    const run = await runBundle(built.dist, "extract", {
      node: node(),
      workspace,
      env: { AMPLITUDE_API_URL: sim.url },
      inputs: {
        start: "2025-11-04T00",
        end: "2025-11-04T05",
        "amp-api-key": sim.apiKey,
        "amp-secret-key": sim.secretKey,
      },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // The same hours through the library give the figures the action must report.
    const { summary: expected } = await extractFrom(sim, {
      range: HOURS,
      outDir: await tempDir(),
      validationThreads: 0,
    });
    expect(run.outputs).toMatchObject({
      windows: String(expected.windows),
      files: String(expected.files),
      events: String(expected.events),
      bytes: String(expected.bytes),
      rejected: "0",
      "backup-dir": "data/exports",
      "failed-hours": "",
    });
    expect(run.outputs.watermark).toMatch(/^\d{4}-\d\d-\d\dT\d\d$/);
    // No cache service here: a notice, and the run goes on.
    expect(run.stdout).toMatch(/::notice::The Actions cache service is not available here/);
    expect(run.summary).toContain("Extract");
    masksFirst(run, [sim.secretKey]);
    const backup = (await listFiles(join(workspace, "data", "exports"))).filter((file) =>
      file.endsWith(".json.gz"),
    );
    const snapshots = backup.filter((file) => file.split(/[\\/]/).includes("_objects"));
    expect(backup.length - snapshots.length).toBe(expected.files);
    // By default the taxonomy and cohorts come too: event types, categories, cohorts, and one membership per cohort.
    expect(snapshots).toHaveLength(3 + sim.objects.cohortIds.length);
    expect(run.summary).toContain(`${snapshots.length} snapshot(s) written`);

    const upload = await runBundle(built.dist, "upload", {
      node: node(),
      workspace,
      inputs: { lake: "file://data/lake" },
    });
    expect(upload.code).toBe(0);
    expect(upload.outputs.files).toBe(String(expected.files + snapshots.length));
  });

  it("fails with exit 1 when Amplitude refuses the keys, saying which settings to check, and masks the secret", async () => {
    const sim = await simulator();
    const secret = "wrong-amplitude-secret-91d2";
    const run = await runBundle(built.dist, "main", {
      node: node(),
      env: { AMPLITUDE_API_URL: sim.url },
      inputs: {
        command: "extract",
        start: "2025-11-04T00",
        end: "2025-11-04T05",
        cache: "false",
        "amp-api-key": sim.apiKey,
        "amp-secret-key": secret,
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::.*(API key|secret key)/i);
    expect(run.stdout).not.toContain("Actions cache service");
    masksFirst(run, [secret]);
  });

  it("keeps each window in the Actions cache, and a re-run on a fresh runner restores it with no request to Amplitude", async () => {
    const sim = await simulator();
    const cache = await startFakeCacheService();
    stops.push(() => cache.close());
    const extract = async () => {
      const workspace = await tempDir("action-workspace-");
      const runnerTemp = await tempDir("runner-temp-");
      return runBundle(built.dist, "extract", {
        node: node(),
        workspace,
        runnerTemp,
        // The app id lets a runner with an empty backup folder and no lake know which windows to ask the cache for.
        env: {
          AMPLITUDE_API_URL: sim.url,
          AMPLITUDE_APP_ID: "187520",
          ...cache.env({ workspace, temp: runnerTemp }),
        },
        inputs: {
          start: "2025-11-04T00",
          end: "2025-11-04T05",
          "window-hours": "3",
          artifact: "amplitude-backup-test",
          // Windows only: the cache keeps windows, and snapshots are taken fresh by every run anyway.
          objects: "events",
          "amp-api-key": sim.apiKey,
          "amp-secret-key": sim.secretKey,
        },
      });
    };
    const first = await extract();
    expect(await listFiles(join(first.workspace, "data", "exports"))).not.toContainEqual(
      expect.stringContaining("_objects"),
    );
    expect(first.stdout).not.toContain("::error::");
    expect(first.code).toBe(0);
    const requested = sim.requests.length;
    expect(requested).toBeGreaterThan(0);
    expect(cache.entries.filter((entry) => entry.finalized)).toHaveLength(Number(first.outputs.windows));
    expect(first.summary).toContain("Backup artifact: <code>amplitude-backup-test</code>");

    const again = await extract();
    expect(again.stdout).not.toContain("::error::");
    expect(again.code).toBe(0);
    expect(sim.requests.length).toBe(requested);
    expect(again.summary).toContain(
      `${first.outputs.windows} window(s) restored from the Actions cache, not downloaded again.`,
    );
    expect(again.outputs.watermark).toBe(first.outputs.watermark);
    const files = (await listFiles(join(again.workspace, "data", "exports"))).filter((f) =>
      f.endsWith(".json.gz"),
    );
    expect(files).toHaveLength(Number(first.outputs.files));
  });

  it("refuses a settle-hours that is not a number, naming the input", async () => {
    const run = await runBundle(built.dist, "extract", { node: node(), inputs: { "settle-hours": "two" } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::input settle-hours: "two" is not an integer');
  });
});

/** A workspace as `npm ci` leaves it: the repository's packages installed (a link to them) and its own sql/. */
async function installedWorkspace() {
  const { workspace, extracted } = await workspaceWithBackup();
  await symlink(await realpath(join(ROOT, "node_modules")), join(workspace, "node_modules"), "dir");
  await cp(join(ROOT, "sql"), join(workspace, "sql"), { recursive: true });
  const lake = await uploadStep(
    {
      from: join(workspace, "data", "exports"),
      lake: `file://${join(workspace, "data", "lake")}`,
      concurrency: 4,
    },
    { env: {} },
  );
  expect(lake.failed).toBe(false);
  return { workspace, extracted };
}

describe.each(NODE_NAMES)("the transform bundle on %s", (nodeName) => {
  const node = () => nodes[nodeName]!;

  it("loads the lake into the embedded warehouse and builds the models, DuckDB coming from the workspace", async () => {
    const { workspace } = await installedWorkspace();
    const run = await runBundle(built.dist, "transform", {
      node: node(),
      workspace,
      inputs: {
        lake: "file://data/lake",
        warehouse: "duckdb:data/warehouse.duckdb",
        "docs-dir": "data/docs",
      },
    });
    expect(run.stdout).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(Number(run.outputs.models)).toBeGreaterThan(5);
    expect(Number(run.outputs["tests-passed"])).toBeGreaterThan(0);
    expect(run.outputs["tests-failed"]).toBe("0");
    expect(run.outputs["tests-warned"]).toMatch(/^\d+$/);
    expect(run.summary).toContain(`<strong>${run.outputs.models}</strong> models`);
    expect(run.summary).toContain("<td>events</td><td>incremental</td>");
    expect(await listFiles(join(workspace, "data"))).toContain("warehouse.duckdb");
    // The data dictionary, from the warehouse it built and the results it wrote, for upload-artifact.
    expect(run.outputs["docs-dir"]).toBe("data/docs");
    const index = await readFile(join(workspace, "data", "docs", "index.html"), "utf8");
    expect(index).toContain('href="models/events.html"');
    expect(index).toContain("Test results: the last run, from <code>target/run_results.json</code>");
  });

  it("says exactly what to install when the workspace has no @duckdb/node-api, through the root action too", async () => {
    const { workspace } = await workspaceWithBackup();
    for (const [name, inputs] of [
      ["transform", {}],
      ["main", { command: "transform" }],
    ] as const) {
      const run = await runBundle(built.dist, name, { node: node(), workspace, inputs });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        "::error::the embedded warehouse (duckdb:…) needs @duckdb/node-api, which is not installed in the workspace",
      );
      expect(run.stdout).toContain("`npm install @duckdb/node-api@1.5.5-r.5`");
      expect(run.summary).toContain("npm install @duckdb/node-api@1.5.5-r.5");
    }
  });
});

describe.each(NODE_NAMES)("the transform bundle against Snowflake on %s", (nodeName) => {
  it("runs the task graph through the bundled snowflake-sdk, fails on a FAILED task and shows it in the summary", async () => {
    const project = await readProject(join(ROOT, "sql"));
    const plan = planProject(project, "snowflake");
    const tests = planTests(project, plan.compiled, plan.selected, "snowflake").map((t) => t.name);
    const { fake, env } = await startScriptedSnowflake();
    stops.push(() => fake.close());
    scriptTaskGraph(fake, {
      tasks: graphTasks(plan.order, (task) => (task === "RUN_SESSIONS" ? ["FAILED"] : ["SUCCEEDED"])).map(
        (t) =>
          t.name === "RUN_SESSIONS" ? { ...t, errorCode: "000603", errorMessage: "Processing <aborted>" } : t,
      ),
      testResults: passingResults(tests),
      rowCounts: Object.fromEntries(plan.order.map((name) => [plan.compiled.get(name)!.relation, 10])),
    });
    const { SNOWFLAKE_PRIVATE_KEY: key, ...settings } = env;
    const run = await runBundle(built.dist, "transform", {
      node: nodes[nodeName],
      env: settings,
      inputs: { warehouse: "snowflake", "snowflake-private-key": key! },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::transform failed: .*/);
    expect(run.outputs.models).toBe(String(plan.order.length - 1));
    expect(run.outputs["tests-passed"]).toBe(String(tests.length));
    expect(run.summary).toContain("Task graph run");
    expect(run.summary).toMatch(/<td>pipeline\.run_sessions<\/td><td><strong>FAILED<\/strong><\/td>/);
    expect(run.summary).toContain("Processing &lt;aborted&gt;");
    // The key is masked line by line before anything else is written, and never printed.
    const lines = key!.split(/\r?\n/).filter((line) => line.length > 0 && !line.startsWith("-----"));
    expect(run.stdout).toContain("::add-mask::");
    for (const line of lines) expect(run.stdout.replace(/::add-mask::.*\n/g, "")).not.toContain(line);
    expect(fake.unknown).toEqual([]);
  });
});

describe.each(NODE_NAMES)("the provision bundle on %s", (nodeName) => {
  const node = () => nodes[nodeName]!;

  it("renders the Snowflake objects into out on a dry run, from the action's own models when the workspace has none", async () => {
    const workspace = await tempDir("action-workspace-");
    const run = await runBundle(built.dist, "provision", {
      node: node(),
      workspace,
      inputs: { lake: "s3://lake-bucket/pipeline", "dry-run": "true", out: "target/provision" },
    });
    expect(run.stdout).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(Number(run.outputs.changes)).toBeGreaterThan(0);
    // A dry run plans against an empty account: the storage integration (created by an admin) is not there.
    expect(run.outputs.refusals).toBe("1");
    expect(run.summary).toContain("the storage integration amplitude_pipeline_s3 does not exist");
    const rendered = await listFiles(join(workspace, "target", "provision"));
    expect(rendered.length).toBeGreaterThan(0);
  });

  it("refuses a lake that is not on S3, naming the input", async () => {
    const run = await runBundle(built.dist, "provision", {
      node: node(),
      inputs: { lake: "file://data/lake", "dry-run": "true" },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::input lake:");
    expect(run.stdout).toContain("provision takes input lake s3://bucket/prefix");
  });
});

/** A workspace holding the repository's sql/ and its installed packages, as sql-check.yml leaves it after `npm ci`. */
async function modelWorkspace() {
  const workspace = await tempDir("action-workspace-");
  await symlink(await realpath(join(ROOT, "node_modules")), join(workspace, "node_modules"), "dir");
  await cp(join(ROOT, "sql"), join(workspace, "sql"), { recursive: true });
  return workspace;
}

// The passing run over the repository's models, through the same bundle on Node 24, is sql-check.yml's validate
// job in workflow-runs.test.ts (the models run on sample data, the Snowflake SQL is parsed: about 18 s); here, the
// failing one.
describe("the validate bundle", () => {
  it(`fails on ${HOST} with an annotation on the model's line when a model does not compile`, async () => {
    const workspace = await modelWorkspace();
    const model = join(workspace, "sql", "models", "marts", "web_issues.sql");
    await writeFile(model, (await readFile(model, "utf8")) + "\n{{ no_such_macro() }}\n");
    const run = await runBundle(built.dist, "validate", {
      node: nodes[HOST],
      workspace,
      inputs: { comment: "false" },
    });
    expect(run.code).toBe(1);
    expect(Number(run.outputs.failed)).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/::error [^:]*file=sql\/models\/marts\/web_issues\.sql,line=\d+/);
    expect(run.summary).toContain("web_issues");
  });
});
