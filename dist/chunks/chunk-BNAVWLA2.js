import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __filename = __amplitudePipelineFileURLToPath(import.meta.url);
const __dirname = __filename.slice(0, __filename.lastIndexOf("/"));
import {
  ConfigurationError
} from "./chunk-NNUQH4OQ.js";

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
function hourToDate(hour) {
  return new Date(hour * HOUR_MS);
}
function formatHour(hour) {
  return hourToDate(hour).toISOString().slice(0, 13);
}
function lastSettledHour(now, settleHours) {
  return Math.floor((now.getTime() - settleHours * HOUR_MS) / HOUR_MS) - 1;
}

export {
  parseHour,
  formatHour,
  lastSettledHour
};
