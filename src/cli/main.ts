import { CommanderError } from "commander";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { processOutput, type Output } from "./output.ts";
import { buildProgram, type ProgramContext } from "./program.ts";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Runs the CLI and returns its exit code: 0 success, 1 pipeline failure, 2 usage or configuration error. */
export async function main(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; output?: Output; untilStopped?: () => Promise<void> } = {},
): Promise<number> {
  const output = options.output ?? processOutput();
  const context: ProgramContext = {
    env: options.env ?? process.env,
    output,
    failed: false,
    untilStopped: options.untilStopped,
  };
  const program = buildProgram(context);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: "user" });
    return context.failed ? EXIT_FAILURE : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its usage message otherwise.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof ConfigurationError) {
      output.err(`configuration error: ${error.message}`);
      return EXIT_USAGE;
    }
    output.err(`error: ${errorMessage(error)}`);
    return EXIT_FAILURE;
  }
}
