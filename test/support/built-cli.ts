import { execFile, spawn, type ChildProcessByStdio } from "node:child_process";
import { tmpdir } from "node:os";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runFolderEnv } from "./global-setup.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BUILT_BIN = fileURLToPath(new URL("../../lib/cli/bin.js", import.meta.url));
const TSC = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
const SOURCE_BIN = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/tsx/dist/esm/index.mjs", import.meta.url));

export interface StartOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Run src/cli/bin.ts through tsx instead of the build (no build needed, as ./cli.ts does). */
  source?: boolean;
}

/**
 * Builds lib/ from the current source, as `npm run build` does: these tests run the bin a user runs
 * (plain node, no loader), so they must not run yesterday's build. Only one test file builds, so no two
 * builds overwrite lib/ at once.
 */
export async function buildCli(): Promise<void> {
  await promisify(execFile)(process.execPath, [TSC, "-p", "tsconfig.build.json"], { cwd: ROOT });
}

/** A running CLI process whose output the test can wait on, line by line. */
export interface CliProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves true once stderr matches, or false when the process exits or `boundMs` passes first. The
   * bound only keeps a test of broken code from hanging until vitest's timeout; nothing asserts on time.
   */
  waitForStderr(pattern: RegExp, boundMs?: number): Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts lib/cli/bin.js (or the source) with only the environment given (plus PATH, HOME, XDG_CACHE_HOME and TMPDIR), in a
 * folder of its own.
 */
export function startBuiltCli(args: string[], options: StartOptions = {}): CliProcess {
  const entry = options.source ? ["--import", TSX, SOURCE_BIN] : [BUILT_BIN];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...runFolderEnv(),
      AWS_EC2_METADATA_DISABLED: "true",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => {
    stderr += d;
    for (const wake of waiters) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStderr(pattern, boundMs = 20_000) {
      return new Promise<boolean>((resolve) => {
        const finish = (found: boolean) => {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const check = () => {
          if (pattern.test(stderr)) finish(true);
        };
        const timer = setTimeout(() => finish(false), boundMs);
        waiters.add(check);
        void exited.then(() => finish(pattern.test(stderr)));
        check();
      });
    },
  };
}

/**
 * Runs the CLI to its end. With `boundMs`, a process still running then is killed and reported with
 * code null: a command that would spin for ever fails its test instead of hanging the suite.
 */
export async function runBuiltCli(args: string[], options: StartOptions & { boundMs?: number } = {}) {
  const cli = startBuiltCli(args, options);
  const timer = options.boundMs ? setTimeout(() => cli.child.kill("SIGKILL"), options.boundMs) : undefined;
  const { code } = await cli.exited;
  clearTimeout(timer);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
