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

const DAY_HOURS = 24;

/**
 * Cuts [start, end] into windows aligned to UTC days, so the same hour always lands in the same window and
 * a re-export replaces the same backup folders. A window never crosses midnight unless it is a whole number
 * of days starting at midnight: sizes that divide 24 tile each day, other sizes below 24 restart at each
 * midnight (5 h: 00-04, 05-09, 10-14, 15-19, 20-23), and sizes of 24 h or more are rounded down to whole
 * days, aligned to multiples of that many days from the epoch. Amplitude's files are named by date and
 * hour, and the lake partitions by date, so a window that spans a day boundary by a few hours would
 * straddle two partitions for no gain.
 */
export function cutWindows(range: HourWindow, hoursPerWindow: number): HourWindow[] {
  if (range.end < range.start) {
    throw new ConfigurationError(
      `the range ends (${formatHour(range.end)}) before it starts (${formatHour(range.start)})`,
    );
  }
  if (!Number.isInteger(hoursPerWindow) || hoursPerWindow < 1) {
    throw new ConfigurationError(
      `hours per window must be a whole number of at least 1, not ${hoursPerWindow}`,
    );
  }
  const windows: HourWindow[] = [];
  let start = range.start;
  while (start <= range.end) {
    let end = Math.min(alignedWindowEnd(start, hoursPerWindow), range.end);
    // A multi-day window cut short by the range would end inside its last day: end it at the midnight
    // before, and let that last part of a day be a window of its own.
    if (dayOf(end) > dayOf(start) && (end + 1) % DAY_HOURS !== 0) end = dayOf(end) * DAY_HOURS - 1;
    windows.push({ start, end });
    start = end + 1;
  }
  return windows;
}

/** The last hour of the aligned window that holds `start`, ignoring where the range ends. */
function alignedWindowEnd(start: Hour, hoursPerWindow: number): Hour {
  const dayStart = dayOf(start) * DAY_HOURS;
  const endOfDay = dayStart + DAY_HOURS - 1;
  if (hoursPerWindow < DAY_HOURS) {
    return Math.min(
      dayStart + (Math.floor((start - dayStart) / hoursPerWindow) + 1) * hoursPerWindow - 1,
      endOfDay,
    );
  }
  // A range that starts inside a day takes the rest of that day first, so the next window starts at midnight.
  if (start !== dayStart) return endOfDay;
  const days = Math.floor(hoursPerWindow / DAY_HOURS);
  return (Math.floor(dayOf(start) / days) + 1) * days * DAY_HOURS - 1;
}

function dayOf(hour: Hour): number {
  return Math.floor(hour / DAY_HOURS);
}

/**
 * Halves a window; the caller must not split a one-hour window. A window of whole days starting at
 * midnight is split at a midnight, so both halves keep the day alignment cutWindows gives.
 */
export function splitWindow(window: HourWindow): [HourWindow, HourWindow] {
  const hours = windowHours(window);
  const wholeDays = window.start % DAY_HOURS === 0 && hours % DAY_HOURS === 0 ? hours / DAY_HOURS : 0;
  const mid =
    wholeDays >= 2
      ? window.start + Math.floor(wholeDays / 2) * DAY_HOURS
      : window.start + Math.floor(hours / 2);
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
