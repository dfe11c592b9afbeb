import { ConfigurationError } from "../errors.ts";

/**
 * Hours are whole UTC hours counted from the epoch, so a window is a pair of integers and
 * splitting or cutting it is plain arithmetic.
 */
export type Hour = number;

export interface HourWindow {
  /** First hour, inclusive. */
  start: Hour;
  /** Last hour, inclusive (Amplitude's export treats both ends as inclusive). */
  end: Hour;
}

const HOUR_MS = 3_600_000;

const PATTERNS: Array<{ re: RegExp; dateOnly: boolean }> = [
  { re: /^(\d{4})-(\d{2})-(\d{2})$/, dateOnly: true },
  { re: /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/, dateOnly: false },
  { re: /^(\d{4})(\d{2})(\d{2})T(\d{2})$/, dateOnly: false },
];

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH` or Amplitude's `YYYYMMDDTHH` as a UTC hour. A bare date means
 * its first hour as a start and its last hour as an end, so `--start D --end D` covers the whole day.
 */
export function parseHour(text: string, role: "start" | "end", optionName = `--${role}`): Hour {
  for (const { re, dateOnly } of PATTERNS) {
    const m = re.exec(text.trim());
    if (!m) continue;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const hour = dateOnly ? (role === "start" ? 0 : 23) : Number(m[4]);
    const ms = Date.UTC(year, month - 1, day, hour);
    const d = new Date(ms);
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23) {
      throw new ConfigurationError(`${optionName} ${JSON.stringify(text)} is not a real date and hour`);
    }
    return ms / HOUR_MS;
  }
  throw new ConfigurationError(
    `${optionName} ${JSON.stringify(text)} is not an hour: use YYYY-MM-DD, YYYY-MM-DDTHH or YYYYMMDDTHH (UTC)`,
  );
}

export function hourFromDate(date: Date): Hour {
  return Math.floor(date.getTime() / HOUR_MS);
}

export function hourToDate(hour: Hour): Date {
  return new Date(hour * HOUR_MS);
}

/** `YYYYMMDDTHH`, the form the Export API takes. */
export function formatApiHour(hour: Hour): string {
  return hourToDate(hour).toISOString().slice(0, 13).replace(/-/g, "");
}

/** `YYYY-MM-DDTHH`, the form used in folder names and messages. */
export function formatHour(hour: Hour): string {
  return hourToDate(hour).toISOString().slice(0, 13);
}

export function formatWindow(window: HourWindow): string {
  return `${formatHour(window.start)}_${formatHour(window.end)}`;
}

export function windowHours(window: HourWindow): number {
  return window.end - window.start + 1;
}

/**
 * Cuts [start, end] into windows of at most `hoursPerWindow` hours, aligned to multiples of that size
 * from the epoch (so daily windows are UTC days): the same hour always lands in the same window.
 */
export function cutWindows(range: HourWindow, hoursPerWindow: number): HourWindow[] {
  if (range.end < range.start) {
    throw new ConfigurationError(
      `the range ends (${formatHour(range.end)}) before it starts (${formatHour(range.start)})`,
    );
  }
  const windows: HourWindow[] = [];
  let start = range.start;
  while (start <= range.end) {
    const alignedEnd = (Math.floor(start / hoursPerWindow) + 1) * hoursPerWindow - 1;
    const end = Math.min(alignedEnd, range.end);
    windows.push({ start, end });
    start = end + 1;
  }
  return windows;
}

/** Halves a window; the caller must not split a one-hour window. */
export function splitWindow(window: HourWindow): [HourWindow, HourWindow] {
  const mid = window.start + Math.floor(windowHours(window) / 2);
  return [
    { start: window.start, end: mid - 1 },
    { start: mid, end: window.end },
  ];
}

/**
 * The last hour whose data Amplitude has finished: an hour is complete `settleHours` after it ends.
 */
export function lastSettledHour(now: Date, settleHours: number): Hour {
  return Math.floor((now.getTime() - settleHours * HOUR_MS) / HOUR_MS) - 1;
}
