import * as core from "@actions/core";
import { ConfigurationError } from "../errors.ts";
import { INPUTS } from "./io.ts";
import { runAction } from "./run-action.ts";

/** Each command's entry, loaded only when asked for: importing one runs that action. */
const COMMANDS: Record<string, () => Promise<unknown>> = {
  extract: () => import("./extract.ts"),
  upload: () => import("./upload.ts"),
  provision: () => import("./provision.ts"),
  transform: () => import("./transform.ts"),
  "plan-backfill": () => import("./plan-backfill.ts"),
  report: () => import("./report.ts"),
  validate: () => import("./validate.ts"),
  // The root action's only: a check of the setup, with no action folder of its own.
  doctor: () => import("./doctor.ts"),
};

const command = core.getInput(INPUTS.command).trim();
const start = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
if (start) await start();
else {
  void runAction("amplitude-pipeline", async () => {
    throw new ConfigurationError(
      `input command: ${command ? JSON.stringify(command) + " is not a command" : "is required"}: ` +
        `use one of ${Object.keys(COMMANDS).join(", ")}`,
    );
  });
}
