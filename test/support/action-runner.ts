import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach } from "vitest";
import { runFolderEnv } from "./global-setup.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BUILD_SCRIPT = join(ROOT, "scripts", "build-actions.mjs");

const scratches: string[] = [];

afterEach(async () => {
  await Promise.all(scratches.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A build of the bundles in a folder with no node_modules above it, as the runner's copy of an action has none. */
export interface BuiltActions {
  /** `<folder>/dist`: holds `<name>/index.js` and `chunks/`. */
  dist: string;
  /** What the build script printed (bundle sizes). */
  log: string;
  remove(): Promise<void>;
}

/**
 * Builds dist/ from the current sources with the build script, into a temporary folder laid out as the runner's copy
 * of this repository (`action/dist`, `action/sql`): not the committed dist/.
 */
export async function buildActionsForTest(): Promise<BuiltActions> {
  const folder = await mkdtemp(join(tmpdir(), "actions-build-"));
  const dist = join(folder, "action", "dist");
  const { stdout } = await promisify(execFile)(process.execPath, [BUILD_SCRIPT, "--outdir", dist], {
    cwd: ROOT,
  });
  // The action's checkout holds the models it ships (sql/), which a workspace without its own sql/ falls back to.
  await cp(join(ROOT, "sql"), join(folder, "action", "sql"), { recursive: true });
  if (hasNodeModulesAbove(dist))
    throw new Error(`${dist} has a node_modules above it: the test would prove nothing`);
  return { dist, log: stdout, remove: () => rm(folder, { recursive: true, force: true }) };
}

function hasNodeModulesAbove(dir: string): boolean {
  for (let at = dir; ;) {
    if (existsSync(join(at, "node_modules"))) return true;
    const parent = join(at, "..");
    if (parent === at) return false;
    at = parent;
  }
}

export interface RunBundleOptions {
  /** Input names as in action.yml (`settle-hours`); passed as `INPUT_SETTLE-HOURS`, as the runner does. */
  inputs?: Record<string, string>;
  /** More environment: the runner passes the job's `env:` through. */
  env?: Record<string, string | undefined>;
  /** The node binary; default the one running the tests. */
  node?: string;
  /** GITHUB_WORKSPACE and the working directory; default a new empty folder. */
  workspace?: string;
  /** RUNNER_TEMP; default a new empty folder. */
  runnerTemp?: string;
}

export interface BundleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What the action wrote to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What it wrote to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** What it wrote to GITHUB_ENV. */
  githubEnv: string;
  workspace: string;
  runnerTemp: string;
}

/** The variables every run gets: a path and home, and no cloud metadata probes (as vitest.config.ts). */
const BASE_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  // validate keeps sqlfluff's parses there, and temporary files go to the run's folder (test/support/global-setup.ts).
  ...runFolderEnv(),
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  SNOWFLAKE_DISABLE_PLATFORM_DETECTION: "true",
  GITHUB_ACTIONS: "true",
};

/**
 * Runs `node <dist>/<name>/index.js` the way the runner runs a node24 action: inputs as `INPUT_*`, the command files
 * (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_STATE) as empty temporary files, RUNNER_TEMP and
 * GITHUB_WORKSPACE as temporary folders, the workspace as the working directory.
 */
export async function runBundle(
  dist: string,
  name: string,
  options: RunBundleOptions = {},
): Promise<BundleRun> {
  const scratch = await mkdtemp(join(tmpdir(), `action-${name}-`));
  scratches.push(scratch);
  const runnerTemp = options.runnerTemp ?? join(scratch, "runner-temp");
  const workspace = options.workspace ?? join(scratch, "workspace");
  await mkdir(runnerTemp, { recursive: true });
  await mkdir(workspace, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(scratch, "output"),
    GITHUB_STEP_SUMMARY: join(scratch, "summary.md"),
    GITHUB_ENV: join(scratch, "env"),
    GITHUB_STATE: join(scratch, "state"),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, "")));
  const env: Record<string, string | undefined> = {
    ...BASE_ENV,
    ...files,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    ...options.env,
  };
  for (const [input, value] of Object.entries(options.inputs ?? {})) env[inputVariable(input)] = value;
  const child = spawn(options.node ?? process.execPath, [join(dist, name, "index.js")], {
    cwd: workspace,
    env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode) => resolve(exitCode));
  });
  const [output, summary, githubEnv] = await Promise.all(
    [files.GITHUB_OUTPUT, files.GITHUB_STEP_SUMMARY, files.GITHUB_ENV].map((file) => readFile(file, "utf8")),
  );
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(output!),
    summary: summary!,
    githubEnv: githubEnv!,
    workspace,
    runnerTemp,
  };
}

/** The runner's name for an input: `INPUT_` and the name uppercased, spaces as underscores, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/**
 * Reads a GITHUB_OUTPUT (or GITHUB_ENV) file as the runner does: `name<<DELIMITER` lines up to the delimiter, or
 * `name=value` on one line.
 */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end === -1) throw new Error(`${key}: no closing ${delimiter} in the command file`);
      values[key!] = lines.slice(i + 1, end).join("\n");
      i = end;
      continue;
    }
    const equals = line.indexOf("=");
    if (equals === -1) throw new Error(`not a command file line: ${JSON.stringify(line)}`);
    values[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return values;
}
