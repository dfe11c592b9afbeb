import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  checkWorkflows,
  formatFinding,
  type WorkflowFinding,
  workflowFiles,
} from "../src/github/workflow-check.ts";
import { ACTIONS } from "../src/actions/io.ts";
import { copyRepositoryActions } from "./support/repository-actions.ts";
import { tempDir } from "./support/files.ts";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("..", import.meta.url));
const WORKFLOWS = ["ci.yml", "pipeline.yml", "release.yml", "sql-check.yml", "watchdog.yml"];

/** A repository in a temp folder with copies of the repository's actions and the given workflow files. */
async function fixtureRepo(workflows: Record<string, string>): Promise<string> {
  const root = await tempDir("workflow-check-");
  copyRepositoryActions(root);
  await mkdir(join(root, ".github", "workflows"), { recursive: true });
  for (const [name, text] of Object.entries(workflows)) {
    await writeFile(join(root, ".github", "workflows", name), text);
  }
  return root;
}

const GOOD = `name: good
on:
  push:
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@v4
      - id: up
        uses: ./actions/upload
        with:
          lake: file://data/lake
      - run: echo "\${{ steps.up.outputs.files }}"
`;

/** `GOOD` with line `line` (1-based) replaced. */
function goodWith(line: number, replacement: string): string {
  const lines = GOOD.split("\n");
  lines[line - 1] = replacement;
  return lines.join("\n");
}

function only(findings: WorkflowFinding[]): WorkflowFinding {
  expect(findings.map(formatFinding)).toHaveLength(1);
  return findings[0]!;
}

describe("checkWorkflows", () => {
  it("passes a good workflow and the repository's action manifests", async () => {
    const root = await fixtureRepo({ "good.yml": GOOD });
    expect(workflowFiles(root).actions).toHaveLength(ACTIONS.length);
    expect(await checkWorkflows(root)).toEqual([]);
  });

  it("reports an expression that does not parse, with file and line", async () => {
    const root = await fixtureRepo({ "bad.yml": goodWith(16, '      - run: echo "${{ foo( }}"') });
    const finding = only(await checkWorkflows(root));
    expect(finding).toMatchObject({ file: ".github/workflows/bad.yml", line: 16, severity: "error" });
    expect(finding.message).toMatch(/expression/i);
  });

  it("reports YAML that does not parse, one line per problem", async () => {
    const root = await fixtureRepo({ "bad.yml": goodWith(10, "   steps:") });
    const findings = await checkWorkflows(root);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]).toMatchObject({ file: ".github/workflows/bad.yml", line: 10, severity: "error" });
    for (const finding of findings) expect(formatFinding(finding)).not.toContain("\n");
  });

  it("reports an unknown key", async () => {
    const root = await fixtureRepo({ "bad.yml": goodWith(9, "    timeout-minute: 5") });
    const finding = only(await checkWorkflows(root));
    expect(finding).toMatchObject({ file: ".github/workflows/bad.yml", line: 9, column: 5 });
    expect(finding.message).toContain("timeout-minute");
  });

  it("reports a context that does not exist (a typo in a step id)", async () => {
    const root = await fixtureRepo({
      "bad.yml": goodWith(16, '      - run: echo "${{ steps.upp.outputs.files }}"'),
    });
    const finding = only(await checkWorkflows(root));
    expect(finding).toMatchObject({ line: 16, severity: "warning" });
    expect(finding.message).toContain("upp");
  });

  it("reports an input the local action does not declare", async () => {
    const root = await fixtureRepo({ "bad.yml": goodWith(15, "          lakes: file://data/lake") });
    const findings = await checkWorkflows(root);
    expect(findings.map(formatFinding)).toEqual([
      expect.stringMatching(
        /^\.github\/workflows\/bad\.yml:14:9: error: \.\/actions\/upload: missing .*'lake'/,
      ),
      expect.stringMatching(
        /^\.github\/workflows\/bad\.yml:15:11: error: \.\/actions\/upload has no input 'lakes'/,
      ),
    ]);
  });

  it("reports a required input that is missing", async () => {
    const text = GOOD.replace("        with:\n          lake: file://data/lake\n", "");
    const root = await fixtureRepo({ "bad.yml": text });
    const finding = only(await checkWorkflows(root));
    expect(finding).toMatchObject({ file: ".github/workflows/bad.yml", line: 13, severity: "error" });
    expect(finding.message).toBe("./actions/upload: missing required input 'lake'");
  });

  it("reports an output the local action does not declare", async () => {
    const root = await fixtureRepo({
      "bad.yml": goodWith(16, '      - run: echo "${{ steps.up.outputs.filez }}"'),
    });
    const finding = only(await checkWorkflows(root));
    expect(finding).toMatchObject({ file: ".github/workflows/bad.yml", line: 16, severity: "error" });
    expect(finding.message).toBe(
      "steps.up.outputs.filez: ./actions/upload has no output 'filez' (its outputs: files, bytes, skipped)",
    );
  });

  it("reports a local action that does not exist", async () => {
    const root = await fixtureRepo({ "bad.yml": goodWith(13, "        uses: ./actions/uplaod") });
    const finding = only(await checkWorkflows(root));
    expect(finding).toMatchObject({ line: 13, column: 15 });
    expect(finding.message).toBe("uses: ./actions/uplaod: no action.yml in actions/uplaod/");
  });

  it("checks owner/name/actions/<name>@ref against the local actions when told the repository", async () => {
    const text = goodWith(13, "        uses: Acme/Pipeline/actions/upload@v1").replace("lake:", "lakes:");
    const root = await fixtureRepo({ "remote.yml": text });
    expect(await checkWorkflows(root)).toEqual([]);
    const findings = await checkWorkflows(root, { repository: "acme/pipeline" });
    expect(findings.map((finding) => finding.message)).toEqual([
      "Acme/Pipeline/actions/upload@v1: missing required input 'lake'",
      expect.stringContaining("has no input 'lakes'"),
    ]);
  });

  describe("action manifests", () => {
    async function actionFindings(manifest: string): Promise<WorkflowFinding[]> {
      const root = await fixtureRepo({ "good.yml": GOOD });
      await writeFile(join(root, "actions", "upload", "action.yml"), manifest);
      return checkWorkflows(root);
    }
    const MANIFEST = `name: upload
description: copy the backup to the lake
inputs:
  lake:
    description: the lake
    required: true
outputs:
  files:
    description: files uploaded
runs:
  using: node24
  main: ../../dist/upload/index.js
`;

    it("passes a good one", async () => {
      expect(await actionFindings(MANIFEST)).toEqual([]);
    });

    it("rejects a runtime the schema allows but the runners removed (node20)", async () => {
      const finding = only(await actionFindings(MANIFEST.replace("node24", "node20")));
      expect(finding).toMatchObject({ file: "actions/upload/action.yml", line: 11, column: 10 });
      expect(finding.message).toContain("runs.using must be node24");
    });

    it("rejects a runtime the schema does not know (GitHub's parser)", async () => {
      const findings = await actionFindings(MANIFEST.replace("node24", "node22"));
      expect(findings.map(formatFinding)).toContain(
        "actions/upload/action.yml:11:10: error: Unexpected value 'node22'",
      );
    });

    it("rejects an unknown key, a missing description and a main outside dist/<name>", async () => {
      const text = MANIFEST.replace("    description: files uploaded\n", "")
        .replace("  main: ../../dist/upload/index.js", "  main: dist/index.js\n  mian: x")
        .replace("description: copy", "descripton: copy");
      const findings = (await actionFindings(text)).map(formatFinding);
      expect(findings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^actions\/upload\/action\.yml:2:1: error: .*descripton/),
          expect.stringMatching(
            /^actions\/upload\/action\.yml:\d+:\d+: error: action.yml needs a non-empty 'description'/,
          ),
          "actions/upload/action.yml:8:3: error: output 'files' needs a description",
          "actions/upload/action.yml:11:9: error: runs.main is dist/index.js, expected ../../dist/upload/index.js",
          expect.stringMatching(/^actions\/upload\/action\.yml:12:3: error: .*mian/),
        ]),
      );
    });

    it("wants the root action.yml to run dist/main/index.js", async () => {
      const root = await fixtureRepo({ "good.yml": GOOD });
      await writeFile(
        join(root, "action.yml"),
        MANIFEST.replace("../../dist/upload/index.js", "dist/main/index.js"),
      );
      expect(await checkWorkflows(root)).toEqual([]);
      await writeFile(join(root, "action.yml"), MANIFEST);
      expect((await checkWorkflows(root)).map(formatFinding)).toEqual([
        "action.yml:12:9: error: runs.main is ../../dist/upload/index.js, expected dist/main/index.js",
      ]);
    });
  });
});

describe("scripts/check-workflows.mjs", () => {
  const script = (root: string) =>
    run(process.execPath, ["--import", "tsx", "scripts/check-workflows.mjs", root], { cwd: REPO });

  it("exits 0 on good files", async () => {
    const root = await fixtureRepo({ "good.yml": GOOD });
    const { stderr } = await script(root);
    expect(stderr).toContain("checked 1 workflow(s) and 7 action manifest(s): no problems");
  });

  it("exits 1 and prints file:line:column for each problem", async () => {
    const root = await fixtureRepo({ "bad.yml": goodWith(16, '      - run: echo "${{ foo( }}"') });
    const failure = await script(root).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/^\.github\/workflows\/bad\.yml:16:\d+: error: /m);
  });

  it("exits 1 when there is no workflow to check", async () => {
    const root = await tempDir("workflow-check-");
    const failure = await script(root).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain("no workflow found");
  });
});

describe("the repository's workflows", () => {
  const workflow = (name: string) =>
    parse(readFileSync(join(REPO, ".github", "workflows", name), "utf8")) as {
      on: Record<string, unknown>;
      permissions?: Record<string, string>;
      concurrency?: { group: string; "cancel-in-progress": boolean; queue?: string };
      jobs: Record<
        string,
        {
          "timeout-minutes"?: number;
          permissions?: Record<string, string>;
          needs?: string | string[];
          strategy?: { matrix: Record<string, unknown> };
          steps: {
            name?: string;
            uses?: string;
            if?: string;
            run?: string;
            env?: Record<string, string>;
            with?: Record<string, unknown>;
          }[];
        }
      >;
    };

  it("pass the check against copies of the repository's actions", async () => {
    const root = await tempDir("workflow-check-");
    await cp(join(REPO, ".github"), join(root, ".github"), { recursive: true });
    copyRepositoryActions(root);
    expect(workflowFiles(root).workflows.map((path) => path.split("/").pop())).toEqual(WORKFLOWS);
    expect((await checkWorkflows(root)).map(formatFinding)).toEqual([]);
  });

  it("pass the check against the repository's own actions/", async () => {
    const missing = ACTIONS.filter((name) => !existsSync(join(REPO, "actions", name, "action.yml")));
    expect(missing, `actions/<name>/action.yml missing in ${REPO} for: ${missing.join(", ")}`).toEqual([]);
    expect((await checkWorkflows(REPO)).map(formatFinding)).toEqual([]);
  });

  it("give every job a timeout and least-privilege permissions", () => {
    for (const name of WORKFLOWS) {
      const file = workflow(name);
      const top = file.permissions ?? {};
      expect(
        Object.values(top).every((access) => access !== "write" || name !== "ci.yml"),
        name,
      ).toBe(true);
      for (const [id, job] of Object.entries(file.jobs)) {
        expect(job["timeout-minutes"], `${name} ${id}`).toBeGreaterThan(0);
        const permissions = { ...top, ...(job.permissions ?? {}) };
        // Only the release's publishing job writes: it creates the release and moves the major tag.
        const publishes = name === "release.yml" && id === "publish";
        expect(permissions.contents, `${name} ${id}`).toBe(publishes ? "write" : "read");
        const reports = job.steps.some((step) => step.uses === "./actions/report");
        expect(permissions.issues === "write", `${name} ${id}: issues: write only with a report step`).toBe(
          reports,
        );
        const s3 = job.steps.some((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials"));
        expect(permissions["id-token"] === "write", `${name} ${id}: id-token only with S3`).toBe(s3);
      }
    }
  });

  it("schedule the pipeline off the hour, one run per target at a time, failures reported", () => {
    const pipeline = workflow("pipeline.yml");
    const [schedule] = pipeline.on.schedule as { cron: string }[];
    const minute = Number(schedule!.cron.split(" ")[0]);
    expect(minute % 2, "an odd minute").toBe(1);
    expect(pipeline.concurrency).toEqual({
      group: "amplitude-pipeline-${{ vars.SNOWFLAKE_DATABASE || 'default' }}",
      "cancel-in-progress": false,
      queue: "max",
    });
    expect(Object.keys((pipeline.on.workflow_dispatch as { inputs: object }).inputs).sort()).toEqual([
      "chunk-days",
      "dry-run",
      "end",
      "retention-days",
      "start",
    ]);
    // One report per run: the success report closes the issue, the failure report (the scheduled job's last
    // step) opens it.
    expect(pipeline.jobs.report!.steps.at(-1)).toMatchObject({
      uses: "./actions/report",
      with: { mode: "success" },
    });
    expect(pipeline.jobs.hourly!.steps.slice(-2).map((step) => [step.uses, step.with?.mode])).toEqual([
      ["./actions/report", "success"],
      ["./actions/report", "failure"],
    ]);
    const artifact = pipeline.jobs.extract!.steps.find((step) => step.uses === "actions/upload-artifact@v7");
    expect(artifact?.with?.name).toBe(
      "amplitude-backup-${{ matrix.name }}-${{ github.run_id }}-${{ github.run_attempt }}",
    );
    expect(artifact?.with?.["retention-days"]).toBe("${{ inputs.retention-days || 7 }}");
  });

  it("install the DuckDB the package depends on where there is no lockfile", () => {
    const { dependencies } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const text = readFileSync(join(REPO, ".github", "workflows", "sql-check.yml"), "utf8");
    expect(text).toContain(`@duckdb/node-api@${dependencies["@duckdb/node-api"]}`);
    expect(text).toContain(
      `@polyglot-sql/sdk@${(dependencies["@polyglot-sql/sdk"] ?? "").replace(/^\^/, "")}`,
    );
  });

  it("watch the pipeline on a schedule of its own", () => {
    const watchdog = workflow("watchdog.yml");
    expect(watchdog.permissions).toEqual({ contents: "read", issues: "write", actions: "read" });
    const report = watchdog.jobs.watchdog!.steps.find((step) => step.uses === "./actions/report");
    expect(report?.with).toMatchObject({ mode: "watchdog", workflow: "pipeline.yml" });
  });

  it("run Node 24 wherever they set up Node (CI's tests also on 22, the oldest engines.node allows)", () => {
    const { engines } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    expect(engines.node).toBe(">=22");
    const setups = WORKFLOWS.flatMap((name) =>
      Object.entries(workflow(name).jobs).flatMap(([id, job]) =>
        job.steps
          .filter((step) => step.uses?.startsWith("actions/setup-node@"))
          .map((step) => ({ id: `${name} ${id}`, job, version: step.with?.["node-version"] })),
      ),
    );
    expect(setups.map((setup) => setup.id)).toEqual(
      expect.arrayContaining(["ci.yml test", "release.yml check", "sql-check.yml validate"]),
    );
    for (const { id, job, version } of setups) {
      if (id === "ci.yml test") {
        expect(version).toBe("${{ matrix.node }}");
        expect(job.strategy?.matrix.node).toEqual([22, 24]);
      } else {
        expect(version, id).toBe(24);
      }
    }
  });
});

describe("the release workflow", () => {
  const release = () =>
    parse(readFileSync(join(REPO, ".github", "workflows", "release.yml"), "utf8")) as {
      on: { push: { tags: string[]; branches?: unknown } };
      permissions: Record<string, string>;
      jobs: Record<
        string,
        {
          needs?: string;
          permissions?: Record<string, string>;
          steps: { name?: string; uses?: string; run?: string; env?: Record<string, string> }[];
        }
      >;
    };
  const runs = (steps: { run?: string }[]) => steps.map((step) => step.run ?? "");
  const stepNamed = <Step extends { name?: string }>(steps: Step[], name: RegExp): Step => {
    const step = steps.find((s) => name.test(s.name ?? ""));
    expect(step, String(name)).toBeDefined();
    return step!;
  };

  it("runs on version tags only, reading by default and writing only in the job after the checks", () => {
    const file = release();
    expect(Object.keys(file.on)).toEqual(["push"]);
    expect(file.on.push).toEqual({ tags: ["v*.*.*"] });
    expect(file.permissions).toEqual({ contents: "read" });
    expect(file.jobs.check!.permissions).toBeUndefined();
    expect(file.jobs.publish!.needs).toBe("check");
    expect(file.jobs.publish!.permissions).toEqual({ contents: "write" });
  });

  it("checks the tag, dist/ and the tests before publishing, with what .ci/run installs", () => {
    const steps = runs(release().jobs.check!.steps);
    const at = (command: string) => steps.findIndex((run) => run.includes(command));
    for (const command of ["npm ci", "scripts/check-release.mjs", "npm run check:dist", "npm test"]) {
      expect(at(command), command).toBeGreaterThanOrEqual(0);
    }
    expect(at("npm ci")).toBeLessThan(at("scripts/check-release.mjs"));
    expect(at("npm ci")).toBeLessThan(at("npm run check:dist"));
    const ciRun = readFileSync(join(REPO, ".ci", "run"), "utf8");
    const packages = [...ciRun.matchAll(/missing\+=\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(/\s+/));
    expect(packages.length).toBeGreaterThan(0);
    const install = steps[at("apt-get install")]!;
    for (const name of packages) expect(install.split(/\s+/), name).toContain(name);
    expect(at("apt-get install")).toBeLessThan(at("npm test"));
    const publish = runs(release().jobs.publish!.steps).join("\n");
    expect(publish).toContain('gh release create "$TAG" --verify-tag --generate-notes');
  });

  /** Runs the workflow's "Move the major tag" script in `clone`, a clone of a real (bare) repository. */
  async function moveMajorTag(tag: string, clone: string, sha: string) {
    const step = stepNamed(release().jobs.publish!.steps, /^Move the major tag/);
    expect(step.env?.TAG).toBe("${{ github.ref_name }}");
    return run("bash", ["-eo", "pipefail", "-c", step.run!], {
      cwd: clone,
      env: { ...process.env, TAG: tag, GITHUB_SHA: sha },
    });
  }

  it("moves the major tag of the pushed version to its commit, and leaves it for a pre-release", async () => {
    const dir = await tempDir("release-");
    const origin = join(dir, "origin.git");
    const clone = join(dir, "clone");
    const git = (cwd: string, ...args: string[]) =>
      run("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd }).then((r) =>
        r.stdout.trim(),
      );
    await git(dir, "init", "-q", "--bare", origin);
    await git(dir, "clone", "-q", origin, clone);
    await git(clone, "commit", "-q", "--allow-empty", "-m", "one");
    const first = await git(clone, "rev-parse", "HEAD");
    await git(clone, "tag", "v1.0.0");
    await git(clone, "tag", "v1");
    await git(clone, "commit", "-q", "--allow-empty", "-m", "two");
    const second = await git(clone, "rev-parse", "HEAD");
    await git(clone, "tag", "v1.1.0");
    await git(clone, "tag", "v2.0.0-rc.1");
    await git(clone, "push", "-q", "origin", "HEAD:main", "--tags");
    expect(await git(origin, "rev-parse", "v1^{commit}")).toBe(first);

    const { stdout } = await moveMajorTag("v1.1.0", clone, second);
    expect(stdout).toContain("moved v1 to v1.1.0");
    expect(await git(origin, "rev-parse", "v1^{commit}")).toBe(second);

    const pre = await moveMajorTag("v2.0.0-rc.1", clone, second);
    expect(pre.stdout).toContain("pre-release");
    await expect(git(origin, "rev-parse", "--verify", "-q", "v2")).rejects.toThrow();
  });
});

describe("scripts/check-release.mjs", () => {
  const check = (tag: string, repository: string) =>
    run(process.execPath, ["--import", "tsx", "scripts/check-release.mjs", tag, repository], {
      cwd: REPO,
    }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
  const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };

  it("passes the package's own version in the package's own repository", async () => {
    expect(await check(`v${version}`, "amplitude-pipeline/amplitude-pipeline")).toEqual({
      code: 0,
      stderr: `release check: v${version} of amplitude-pipeline/amplitude-pipeline\n`,
    });
  });

  it("fails a tag that is not package.json's version, and a fork that did not name itself", async () => {
    const wrongTag = await check("v99.0.0", "amplitude-pipeline/amplitude-pipeline");
    expect(wrongTag.code).toBe(1);
    expect(wrongTag.stderr).toContain(`the tag v99.0.0 is not package.json's version ${version}`);
    const fork = await check(`v${version}`, "data-team/amplitude-pipeline");
    expect(fork.code).toBe(1);
    expect(fork.stderr).toContain('sets "repository": "github:data-team/amplitude-pipeline" in package.json');
    expect((await check("", "")).code).toBe(2);
  });
});
