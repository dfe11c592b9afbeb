import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/tsx/dist/esm/index.mjs", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last line of stdout parsed as JSON, for `--json` runs. */
  json<T = Record<string, unknown>>(): T;
}

/** Runs the CLI from source as a child process, the way a user runs the bin. */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    /** Called with everything written to stderr so far, each time it grows. */
    onStderr?: (stderr: string) => void;
  } = {},
) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, BIN, ...args], {
      // Not the repository: a developer's own .env there must not leak into the tests.
      cwd: options.cwd ?? tmpdir(),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_EC2_METADATA_DISABLED: "true",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
      options.onStderr?.(stderr);
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          const lines = stdout.trim().split("\n");
          return JSON.parse(lines[lines.length - 1]!) as T;
        },
      }),
    );
  });
}
