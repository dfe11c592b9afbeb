import * as core from "@actions/core";
import { planBackfill, type BackfillPlan } from "../pipeline/backfill-plan.ts";
import { heading, paragraph, table, tableHead, tableRow, escapeHtml } from "../github/html.ts";
import { INPUTS, OUTPUTS, intInput, optionalInput } from "./io.ts";

/**
 * With no start and no end the run is the scheduled one: one chunk with no dates, so extract resumes from the
 * watermark. The name matches the one pipeline.yml's own resume step gives it.
 */
export const RESUME_CHUNK = { start: "", end: "", name: "resume" } as const;

/** Plans the backfill matrix from the workflow_dispatch inputs; sets matrix, chunks and max-parallel. */
export async function planBackfillMain(now: () => Date = () => new Date()): Promise<void> {
  const start = optionalInput(INPUTS.start);
  const end = optionalInput(INPUTS.end);
  const chunkDays = intInput(INPUTS.chunkDays);
  const maxParallel = intInput(INPUTS.maxParallel);
  const settleHours = intInput(INPUTS.settleHours);
  const plan: BackfillPlan =
    start === undefined && end === undefined
      ? {
          include: [{ ...RESUME_CHUNK }],
          chunks: 1,
          maxParallel: 1,
          notices: ["no start and no end: one chunk that resumes from the watermark"],
        }
      : planBackfill({ start, end, chunkDays, maxParallel, settleHours, now: now() });
  for (const notice of plan.notices) core.notice(notice);
  core.setOutput(OUTPUTS.matrix, JSON.stringify({ include: plan.include }));
  core.setOutput(OUTPUTS.chunks, plan.chunks);
  core.setOutput(OUTPUTS.maxParallel, plan.maxParallel);
  core.info(`${plan.chunks} chunk(s), at most ${plan.maxParallel} at once`);
  addPlanToSummary(plan);
}

function addPlanToSummary(plan: BackfillPlan): void {
  core.summary.addRaw(
    heading("Backfill plan") +
      paragraph(escapeHtml(`${plan.chunks} chunk(s), at most ${plan.maxParallel} at once.`)) +
      table(
        tableHead(["chunk", "first hour (UTC)", "last hour"]),
        plan.include.map((chunk) =>
          tableRow([chunk.name, chunk.start || "the watermark", chunk.end || "the last settled hour"]),
        ),
      ) +
      plan.notices.map((notice) => paragraph(escapeHtml(notice))).join(""),
    true,
  );
}
