import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  INIT_WORKFLOWS,
  isUneditedInitFile,
  majorTag,
  installedFrom,
  monthlyRuns,
  originOf,
  renderWorkflow,
  repositoryOf,
  runInit,
  scheduleCost,
  settingsOf,
} from "../src/cli/init-command.ts";
import { main } from "../src/cli/main.ts";
import type { Output } from "../src/cli/output.ts";
import { ConfigurationError } from "../src/errors.ts";
import { checkWorkflows, formatFinding } from "../src/github/workflow-check.ts";
import { copyRepositoryActions } from "./support/repository-actions.ts";
import { tempDir } from "./support/files.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const TARGET = { repo: "acme/amplitude-pipeline", ref: "v9.8.7" };

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    isTTY: false,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    status: () => {},
  };
}

async function gitRepo(): Promise<string> {
  const dir = await tempDir("init-");
  await promisify(execFile)("git", ["init", "-q", dir]);
  return dir;
}

const workflowPath = (dir: string, name: string) => join(dir, ".github", "workflows", name);

describe("renderWorkflow", () => {
  it("points every local action at the repository and ref, and nothing else", () => {
    const template = [
      "steps:",
      "  - uses: actions/checkout@v4",
      "  - uses: ./actions/extract",
      "  - name: report",
      "    uses: ./actions/report",
      "    with:",
      "      note: ./actions/extract stays in text",
      "",
    ].join("\n");
    const text = renderWorkflow(template, TARGET);
    expect(text.split("\n").slice(2)).toEqual([
      "steps:",
      "  - uses: actions/checkout@v4",
      "  - uses: acme/amplitude-pipeline/actions/extract@v9.8.7",
      "  - name: report",
      "    uses: acme/amplitude-pipeline/actions/report@v9.8.7",
      "    with:",
      "      note: ./actions/extract stays in text",
      "",
    ]);
    expect(text).toMatch(/^# Written by amplitude-pipeline init from acme\/amplitude-pipeline@v9\.8\.7/);
  });
});

describe("settingsOf", () => {
  it("finds each secret and variable once, not the token", () => {
    const settings = settingsOf([
      "${{ secrets.AMP_API_KEY }} ${{ secrets.GITHUB_TOKEN }} ${{ vars.SNOWFLAKE_DATABASE || 'x' }}",
      "${{ secrets.AMP_API_KEY }} ${{ vars.AMPLITUDE_REGION }} ${{ vars.SOMETHING_NEW }}",
    ]);
    expect(settings).toEqual({
      secrets: ["AMP_API_KEY"],
      variables: ["AMPLITUDE_REGION", "SNOWFLAKE_DATABASE", "SOMETHING_NEW"],
    });
  });
});

describe("repositoryOf", () => {
  it.each([
    ["acme/amplitude-pipeline", "acme/amplitude-pipeline"],
    ["github:acme/amplitude-pipeline", "acme/amplitude-pipeline"],
    [{ type: "git", url: "git+https://github.com/acme/amplitude-pipeline.git" }, "acme/amplitude-pipeline"],
    [{ url: "git@github.com:acme/amplitude-pipeline.git" }, "acme/amplitude-pipeline"],
    [{ url: "https://gitlab.com/acme/amplitude-pipeline" }, undefined],
    [undefined, undefined],
  ])("reads %j", (repository, expected) => {
    expect(repositoryOf({ repository })).toBe(expected);
  });
});

describe("amplitude-pipeline init", () => {
  it("writes the three workflows with the actions rewritten, and lists what to set", async () => {
    const dir = await gitRepo();
    const output = capture();
    const result = await runInit({ dir, ...TARGET }, { output });
    expect(result.files.map((file) => [file.path, file.status])).toEqual(
      INIT_WORKFLOWS.map((name) => [workflowPath(dir, name), "written"]),
    );
    expect(existsSync(workflowPath(dir, "ci.yml"))).toBe(false);
    for (const name of INIT_WORKFLOWS) {
      const written = await readFile(workflowPath(dir, name), "utf8");
      const template = await readFile(join(REPO, ".github", "workflows", name), "utf8");
      expect(written).toBe(renderWorkflow(template, TARGET));
      expect(written).not.toMatch(/uses: \.\/actions\//);
      const local = [...template.matchAll(/uses: \.\/actions\/([a-z-]+)/g)].map((match) => match[1]);
      const remote = [...written.matchAll(/uses: acme\/amplitude-pipeline\/actions\/([a-z-]+)@v9\.8\.7$/gm)];
      expect(remote.map((match) => match[1])).toEqual(local);
      expect(local.length).toBeGreaterThan(0);
    }
    const stdout = output.stdout.join("\n");
    for (const name of ["AMP_API_KEY", "AMP_SECRET_KEY", "SNOWFLAKE_PRIVATE_KEY", "AWS_ACCESS_KEY_ID"]) {
      expect(
        output.stdout.some((line) => line.trim().startsWith(`gh secret set ${name}`)),
        name,
      ).toBe(true);
    }
    expect(stdout).toContain("gh secret set SNOWFLAKE_PRIVATE_KEY < rsa_key.p8");
    for (const name of [
      "AMPLITUDE_REGION",
      "AWS_BUCKET_NAME",
      "AWS_ROLE_ARN",
      "SNOWFLAKE_ACCOUNT",
      "SNOWFLAKE_USER",
      "SNOWFLAKE_ROLE",
      "SNOWFLAKE_WAREHOUSE",
      "SNOWFLAKE_DATABASE",
      "PIPELINE_STALE_HOURS",
    ]) {
      expect(stdout).toMatch(new RegExp(`^  gh variable set ${name} --body \\S+`, "m"));
    }
    // Every listed setting is documented, and every one the workflows read is listed.
    const texts = await Promise.all(INIT_WORKFLOWS.map((name) => readFile(workflowPath(dir, name), "utf8")));
    const read = settingsOf(texts);
    expect(result.secrets).toEqual(read.secrets);
    expect(result.variables).toEqual(read.variables);
    for (const line of output.stdout.filter((l) => l.startsWith("  gh "))) expect(line).toMatch(/ # \S/);
  });

  it("says the schedule needs activity in a public repository, written or printed", async () => {
    const output = capture();
    await runInit({ dir: await gitRepo(), ...TARGET }, { output });
    expect(output.stdout.join("\n")).toMatch(/public one GitHub disables scheduled workflows\nafter 60 days/);
    const printed = capture();
    await runInit({ print: true, ...TARGET }, { output: printed });
    expect(printed.stderr.join("\n")).toContain("after 60 days without activity in the repository");
    expect(printed.stdout.join("\n")).not.toContain("60 days");
  });

  it("says what the schedules cost in billed minutes, from the crons it writes", async () => {
    const printed = capture();
    await runInit({ print: true, ...TARGET }, { output: printed });
    const stderr = printed.stderr.join("\n");
    expect(stderr).toContain(
      'pipeline.yml: "17 * * * *" runs 744 times in a 31-day month, one job of 1 billed minute each: 744 minutes,\n' +
        "    37 % of Free's 2,000, 25 % of Team's 3,000 included minutes in a private repository (free in a public one).",
    );
    expect(stderr).toContain('watchdog.yml: "41 */3 * * *" runs 248 times');
    expect(printed.stdout.join("\n")).not.toContain("runs 744 times");
    expect(scheduleCost("x.yml", 'on:\n  schedule:\n    - cron: "5 3 * * *"\n')[0]).toContain(
      "runs 31 times",
    );
    expect(monthlyRuns("17 */3 * * *")).toBe(248);
    expect(monthlyRuns("0,30 9-17 * * *")).toBe(2 * 9 * 31);
    expect(monthlyRuns("17 * * * 1-5")).toBeUndefined();
    expect(scheduleCost("x.yml", "on: push\n")).toEqual([]);
  });

  it("writes into the top of the current git repository by default, and refuses outside one", async () => {
    const dir = await gitRepo();
    await mkdir(join(dir, "sub", "folder"), { recursive: true });
    await runInit(TARGET, { output: capture(), cwd: join(dir, "sub", "folder") });
    expect(existsSync(workflowPath(dir, "pipeline.yml"))).toBe(true);
    expect(existsSync(join(dir, "sub", "folder", ".github"))).toBe(false);

    const plain = await tempDir("init-");
    const error = await runInit(TARGET, { output: capture(), cwd: plain }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("not inside a git repository: pass --dir");
  });

  it("leaves unchanged files alone, moves unedited ones to another ref, refuses edited ones without --force", async () => {
    const dir = await gitRepo();
    await runInit({ dir, ...TARGET }, { output: capture() });
    const again = await runInit({ dir, ...TARGET }, { output: capture() });
    expect(again.files.map((file) => file.status)).toEqual(["unchanged", "unchanged", "unchanged"]);
    const upgraded = await runInit({ dir, ...TARGET, ref: "v10" }, { output: capture() });
    expect(upgraded.files.map((file) => file.status)).toEqual(["written", "written", "written"]);
    expect(await readFile(workflowPath(dir, "watchdog.yml"), "utf8")).toContain("/actions/report@v10\n");

    const edited = (await readFile(workflowPath(dir, "pipeline.yml"), "utf8")).replace(
      "17 * * * *",
      "29 * * * *",
    );
    await writeFile(workflowPath(dir, "pipeline.yml"), edited);
    await writeFile(workflowPath(dir, "watchdog.yml"), "# mine\n");
    const before = await Promise.all(INIT_WORKFLOWS.map((name) => readFile(workflowPath(dir, name), "utf8")));
    // sql-check.yml could move to the new ref, but nothing is written while any file is refused.
    const error = await runInit({ dir, ...TARGET }, { output: capture() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(
      `${workflowPath(dir, "pipeline.yml")}, ${workflowPath(dir, "watchdog.yml")} were edited`,
    );
    expect((error as Error).message).toContain("--force");
    const after = await Promise.all(INIT_WORKFLOWS.map((name) => readFile(workflowPath(dir, name), "utf8")));
    expect(after).toEqual(before);

    const forced = await runInit({ dir, ...TARGET, force: true }, { output: capture() });
    expect(forced.files.map((file) => file.status)).toEqual(["written", "written", "written"]);
    expect(await readFile(workflowPath(dir, "pipeline.yml"), "utf8")).toContain('cron: "17 * * * *"');
  });

  it("tells a file init wrote from one edited since", async () => {
    const text = renderWorkflow("on: push\njobs: {}\n", TARGET);
    expect(isUneditedInitFile(text)).toBe(true);
    expect(isUneditedInitFile(text.replace("push", "pull_request"))).toBe(false);
    expect(isUneditedInitFile(text.replace(/checksum [0-9a-f]+/, "checksum 000000000000"))).toBe(false);
    expect(isUneditedInitFile("on: push\njobs: {}\n")).toBe(false);
  });

  it("--print prints the workflows on stdout, what to set on stderr, and writes nothing", async () => {
    const dir = await gitRepo();
    const output = capture();
    const result = await runInit({ dir, print: true, ...TARGET }, { output });
    expect(result.files.map((file) => file.status)).toEqual(["printed", "printed", "printed"]);
    expect(existsSync(join(dir, ".github"))).toBe(false);
    const stdout = output.stdout.join("\n") + "\n";
    for (const name of INIT_WORKFLOWS) {
      const template = await readFile(join(REPO, ".github", "workflows", name), "utf8");
      expect(stdout).toContain(`# ---- .github/workflows/${name} ----\n${renderWorkflow(template, TARGET)}`);
    }
    expect(stdout).not.toContain("gh secret set");
    expect(output.stderr.join("\n")).toContain("gh secret set AMP_API_KEY");
  });

  /** A copy of this package's workflows under a package.json of the given fields, optionally a git clone. */
  async function fakePackage(manifest: object, origin?: string): Promise<string> {
    const root = await tempDir("init-package-");
    await cp(join(REPO, ".github"), join(root, ".github"), { recursive: true });
    await writeFile(join(root, "package.json"), JSON.stringify(manifest));
    if (origin !== undefined) {
      await git(root, "init", "-q");
      await git(root, "remote", "add", "origin", origin);
    }
    return root;
  }
  const git = (cwd: string, ...args: string[]) => promisify(execFile)("git", args, { cwd });

  it("takes the repository from package.json and the ref from the major of its version", async () => {
    const pkg = await fakePackage({
      version: "1.2.3",
      repository: { url: "git+https://github.com/data-team/amp.git" },
    });
    const dir = await gitRepo();
    const result = await runInit({ dir }, { output: capture(), packageRoot: pkg });
    expect([result.repo, result.ref]).toEqual(["data-team/amp", "v1"]);
    expect(await readFile(workflowPath(dir, "watchdog.yml"), "utf8")).toContain(
      "uses: data-team/amp/actions/report@v1\n",
    );

    await writeFile(join(pkg, "package.json"), JSON.stringify({ version: "1.2.3" }));
    const error = await runInit({ dir }, { output: capture(), packageRoot: pkg }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("pass --repo OWNER/NAME");
  });

  it("this package's own defaults: v0 of the project's repository, no made-up owner", async () => {
    const manifest = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as {
      version: string;
      repository: string;
    };
    expect(manifest.repository).toBe("github:amplitude-pipeline/amplitude-pipeline");
    expect(majorTag(manifest.version)).toBe(`v${manifest.version.split(".")[0]}`);
    const pkg = await fakePackage(manifest);
    const result = await runInit({ print: true }, { output: capture(), packageRoot: pkg });
    expect([result.repo, result.ref]).toEqual(["amplitude-pipeline/amplitude-pipeline", "v0"]);
  });

  it.each([
    ["0.1.0", "v0"],
    ["1.0.0", "v1"],
    ["12.3.4-rc.1", "v12"],
    ["v2.0.1", "v2"],
  ])("majorTag(%s) is %s", (version, tag) => {
    expect(majorTag(version)).toBe(tag);
  });

  it("takes the repository from the git remote origin when the package is a clone (a fork)", async () => {
    const manifest = { version: "0.4.0", repository: "github:amplitude-pipeline/amplitude-pipeline" };
    const fork = await fakePackage(manifest, "git@github.com:data-team/amplitude-pipeline.git");
    const dir = await gitRepo();
    const result = await runInit({ dir, print: true }, { output: capture(), packageRoot: fork });
    expect([result.repo, result.ref]).toEqual(["data-team/amplitude-pipeline", "v0"]);
    // --repo wins over the origin.
    const chosen = await runInit(
      { dir, print: true, repo: "ops/pipe" },
      { output: capture(), packageRoot: fork },
    );
    expect(chosen.repo).toBe("ops/pipe");
    // An origin that is not on GitHub says nothing: package.json decides.
    const local = await fakePackage(manifest, "/srv/git/amplitude-pipeline.git");
    const fallback = await runInit({ dir, print: true }, { output: capture(), packageRoot: local });
    expect(fallback.repo).toBe("amplitude-pipeline/amplitude-pipeline");
  });

  it("ignores the origin of a repository the package is merely installed in", async () => {
    const project = await tempDir("init-project-");
    await git(project, "init", "-q");
    await git(project, "remote", "add", "origin", "https://github.com/someone-else/their-app.git");
    const installed = join(project, "node_modules", "amplitude-pipeline");
    await mkdir(installed, { recursive: true });
    await cp(join(REPO, ".github"), join(installed, ".github"), { recursive: true });
    await writeFile(
      join(installed, "package.json"),
      JSON.stringify({ version: "0.4.0", repository: "github:amplitude-pipeline/amplitude-pipeline" }),
    );
    expect(await originOf(installed)).toBeUndefined();
    expect(await originOf(project)).toBe("someone-else/their-app");
    const result = await runInit({ print: true }, { output: capture(), packageRoot: installed });
    expect(result.repo).toBe("amplitude-pipeline/amplitude-pipeline");
  });

  it("takes the fork npm installed it from (npx github:OWNER/NAME) from npm's lockfile beside the package", async () => {
    const cache = await tempDir("init-npx-");
    const installed = join(cache, "node_modules", "amplitude-pipeline");
    await mkdir(installed, { recursive: true });
    await cp(join(REPO, ".github"), join(installed, ".github"), { recursive: true });
    await writeFile(
      join(installed, "package.json"),
      JSON.stringify({ version: "0.4.0", repository: "github:amplitude-pipeline/amplitude-pipeline" }),
    );
    const lock = (resolved: string) =>
      writeFile(
        join(cache, "node_modules", ".package-lock.json"),
        JSON.stringify({
          packages: { "node_modules/amplitude-pipeline": { version: "0.4.0", resolved } },
        }),
      );
    await lock("git+ssh://git@github.com/data-team/amplitude-pipeline.git#0123456789abcdef");
    expect(await installedFrom(installed)).toBe("data-team/amplitude-pipeline");
    const result = await runInit({ print: true }, { output: capture(), packageRoot: installed });
    expect(result.repo).toBe("data-team/amplitude-pipeline");
    // Installed from anywhere but GitHub (a local clone, a tarball): package.json decides.
    await lock("git+file:///srv/clone#0123456789abcdef");
    expect(await installedFrom(installed)).toBeUndefined();
    const fallback = await runInit({ print: true }, { output: capture(), packageRoot: installed });
    expect(fallback.repo).toBe("amplitude-pipeline/amplitude-pipeline");
  });

  it("moves files an earlier version wrote (@v0.1.0) to the major tag without --force", async () => {
    const pkg = await fakePackage({
      version: "0.2.0",
      repository: "github:amplitude-pipeline/amplitude-pipeline",
    });
    const dir = await gitRepo();
    await runInit({ dir, ref: "v0.1.0" }, { output: capture(), packageRoot: pkg });
    expect(await readFile(workflowPath(dir, "watchdog.yml"), "utf8")).toContain("/actions/report@v0.1.0\n");
    const moved = await runInit({ dir }, { output: capture(), packageRoot: pkg });
    expect(moved.files.map((file) => file.status)).toEqual(["written", "written", "written"]);
    const text = await readFile(workflowPath(dir, "watchdog.yml"), "utf8");
    expect(text).toContain("uses: amplitude-pipeline/amplitude-pipeline/actions/report@v0\n");
    expect(text).toMatch(
      /^# Written by amplitude-pipeline init from amplitude-pipeline\/amplitude-pipeline@v0 /,
    );
    expect(isUneditedInitFile(text)).toBe(true);
  });

  // The workflows before they queued runs, took one AWS credential source and reported once per run.
  const EARLIER = "f78eb7d";
  const hasEarlier = (() => {
    try {
      return (
        existsSync(join(REPO, ".git")) &&
        spawnSync("git", ["-C", REPO, "cat-file", "-e", `${EARLIER}^{commit}`]).status === 0
      );
    } catch {
      return false;
    }
  })();

  it.runIf(hasEarlier)(
    "moves a repository set up by an earlier init to today's workflows without --force",
    async () => {
      const earlier = await fakePackage({ version: "0.1.0", repository: "github:acme/amplitude-pipeline" });
      for (const name of INIT_WORKFLOWS) {
        const { stdout } = await git(REPO, "show", `${EARLIER}:.github/workflows/${name}`);
        await writeFile(join(earlier, ".github", "workflows", name), stdout);
      }
      const dir = await gitRepo();
      await runInit({ dir, ...TARGET }, { output: capture(), packageRoot: earlier });
      expect(await readFile(workflowPath(dir, "pipeline.yml"), "utf8")).not.toContain("queue: max");
      const moved = await runInit({ dir, ...TARGET }, { output: capture() });
      expect(moved.files.map((file) => file.status)).toEqual(["written", "written", "written"]);
      const text = await readFile(workflowPath(dir, "pipeline.yml"), "utf8");
      expect(text).toContain("queue: max");
      // The earlier file's five scheduled jobs are now one, and its rewritten `uses:` stay rewritten.
      expect(text).not.toContain("report-failure:");
      expect(text).toContain("  hourly:\n    if: github.event_name == 'schedule'\n");
      expect(text).toContain("uses: acme/amplitude-pipeline/actions/transform@v9.8.7\n");
      expect(text).not.toContain("./actions/");
      expect(isUneditedInitFile(text)).toBe(true);
    },
  );

  it("rejects a malformed --repo or --ref, and says when the templates are not installed", async () => {
    const dir = await gitRepo();
    await expect(runInit({ dir, repo: "acme", ref: "v1" }, { output: capture() })).rejects.toThrow(
      /--repo "acme" is not OWNER\/NAME/,
    );
    await expect(
      runInit({ dir, repo: TARGET.repo, ref: "v1; rm -rf /" }, { output: capture() }),
    ).rejects.toThrow(/--ref .* is not a tag/);
    const bare = await tempDir("init-package-");
    await writeFile(join(bare, "package.json"), JSON.stringify({ version: "1.0.0" }));
    await expect(runInit({ dir, ...TARGET }, { output: capture(), packageRoot: bare })).rejects.toThrow(
      /has no .*pipeline\.yml \(package\.json files must list it\)/,
    );
    expect(existsSync(join(dir, ".github"))).toBe(false);
  });

  it("writes workflows that pass the workflow check, with the actions resolved to this package's", async () => {
    const dir = await gitRepo();
    await runInit({ dir, ...TARGET }, { output: capture() });
    const actions = await tempDir("init-actions-");
    copyRepositoryActions(actions);
    const findings = await checkWorkflows(dir, { actionsRoot: actions, repository: TARGET.repo });
    expect(findings.map(formatFinding)).toEqual([]);
    // The check does resolve them: an action missing from the package is reported.
    await writeFile(
      workflowPath(dir, "watchdog.yml"),
      (await readFile(workflowPath(dir, "watchdog.yml"), "utf8")).replace(
        "actions/report@",
        "actions/reprot@",
      ),
    );
    const broken = await checkWorkflows(dir, { actionsRoot: actions, repository: TARGET.repo });
    expect(broken.map(formatFinding)).toEqual([
      expect.stringMatching(
        /^\.github\/workflows\/watchdog\.yml:\d+:\d+: error: uses: .*reprot@v9\.8\.7: no action\.yml/,
      ),
    ]);
  });

  it("is a CLI command: exit 0 when written, 2 when refused", async () => {
    const dir = await gitRepo();
    const args = ["init", "--dir", dir, "--repo", TARGET.repo, "--ref", TARGET.ref];
    const output = capture();
    expect(await main(args, { output })).toBe(0);
    expect(output.stdout).toContain(`wrote ${workflowPath(dir, "sql-check.yml")}`);
    await writeFile(workflowPath(dir, "sql-check.yml"), "# mine\n");
    const refused = capture();
    expect(await main(args, { output: refused })).toBe(2);
    expect(refused.stderr.join("\n")).toMatch(
      /configuration error: .*sql-check\.yml was edited since init wrote it/,
    );
    expect(await main([...args, "--force"], { output: capture() })).toBe(0);
  });
});
