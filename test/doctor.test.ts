import { generateKeyPairSync } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { doctorMain } from "../src/actions/doctor-main.ts";
import { runActionInProcess } from "./support/run-action-in-process.ts";
import { AmplitudeSimulator } from "../src/amplitude/simulator/server.ts";
import type { Env } from "../src/config.ts";
import { s3ClientFromEnv } from "../src/lake/s3-lake.ts";
import { doctor, type DoctorCheck, type DoctorResult } from "../src/pipeline/doctor.ts";
import { provisionStep } from "../src/pipeline/provision.ts";
import { main } from "../src/cli/main.ts";
import type { Output } from "../src/cli/output.ts";
import {
  EXTERNAL_ID,
  IAM_USER_ARN,
  installAccount,
  setupGrants,
  type FakeAccount,
} from "./support/fake-snowflake-account.ts";
import { installCatalog, NOTIFICATION_CHANNEL, type FakeCatalog } from "./support/fake-snowflake-catalog.ts";
import { startFakeSnowflake, type FakeSnowflake } from "./support/fake-snowflake.ts";
import { startFakeGitHub, type FakeGitHub } from "./support/fake-github.ts";

// One simulator, one s3rver (behind a proxy that injects the faults s3rver cannot give), one fake
// Snowflake provisioned once, one fake GitHub: each test changes one thing and puts it back.

const BUCKET = "lake-bucket";
const LAKE = `s3://${BUCKET}/team`;
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

let sim: AmplitudeSimulator;
let s3rver: S3rver;
let proxy: Server;
let fake: FakeSnowflake;
let catalog: FakeCatalog;
let account: FakeAccount;
let github: FakeGitHub;
let work: string;
let project: string;
let baseEnv: Env;

/** What the proxy in front of s3rver does instead of passing a request on. */
const s3Faults: { refusePuts?: boolean; region?: string } = {};

/** Forwards to s3rver; answers HeadBucket with the bucket's region as S3 does, and the faults asked for. */
async function startS3Proxy(target: number): Promise<Server> {
  const server = createServer((req, res) => {
    const bucketOnly = new URL(req.url ?? "/", "http://x").pathname.replace(/\/$/, "") === `/${BUCKET}`;
    if (req.method === "HEAD" && bucketOnly && s3Faults.region && s3Faults.region !== "us-east-1") {
      // A client of another region gets a 301 that names the bucket's region.
      res.writeHead(301, { "x-amz-bucket-region": s3Faults.region }).end();
      return;
    }
    if (req.method === "PUT" && s3Faults.refusePuts && !bucketOnly) {
      req.resume();
      res
        .writeHead(403, { "content-type": "application/xml" })
        .end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
        );
      return;
    }
    const upstream = request(
      { host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers = { ...answer.headers };
        if (req.method === "HEAD" && bucketOnly) headers["x-amz-bucket-region"] = "us-east-1";
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "doctor-"));
  project = join(work, "sql");
  await cp(new URL("../sql", import.meta.url), project, { recursive: true });
  sim = await new AmplitudeSimulator({ eventsPerHour: 10, users: 5 }).start();
  const directory = join(work, "s3");
  await mkdir(directory);
  s3rver = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = (await s3rver.run()) as { port: number };
  proxy = await startS3Proxy(port);
  fake = await startFakeSnowflake({
    publicKey: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
    password: "a-password",
  });
  catalog = installCatalog(fake);
  github = await startFakeGitHub();
  const workspace = join(work, "repo");
  await mkdir(join(workspace, ".github", "workflows"), { recursive: true });
  await writeFile(
    join(workspace, ".github", "workflows", "pipeline.yml"),
    "jobs:\n  run:\n    env:\n      AMP_API_KEY: ${{ secrets.AMP_API_KEY }}\n      AWS_REGION: ${{ vars.AWS_REGION }}\n" +
      "      LAKE_URL: ${{ vars.LAKE_URL }}\n",
  );
  baseEnv = {
    AMPLITUDE_API_URL: sim.url,
    AMP_API_KEY: sim.apiKey,
    AMP_SECRET_KEY: sim.secretKey,
    AMPLITUDE_APP_ID: "187520",
    S3_ENDPOINT: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    SNOWFLAKE_ACCOUNT: "testaccount",
    SNOWFLAKE_USER: "pipeline",
    SNOWFLAKE_PRIVATE_KEY: privateKey,
    SNOWFLAKE_ROLE: "AMPLITUDE_PIPELINE",
    SNOWFLAKE_WAREHOUSE: "TRANSFORMING",
    SNOWFLAKE_DATABASE: "TESTDB",
    SNOWFLAKE_ACCESS_URL: fake.url,
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION: "true",
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_API_URL: github.url,
  };
  await s3ClientFromEnv(baseEnv).client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await provisionStep(
    { lake: LAKE, out: join(work, "dry-run"), project },
    { env: baseEnv, toolVersion: "test", sleep: async () => {} },
  );
  account = installAccount(fake, catalog, {
    grants: setupGrants("TRANSFORMING", "TESTDB", "amplitude_pipeline_s3"),
    integration: {
      name: "AMPLITUDE_PIPELINE_S3",
      iamUserArn: IAM_USER_ARN,
      externalId: EXTERNAL_ID,
      roleArn: "arn:aws:iam::001234567890:role/snowflake-lake",
      allowedLocations: `s3://${BUCKET}/team/`,
      enabled: true,
    },
    notifications: new Map(
      ["RAW.AMPLITUDE_EVENTS_PIPE", "RAW.LAKE_MANIFESTS_PIPE", "RAW.AMPLITUDE_SNAPSHOTS_PIPE"].map((pipe) => [
        pipe,
        "2026-12-05 08:00:00.000 +0000",
      ]),
    ),
    staleStreams: new Set(),
    graphRuns: [{ state: "SUCCEEDED", completedTime: new Date("2026-12-05T08:10:00Z") }],
  });
}, 60_000);

afterAll(async () => {
  await fake?.close();
  await github?.close();
  await sim?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await s3rver?.close();
  await rm(work, { recursive: true, force: true });
});

async function run(
  env: Env = baseEnv,
  options: { lake?: string; warehouse?: string } = {},
): Promise<DoctorResult> {
  return doctor(
    { lake: options.lake ?? LAKE, warehouse: options.warehouse ?? "snowflake", project },
    { env },
  );
}

const statuses = (result: DoctorResult) => Object.fromEntries(result.checks.map((c) => [c.name, c.status]));
const line = (result: DoctorResult, name: string): DoctorCheck => {
  const check = result.checks.find((c) => c.name === name);
  if (!check) throw new Error(`no check ${name}: ${result.checks.map((c) => c.name).join(", ")}`);
  return check;
};

const EVERY_LINE = [
  "amplitude keys",
  "lake region",
  "lake",
  "amplitude app id",
  "snowflake login",
  "snowflake role",
  "snowflake warehouse",
  "snowflake database",
  "snowflake grants",
  "storage integration",
  "stage",
  "pipe raw.amplitude_events_pipe",
  "pipe raw.lake_manifests_pipe",
  "pipe raw.amplitude_snapshots_pipe",
  "stream",
  "root task",
  "last graph run",
  "change history",
];

const EMBEDDED = "duckdb:data/never-opened.duckdb";
let healthy: Record<string, string>;
let healthyEmbedded: Record<string, string>;

/**
 * Runs doctor with one fault and expects exactly the lines named to differ from the healthy run. Faults of
 * Amplitude, the lake and GitHub run against the embedded warehouse: rendering the Snowflake objects for the
 * change-history line takes a second, and those lines do not depend on it.
 */
async function expectOnly(
  changed: Record<string, DoctorCheck["status"]>,
  env: Env = baseEnv,
  warehouse = "snowflake",
): Promise<DoctorResult> {
  const result = await run(env, { warehouse });
  expect(statuses(result)).toEqual({
    ...(warehouse === "snowflake" ? healthy : healthyEmbedded),
    ...changed,
  });
  for (const name of Object.keys(changed)) {
    const check = line(result, name);
    if (check.status === "fail" || check.status === "warn") expect(check.remedy).toBeTruthy();
  }
  return result;
}

describe("doctor on a healthy setup", () => {
  it("passes every line, in order, and leaves no probe in the lake", async () => {
    const result = await run();
    expect(result.checks.map((c) => c.name)).toEqual(EVERY_LINE);
    expect(result.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(result).toMatchObject({ failed: 0, warned: 0 });
    healthy = statuses(result);
    // The integration's IAM user and external id are printed for the trust policy: not secrets.
    expect(line(result, "storage integration").detail).toContain(IAM_USER_ARN);
    expect(line(result, "storage integration").detail).toContain(EXTERNAL_ID);
    // The probe was written under amplitude/_doctor/ (no pipe reads it) and removed.
    const lists = fake.queries.filter((q) => /^list @raw\.amplitude_lake\/amplitude\/_doctor\/$/.test(q.sql));
    expect(lists.length).toBeGreaterThan(0);
    const stored = await readdir(join(work, "s3"), { recursive: true });
    expect(stored.filter((name) => name.includes("_doctor") && name.endsWith(".txt"))).toEqual([]);
    // Nothing changed on the account: no DDL beyond provision's.
    const ddl = catalog.ddl.length;
    await run();
    expect(catalog.ddl.length).toBe(ddl);
    const embedded = await run(baseEnv, { warehouse: EMBEDDED });
    expect(embedded.checks.filter((c) => c.status !== "pass")).toEqual([]);
    healthyEmbedded = statuses(embedded);
  });
});

describe("each injected fault turns exactly its line", () => {
  it("a wrong Amplitude secret key", async () => {
    const result = await expectOnly(
      { "amplitude keys": "fail" },
      { ...baseEnv, AMP_SECRET_KEY: "wrong" },
      EMBEDDED,
    );
    expect(line(result, "amplitude keys").detail).toMatch(/refused the API key and secret key \(HTTP 401\)/);
    expect(line(result, "amplitude keys").remedy).toMatch(
      /AMP_API_KEY and AMP_SECRET_KEY .* AMPLITUDE_REGION/,
    );
  });

  it("an Amplitude of another region (403 everywhere)", async () => {
    sim.faults = { forceStatus: 403 };
    try {
      const result = await expectOnly({ "amplitude keys": "fail" }, baseEnv, EMBEDDED);
      expect(line(result, "amplitude keys").detail).toMatch(/HTTP 403/);
    } finally {
      sim.faults = {};
    }
  });

  it("a bucket the credentials may not write", async () => {
    s3Faults.refusePuts = true;
    try {
      const result = await expectOnly({ lake: "fail" }, baseEnv, EMBEDDED);
      expect(line(result, "lake").detail).toMatch(/access to .* was refused/);
      expect(line(result, "lake").remedy).toMatch(/s3:PutObject/);
    } finally {
      s3Faults.refusePuts = false;
    }
  });

  it("a bucket in another region than AWS_REGION", async () => {
    s3Faults.region = "eu-west-2";
    try {
      const result = await expectOnly({ "lake region": "fail", lake: "skip" }, baseEnv, EMBEDDED);
      expect(line(result, "lake region")).toMatchObject({
        detail: expect.stringContaining("is in eu-west-2, but AWS_REGION is us-east-1"),
        remedy: "set AWS_REGION=eu-west-2 (the bucket's region)",
      });
    } finally {
      s3Faults.region = undefined;
    }
  });

  it("a login Snowflake refuses: the rest of Snowflake is skipped, saying why", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const snowflakeLines = EVERY_LINE.filter((name) => !/^(amplitude|lake)/.test(name));
    const result = await expectOnly(
      Object.fromEntries(snowflakeLines.map((name) => [name, name === "snowflake login" ? "fail" : "skip"])),
      { ...baseEnv, SNOWFLAKE_PRIVATE_KEY: other },
    );
    expect(line(result, "snowflake login").remedy).toMatch(/ALTER USER pipeline SET RSA_PUBLIC_KEY/);
    expect(line(result, "stream").detail).toBe("no Snowflake login (see snowflake login)");
    expect(JSON.stringify(result)).not.toContain("PRIVATE KEY");
  });

  it("a password login works but warns", async () => {
    const { SNOWFLAKE_PRIVATE_KEY: _key, ...env } = baseEnv;
    const result = await expectOnly(
      { "snowflake login": "warn" },
      { ...env, SNOWFLAKE_PASSWORD: "a-password" },
    );
    expect(line(result, "snowflake login").remedy).toMatch(/key pair/);
    expect(JSON.stringify(result)).not.toContain("a-password");
  });

  it("a missing grant", async () => {
    const saved = account.grants;
    account.grants = saved.filter((g) => g.privilege !== "EXECUTE TASK");
    try {
      const result = await expectOnly({ "snowflake grants": "fail" });
      expect(line(result, "snowflake grants").remedy).toBe(
        "as an administrator: GRANT EXECUTE TASK ON ACCOUNT TO ROLE AMPLITUDE_PIPELINE;",
      );
    } finally {
      account.grants = saved;
    }
  });

  it("no storage integration", async () => {
    const saved = account.integration;
    account.integration = null;
    try {
      const result = await expectOnly({ "storage integration": "fail" });
      expect(line(result, "storage integration").remedy).toMatch(/CREATE STORAGE INTEGRATION/);
    } finally {
      account.integration = saved;
    }
  });

  it("a stage that cannot list the lake (IAM trust)", async () => {
    account.stageListError =
      "Failure using stage area. Cause: [Access Denied (Status Code: 403; Error Code: AccessDenied)]";
    try {
      const result = await expectOnly({ stage: "fail" });
      expect(line(result, "stage").remedy).toContain(
        `let ${IAM_USER_ARN} assume it with sts:ExternalId ${EXTERNAL_ID}`,
      );
    } finally {
      account.stageListError = undefined;
    }
  });

  it("a pipe that never received a bucket notification", async () => {
    const saved = account.notifications.get("RAW.AMPLITUDE_EVENTS_PIPE")!;
    account.notifications.delete("RAW.AMPLITUDE_EVENTS_PIPE");
    try {
      const result = await expectOnly({ "pipe raw.amplitude_events_pipe": "warn" });
      expect(line(result, "pipe raw.amplitude_events_pipe").remedy).toContain(
        `point s3://${BUCKET}'s event notification (s3:ObjectCreated:*, prefix team/amplitude/) at ${NOTIFICATION_CHANNEL}`,
      );
    } finally {
      account.notifications.set("RAW.AMPLITUDE_EVENTS_PIPE", saved);
    }
  });

  it("a paused pipe", async () => {
    catalog.pipes.get("RAW.LAKE_MANIFESTS_PIPE")!.paused = true;
    try {
      const result = await expectOnly({ "pipe raw.lake_manifests_pipe": "fail" });
      expect(line(result, "pipe raw.lake_manifests_pipe").remedy).toBe(
        "ALTER PIPE raw.lake_manifests_pipe SET PIPE_EXECUTION_PAUSED = FALSE",
      );
    } finally {
      catalog.pipes.get("RAW.LAKE_MANIFESTS_PIPE")!.paused = false;
    }
  });

  it("a stale stream", async () => {
    account.staleStreams.add("RAW.AMPLITUDE_EVENTS_STREAM");
    try {
      const result = await expectOnly({ stream: "fail" });
      expect(line(result, "stream").remedy).toMatch(/--allow-replace raw\.amplitude_events_stream/);
    } finally {
      account.staleStreams.clear();
    }
  });

  it("a suspended root task", async () => {
    catalog.tasks.get("PIPELINE.AMPLITUDE_ROOT")!.state = "suspended";
    try {
      const result = await expectOnly({ "root task": "fail" });
      expect(line(result, "root task").remedy).toBe(
        "SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('pipeline.amplitude_root')",
      );
    } finally {
      catalog.tasks.get("PIPELINE.AMPLITUDE_ROOT")!.state = "started";
    }
  });

  it("a failed last graph run", async () => {
    account.graphRuns.push({
      state: "FAILED",
      completedTime: new Date("2026-12-05T09:10:00Z"),
      firstErrorTaskName: "RUN_STG_AMPLITUDE__EVENTS",
      firstErrorMessage: "Numeric value 'abc' is not recognized",
    });
    try {
      const result = await expectOnly({ "last graph run": "fail" });
      expect(line(result, "last graph run").detail).toMatch(
        /^FAILED, .*: RUN_STG_AMPLITUDE__EVENTS failed: Numeric value 'abc' is not recognized$/,
      );
    } finally {
      account.graphRuns.pop();
    }
  });

  it("objects that differ from the project: provision has work to do", async () => {
    const view = catalog.history.find((row) => row.object_name === "raw.load_history")!;
    catalog.history.push({ ...view, checksum: "0000", applied_at: 1e9 });
    try {
      const result = await expectOnly({ "change history": "fail" });
      expect(line(result, "change history").detail).toMatch(
        /1 object\(s\) differ from the project \(replace raw\.load_history\)/,
      );
      expect(line(result, "change history").remedy).toBe(`provision --lake ${LAKE}`);
    } finally {
      catalog.history.pop();
    }
  });
});

describe("doctor in GitHub Actions", () => {
  const actionsEnv = (): Env => ({ ...baseEnv, GITHUB_ACTIONS: "true", GITHUB_TOKEN: "ghs_token" });

  it("names the settings present and checks the token's permissions with harmless requests", async () => {
    const result = await run(actionsEnv(), { warehouse: EMBEDDED });
    expect(line(result, "github settings")).toMatchObject({ status: "pass" });
    expect(line(result, "github settings").detail).toContain("AMP_API_KEY, AWS_REGION");
    expect(JSON.stringify(result)).not.toContain(sim.apiKey);
    expect(line(result, "github token")).toMatchObject({ status: "pass" });
    expect(github.labels.map((l) => l.name)).toEqual(["pipeline-failure"]);
  });

  it("a secret the workflows read that the step does not have", async () => {
    const { AMP_API_KEY: _key, ...env } = actionsEnv();
    const result = await run(env, { warehouse: EMBEDDED });
    // LAKE_URL is optional: not missing.
    expect(line(result, "github settings")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^missing: secret AMP_API_KEY \(/),
      remedy: "gh secret set AMP_API_KEY",
    });
  });

  it("a token without actions: read", async () => {
    github.failWith("GET", /\/actions\/workflows\/pipeline\.yml\/runs$/, 403, {
      message: "Resource not accessible by integration",
      times: 1,
    });
    const result = await run(actionsEnv(), { warehouse: EMBEDDED });
    expect(line(result, "github token")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^the token lacks actions: read on acme\/analytics/),
    });
  });

  it("a token without issues: write", async () => {
    github.failWith("POST", /\/labels$/, 403, {
      message: "Resource not accessible by integration",
      times: 1,
    });
    const result = await run(actionsEnv(), { warehouse: EMBEDDED });
    expect(line(result, "github token")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("the token lacks issues: write"),
      remedy: expect.stringContaining("issues: write"),
    });
  });
});

function capture(): Output & { lines: string[]; errors: string[]; jsonLines: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const jsonLines: string[] = [];
  return {
    lines,
    errors,
    jsonLines,
    isTTY: false,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    status: () => {},
    json: (l) => jsonLines.push(l),
  };
}

describe("the doctor command", () => {
  it("prints one line per check, exits 0 when nothing fails, 1 when a check fails, and --json as the last line", async () => {
    const output = capture();
    const args = ["doctor", "--lake", LAKE, "--warehouse", "snowflake", "--project", project];
    expect(await main(args, { env: baseEnv, output })).toBe(0);
    expect(output.lines).toHaveLength(EVERY_LINE.length);
    expect(output.lines[0]).toMatch(/^pass {2}amplitude keys: /);

    const failing = capture();
    const code = await main(["doctor", "--lake", LAKE, "--project", project, "--json"], {
      env: { ...baseEnv, AMP_SECRET_KEY: "wrong" },
      output: failing,
    });
    expect(code).toBe(1);
    const json = JSON.parse(failing.jsonLines.at(-1)!) as {
      checks: DoctorCheck[];
      failed: number;
      warned: number;
    };
    expect(json).toMatchObject({ failed: 1, warned: 0 });
    expect(json.checks[0]).toEqual({
      name: "amplitude keys",
      status: "fail",
      detail: expect.any(String),
      remedy: expect.stringContaining("AMP_API_KEY"),
    });
    // The lines went to stderr under --json; the remedy is under its line.
    expect(failing.errors).toContainEqual(expect.stringMatching(/^FAIL {2}amplitude keys: /));
    expect(failing.errors).toContainEqual(expect.stringMatching(/^ {6}remedy: set AMP_API_KEY/));
    expect(failing.errors.join("\n")).not.toContain(privateKey.split("\n")[1]!);
  });

  it("exits 2 for a lake that is no lake", async () => {
    const output = capture();
    expect(await main(["doctor", "--lake", "ftp://nowhere"], { env: baseEnv, output })).toBe(2);
    expect(output.errors.join("\n")).toMatch(/is not a lake: use file:\/\/DIR or s3:\/\/bucket\/prefix/);
    expect(output.lines).toEqual([]);
  });

  it("checks a file:// lake and an embedded warehouse without a Snowflake account", async () => {
    const output = capture();
    const lake = `file://${join(work, "local-lake")}`;
    expect(await main(["doctor", "--lake", lake], { env: baseEnv, output })).toBe(0);
    expect(output.lines.map((l) => l.split(":")[0])).toEqual([
      "pass  amplitude keys",
      "pass  lake region",
      "pass  lake",
      "pass  amplitude app id",
      "pass  warehouse",
    ]);
  });
});

describe("command: doctor on the root action", () => {
  it("writes one summary row per check with its remedy, sets failed, and fails the step when a check fails", async () => {
    const summaryFile = join(work, "step-summary.md");
    const outputFile = join(work, "step-output");
    await writeFile(summaryFile, "");
    await writeFile(outputFile, "");
    const { AMP_SECRET_KEY: _secret, SNOWFLAKE_PRIVATE_KEY: _key, ...env } = baseEnv;
    const stubs: Record<string, string | undefined> = {
      ...env,
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: join(work, "runner-temp"),
      AMP_SECRET_KEY: undefined,
      SNOWFLAKE_PRIVATE_KEY: undefined,
      GITHUB_TOKEN: undefined,
      INPUT_COMMAND: "doctor",
      INPUT_LAKE: LAKE,
      INPUT_WAREHOUSE: "snowflake",
      INPUT_PROJECT: project,
      "INPUT_GITHUB-TOKEN": "ghs_token",
      // Secrets come in as inputs: a wrong Amplitude secret is the one fault.
      "INPUT_AMP-SECRET-KEY": "wrong-secret",
      "INPUT_SNOWFLAKE-PRIVATE-KEY": privateKey,
    };
    let run: Awaited<ReturnType<typeof runActionInProcess>>;
    try {
      run = await runActionInProcess("doctor", doctorMain, stubs);
    } finally {
      vi.unstubAllEnvs();
    }
    const { code, stdout } = run;
    expect(code).toBe(1);
    expect(await readFile(outputFile, "utf8")).toMatch(/^failed<<(.+)\n1\n\1$/m);
    const summary = await readFile(summaryFile, "utf8");
    expect(summary).toContain("Doctor: 1 failed, 0 warned");
    expect(summary).toMatch(
      /<td>amplitude keys<\/td><td>❌ fail<\/td>.*<td>set AMP_API_KEY and AMP_SECRET_KEY/,
    );
    expect(summary).toMatch(/<td>github token<\/td><td>✅ pass<\/td>/);
    expect(summary).toMatch(/<td>github settings<\/td><td>✅ pass<\/td>/);
    expect(summary).toMatch(/<td>change history<\/td><td>✅ pass<\/td>/);
    // Secrets are masked as read (the runner is told with add-mask) and never written otherwise.
    expect(stdout).toContain("::add-mask::wrong-secret");
    const log = stdout
      .split("\n")
      .filter((line) => !line.startsWith("::add-mask::"))
      .join("\n");
    expect(log).toMatch(/::error::fail: amplitude keys: /);
    expect(log + summary).not.toContain("wrong-secret");
    expect(log + summary).not.toContain(privateKey.split("\n")[1]!);
  });
});
