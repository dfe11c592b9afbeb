import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  formatHour
} from "./chunk-K7MJLPHH.js";
import {
  ConfigurationError,
  ExternalServiceError,
  SqlExecutionError,
  errorMessage
} from "./chunk-Z6P62WD7.js";

// src/github/summary.ts
import { statSync } from "node:fs";

// src/cli/output.ts
function formatBytes(bytes) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1e3 && unit < units.length - 1) {
    value /= 1e3;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
function formatCount(n) {
  return n.toLocaleString("en-US");
}
function formatDuration(ms) {
  return ms < 1e3 ? `${Math.round(ms)} ms` : `${(ms / 1e3).toFixed(1)} s`;
}

// src/github/html.ts
var ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  // A pipe would start a markdown table cell if a value ever lands outside an HTML block.
  "|": "&#124;"
};
function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"'|]/g, (c) => ENTITIES[c]).replace(/\r?\n/g, "<br>");
}
function escapeShort(value, maxChars = 2e3) {
  const text = String(value ?? "");
  if (text.length <= maxChars) return escapeHtml(text);
  return `${escapeHtml(text.slice(0, maxChars))}… <em>(${text.length - maxChars} more characters in the log)</em>`;
}
function raw(html) {
  return { html };
}
function cellHtml(cell) {
  if (cell === null || cell === void 0 || cell === "") return "–";
  if (typeof cell === "object") return cell.html;
  return escapeHtml(cell);
}
function tableHead(header) {
  return `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
}
function tableRow(cells) {
  return `<tr>${cells.map((cell) => `<td>${cellHtml(cell)}</td>`).join("")}</tr>`;
}
function table(headHtml, rowHtml) {
  return `<table>${headHtml}${rowHtml.join("")}</table>`;
}
function heading(text, level = 3) {
  return `<h${level}>${escapeHtml(text)}</h${level}>`;
}
function paragraph(html) {
  return `<p>${html}</p>`;
}
function code(value) {
  return `<code>${escapeHtml(value)}</code>`;
}
function strong(value) {
  return `<strong>${escapeHtml(value)}</strong>`;
}
function details(summaryText, contentHtml) {
  return `<details><summary>${escapeHtml(summaryText)}</summary>${contentHtml}</details>`;
}
function list(itemsHtml) {
  return `<ul>${itemsHtml.map((item) => `<li>${item}</li>`).join("")}</ul>`;
}

// src/github/summary.ts
var SUMMARY_LIMIT_BYTES = 900 * 1024;
var DEFAULT_MAX_ROWS = 500;
var NOTE_RESERVE_BYTES = 8 * 1024;
var NOTE_MARGIN_BYTES = 1024;
function summaryFileBytes() {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) return 0;
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
function byteLength(text) {
  return Buffer.byteLength(text, "utf8");
}
var SummaryBudget = class {
  constructor(summary, options) {
    this.summary = summary;
    this.limit = (options.limitBytes ?? SUMMARY_LIMIT_BYTES) - (options.writtenBytes ?? summaryFileBytes());
    this.fullResults = options.fullResults ?? "the step’s log";
    this.maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  }
  summary;
  limit;
  fullResults;
  maxRows;
  used() {
    return byteLength(this.summary.stringify());
  }
  /** Bytes a section may take, keeping the reserve for notes. */
  available() {
    return this.limit - NOTE_RESERVE_BYTES - this.used();
  }
  /** Adds a section when it fits; false when it was left out. */
  add(html) {
    if (byteLength(html) + 1 > this.available()) return false;
    this.summary.addRaw(html, true);
    return true;
  }
  /** Adds a section, or a line naming it and where its figures are. */
  addOrCut(html, what) {
    if (!this.add(html)) this.cut(`${what} was left out`);
  }
  addHeader(html) {
    this.addEssential(html, "The step’s heading");
  }
  /**
   * A step's heading, figures and error: small, and what a reader needs first, so they may use the reserve.
   * Only at the hard limit are they replaced by the line saying so.
   */
  addEssential(html, what) {
    if (byteLength(html) + 1 <= this.limit - NOTE_MARGIN_BYTES - this.used()) this.summary.addRaw(html, true);
    else this.cut(`${what} was left out`);
  }
  /** The visible line for a cut; it uses the reserve, and is itself dropped only at the hard limit. */
  cut(what) {
    const note = paragraph(
      `<em>✂ ${escapeHtml(what)} to keep this summary under GitHub’s 1 MiB limit; the full figures are in ${escapeHtml(this.fullResults)}.</em>`
    );
    if (byteLength(note) + 1 <= this.limit - this.used()) this.summary.addRaw(note, true);
  }
  /**
   * A table that shows as many rows as fit, at most `maxRows`; the rows left out are named in a line below it,
   * the whole table is replaced by that line when not even its first row fits.
   */
  addTable(spec) {
    const { rows, what } = spec;
    const titleHtml = spec.title ? heading(spec.title, 4) : "";
    const headHtml = tableHead(spec.head);
    let room = this.available() - byteLength(titleHtml) - byteLength(table(headHtml, [])) - 2;
    const shown = [];
    for (const row of rows) {
      if (shown.length >= this.maxRows) break;
      const html = tableRow(row);
      room -= byteLength(html);
      if (room < 0) break;
      shown.push(html);
    }
    if (rows.length > 0 && shown.length === 0) {
      this.cut(
        `The ${what} table (${formatCount(rows.length)} row${rows.length === 1 ? "" : "s"}) was left out`
      );
      return;
    }
    if (titleHtml) this.summary.addRaw(titleHtml, true);
    this.summary.addRaw(table(headHtml, shown), true);
    if (shown.length < rows.length) {
      const reason = shown.length >= this.maxRows ? ` (a table shows at most ${this.maxRows})` : "";
      this.summary.addRaw(
        paragraph(
          `<em>✂ Showing the first ${formatCount(shown.length)} of ${formatCount(rows.length)} ${escapeHtml(what)}${escapeHtml(reason)}; every row is in ${escapeHtml(this.fullResults)}.</em>`
        ),
        true
      );
    }
  }
};
function seconds(value) {
  return value === null || value === void 0 ? void 0 : formatDuration(value * 1e3);
}
function count(value) {
  return value === null || value === void 0 ? void 0 : formatCount(value);
}
function figures(items) {
  return paragraph(
    items.filter((item) => item[1] !== void 0).map(([label, value]) => `${strong(value)} ${escapeHtml(label)}`).join(" · ")
  );
}
function stepHeading(text, failed) {
  return heading(`${failed ? "❌" : "✅"} ${text}`, 2);
}
function errorDetails(error) {
  if (error instanceof ExternalServiceError)
    return [
      `service: ${error.service}`,
      ...error.status === void 0 ? [] : [`status: ${error.status}`],
      `retryable: ${error.retryable ? "yes" : "no"}`
    ];
  if (error instanceof SqlExecutionError)
    return [
      `object: ${error.object}`,
      ...error.details.queryId ? [`query id: ${error.details.queryId}`] : [],
      ...error.details.sqlState ? [`SQL state: ${error.details.sqlState}`] : []
    ];
  if (error instanceof ConfigurationError) return ["a setting or input to fix, then run again"];
  return [];
}
function errorHtml(step, error) {
  const facts = errorDetails(error);
  return heading(`${step} failed`, 3) + paragraph(escapeShort(errorMessage(error))) + (facts.length > 0 ? list(facts.map(escapeHtml)) : "");
}
function addError(budget, step, error) {
  if (error !== void 0) budget.addEssential(errorHtml(step, error), `The error of ${step}`);
}
function shortList(values, max) {
  const shown = values.slice(0, max).map(code);
  if (values.length > max) shown.push(escapeHtml(`… and ${formatCount(values.length - max)} more`));
  return shown.join(", ");
}
function sum(outcomes, field) {
  return outcomes.reduce((total, outcome) => total + (outcome[field] ?? 0), 0);
}
function windowText(window) {
  const start = formatHour(window.start);
  return window.end === window.start ? start : `${start} – ${formatHour(window.end)}`;
}
function addExtractToSummary(summary, result, options = {}) {
  const fullResults = options.fullResults ?? (options.artifact ? `the step’s log and the artifact ${options.artifact}` : "the step’s log");
  const budget = new SummaryBudget(summary, { ...options, fullResults });
  const { outcomes } = result;
  const failedWindows = outcomes.filter((outcome) => outcome.status === "failed").length;
  const failed = options.error !== void 0 || failedWindows > 0;
  const completed = result.windows ?? outcomes.length - failedWindows;
  budget.addHeader(
    stepHeading(
      `Extract: ${formatCount(completed)} window(s)${failedWindows ? `, ${failedWindows} failed` : ""}`,
      failed
    ) + figures([
      ["windows", formatCount(completed)],
      ["files", formatCount(result.files ?? sum(outcomes, "files"))],
      ["events", formatCount(result.events ?? sum(outcomes, "events"))],
      ["downloaded", formatBytes(result.bytes ?? sum(outcomes, "bytes"))],
      ["rejected lines", formatCount(result.rejected ?? sum(outcomes, "rejected"))],
      ["not started", result.notStarted ? formatCount(result.notStarted) : void 0]
    ]) + paragraph(
      result.watermark ? `Watermark: ${code(result.watermark)} (every hour up to it is exported)` : "Watermark: none yet (no completed window)"
    ) + (options.artifact ? paragraph(`Backup artifact: ${code(options.artifact)}`) : "") + (result.unrecorded ? paragraph(
      escapeHtml(
        `${result.unrecorded} empty or failed window(s) were not recorded: the app id is not known yet.`
      )
    ) : "")
  );
  addError(budget, "extract", options.error);
  const failedHours = result.failedHours ?? [];
  if (failedHours.length > 0)
    budget.addOrCut(
      paragraph(
        `${strong(`Failed hours (${formatCount(failedHours.length)}):`)} ${shortList(failedHours, 100)}`
      ),
      "The list of failed hours"
    );
  budget.addTable({
    what: "windows",
    head: ["window", "outcome", "events", "files", "bytes", "rejected lines"],
    rows: outcomes.map((outcome) => [
      windowText(outcome.window),
      outcome.status === "failed" ? raw(`${strong("failed")}: ${escapeShort(outcome.error ?? "", 300)}`) : outcome.status,
      count(outcome.events),
      count(outcome.files),
      outcome.bytes === void 0 ? void 0 : formatBytes(outcome.bytes),
      count(outcome.rejected)
    ])
  });
}
function addUploadToSummary(summary, result, options = {}) {
  const budget = new SummaryBudget(summary, options);
  const failures = result?.summary.failures ?? [];
  const failed = options.error !== void 0 || failures.length > 0;
  const s = result?.summary;
  budget.addHeader(
    stepHeading(`Upload${result?.lakeUrl ? ` to ${result.lakeUrl}` : ""}`, failed) + (s ? figures([
      ["files uploaded", formatCount(s.files)],
      ["uploaded", formatBytes(s.bytes)],
      ["files already in the lake", formatCount(s.skipped)],
      ["windows complete", count(s.windows)],
      ["deliveries completed by this run", count(s.deliveries)],
      ["failed", failures.length > 0 ? formatCount(failures.length) : void 0],
      ["taken", result?.durationMs === void 0 ? void 0 : formatDuration(result.durationMs)]
    ]) : "")
  );
  addError(budget, "upload", options.error);
  if (failures.length > 0)
    budget.addTable({
      title: "Files that failed",
      what: "failed files",
      head: ["file", "error"],
      rows: failures.map((failure) => [failure.key, raw(escapeShort(failure.error, 500))])
    });
  const windows = options.windows ?? [];
  if (windows.length > 0)
    budget.addTable({
      title: "Windows",
      what: "windows",
      head: ["window", "delivery", "outcome", "files uploaded", "already there", "failed", "bytes"],
      rows: windows.map((w) => [
        w.window,
        w.delivery,
        w.outcome === "failed" ? raw(strong("failed")) : w.outcome,
        formatCount(w.files),
        formatCount(w.skipped),
        formatCount(w.failed),
        formatBytes(w.bytes)
      ])
    });
}
var UNCHANGED = /* @__PURE__ */ new Set(["unchanged", "record"]);
function addProvisionToSummary(summary, plan, options = {}) {
  const budget = new SummaryBudget(summary, options);
  const refusals = plan?.refusals ?? [];
  const failed = options.error !== void 0 || refusals.length > 0;
  const mode = options.mode ?? "plan";
  const countOf = (action) => plan?.changes.filter((change) => change.action === action).length ?? 0;
  const statements = plan?.statements?.length;
  budget.addHeader(
    stepHeading(`Provision (${mode})`, failed) + (plan ? figures([
      ["to create", formatCount(countOf("create"))],
      ["to alter", formatCount(countOf("alter"))],
      ["to replace", formatCount(countOf("replace"))],
      ["to drop", formatCount(countOf("drop"))],
      ["unchanged", formatCount(countOf("unchanged") + countOf("record"))],
      ["refused", refusals.length > 0 ? formatCount(refusals.length) : void 0],
      ["statement(s)", count(statements)],
      ["applied", count(options.applied)]
    ]) : "") + (plan?.suspendsGraph ? paragraph("The task graph is suspended while its tasks change and resumed after.") : "") + (mode === "plan" && statements ? paragraph(escapeHtml("Plan only: nothing was run. Run provision without plan to apply.")) : "")
  );
  addError(budget, "provision", options.error);
  if (refusals.length > 0)
    budget.addTable({
      title: `⛔ ${refusals.length} change(s) refused: nothing was applied`,
      what: "refusals",
      head: ["object", "kind", "reason", "what to do"],
      rows: refusals.map((refusal) => [
        raw(strong(refusal.object.name)),
        refusal.object.kind,
        raw(escapeShort(refusal.reason, 500)),
        raw(escapeShort(refusal.remedy ?? "", 1e3))
      ])
    });
  if (!plan) return;
  const changed = plan.changes.filter((change) => !UNCHANGED.has(change.action));
  const rows = [
    ...refusals.map((refusal) => [
      raw(strong(refusal.object.name)),
      refusal.object.kind,
      raw(strong("refused")),
      raw(escapeShort(refusal.reason, 500))
    ]),
    ...changed.map((change) => [
      change.object.name,
      change.object.kind,
      change.action,
      change.detail
    ])
  ];
  if (rows.length > 0)
    budget.addTable({
      title: "Plan",
      what: "planned changes",
      head: ["object", "kind", "action", "reason"],
      rows
    });
  else budget.add(paragraph("Nothing to change: every object matches its change-history checksum."));
  const unchanged = plan.changes.filter((change) => UNCHANGED.has(change.action));
  if (unchanged.length > 0)
    budget.addOrCut(
      details(
        `${unchanged.length} unchanged object(s)`,
        list(unchanged.map((change) => `${code(change.object.name)} ${escapeHtml(change.object.kind)}`))
      ),
      "The list of unchanged objects"
    );
}
var BAD = /* @__PURE__ */ new Set(["error", "fail", "failed"]);
var TASK_OK = /* @__PURE__ */ new Set(["SUCCEEDED"]);
function statusCell(status, message) {
  if (status === "pass" || status === "success") return status;
  const shown = BAD.has(status) ? strong(status) : escapeHtml(status);
  return raw(message ? `${shown}: ${escapeShort(message, 500)}` : shown);
}
function badFirst(items) {
  const rank = (item) => BAD.has(item.status) ? 0 : item.status === "warn" ? 1 : 2;
  return [...items].sort((a, b) => rank(a) - rank(b));
}
function addTransformToSummary(summary, result, options = {}) {
  const budget = new SummaryBudget(summary, options);
  const models = result?.models ?? [];
  const tests = result?.tests ?? [];
  const tasks = result?.tasks ?? [];
  const failedTests = tests.filter((test) => BAD.has(test.status) && test.severity === "error").length;
  const failed = options.error !== void 0 || models.some((model) => model.status === "error") || failedTests > 0 || tasks.some((task) => task.state.startsWith("FAILED"));
  const fig = result?.figures;
  const where = [
    result?.target,
    result?.selection ? `select ${result.selection}` : void 0,
    result?.fullRefresh ? "full refresh" : void 0
  ].filter(Boolean);
  budget.addHeader(
    stepHeading(`Transform${where.length ? ` (${where.join(", ")})` : ""}`, failed) + (result ? figures([
      ["models", formatCount(fig?.models ?? models.length)],
      [
        "tests passed",
        formatCount(fig?.tests_passed ?? tests.filter((t) => t.status === "pass").length)
      ],
      ["tests failed", formatCount(fig?.tests_failed ?? tests.filter((t) => BAD.has(t.status)).length)],
      [
        "tests warned",
        formatCount(fig?.tests_warned ?? tests.filter((t) => t.status === "warn").length)
      ],
      ["taken", seconds(result.seconds)]
    ]) : "") + (result?.graphRunId ? paragraph(`Graph run: ${code(result.graphRunId)}`) : "") + (result?.notice ? paragraph(escapeShort(result.notice)) : "")
  );
  addError(budget, "transform", options.error);
  if (tasks.length > 0)
    budget.addTable({
      title: "Task graph run",
      what: "tasks",
      head: ["task", "state", "start", "duration", "error"],
      rows: tasks.map((task) => [
        task.task,
        TASK_OK.has(task.state) ? task.state : raw(strong(task.state)),
        task.startedAt,
        seconds(task.seconds),
        raw(
          escapeShort(
            task.errorMessage ? `${task.errorCode ? `${task.errorCode}: ` : ""}${task.errorMessage}` : task.message ?? "",
            500
          ) || "–"
        )
      ])
    });
  else if (models.length > 0)
    budget.addTable({
      title: "Models",
      what: "models",
      head: ["model", "materialization", "rows", "duration", "status"],
      rows: badFirst(models).map((model) => [
        model.name,
        `${model.materialized}${model.incremental ? " (incremental)" : ""}`,
        count(model.rows),
        seconds(model.seconds),
        statusCell(model.status, model.message)
      ])
    });
  if (tests.length > 0)
    budget.addTable({
      title: "Data tests",
      what: "data tests",
      head: ["test", "severity", "status", "failures"],
      rows: badFirst(tests).map((test) => [
        test.name,
        test.severity,
        statusCell(test.status, test.message),
        formatCount(test.failures)
      ])
    });
}

// src/amplitude/limits.ts
var MAX_CONCURRENCY = 5;
var DEFAULT_MAX_LINE_BYTES = 128 * 1024 * 1024;
var DEFAULT_HISTORY = "3m";
var DEFAULT_MAX_HOURS = 7 * 24;

// src/lake/lake-url.ts
function parseS3LakeUrl(url, env, fallbackBucket) {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(url);
  if (!match) return null;
  return {
    bucket: match[1] || env.AWS_BUCKET_NAME || fallbackBucket || "",
    prefix: match[2].replace(/^\/+|\/+$/g, "")
  };
}

export {
  addExtractToSummary,
  addUploadToSummary,
  addProvisionToSummary,
  addTransformToSummary,
  MAX_CONCURRENCY,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_HISTORY,
  DEFAULT_MAX_HOURS,
  parseS3LakeUrl
};
