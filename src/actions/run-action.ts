import * as core from "@actions/core";
import { onSecretRead } from "../config.ts";
import { ConfigurationError, errorMessage } from "../errors.ts";

export interface RunActionOptions {
  /** Ends the process; tests pass their own. */
  exit?: (code: number) => void;
}

/**
 * Runs one action's `main`: secrets masked as read, the summary written whatever happens, any thrown value turned into
 * a failed step, and an explicit exit so a dangling socket cannot hang the job.
 */
export async function runAction(
  name: string,
  main: () => Promise<void>,
  { exit = (code) => process.exit(code) }: RunActionOptions = {},
): Promise<void> {
  onSecretRead(core.setSecret);
  let code = 0;
  try {
    await main();
  } catch (error) {
    code = 1;
    core.setFailed(
      error instanceof ConfigurationError ? error.message : `${name} failed: ${errorMessage(error)}`,
    );
  } finally {
    try {
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.write();
    } catch (error) {
      core.warning(`${name}: the job summary was not written: ${errorMessage(error)}`);
    }
  }
  exit(code);
}
