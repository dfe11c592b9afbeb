import { formatHour, lastSettledHour, parseHour, type Hour } from "../amplitude/hours.ts";
import { ConfigurationError } from "../errors.ts";

/** GitHub runs at most this many jobs from one matrix. */
export const MATRIX_LIMIT = 256;
export const DEFAULT_CHUNK_DAYS = 7;
export const MAX_CHUNK_DAYS = 31;
/** Amplitude allows 5 concurrent export requests per project, and the scheduled run may hold one. */
export const MAX_PARALLEL = 4;
/** The CLI's --settle-hours default. */
export const DEFAULT_SETTLE_HOURS = 2;

export interface BackfillPlanOptions {
  /** The workflow_dispatch inputs as typed: YYYY-MM-DD, YYYY-MM-DDTHH or YYYYMMDDTHH (UTC). */
  start?: string;
  /** Default: the last settled hour. */
  end?: string;
  chunkDays?: number;
  maxParallel?: number;
  now: Date;
  settleHours?: number;
}

export interface BackfillChunk {
  /** First hour, inclusive, `YYYY-MM-DDTHH`. */
  start: string;
  /** Last hour, inclusive. */
  end: string;
  /** Safe in an artifact name and a job name: `2026-01-01T00--2026-01-07T23`. */
  name: string;
}

export interface BackfillPlan {
  include: BackfillChunk[];
  chunks: number;
  maxParallel: number;
  /** What the planner changed, such as an end past the last settled hour; the action prints each as a notice. */
  notices: string[];
}

/**
 * Splits a backfill into the chunks of a matrix, each one job's extract. Every chunk but the first starts at
 * a UTC midnight and every chunk but the last ends at one, so the extract's day-aligned windows never cross
 * two chunks; the first chunk starts at the requested hour rather than at an epoch-aligned day (as cutWindows
 * would), because a chunk is a job and a misaligned first chunk would only add jobs.
 */
export function planBackfill(options: BackfillPlanOptions): BackfillPlan {
  if (!options.start)
    throw new ConfigurationError("input start is required for a backfill (YYYY-MM-DD, UTC)");
  const chunkDays = wholeNumber("chunk-days", options.chunkDays ?? DEFAULT_CHUNK_DAYS, 1, MAX_CHUNK_DAYS);
  const maxParallel = wholeNumber(
    "max-parallel",
    options.maxParallel ?? MAX_PARALLEL,
    1,
    MAX_PARALLEL,
    " (Amplitude allows 5 concurrent export requests and the scheduled run may hold one)",
  );
  const settleHours = wholeNumber("settle-hours", options.settleHours ?? DEFAULT_SETTLE_HOURS, 0, 72);
  const start = parseHour(options.start, "start", "input start");
  const settled = lastSettledHour(options.now, settleHours);
  let end = options.end ? parseHour(options.end, "end", "input end") : settled;
  if (end < start && options.end) {
    throw new ConfigurationError(
      `input end ${options.end} is before input start ${options.start}: the range would be empty`,
    );
  }
  if (start > settled) {
    throw new ConfigurationError(
      `input start ${options.start} is after the last hour Amplitude has settled (${formatHour(settled)}; ` +
        `data settles ${settleHours} h after each hour): nothing to backfill yet`,
    );
  }
  const notices: string[] = [];
  if (end > settled) {
    end = settled;
    notices.push(
      `input end ${options.end} is after the last hour Amplitude has settled: backfilling up to ${formatHour(settled)} ` +
        `(data settles ${settleHours} h after each hour; the scheduled run takes the rest)`,
    );
  }

  const firstDay = dayOf(start);
  const days = dayOf(end) - firstDay + 1;
  const chunks = Math.ceil(days / chunkDays);
  if (chunks > MATRIX_LIMIT) {
    const needed = Math.ceil(days / MATRIX_LIMIT);
    throw new ConfigurationError(
      `input chunk-days ${chunkDays} cuts ${formatHour(start)} to ${formatHour(end)} (${days} days) into ${chunks} chunks, ` +
        `more than the ${MATRIX_LIMIT} jobs GitHub runs from one matrix: ` +
        (needed <= MAX_CHUNK_DAYS
          ? `set chunk-days to ${needed} or more`
          : `even chunk-days ${MAX_CHUNK_DAYS} is not enough; split the range into backfills of at most ${MAX_CHUNK_DAYS * MATRIX_LIMIT} days`),
    );
  }
  const include: BackfillChunk[] = [];
  for (let i = 0; i < chunks; i++) {
    const from = i === 0 ? start : (firstDay + i * chunkDays) * 24;
    const to = Math.min((firstDay + (i + 1) * chunkDays) * 24 - 1, end);
    include.push(chunk(from, to));
  }
  return { include, chunks, maxParallel, notices };
}

function chunk(start: Hour, end: Hour): BackfillChunk {
  return { start: formatHour(start), end: formatHour(end), name: `${formatHour(start)}--${formatHour(end)}` };
}

function dayOf(hour: Hour): number {
  return Math.floor(hour / 24);
}

function wholeNumber(input: string, value: number, min: number, max: number, why = ""): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `input ${input} must be a whole number from ${min} to ${max}${why}, not ${value}`,
    );
  }
  return value;
}
