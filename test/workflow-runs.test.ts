// The workflows themselves, run for one event as GitHub's runner would (test/support/workflow-harness.ts): the
// hourly schedule, a backfill dispatch, a re-run of a failed chunk, a dry run and the pull-request check, against the
// Amplitude simulator, a lake on s3rver and the fake Snowflake with its catalog, Snowpipe and task graph scripted.
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatHour } from "../src/amplitude/hours.ts";
import { AmplitudeSimulator } from "../src/amplitude/simulator/server.ts";
import type { Env } from "../src/config.ts";
import { s3ClientFromEnv } from "../src/lake/s3-lake.ts";
import { readProject } from "../src/models/project.ts";
import { planProject, planTests } from "../src/models/runner.ts";
import {
  DEFAULT_EXTRACT_CONCURRENCY,
  DEFAULT_HISTORY,
  DEFAULT_MAX_HOURS,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_UPLOAD_CONCURRENCY,
} from "../src/pipeline/defaults.ts";
import { extractStep } from "../src/pipeline/extract.ts";
import { uploadStep } from "../src/pipeline/upload.ts";
import { buildActionsForTest, type BuiltActions } from "./support/action-runner.ts";
import { startFakeCacheService, type FakeCacheService } from "./support/fake-cache-service.ts";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.ts";
import { installCatalog, type FakeCatalog } from "./support/fake-snowflake-catalog.ts";
import { graphTasks, passingResults, scriptTaskGraph } from "./support/fake-snowflake-tasks.ts";
import { startFakeSnowflake, type FakeSnowflake } from "./support/fake-snowflake.ts";
import { scriptSnowpipe, type ScriptedFile } from "./support/fake-snowpipe.ts";
import { node24 } from "./support/node24.ts";
import {
  ConcurrencyGroup,
  concurrencyOf,
  copyTrackedFiles,
  WorkflowHarness,
  type RunOptions,
  type WorkflowRun,
} from "./support/workflow-harness.ts";

const HOUR = 3_600_000;
const PIPELINE = ".github/workflows/pipeline.yml";
const TOKEN = "ghs_workflow-runs-token";
const BUCKET = "lake-bucket";
const LAKE = `s3://${BUCKET}/prod`;

let built: BuiltActions;
let work: string;
let source: string;
let harness: WorkflowHarness;
let sim: AmplitudeSimulator;
let s3: S3rver;
let fake: FakeSnowflake;
let catalog: FakeCatalog;
let cache: FakeCacheService;
let github: FakeGitHub;
let s3Env: Env;
let refused: ReturnType<typeof createServer>;
let refusedUrl: string;
/** Which jobs' S3 refuses every request: "the lake unwritable" for a chunk's upload in one attempt. */
let unwritable: (job: { id: string; name: string; attempt: number }) => boolean = () => false;
const snowpipe = {
  events: [] as ScriptedFile[],
  manifests: [] as ScriptedFile[],
  snapshots: [] as ScriptedFile[],
};
let testNames: string[];
let order: string[];
let graphRun = 1_762_416_000_000;
let vars: Record<string, string>;
let secrets: Record<string, string>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "workflow-runs-"));
  // The checkout's source: this repository's tracked files, which a test may change (a model under sql/).
  source = join(work, "repository");
  const [build, node] = await Promise.all([buildActionsForTest(), node24(), copyTrackedFiles(source)]);
  built = build;
  sim = await new AmplitudeSimulator({ eventsPerHour: 40, users: 30 }).start();
  s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: join(work, "s3rver") });
  const { port } = (await s3.run()) as { port: number };
  s3Env = {
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_BUCKET_NAME: BUCKET,
  };
  await s3ClientFromEnv(s3Env).client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // An S3 that refuses every request, as a bucket policy denying this role would.
  refused = createServer((_req, res) => {
    res.writeHead(403, { "content-type": "application/xml" });
    res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
  });
  await new Promise<void>((done) => refused.listen(0, "127.0.0.1", done));
  refusedUrl = `http://127.0.0.1:${(refused.address() as AddressInfo).port}`;

  const keys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  fake = await startFakeSnowflake({ publicKey: keys.publicKey });
  catalog = installCatalog(fake);
  // Snowpipe: what the lake holds is listed before each transform (beforeJob), every file loaded.
  scriptSnowpipe(fake, { ...snowpipe, clock: { ms: () => Date.now() } });
  const project = await readProject(join(source, "sql"));
  const plan = planProject(project, "snowflake");
  order = plan.order;
  testNames = planTests(project, plan.compiled, plan.selected, "snowflake").map((t) => t.name);
  cache = await startFakeCacheService();
  github = await startFakeGitHub();

  vars = {
    LAKE_URL: LAKE,
    AWS_BUCKET_NAME: BUCKET,
    AWS_REGION: "us-east-1",
    AMPLITUDE_APP_ID: "187520",
    SNOWFLAKE_ACCOUNT: "TESTACCOUNT",
    SNOWFLAKE_USER: "PIPELINE",
    SNOWFLAKE_ROLE: "AMPLITUDE_PIPELINE",
    SNOWFLAKE_WAREHOUSE: "AMPLITUDE_PIPELINE",
    SNOWFLAKE_DATABASE: "TESTDB",
  };
  secrets = {
    AMP_API_KEY: sim.apiKey,
    AMP_SECRET_KEY: sim.secretKey,
    SNOWFLAKE_PRIVATE_KEY: keys.privateKey,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  };
  harness = new WorkflowHarness({
    // The role session configure-aws-credentials hands out: s3rver takes its key, and ignores the session token.
    awsSession: {
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      sessionToken: "FwoGZXIvYXdzEFAKESESSION",
    },
    dist: built.dist,
    node,
    source,
    repository: `${github.owner}/${github.repo}`,
    token: TOKEN,
    apiUrl: github.url,
    // The runner machine's view of the services: every address on loopback.
    machineEnv: {
      AMPLITUDE_API_URL: sim.url,
      S3_ENDPOINT: s3Env.S3_ENDPOINT!,
      SNOWFLAKE_ACCESS_URL: fake.url,
    },
    jobEnv: (job) => ({
      ...cache.env({ workspace: job.workspace, temp: job.temp }),
      ...(unwritable(job) ? { S3_ENDPOINT: refusedUrl } : {}),
    }),
  });

  // The lake's first hours, so the hourly run resumes from a recent watermark (a few hours to export, not months).
  const lastSettled = Math.floor(Date.now() / HOUR) - 3;
  const seed = await extractStep(
    {
      start: formatHour(lastSettled - 3),
      end: formatHour(lastSettled - 2),
      out: join(work, "seed"),
      lake: LAKE,
      windowHours: 24,
      concurrency: DEFAULT_EXTRACT_CONCURRENCY,
      maxLineBytes: DEFAULT_MAX_LINE_BYTES,
      settleHours: 2,
      maxHours: DEFAULT_MAX_HOURS,
      history: DEFAULT_HISTORY,
      objects: ["events"],
    },
    { env: { ...s3Env, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey, AMPLITUDE_API_URL: sim.url } },
  );
  expect(seed.failed).toBe(false);
  await uploadStep(
    { from: join(work, "seed"), lake: LAKE, concurrency: DEFAULT_UPLOAD_CONCURRENCY },
    { env: s3Env },
  );
}, 240_000);

afterAll(async () => {
  await harness?.close();
  await Promise.all([
    fake?.close(),
    sim?.close(),
    s3?.close(),
    cache?.close(),
    github?.close(),
    built?.remove(),
  ]);
  await new Promise((done) => (refused ? refused.close(done) : done(undefined)));
  await rm(work, { recursive: true, force: true });
});

/** Before a transform job: Snowpipe has loaded every file in the lake, and one graph run finished green. */
async function beforeJob(job: { id: string }) {
  if (job.id !== "hourly" && job.id !== "transform") return;
  const listed = await s3ClientFromEnv(s3Env).client.send(
    new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "prod/" }),
  );
  const keys = (listed.Contents ?? []).map((object) => object.Key!.slice("prod/".length));
  const loaded = (prefix: string) =>
    keys.filter((key) => key.startsWith(prefix)).map((key) => ({ key, loaded: true }));
  snowpipe.events.splice(0, Infinity, ...loaded("amplitude/events/"));
  snowpipe.manifests.splice(0, Infinity, ...loaded("amplitude/_manifests/"));
  snowpipe.snapshots.splice(0, Infinity, ...loaded("amplitude/_objects/"));
  scriptTaskGraph(fake, {
    graphRunId: String((graphRun += HOUR)),
    tasks: graphTasks(order, () => ["SUCCEEDED"]),
    testResults: passingResults(testNames),
  });
}

const run = (options: Omit<RunOptions, "workflow" | "vars" | "secrets"> & Partial<RunOptions>) =>
  harness.run({ workflow: PIPELINE, vars, secrets, beforeJob, ...options });

const stepNames = (run: WorkflowRun, job: string) =>
  run.jobs
    .filter((record) => record.id === job)
    .flatMap((record) => record.steps.filter((step) => step.outcome !== "skipped").map((step) => step.name));

function expectGreen(run: WorkflowRun) {
  for (const job of run.jobs) {
    for (const step of job.steps) {
      expect(step.conclusion, `${job.name} / ${step.name}: ${step.stdout}\n${step.stderr}`).not.toBe(
        "failure",
      );
    }
  }
}

describe("the hourly schedule", () => {
  it("starts exactly one job and bills one minute: extract, upload, provision, transform, report as its steps", async () => {
    const requests = sim.requests.length;
    // With a role (OIDC) and the access-key secrets still set: the role's session only, all of it.
    const hourly = await run({
      event: "schedule",
      vars: { ...vars, AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/amplitude-pipeline" },
    });
    expectGreen(hourly);
    expect(hourly.started.map((job) => job.name)).toEqual(["hourly"]);
    expect(
      hourly.jobs.filter((job) => job.id !== "hourly").every((job) => job.conclusion === "skipped"),
    ).toBe(true);
    expect(hourly.billedMinutes).toBe(1);
    expect(stepNames(hourly, "hourly")).toEqual([
      "actions/checkout@v7",
      "AWS credentials (OIDC role)",
      "extract",
      "Keep the backup as an artifact",
      "The backup folder exists",
      "upload",
      "provision",
      "transform",
      "report",
    ]);
    const [job] = hourly.started;
    for (const id of ["extract", "upload", "transform"]) {
      const step = job!.steps.find((s) => s.id === id)!;
      expect(step.with["aws-access-key-id"], id).toBe("");
      expect(step.with["aws-secret-access-key"], id).toBe("");
    }
    expect(job!.steps.find((step) => step.name === "report the failure")?.outcome).toBe("skipped");
    expect(
      job!.steps.some((step) => /\bnpm\b/.test(step.name) || step.uses?.startsWith("actions/setup-node")),
    ).toBe(false);
    expect(job!.steps.every((step) => !step.substituted)).toBe(true);
    // It exported from the watermark, uploaded, and transform reported without waiting.
    expect(sim.requests.length).toBeGreaterThan(requests);
    const extract = job!.steps.find((step) => step.id === "extract")!;
    expect(Number(extract.outputs.events)).toBeGreaterThan(0);
    expect(Number(job!.steps.find((step) => step.id === "upload")!.outputs.files)).toBeGreaterThan(0);
    const transform = job!.steps.find((step) => step.id === "transform")!;
    expect(transform.with.wait).toBe("false");
    const artifacts = harness.artifacts.get(hourly.runId)!;
    expect(artifacts.map((a) => a.name)).toEqual([`amplitude-backup-hourly-${hourly.runId}-1`]);
  }, 120_000);

  it("applies a change under sql/ in its provision step, before transform, still in one job", async () => {
    // Provisioned by the run before (or now): the next run with a changed model applies only the change.
    const model = join(source, "sql", "models", "marts", "web_issues.sql");
    const before = await readFile(model, "utf8");
    const changed = `${before.trimEnd()}\n-- reviewed: web issues per day\n`;
    await writeFile(model, changed);
    try {
      const ddl = catalog.ddl.length;
      const queries = fake.queries.length;
      const hourly = await run({ event: "schedule" });
      expectGreen(hourly);
      expect(hourly.started.map((job) => job.name)).toEqual(["hourly"]);
      const applied = catalog.ddl.slice(ddl);
      expect(applied.some((sql) => /procedure\s+pipeline\.build_web_issues/i.test(sql))).toBe(true);
      expect(applied.some((sql) => sql.includes("-- reviewed: web issues per day"))).toBe(true);
      // Before transform's statements: the first statement of the change comes before the graph is looked at.
      const sent = fake.queries.slice(queries).map((query) => query.sql);
      const change = sent.findIndex((sql) => sql.includes("-- reviewed: web issues per day"));
      const graph = sent.findIndex((sql) => /task_history/i.test(sql));
      expect(change).toBeGreaterThanOrEqual(0);
      expect(change).toBeLessThan(graph);
      const provision = hourly.started[0]!.steps.find((step) => step.id === "provision")!;
      expect(Number(provision.outputs.changes)).toBeGreaterThan(0);
    } finally {
      await writeFile(model, before);
    }
  }, 120_000);
});

async function lakeKeys(): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3ClientFromEnv(s3Env).client.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: "prod/amplitude/events/",
        ContinuationToken: token,
      }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

const names = (run: WorkflowRun) => run.started.map((job) => job.name.split(" (")[0]);

describe("a backfill dispatch", () => {
  it("plans three chunks, extracts and uploads each in its own job, provisions, transforms once (waiting) and reports", async () => {
    const backfill = await run({
      event: "workflow_dispatch",
      inputs: { start: "2025-11-04", end: "2025-11-06", "chunk-days": 1 },
    });
    expectGreen(backfill);
    expect(names(backfill)).toEqual([
      "plan",
      "extract",
      "extract",
      "extract",
      "upload",
      "upload",
      "upload",
      "provision",
      "transform",
      "report",
    ]);
    expect(backfill.jobs.find((job) => job.id === "hourly")!.conclusion).toBe("skipped");
    const chunks = backfill.started.filter((job) => job.id === "extract").map((job) => job.matrix!.name);
    expect(chunks).toEqual([
      "2025-11-04T00--2025-11-04T23",
      "2025-11-05T00--2025-11-05T23",
      "2025-11-06T00--2025-11-06T23",
    ]);
    expect(backfill.started.find((job) => job.id === "extract")!.maxParallel).toBe(4);
    // The waiting transform: wait is not set, so the action's default (true) holds.
    const transform = backfill.started.find((job) => job.id === "transform")!;
    expect(transform.steps.find((step) => step.id === "transform")!.with.wait).toBeUndefined();
    const keys = await lakeKeys();
    for (const day of ["2025-11-04", "2025-11-05", "2025-11-06"]) {
      expect(
        keys.some((key) => key.includes(day)),
        day,
      ).toBe(true);
    }
    expect(backfill.billedMinutes).toBe(backfill.started.reduce((sum, job) => sum + job.billedMinutes, 0));
    expect(backfill.billedMinutes).toBeGreaterThanOrEqual(10);
  }, 180_000);

  it("re-runs a chunk whose upload failed as attempt 2, which uploads attempt 1's backup; the other jobs are kept", async () => {
    const failing = (job: { id: string; name: string; attempt: number }) =>
      job.id === "upload" && job.name.includes("2025-11-08T00") && job.attempt === 1;
    unwritable = failing;
    let first: WorkflowRun;
    try {
      first = await run({
        event: "workflow_dispatch",
        inputs: { start: "2025-11-07", end: "2025-11-08", "chunk-days": 1 },
      });
    } finally {
      unwritable = () => false;
    }
    const failed = first.jobs.filter((job) => job.conclusion === "failure");
    expect(failed.map((job) => job.name)).toEqual([expect.stringContaining("upload (2025-11-08T00")]);
    expect(first.jobs.find((job) => job.id === "transform")!.conclusion).toBe("skipped");
    expect((await lakeKeys()).some((key) => key.includes("2025-11-08"))).toBe(false);
    const pattern = `amplitude-backup-2025-11-08T00--2025-11-08T23-${first.runId}-*`;

    const second = await harness.rerunFailed(first);
    expectGreen(second);
    expect(second.attempt).toBe(2);
    expect(second.started.map((job) => job.name)).toEqual([failed[0]!.name, "transform", "report"]);
    const upload = second.started[0]!;
    const download = upload.steps.find((step) => step.uses?.startsWith("actions/download-artifact"))!;
    expect(download.with.pattern).toBe(pattern);
    expect(download.stdout).toContain("(attempt 1)");
    expect(Number(upload.steps.find((step) => step.id === "upload")!.outputs.files)).toBeGreaterThan(0);
    expect((await lakeKeys()).some((key) => key.includes("2025-11-08"))).toBe(true);
    // Without github-token and run-id, download-artifact sees only this attempt's artifacts: nothing to upload.
    expect(download.with["github-token"]).toBe(TOKEN);
    expect(download.with["run-id"]).toBe(String(first.runId));
    expect(harness.downloadable(first.runId, 2, { pattern, withToken: false })).toEqual([]);
    expect(harness.downloadable(first.runId, 2, { pattern, withToken: true })).toHaveLength(1);
    // Kept from attempt 1: plan, the chunks' extracts, the good upload and provision.
    const kept = second.jobs.filter((job) => job.fromAttempt === 1 && job.started);
    expect(kept.map((job) => job.id).sort()).toEqual(["extract", "extract", "plan", "provision", "upload"]);
  }, 240_000);

  it("a dry run extracts nothing and provision renders its SQL only", async () => {
    const requests = sim.requests.length;
    const ddl = catalog.ddl.length;
    const dry = await run({
      event: "workflow_dispatch",
      inputs: { start: "2025-11-10", end: "2025-11-12", "chunk-days": 1, "dry-run": true },
    });
    expectGreen(dry);
    expect(names(dry)).toEqual(["plan", "provision"]);
    for (const id of ["extract", "upload", "transform", "report"]) {
      expect(dry.jobs.find((job) => job.id === id)!.conclusion, id).toBe("skipped");
    }
    expect(sim.requests.length).toBe(requests);
    expect(catalog.ddl.length).toBe(ddl);
    const provision = dry.started.find((job) => job.id === "provision")!;
    expect(provision.steps.find((step) => step.id === "provision")!.with["dry-run"]).toBe("true");
    expect(provision.steps.find((step) => step.name === "Keep the rendered SQL")!.outcome).toBe("success");
  }, 120_000);
});

describe("the concurrency group", () => {
  it("keeps a backfill pending behind a running hourly run when the next schedule comes (queue: max)", async () => {
    const setting = await concurrencyOf(source, PIPELINE, { event: "schedule", vars });
    expect(setting).toEqual({ group: "amplitude-pipeline-TESTDB", cancelInProgress: false, queue: "max" });
    const group = new ConcurrencyGroup(setting!);
    group.queue("hourly 10:17");
    group.queue("backfill");
    group.queue("hourly 11:17");
    expect(group.cancelled).toEqual([]);
    group.finish();
    expect(group.running).toBe("backfill");

    // Without queue: max, GitHub's default would cancel the pending backfill.
    const text = await readFile(join(source, PIPELINE), "utf8");
    await writeFile(join(work, "single.yml"), text.replace(/\n\s*queue: max\n/, "\n"));
    const single = new ConcurrencyGroup(
      (await concurrencyOf(work, "single.yml", { event: "schedule", vars }))!,
    );
    single.queue("hourly 10:17");
    single.queue("backfill");
    single.queue("hourly 11:17");
    expect(single.cancelled).toEqual(["backfill"]);
  });
});

describe("a pull request", () => {
  it("runs sql-check.yml's validate job, which passes on the repository's models", async () => {
    const check = await harness.run({
      workflow: ".github/workflows/sql-check.yml",
      event: "pull_request",
      payload: { pull_request: { number: 7 } },
      // The job runs in a debian:12 container on GitHub; here its steps run on this machine.
      substitutes: {
        "Install git and sqlfluff (Debian 12's packages)":
          "echo 'apt-get: Debian 12 packages, in the container on GitHub'",
        "Install DuckDB and the SQL parser": `ln -s '${join(fileURLToPath(new URL("..", import.meta.url)), "node_modules")}' node_modules`,
      },
    });
    const [validate] = check.started;
    expect(check.started.map((job) => job.name)).toEqual(["validate"]);
    expect(validate!.container).toBe("debian:12");
    expect(validate!.steps.filter((step) => step.substituted).map((step) => step.name)).toEqual([
      "Install git and sqlfluff (Debian 12's packages)",
      "Install DuckDB and the SQL parser",
    ]);
    const step = validate!.steps.find((s) => s.id === "validate")!;
    expect(step.conclusion, `${step.stdout}\n${step.stderr}`).toBe("success");
    expect(step.outputs.failed).toBe("0");
    expect(step.stdout).not.toContain("::error");
    // The checks' table in the job summary.
    expect(step.summary).toContain("compile");
    expect(validate!.conclusion).toBe("success");
  }, 180_000);
});
