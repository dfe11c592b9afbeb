import { planBackfillMain } from "./plan-backfill-main.ts";
import { runAction } from "./run-action.ts";

void runAction("plan-backfill", () => planBackfillMain());
