import { reportMain } from "./report-main.ts";
import { runAction } from "./run-action.ts";

void runAction("report", () => reportMain());
