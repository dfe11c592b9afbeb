import { runAction } from "./run-action.ts";

// Loaded inside runAction: validate-main pulls in DuckDB, whose absence from the workspace must be a failed step
// with the install hint, not a crash before runAction can report it.
void runAction("validate", async () => (await import("./validate-main.ts")).validateMain());
