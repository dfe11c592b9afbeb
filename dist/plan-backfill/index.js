import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  runAction
} from "../chunks/chunk-WEI66VQV.js";
import {
  INPUTS,
  OUTPUTS,
  escapeHtml,
  formatHour,
  heading,
  info,
  intInput,
  lastSettledHour,
  notice,
  optionalInput,
  paragraph,
  parseHour,
  setOutput,
  summary,
  table,
  tableHead,
  tableRow
} from "../chunks/chunk-2ZKHZUYU.js";
import "../chunks/chunk-R47Z7GPO.js";
import "../chunks/chunk-DLZUFQUX.js";
import "../chunks/chunk-DPBKSJN6.js";
import {
  ConfigurationError
} from "../chunks/chunk-Z6P62WD7.js";
import "../chunks/chunk-QNAMUATI.js";

// src/pipeline/backfill-plan.ts
var MATRIX_LIMIT = 256;
var DEFAULT_CHUNK_DAYS = 7;
var MAX_CHUNK_DAYS = 31;
var MAX_PARALLEL = 4;
var DEFAULT_SETTLE_HOURS = 2;
function planBackfill(options) {
  if (!options.start)
    throw new ConfigurationError("input start is required for a backfill (YYYY-MM-DD, UTC)");
  const chunkDays = wholeNumber("chunk-days", options.chunkDays ?? DEFAULT_CHUNK_DAYS, 1, MAX_CHUNK_DAYS);
  const maxParallel = wholeNumber(
    "max-parallel",
    options.maxParallel ?? MAX_PARALLEL,
    1,
    MAX_PARALLEL,
    " (Amplitude allows 5 concurrent export requests and the scheduled run may hold one)"
  );
  const settleHours = wholeNumber("settle-hours", options.settleHours ?? DEFAULT_SETTLE_HOURS, 0, 72);
  const start = parseHour(options.start, "start", "input start");
  const settled = lastSettledHour(options.now, settleHours);
  let end = options.end ? parseHour(options.end, "end", "input end") : settled;
  if (end < start && options.end) {
    throw new ConfigurationError(
      `input end ${options.end} is before input start ${options.start}: the range would be empty`
    );
  }
  if (start > settled) {
    throw new ConfigurationError(
      `input start ${options.start} is after the last hour Amplitude has settled (${formatHour(settled)}; data settles ${settleHours} h after each hour): nothing to backfill yet`
    );
  }
  const notices = [];
  if (end > settled) {
    end = settled;
    notices.push(
      `input end ${options.end} is after the last hour Amplitude has settled: backfilling up to ${formatHour(settled)} (data settles ${settleHours} h after each hour; the scheduled run takes the rest)`
    );
  }
  const firstDay = dayOf(start);
  const days = dayOf(end) - firstDay + 1;
  const chunks = Math.ceil(days / chunkDays);
  if (chunks > MATRIX_LIMIT) {
    const needed = Math.ceil(days / MATRIX_LIMIT);
    throw new ConfigurationError(
      `input chunk-days ${chunkDays} cuts ${formatHour(start)} to ${formatHour(end)} (${days} days) into ${chunks} chunks, more than the ${MATRIX_LIMIT} jobs GitHub runs from one matrix: ` + (needed <= MAX_CHUNK_DAYS ? `set chunk-days to ${needed} or more` : `even chunk-days ${MAX_CHUNK_DAYS} is not enough; split the range into backfills of at most ${MAX_CHUNK_DAYS * MATRIX_LIMIT} days`)
    );
  }
  const include = [];
  for (let i = 0; i < chunks; i++) {
    const from = i === 0 ? start : (firstDay + i * chunkDays) * 24;
    const to = Math.min((firstDay + (i + 1) * chunkDays) * 24 - 1, end);
    include.push(chunk(from, to));
  }
  return { include, chunks, maxParallel, notices };
}
function chunk(start, end) {
  return { start: formatHour(start), end: formatHour(end), name: `${formatHour(start)}--${formatHour(end)}` };
}
function dayOf(hour) {
  return Math.floor(hour / 24);
}
function wholeNumber(input, value, min, max, why = "") {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `input ${input} must be a whole number from ${min} to ${max}${why}, not ${value}`
    );
  }
  return value;
}

// src/actions/plan-backfill-main.ts
var RESUME_CHUNK = { start: "", end: "", name: "resume" };
async function planBackfillMain(now = () => /* @__PURE__ */ new Date()) {
  const start = optionalInput(INPUTS.start);
  const end = optionalInput(INPUTS.end);
  const chunkDays = intInput(INPUTS.chunkDays);
  const maxParallel = intInput(INPUTS.maxParallel);
  const settleHours = intInput(INPUTS.settleHours);
  const plan = start === void 0 && end === void 0 ? {
    include: [{ ...RESUME_CHUNK }],
    chunks: 1,
    maxParallel: 1,
    notices: ["no start and no end: one chunk that resumes from the watermark"]
  } : planBackfill({ start, end, chunkDays, maxParallel, settleHours, now: now() });
  for (const notice2 of plan.notices) notice(notice2);
  setOutput(OUTPUTS.matrix, JSON.stringify({ include: plan.include }));
  setOutput(OUTPUTS.chunks, plan.chunks);
  setOutput(OUTPUTS.maxParallel, plan.maxParallel);
  info(`${plan.chunks} chunk(s), at most ${plan.maxParallel} at once`);
  addPlanToSummary(plan);
}
function addPlanToSummary(plan) {
  summary.addRaw(
    heading("Backfill plan") + paragraph(escapeHtml(`${plan.chunks} chunk(s), at most ${plan.maxParallel} at once.`)) + table(
      tableHead(["chunk", "first hour (UTC)", "last hour"]),
      plan.include.map(
        (chunk2) => tableRow([chunk2.name, chunk2.start || "the watermark", chunk2.end || "the last settled hour"])
      )
    ) + plan.notices.map((notice2) => paragraph(escapeHtml(notice2))).join(""),
    true
  );
}

// src/actions/plan-backfill.ts
void runAction("plan-backfill", () => planBackfillMain());
