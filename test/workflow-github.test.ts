// What GitHub does that the workflows must expect: queued runs, re-runs, credentials, timeouts, one failure
// report, action majors, the runner's sqlfluff, settings that must reach the jobs, the Actions cache.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("..", import.meta.url));
const WORKFLOWS = ["ci.yml", "pipeline.yml", "release.yml", "sql-check.yml", "watchdog.yml"];

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  if?: string;
  run?: string;
  "timeout-minutes"?: number;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  "timeout-minutes"?: number;
  "runs-on"?: string;
  container?: string | { image: string };
  if?: string;
  permissions?: Record<string, string>;
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  env?: Record<string, string>;
  concurrency?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (name: string) =>
  parse(readFileSync(join(REPO, ".github", "workflows", name), "utf8")) as Workflow;

type Contexts = Record<string, Record<string, string>>;

type Value = string | number | boolean | { [key: string]: Value };
const toData = (value: Value): data.ExpressionData =>
  typeof value === "string"
    ? new data.StringData(value)
    : typeof value === "number"
      ? new data.NumberData(value)
      : typeof value === "boolean"
        ? new data.BooleanData(value)
        : new data.Dictionary(...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })));

/** A `${{ }}` value, with nested contexts (`steps.<id>.outcome`). */
function valueOf(value: unknown, contexts: Record<string, Value>): string {
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(String(value).trim())?.[1];
  expect(inner, String(value)).toBeDefined();
  const expr = new Parser(new Lexer(inner!).lex().tokens, Object.keys(contexts), []).parse();
  return new Evaluator(expr, toData(contexts) as data.Dictionary).evaluate().coerceString();
}

/** The status functions of a job's or a step's `if`, given what the ones before it did. */
type Status = { success: boolean; failure: boolean };

/**
 * Whether an `if:` holds, the way the runner decides it: `${{ }}` optional, and without a status function
 * (success(), failure(), cancelled(), always()) it means `success() && (…)`.
 */
function holds(condition: unknown, contexts: Record<string, Value>, status: Status): boolean {
  const text = String(condition ?? "success()").trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(text)?.[1] ?? text;
  const source = /\b(success|failure|cancelled|always)\(\)/.test(inner) ? inner : `success() && (${inner})`;
  const fn = (name: string, value: boolean) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value),
  });
  const functions = [
    fn("success", status.success),
    fn("failure", status.failure),
    fn("cancelled", false),
    fn("always", true),
  ];
  // !(!(…)): the runner's truthiness, as a boolean
  const expr = new Parser(
    new Lexer(`!(!(${source}))`).lex().tokens,
    Object.keys(contexts),
    functions,
  ).parse();
  const context = toData(contexts) as data.Dictionary;
  const result = new Evaluator(expr, context, new Map(functions.map((f) => [f.name, f]))).evaluate();
  return result.coerceString() === "true";
}

/** The jobs a run of `event` starts, each job's needs having succeeded when it ran (plan's outputs given). */
function startedJobs(
  event: string,
  inputs: Record<string, Value>,
  outputs: Record<string, Value> = {},
): string[] {
  const results: Record<string, "success" | "skipped"> = {};
  const pending = Object.entries(pipeline.jobs);
  while (pending.length > 0) {
    const index = pending.findIndex(([, job]) => [job.needs ?? []].flat().every((need) => need in results));
    expect(index, "a job whose needs are all decided").toBeGreaterThanOrEqual(0);
    const [[id, job]] = pending.splice(index, 1) as [[string, Job]];
    const needs = [job.needs ?? []].flat();
    const context = {
      github: { event_name: event },
      inputs,
      vars: {},
      needs: Object.fromEntries(
        needs.map((need) => [
          need,
          { result: results[need]!, outputs: results[need] === "success" ? outputs : {} },
        ]),
      ),
    };
    const status = { success: needs.every((need) => results[need] === "success"), failure: false };
    results[id] = holds(job.if, context, status) ? "success" : "skipped";
  }
  return Object.keys(results).filter((id) => results[id] === "success");
}

/** Evaluates a workflow value the way the runner does: `${{ }}` is an expression, anything else a string. */
function evaluate(value: unknown, contexts: Contexts): string {
  const text = String(value).trim();
  const match = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  if (!match) return text;
  const lexed = new Lexer(match[1]!).lex();
  const expr = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
  const dictionary = (record: Record<string, string>) =>
    new data.Dictionary(
      ...Object.entries(record).map(([key, v]) => ({ key, value: new data.StringData(v) })),
    );
  const context = new data.Dictionary(
    ...Object.entries(contexts).map(([key, record]) => ({ key, value: dictionary(record) })),
  );
  return new Evaluator(expr, context).evaluate().coerceString();
}

const pipeline = workflow("pipeline.yml");
const stepOf = (job: string, uses: string) => {
  const step = pipeline.jobs[job]!.steps.find((s) => s.uses?.startsWith(uses));
  expect(step, `${job}: ${uses}`).toBeDefined();
  return step!;
};

describe("pipeline.yml and GitHub", () => {
  it("queues every pending run: a newer one does not cancel a backfill waiting for the group", () => {
    expect(pipeline.concurrency).toMatchObject({ "cancel-in-progress": false, queue: "max" });
  });

  it("restores an earlier attempt's backup after re-running failed jobs", () => {
    const download = stepOf("upload", "actions/download-artifact@");
    expect(download.with).toMatchObject({
      "github-token": "${{ github.token }}",
      "run-id": "${{ github.run_id }}",
      pattern: "amplitude-backup-${{ matrix.name }}-${{ github.run_id }}-*",
    });
    expect(pipeline.jobs.upload!.permissions?.actions).toBe("read");
  });

  it("takes AWS credentials from one source: the role's OIDC session, or else the keys", () => {
    const secrets = { AWS_ACCESS_KEY_ID: "AKIAKEY", AWS_SECRET_ACCESS_KEY: "secret" };
    let checked = 0;
    for (const [id, job] of Object.entries(pipeline.jobs)) {
      for (const step of job.steps) {
        for (const [input, secret] of [
          ["aws-access-key-id", "AWS_ACCESS_KEY_ID"],
          ["aws-secret-access-key", "AWS_SECRET_ACCESS_KEY"],
        ] as const) {
          if (step.with?.[input] === undefined) continue;
          checked++;
          const withRole = { vars: { AWS_ROLE_ARN: "arn:aws:iam::1:role/r" }, secrets };
          expect(evaluate(step.with[input], withRole), `${id} ${input} with a role`).toBe("");
          expect(evaluate(step.with[input], { vars: {}, secrets }), `${id} ${input} without`).toBe(
            secrets[secret],
          );
        }
      }
    }
    // extract, upload and transform, in the hourly job and in the backfill's jobs
    expect(checked).toBe(12);
  });

  it("bounds the long steps under their job's limit, so the steps after them still run", () => {
    for (const [job, action] of [
      ["extract", "./actions/extract"],
      ["upload", "./actions/upload"],
      ["provision", "./actions/provision"],
      ["transform", "./actions/transform"],
    ] as const) {
      const step = stepOf(job, action);
      const limit = pipeline.jobs[job]!["timeout-minutes"]!;
      expect(step["timeout-minutes"], job).toBeGreaterThan(0);
      expect(step["timeout-minutes"]!, job).toBeLessThanOrEqual(limit - 10);
    }
    // transform's two waits (Snowpipe's load, then the task graph) are 60 minutes each.
    expect(stepOf("transform", "./actions/transform")["timeout-minutes"]).toBeGreaterThan(120);
  });

  it("reports a failure once per run: the scheduled job's last step, naming the first step that failed", () => {
    const failures = Object.entries(pipeline.jobs).flatMap(([id, job]) =>
      job.steps.filter((s) => s.uses === "./actions/report" && s.with?.mode === "failure").map(() => id),
    );
    expect(failures).toEqual(["hourly"]);
    const steps = pipeline.jobs.hourly!.steps;
    const step = steps.at(-1)!;
    expect(step.with?.mode).toBe("failure");
    expect(step.if).toBe("failure()");
    const ids = ["aws", "extract", "upload", "provision", "transform"];
    const named = (failed: string[]) => {
      const outcomes = Object.fromEntries(
        ids.map((id) => [id, { outcome: failed.includes(id) ? "failure" : "success" }]),
      );
      return valueOf(step.with?.step, { steps: outcomes });
    };
    expect(named(["extract", "upload"])).toBe("extract");
    expect(named(["transform"])).toBe("transform");
    expect(named(["aws"])).toBe("AWS credentials");
    expect(named([])).toBe("pipeline");
    // The success report closes the issue: the step before, on a green run; a backfill's report job likewise.
    expect(steps.at(-2)).toMatchObject({
      if: "success()",
      uses: "./actions/report",
      with: { mode: "success" },
    });
    expect(pipeline.jobs.report!.steps.at(-1)?.with).toEqual({ mode: "success" });
  });

  it("passes the key's passphrase and the storage integration to the jobs", () => {
    for (const [job, action] of [
      ["provision", "provision"],
      ["transform", "transform"],
      ["hourly", "provision"],
      ["hourly", "transform"],
    ]) {
      expect(stepOf(job!, `./actions/${action}`).env, `${job} ${action}`).toEqual({
        SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: "${{ secrets.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE }}",
      });
    }
    expect(pipeline.env?.SNOWFLAKE_STORAGE_INTEGRATION).toBe("${{ vars.SNOWFLAKE_STORAGE_INTEGRATION }}");
  });

  it("refuses a dispatch with end and no start instead of resuming from the watermark", async () => {
    const guard = pipeline.jobs.plan!.steps[0]!;
    const inputs = (start: string, end: string) => ({ inputs: { start, end } });
    // A step's `if` holds when its value is truthy: not empty, not false.
    const runs = (start: string, end: string) =>
      !["", "false"].includes(evaluate(guard.if, inputs(start, end)));
    expect(runs("", "2026-01-31")).toBe(true);
    expect(runs("2026-01-01", "2026-01-31")).toBe(false);
    expect(runs("", "")).toBe(false);
    const failed = run("bash", ["-e", "-c", guard.run!], { env: { ...process.env, END: "2026-01-31" } });
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^::error .*end \(2026-01-31\) without start/),
    });
  });

  it("keeps the Actions cache to the scheduled run's windows", () => {
    expect(stepOf("hourly", "./actions/extract").with?.cache).toBe(true);
    expect(stepOf("extract", "./actions/extract").with?.cache).toBe(false);
  });
});

describe("the workflows' third-party actions", () => {
  // Read from each repository's tags and action.yml (`using: node24`), December 2026.
  const MAJORS: Record<string, string> = {
    "actions/checkout": "v7",
    "actions/setup-node": "v7",
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v8",
    "aws-actions/configure-aws-credentials": "v6",
  };

  it("run at their current node24 majors", () => {
    const used = new Set<string>();
    for (const name of WORKFLOWS) {
      for (const [id, job] of Object.entries(workflow(name).jobs)) {
        for (const step of job.steps) {
          const [action, ref] = step.uses?.split("@") ?? [];
          if (!action || !(action in MAJORS)) continue;
          used.add(action);
          expect(ref, `${name} ${id} ${action}`).toBe(MAJORS[action]);
        }
      }
    }
    expect([...used].sort()).toEqual(Object.keys(MAJORS).sort());
  });

  it("give a re-run's artifacts names of their own (a name is taken once per run)", () => {
    for (const name of WORKFLOWS) {
      for (const [id, job] of Object.entries(workflow(name).jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/upload-artifact@"))) {
          expect(String(step.with?.name), `${name} ${id}`).toContain("${{ github.run_attempt }}");
        }
      }
    }
  });
});

describe("sql-check.yml's sqlfluff", () => {
  const job = workflow("sql-check.yml").jobs.validate!;

  it("is Debian 12's, whatever ubuntu-latest's apt has", () => {
    expect(job.container).toBe("debian:12");
    const install = job.steps.findIndex((s) => /apt-get install .*\bsqlfluff\b/.test(s.run ?? ""));
    const checkout = job.steps.findIndex((s) => s.uses?.startsWith("actions/checkout@"));
    expect(install).toBeGreaterThanOrEqual(0);
    // A container runs as root and has no sudo; git before checkout, or it fetches no history.
    expect(job.steps[install]!.run).not.toContain("sudo");
    expect(job.steps[install]!.run).toMatch(/\bgit\b/);
    expect(install).toBeLessThan(checkout);
    expect(job.steps.some((s) => s.uses?.startsWith("actions/setup-node@"))).toBe(true);
  });

  it.runIf(
    existsSync("/etc/debian_version") && readFileSync("/etc/debian_version", "utf8").startsWith("12."),
  )("is 1.4.5 on Debian 12, the version the rules were tested with", async () => {
    const { stdout } = await run("sqlfluff", ["--version"]);
    expect(stdout.trim()).toBe("sqlfluff, version 1.4.5");
  });
});

describe("pipeline.yml's runs", () => {
  const DISPATCH = { start: "2026-01-01", end: "2026-01-31", "chunk-days": 7, "dry-run": false };
  const PLANNED = { matrix: "{}", "max-parallel": "4" };

  it("starts exactly one job on a schedule: GitHub bills each job at least a minute", () => {
    expect(startedJobs("schedule", {})).toEqual(["hourly"]);
  });

  it("starts the backfill's plan, chunks and waiting transform on a dispatch, and not the hourly job", () => {
    expect(startedJobs("workflow_dispatch", DISPATCH, PLANNED)).toEqual([
      "plan",
      "extract",
      "upload",
      "provision",
      "transform",
      "report",
    ]);
    // A dry run plans and renders provision's SQL, nothing else.
    expect(startedJobs("workflow_dispatch", { ...DISPATCH, "dry-run": true }, PLANNED)).toEqual([
      "plan",
      "provision",
    ]);
    const transform = stepOf("transform", "./actions/transform");
    expect(transform.with?.wait).toBeUndefined();
  });

  it("chains the actions as the hourly job's steps: extract, upload, provision, transform without waiting", () => {
    const job = pipeline.jobs.hourly!;
    const actions = job.steps.filter((s) => s.uses?.startsWith("./actions/")).map((s) => s.uses);
    expect(actions).toEqual([
      "./actions/extract",
      "./actions/upload",
      "./actions/provision",
      "./actions/transform",
      "./actions/report",
      "./actions/report",
    ]);
    expect(stepOf("hourly", "./actions/transform").with?.wait).toBe(false);
    // Every hour: provision applies nothing when the change history matches; no guess at whether sql/ changed.
    expect(stepOf("hourly", "./actions/provision").if).toBe(
      "${{ !cancelled() && steps.upload.outcome == 'success' }}",
    );
    expect(stepOf("hourly", "./actions/extract").with).not.toHaveProperty("start");
    for (const step of job.steps) expect(step.run ?? "", step.name).not.toMatch(/\bnpm\b|\bgit diff\b/);
    expect(job.steps.some((s) => s.uses?.startsWith("actions/setup-node@"))).toBe(false);
    expect(stepOf("hourly", "actions/checkout@").with?.["sparse-checkout"]).toContain("sql");
  });

  it("uploads what extract completed even after a failed hour, and transforms only after a good upload", () => {
    const step = (uses: string) => stepOf("hourly", uses);
    const outcomes = (extract: string, upload = "success", provision = "success") => ({
      steps: {
        extract: { outcome: extract },
        upload: { outcome: upload },
        provision: { outcome: provision },
      },
    });
    const failed = { success: false, failure: true };
    expect(holds(step("./actions/upload").if, outcomes("failure"), failed)).toBe(true);
    expect(holds(step("actions/upload-artifact@").if, outcomes("failure"), failed)).toBe(true);
    expect(holds(step("./actions/upload").if, outcomes("skipped"), failed)).toBe(false);
    expect(holds(step("./actions/provision").if, outcomes("failure", "failure"), failed)).toBe(false);
    expect(holds(step("./actions/transform").if, outcomes("success", "success", "failure"), failed)).toBe(
      false,
    );
    expect(
      holds(step("./actions/transform").if, outcomes("success"), { success: true, failure: false }),
    ).toBe(true);
    expect(step("actions/upload-artifact@").with).toMatchObject({
      name: "amplitude-backup-hourly-${{ github.run_id }}-${{ github.run_attempt }}",
      "retention-days": "${{ vars.BACKUP_RETENTION_DAYS || 7 }}",
    });
    expect(valueOf(step("actions/upload-artifact@").with?.["retention-days"], { vars: {} })).toBe("7");
    expect(
      valueOf(step("actions/upload-artifact@").with?.["retention-days"], {
        vars: { BACKUP_RETENTION_DAYS: "30" },
      }),
    ).toBe("30");
  });

  it("gives the hourly job only the permissions it uses, and step limits that fit under the job's", () => {
    const job = pipeline.jobs.hourly!;
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
    const limits = job.steps.filter((s) => s.uses !== undefined).map((s) => s["timeout-minutes"]);
    for (const [i, limit] of limits.entries()) expect(limit, `step ${i}`).toBeGreaterThan(0);
    const total = limits.reduce((sum: number, limit) => sum + limit!, 0);
    // Every step can hit its limit and the failure report still runs before the job's.
    expect(total).toBeLessThanOrEqual(job["timeout-minutes"]! - 10);
    expect(stepOf("hourly", "./actions/transform")["timeout-minutes"]).toBeLessThanOrEqual(15);
  });
});
