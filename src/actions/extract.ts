import { extractMain } from "./extract-main.ts";
import { runAction } from "./run-action.ts";

void runAction("extract", (run) => extractMain(run));
