import { vi } from "vitest";
import { runAction, type ActionRun } from "../../src/actions/run-action.ts";

/**
 * Runs an action's entry in this process, as the bundle's `runAction` does for the runner, with `env` stubbed
 * (vi.stubEnv: the caller unstubs) and stdout captured: the log the runner would show, and the exit code.
 */
export async function runActionInProcess(
  name: string,
  main: (run: ActionRun) => Promise<void>,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | undefined; stdout: string }> {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const writes: string[] = [];
  const spy = vi
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk) => (writes.push(String(chunk)), true));
  let code: number | undefined;
  try {
    await runAction(name, main, { exit: (c) => (code = c) });
  } finally {
    spy.mockRestore();
  }
  return { code, stdout: writes.join("") };
}
