import { runAction } from "./run-action.ts";
import { validateMain } from "./validate-main.ts";

void runAction("validate", () => validateMain());
