import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";

// src/amplitude/hours.ts
var HOUR_MS = 36e5;
var PATTERNS = [
  { re: /^(\d{4})-(\d{2})-(\d{2})$/, dateOnly: true },
  { re: /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/, dateOnly: false },
  { re: /^(\d{4})(\d{2})(\d{2})T(\d{2})$/, dateOnly: false }
];
function parseHour(text, role, optionName = `--${role}`) {
  for (const { re, dateOnly } of PATTERNS) {
    const m = re.exec(text.trim());
    if (!m) continue;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const hour = dateOnly ? role === "start" ? 0 : 23 : Number(m[4]);
    const ms = Date.UTC(year, month - 1, day, hour);
    const d = new Date(ms);
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23) {
      throw new ConfigurationError(`${optionName} ${JSON.stringify(text)} is not a real date and hour`);
    }
    return ms / HOUR_MS;
  }
  throw new ConfigurationError(
    `${optionName} ${JSON.stringify(text)} is not an hour: use YYYY-MM-DD, YYYY-MM-DDTHH or YYYYMMDDTHH (UTC)`
  );
}
function hourFromDate(date) {
  return Math.floor(date.getTime() / HOUR_MS);
}
function hourToDate(hour) {
  return new Date(hour * HOUR_MS);
}
function formatApiHour(hour) {
  return hourToDate(hour).toISOString().slice(0, 13).replace(/-/g, "");
}
function formatHour(hour) {
  return hourToDate(hour).toISOString().slice(0, 13);
}
function formatWindow(window) {
  return `${formatHour(window.start)}_${formatHour(window.end)}`;
}
function windowHours(window) {
  return window.end - window.start + 1;
}
var DAY_HOURS = 24;
function cutWindows(range, hoursPerWindow) {
  if (range.end < range.start) {
    throw new ConfigurationError(
      `the range ends (${formatHour(range.end)}) before it starts (${formatHour(range.start)})`
    );
  }
  if (!Number.isInteger(hoursPerWindow) || hoursPerWindow < 1) {
    throw new ConfigurationError(
      `hours per window must be a whole number of at least 1, not ${hoursPerWindow}`
    );
  }
  const windows = [];
  let start = range.start;
  while (start <= range.end) {
    let end = Math.min(alignedWindowEnd(start, hoursPerWindow), range.end);
    if (dayOf(end) > dayOf(start) && (end + 1) % DAY_HOURS !== 0) end = dayOf(end) * DAY_HOURS - 1;
    windows.push({ start, end });
    start = end + 1;
  }
  return windows;
}
function alignedWindowEnd(start, hoursPerWindow) {
  const dayStart = dayOf(start) * DAY_HOURS;
  const endOfDay = dayStart + DAY_HOURS - 1;
  if (hoursPerWindow < DAY_HOURS) {
    return Math.min(
      dayStart + (Math.floor((start - dayStart) / hoursPerWindow) + 1) * hoursPerWindow - 1,
      endOfDay
    );
  }
  if (start !== dayStart) return endOfDay;
  const days = Math.floor(hoursPerWindow / DAY_HOURS);
  return (Math.floor(dayOf(start) / days) + 1) * days * DAY_HOURS - 1;
}
function dayOf(hour) {
  return Math.floor(hour / DAY_HOURS);
}
function splitWindow(window) {
  const hours = windowHours(window);
  const wholeDays = window.start % DAY_HOURS === 0 && hours % DAY_HOURS === 0 ? hours / DAY_HOURS : 0;
  const mid = wholeDays >= 2 ? window.start + Math.floor(wholeDays / 2) * DAY_HOURS : window.start + Math.floor(hours / 2);
  return [
    { start: window.start, end: mid - 1 },
    { start: mid, end: window.end }
  ];
}
function lastSettledHour(now, settleHours) {
  return Math.floor((now.getTime() - settleHours * HOUR_MS) / HOUR_MS) - 1;
}

export {
  parseHour,
  hourFromDate,
  formatApiHour,
  formatHour,
  formatWindow,
  windowHours,
  cutWindows,
  splitWindow,
  lastSettledHour
};
