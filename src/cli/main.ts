import { CommanderError } from "commander";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { processOutput, type Output } from "./output.ts";
import { buildProgram, type ProgramContext } from "./program.ts";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** 128 + the signal's number, as a shell reports a process the signal ended. */
export const EXIT_INTERRUPTED = { SIGINT: 130, SIGTERM: 143 } as const;

export type StopSignal = keyof typeof EXIT_INTERRUPTED;

/** The reason the run's AbortSignal carries: Ctrl-C, or the runner (or `kill`) asking the process to stop. */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
  }
  get exitCode(): number {
    return EXIT_INTERRUPTED[this.signal];
  }
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 pipeline failure, 2 usage or configuration error,
 * 130 / 143 interrupted by SIGINT / SIGTERM. `signal` aborts (with an `Interrupted` reason) when the user
 * asks the run to stop: commands stop starting new work, let their cleanup run, and return.
 */
export async function main(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; output?: Output; signal?: AbortSignal } = {},
): Promise<number> {
  const output = options.output ?? processOutput();
  const signal = options.signal ?? new AbortController().signal;
  const context: ProgramContext = {
    env: options.env ?? process.env,
    output,
    failed: false,
    signal,
    stopsOnSignal: false,
  };
  // Said at once, not at exit: whoever pressed Ctrl-C sees it was heard while the work under way finishes.
  const announce = () => {
    if (context.stopsOnSignal) return;
    output.err(
      `${describeSignal(signal.reason)}: finishing what is under way, then stopping (a second one stops at once); ` +
        "run the same command again to resume where it stopped",
    );
  };
  signal.addEventListener("abort", announce, { once: true });
  const program = buildProgram(context);
  let code: number;
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: "user" });
    code = context.failed ? EXIT_FAILURE : EXIT_OK;
  } catch (error) {
    code = reportError(error, signal, output);
  } finally {
    signal.removeEventListener("abort", announce);
  }
  if (signal.aborted && !context.stopsOnSignal) return interruptedExitCode(signal.reason);
  return code;
}

function reportError(error: unknown, signal: AbortSignal, output: Output): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander has already printed its usage message otherwise.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  // The interruption itself, or a request it cancelled: the announcement already said what happened.
  if (
    signal.aborted &&
    (error === signal.reason || (error instanceof Error && error.name === "AbortError"))
  ) {
    return EXIT_FAILURE;
  }
  if (error instanceof ConfigurationError) {
    output.err(`configuration error: ${error.message}`);
    return EXIT_USAGE;
  }
  output.err(`error: ${errorMessage(error)}`);
  return EXIT_FAILURE;
}

function describeSignal(reason: unknown): string {
  if (reason instanceof Interrupted) {
    return reason.signal === "SIGINT" ? "interrupted (Ctrl-C, SIGINT)" : "interrupted (SIGTERM)";
  }
  return "interrupted";
}

export function interruptedExitCode(reason: unknown): number {
  return reason instanceof Interrupted ? reason.exitCode : EXIT_INTERRUPTED.SIGINT;
}
