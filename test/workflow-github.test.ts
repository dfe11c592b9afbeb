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
    expect(checked).toBe(6);
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

  it("reports a failure once per run, from one job that waits for all of them", () => {
    const failures = Object.entries(pipeline.jobs).flatMap(([id, job]) =>
      job.steps.filter((s) => s.uses === "./actions/report" && s.with?.mode === "failure").map(() => id),
    );
    expect(failures).toEqual(["report-failure"]);
    const job = pipeline.jobs["report-failure"]!;
    const others = Object.keys(pipeline.jobs).filter((id) => !id.startsWith("report"));
    expect([job.needs].flat().sort()).toEqual(others.sort());
    expect(job.if).toBe("failure() && github.event_name == 'schedule'");
    const step = job.steps.at(-1)!;
    const needs = (failed: string[]) =>
      Object.fromEntries(others.map((id) => [id, failed.includes(id) ? "failure" : "success"]));
    const named = (failed: string[]) => {
      const results = needs(failed);
      // needs.<job>.result, flattened into the one context the helper knows
      const expression = String(step.with?.step).replace(/needs\.([\w-]+)\.result/g, "needs.$1");
      return evaluate(expression, { needs: results });
    };
    expect(named(["extract", "upload"])).toBe("extract");
    expect(named(["transform"])).toBe("transform");
    expect(named(["plan"])).toBe("plan");
    // The success report closes the issue; it is the only other report.
    expect(pipeline.jobs.report!.steps.at(-1)?.with).toEqual({ mode: "success" });
  });

  it("passes the key's passphrase and the storage integration to the jobs", () => {
    for (const job of ["provision", "transform"]) {
      expect(stepOf(job, `./actions/${job}`).env, job).toEqual({
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
    const cache = stepOf("extract", "./actions/extract").with?.cache;
    expect(evaluate(cache, { github: { event_name: "schedule" } })).toBe("true");
    expect(evaluate(cache, { github: { event_name: "workflow_dispatch" } })).toBe("false");
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
