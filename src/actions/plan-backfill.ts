import * as core from "@actions/core";
import { planBackfill, type BackfillPlan } from "../pipeline/backfill-plan.ts";
import { INPUTS, OUTPUTS, intInput, optionalInput } from "./io.ts";
import { runAction } from "./run-action.ts";

async function main(): Promise<void> {
  const plan = planBackfill({
    start: optionalInput(INPUTS.start),
    end: optionalInput(INPUTS.end),
    chunkDays: intInput(INPUTS.chunkDays),
    maxParallel: intInput(INPUTS.maxParallel),
    now: new Date(),
  });
  for (const notice of plan.notices) core.notice(notice);
  core.setOutput(OUTPUTS.matrix, JSON.stringify({ include: plan.include }));
  core.setOutput(OUTPUTS.chunks, plan.chunks);
  core.setOutput(OUTPUTS.maxParallel, plan.maxParallel);
  addPlanSummary(plan);
}

// replaced by the summary.ts builder at merge
function addPlanSummary(plan: BackfillPlan): void {
  const rows = plan.include.map((chunk) => `| ${chunk.name} | ${chunk.start} | ${chunk.end} |`);
  core.summary.addRaw(
    `### Backfill plan: ${plan.chunks} chunk(s), ${plan.maxParallel} at a time\n\n` +
      `| chunk | start | end |\n|---|---|---|\n${rows.join("\n")}\n`,
    true,
  );
}

void runAction("plan-backfill", main);
