import { startBuiltCli } from "./built-cli.ts";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, for `--json` runs: it must hold that one line and nothing else. */
  json<T = Record<string, unknown>>(): T;
}

/**
 * Runs the CLI from source as a child process, the way a user runs the bin, in a folder that is not the
 * repository (a developer's own .env there must not leak into the tests).
 */
export async function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    /** Called with everything written to stderr so far, each time it grows. */
    onStderr?: (stderr: string) => void;
  } = {},
): Promise<CliResult> {
  const cli = startBuiltCli(args, { source: true, cwd: options.cwd, env: options.env });
  if (options.onStderr) cli.child.stderr.on("data", () => options.onStderr!(cli.stderr()));
  const { code } = await cli.exited;
  const stdout = cli.stdout();
  return {
    code,
    stdout,
    stderr: cli.stderr(),
    json<T>() {
      const lines = stdout.trimEnd().split("\n");
      if (lines.length !== 1) {
        throw new Error(`--json: stdout holds ${lines.length} lines, not the JSON line alone:\n${stdout}`);
      }
      return JSON.parse(lines[0]!) as T;
    },
  };
}
