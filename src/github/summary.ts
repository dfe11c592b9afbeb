import { statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatHour } from "../amplitude/hours.ts";
import { formatBytes, formatCount, formatDuration } from "../cli/output.ts";
import { ConfigurationError, errorMessage, ExternalServiceError, SqlExecutionError } from "../errors.ts";
import { describeTestsScope, type TestsScope } from "../models/test-passes.ts";
import {
  code,
  details,
  escapeHtml,
  escapeShort,
  heading,
  list,
  paragraph,
  raw,
  strong,
  table,
  tableHead,
  tableRow,
  type Cell,
} from "./html.ts";

/**
 * The runner drops a step's whole summary above 1 MiB; builders stop well short of it, so the lines that say
 * what was cut always fit too.
 */
export const SUMMARY_LIMIT_BYTES = 900 * 1024;
/** Rows one table shows at most: past that a table is no longer read, and the log holds every row. */
export const DEFAULT_MAX_ROWS = 500;
/** Kept free for the lines that say what was cut. */
const NOTE_RESERVE_BYTES = 8 * 1024;
/** Of the reserve, what a step's heading and error leave for the notes after them. */
const NOTE_MARGIN_BYTES = 1024;

/** The part of `core.summary` the builders use; tests pass the real one. */
export interface SummaryBuffer {
  addRaw(text: string, addEOL?: boolean): unknown;
  stringify(): string;
}

export interface SummaryOptions {
  /** Where every figure is when the summary cuts some, for the line that says so. Default: the step’s log. */
  fullResults?: string;
  /** The step's error: the summary shows what got done, then why it stopped. */
  error?: unknown;
  /** Default SUMMARY_LIMIT_BYTES. */
  limitBytes?: number;
  /** Bytes already in this step's summary file (an earlier write). Default: the size of $GITHUB_STEP_SUMMARY. */
  writtenBytes?: number;
  /** Default DEFAULT_MAX_ROWS. */
  maxRows?: number;
}

function summaryFileBytes(): number {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) return 0;
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** What a builder may still add, counted against the whole step: the buffer so far and the file. */
class SummaryBudget {
  private readonly limit: number;
  readonly fullResults: string;
  readonly maxRows: number;

  constructor(
    private readonly summary: SummaryBuffer,
    options: SummaryOptions,
  ) {
    this.limit = (options.limitBytes ?? SUMMARY_LIMIT_BYTES) - (options.writtenBytes ?? summaryFileBytes());
    this.fullResults = options.fullResults ?? "the step’s log";
    this.maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  }

  private used(): number {
    return byteLength(this.summary.stringify());
  }

  /** Bytes a section may take, keeping the reserve for notes. */
  available(): number {
    return this.limit - NOTE_RESERVE_BYTES - this.used();
  }

  /** Adds a section when it fits; false when it was left out. */
  add(html: string): boolean {
    if (byteLength(html) + 1 > this.available()) return false;
    this.summary.addRaw(html, true);
    return true;
  }

  /** Adds a section, or a line naming it and where its figures are. */
  addOrCut(html: string, what: string): void {
    if (!this.add(html)) this.cut(`${what} was left out`);
  }

  addHeader(html: string): void {
    this.addEssential(html, "The step’s heading");
  }

  /**
   * A step's heading, figures and error: small, and what a reader needs first, so they may use the reserve.
   * Only at the hard limit are they replaced by the line saying so.
   */
  addEssential(html: string, what: string): void {
    if (byteLength(html) + 1 <= this.limit - NOTE_MARGIN_BYTES - this.used()) this.summary.addRaw(html, true);
    else this.cut(`${what} was left out`);
  }

  /** The visible line for a cut; it uses the reserve, and is itself dropped only at the hard limit. */
  cut(what: string): void {
    const note = paragraph(
      `<em>✂ ${escapeHtml(what)} to keep this summary under GitHub’s 1 MiB limit; ` +
        `the full figures are in ${escapeHtml(this.fullResults)}.</em>`,
    );
    if (byteLength(note) + 1 <= this.limit - this.used()) this.summary.addRaw(note, true);
  }

  /**
   * A table that shows as many rows as fit, at most `maxRows`; the rows left out are named in a line below it,
   * the whole table is replaced by that line when not even its first row fits.
   */
  addTable(spec: { title?: string; what: string; head: readonly string[]; rows: readonly Cell[][] }): void {
    const { rows, what } = spec;
    const titleHtml = spec.title ? heading(spec.title, 4) : "";
    const headHtml = tableHead(spec.head);
    let room = this.available() - byteLength(titleHtml) - byteLength(table(headHtml, [])) - 2;
    const shown: string[] = [];
    for (const row of rows) {
      if (shown.length >= this.maxRows) break;
      const html = tableRow(row);
      room -= byteLength(html);
      if (room < 0) break;
      shown.push(html);
    }
    if (rows.length > 0 && shown.length === 0) {
      this.cut(
        `The ${what} table (${formatCount(rows.length)} row${rows.length === 1 ? "" : "s"}) was left out`,
      );
      return;
    }
    if (titleHtml) this.summary.addRaw(titleHtml, true);
    this.summary.addRaw(table(headHtml, shown), true);
    if (shown.length < rows.length) {
      const reason = shown.length >= this.maxRows ? ` (a table shows at most ${this.maxRows})` : "";
      this.summary.addRaw(
        paragraph(
          `<em>✂ Showing the first ${formatCount(shown.length)} of ${formatCount(rows.length)} ${escapeHtml(what)}` +
            `${escapeHtml(reason)}; every row is in ${escapeHtml(this.fullResults)}.</em>`,
        ),
        true,
      );
    }
  }
}

function seconds(value: number | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : formatDuration(value * 1000);
}

function count(value: number | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : formatCount(value);
}

/** One line of figures: `<strong>12</strong> windows · …`; missing figures are left out. */
function figures(items: ReadonlyArray<[label: string, value: string | undefined]>): string {
  return paragraph(
    items
      .filter((item): item is [string, string] => item[1] !== undefined)
      .map(([label, value]) => `${strong(value)} ${escapeHtml(label)}`)
      .join(" · "),
  );
}

function stepHeading(text: string, failed: boolean): string {
  return heading(`${failed ? "❌" : "✅"} ${text}`, 2);
}

function errorDetails(error: unknown): string[] {
  if (error instanceof ExternalServiceError)
    return [
      `service: ${error.service}`,
      ...(error.status === undefined ? [] : [`status: ${error.status}`]),
      `retryable: ${error.retryable ? "yes" : "no"}`,
    ];
  if (error instanceof SqlExecutionError)
    return [
      `object: ${error.object}`,
      ...(error.details.queryId ? [`query id: ${error.details.queryId}`] : []),
      ...(error.details.sqlState ? [`SQL state: ${error.details.sqlState}`] : []),
    ];
  if (error instanceof ConfigurationError) return ["a setting or input to fix, then run again"];
  return [];
}

function errorHtml(step: string, error: unknown): string {
  const facts = errorDetails(error);
  return (
    heading(`${step} failed`, 3) +
    paragraph(escapeShort(errorMessage(error))) +
    (facts.length > 0 ? list(facts.map(escapeHtml)) : "")
  );
}

/** A failed step: its name, the error's message and what the error says about who can fix it. */
export function addErrorToSummary(
  summary: SummaryBuffer,
  step: string,
  error: unknown,
  options: Omit<SummaryOptions, "error"> = {},
): void {
  const budget = new SummaryBudget(summary, options);
  budget.addEssential(errorHtml(step, error), `The error of ${step}`);
}

function addError(budget: SummaryBudget, step: string, error: unknown): void {
  if (error !== undefined) budget.addEssential(errorHtml(step, error), `The error of ${step}`);
}

/** Shows a list of short values, at most `max`, saying how many more there are. */
function shortList(values: readonly string[], max: number): string {
  const shown = values.slice(0, max).map(code);
  if (values.length > max) shown.push(escapeHtml(`… and ${formatCount(values.length - max)} more`));
  return shown.join(", ");
}

// ----- extract

/** One window of an extract run, as the extractor reports it (`WindowOutcome`). */
export interface ExtractWindowInput {
  status: "exported" | "empty" | "failed";
  window: { start: number; end: number };
  events?: number;
  files?: number;
  bytes?: number;
  rejected?: number;
  attempts?: number;
  error?: string;
}

/** What an extract run reports; a failed step passes the windows it finished (totals then come from them). */
export interface ExtractSummaryInput {
  outcomes: readonly ExtractWindowInput[];
  windows?: number;
  files?: number;
  events?: number;
  bytes?: number;
  rejected?: number;
  /** `YYYY-MM-DDTHH`, in order. */
  failedHours?: readonly string[];
  watermark?: string;
  notStarted?: number;
  unrecorded?: number;
  /** Windows put back from the Actions cache instead of being downloaded again. */
  restored?: number;
  /** Snapshots of objects (taxonomy, cohorts), when the run took any. */
  snapshots?: readonly ExtractSnapshotInput[];
  /** Object groups the Amplitude plan lacks (403), each with why: said once. */
  skippedObjects?: ReadonlyArray<{ group: string; reason: string }>;
  /** Snapshot groups not taken this run: the latest is younger than the interval (ISO times). */
  deferredSnapshots?: ReadonlyArray<{ group: string; lastTaken: string; nextAfter: string }>;
}

/** One snapshot of an object (or of one cohort's members) in an extract run. */
export interface ExtractSnapshotInput {
  object: string;
  cohortId?: string;
  cohortName?: string;
  status: "written" | "unchanged" | "skipped" | "failed";
  records?: number;
  /** `quota` or `not-in-plan`, for skipped ones. */
  cause?: string;
  reason?: string;
  error?: string;
}

export interface ExtractSummaryOptions extends SummaryOptions {
  /** The name of the artifact holding this run's backup folder. */
  artifact?: string;
}

function sum(outcomes: readonly ExtractWindowInput[], field: "events" | "files" | "bytes" | "rejected") {
  return outcomes.reduce((total, outcome) => total + (outcome[field] ?? 0), 0);
}

function windowText(window: { start: number; end: number }): string {
  const start = formatHour(window.start);
  return window.end === window.start ? start : `${start} – ${formatHour(window.end)}`;
}

export function addExtractToSummary(
  summary: SummaryBuffer,
  result: ExtractSummaryInput,
  options: ExtractSummaryOptions = {},
): void {
  const fullResults =
    options.fullResults ??
    (options.artifact ? `the step’s log and the artifact ${options.artifact}` : "the step’s log");
  const budget = new SummaryBudget(summary, { ...options, fullResults });
  const { outcomes } = result;
  const failedWindows = outcomes.filter((outcome) => outcome.status === "failed").length;
  const snapshots = (result.snapshots ?? []).filter(
    (s) => !(s.status === "skipped" && s.cause === "not-in-plan"),
  );
  const failedSnapshots = snapshots.filter((s) => s.status === "failed").length;
  const failed = options.error !== undefined || failedWindows > 0 || failedSnapshots > 0;
  const completed = result.windows ?? outcomes.length - failedWindows;
  budget.addHeader(
    stepHeading(
      `Extract: ${formatCount(completed)} window(s)${failedWindows ? `, ${failedWindows} failed` : ""}` +
        (result.snapshots
          ? `, ${formatCount(snapshots.filter((s) => s.status === "written").length)} snapshot(s) written` +
            (failedSnapshots ? `, ${failedSnapshots} failed` : "")
          : ""),
      failed,
    ) +
      figures([
        ["windows", formatCount(completed)],
        ["files", formatCount(result.files ?? sum(outcomes, "files"))],
        ["events", formatCount(result.events ?? sum(outcomes, "events"))],
        ["downloaded", formatBytes(result.bytes ?? sum(outcomes, "bytes"))],
        ["rejected lines", formatCount(result.rejected ?? sum(outcomes, "rejected"))],
        ["not started", result.notStarted ? formatCount(result.notStarted) : undefined],
      ]) +
      paragraph(
        result.watermark
          ? `Watermark: ${code(result.watermark)} (the first hour not exported yet: every hour before it is)`
          : "Watermark: none yet (no completed window)",
      ) +
      (result.restored
        ? paragraph(
            escapeHtml(
              `${formatCount(result.restored)} window(s) restored from the Actions cache, not downloaded again.`,
            ),
          )
        : "") +
      (options.artifact ? paragraph(`Backup artifact: ${code(options.artifact)}`) : "") +
      (result.unrecorded
        ? paragraph(
            escapeHtml(
              `${result.unrecorded} empty or failed window(s) were not recorded: the app id is not known yet.`,
            ),
          )
        : ""),
  );
  addError(budget, "extract", options.error);
  const failedHours = result.failedHours ?? [];
  if (failedHours.length > 0)
    budget.addOrCut(
      paragraph(
        `${strong(`Failed hours (${formatCount(failedHours.length)}):`)} ${shortList(failedHours, 100)}`,
      ),
      "The list of failed hours",
    );
  budget.addTable({
    what: "windows",
    head: ["window", "outcome", "events", "files", "bytes", "rejected lines"],
    rows: outcomes.map((outcome) => [
      windowText(outcome.window),
      outcome.status === "failed"
        ? raw(`${strong("failed")}: ${escapeShort(outcome.error ?? "", 300)}`)
        : outcome.status,
      count(outcome.events),
      count(outcome.files),
      outcome.bytes === undefined ? undefined : formatBytes(outcome.bytes),
      count(outcome.rejected),
    ]),
  });
  for (const { group, reason } of result.skippedObjects ?? []) {
    budget.addEssential(
      paragraph(`${strong(`Skipped ${escapeHtml(group)}:`)} ${escapeHtml(reason)}`),
      `Why ${group} was skipped`,
    );
  }
  for (const { group, lastTaken, nextAfter } of result.deferredSnapshots ?? []) {
    budget.addEssential(
      paragraph(
        `${strong(`Snapshots of ${escapeHtml(group)}:`)} ` +
          escapeHtml(`skipped, last taken ${lastTaken}, next after ${nextAfter} (snapshot-every)`),
      ),
      `When the ${group} snapshots are due`,
    );
  }
  if (snapshots.length > 0) {
    budget.addTable({
      what: "snapshots",
      head: ["object", "cohort", "records", "outcome"],
      rows: snapshots.map((s) => [
        s.object,
        s.cohortId ? `${s.cohortName ?? ""} (${s.cohortId})` : undefined,
        count(s.records),
        s.status === "failed"
          ? raw(`${strong("failed")}: ${escapeShort(s.error ?? "", 300)}`)
          : s.status === "skipped"
            ? `not downloaded, the latest snapshot stays: ${s.reason ?? s.cause ?? ""}`.slice(0, 300)
            : s.status,
      ]),
    });
  }
}

// ----- upload

export interface UploadSummaryInput {
  summary: {
    files: number;
    bytes: number;
    skipped: number;
    windows?: number;
    deliveries?: number;
    failures?: ReadonlyArray<{ key: string; error: string }>;
  };
  lakeUrl?: string;
  durationMs?: number;
}

/** One window's delivery, as the upload reporter's `windowFinished` gives it. */
export interface UploadWindowInput {
  window: string;
  delivery?: string;
  outcome: "uploaded" | "present" | "failed";
  files: number;
  skipped: number;
  failed: number;
  bytes: number;
}

export interface UploadSummaryOptions extends SummaryOptions {
  /** The per-window lines, collected from the reporter as the step ran. */
  windows?: readonly UploadWindowInput[];
}

/** Upload: files, bytes, skipped; the failures; one line per window. `result` is undefined when the lake never opened. */
export function addUploadToSummary(
  summary: SummaryBuffer,
  result: UploadSummaryInput | undefined,
  options: UploadSummaryOptions = {},
): void {
  const budget = new SummaryBudget(summary, options);
  const failures = result?.summary.failures ?? [];
  const failed = options.error !== undefined || failures.length > 0;
  const s = result?.summary;
  budget.addHeader(
    stepHeading(`Upload${result?.lakeUrl ? ` to ${result.lakeUrl}` : ""}`, failed) +
      (s
        ? figures([
            ["files uploaded", formatCount(s.files)],
            ["uploaded", formatBytes(s.bytes)],
            ["files already in the lake", formatCount(s.skipped)],
            ["windows complete", count(s.windows)],
            ["deliveries completed by this run", count(s.deliveries)],
            ["failed", failures.length > 0 ? formatCount(failures.length) : undefined],
            ["taken", result?.durationMs === undefined ? undefined : formatDuration(result.durationMs)],
          ])
        : ""),
  );
  addError(budget, "upload", options.error);
  if (failures.length > 0)
    budget.addTable({
      title: "Files that failed",
      what: "failed files",
      head: ["file", "error"],
      rows: failures.map((failure) => [failure.key, raw(escapeShort(failure.error, 500))]),
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
        formatBytes(w.bytes),
      ]),
    });
}

// ----- provision

export interface ProvisionObjectInput {
  kind: string;
  name: string;
}

export interface ProvisionPlanInput {
  changes: ReadonlyArray<{ object: ProvisionObjectInput; action: string; detail?: string }>;
  refusals: ReadonlyArray<{ object: ProvisionObjectInput; reason: string; remedy?: string }>;
  statements?: readonly string[];
  suspendsGraph?: boolean;
  pausesRunningGraph?: boolean;
}

export interface ProvisionSummaryOptions extends SummaryOptions {
  /** What happened to the plan: shown (`plan`, `dry-run`) or run (`applied`). Default `plan`. */
  mode?: "plan" | "dry-run" | "applied";
  /** Statements run before a failure, or all of them. */
  applied?: number;
}

const UNCHANGED = new Set(["unchanged", "record"]);

/** Provision: the plan per object (object, kind, action, reason), refusals first and marked. */
export function addProvisionToSummary(
  summary: SummaryBuffer,
  plan: ProvisionPlanInput | undefined,
  options: ProvisionSummaryOptions = {},
): void {
  const budget = new SummaryBudget(summary, options);
  const refusals = plan?.refusals ?? [];
  const failed = options.error !== undefined || refusals.length > 0;
  const mode = options.mode ?? "plan";
  const countOf = (action: string) => plan?.changes.filter((change) => change.action === action).length ?? 0;
  const statements = plan?.statements?.length;
  budget.addHeader(
    stepHeading(`Provision (${mode})`, failed) +
      (plan
        ? figures([
            ["to create", formatCount(countOf("create"))],
            ["to alter", formatCount(countOf("alter"))],
            ["to replace", formatCount(countOf("replace"))],
            ["to drop", formatCount(countOf("drop"))],
            ["unchanged", formatCount(countOf("unchanged") + countOf("record"))],
            ["refused", refusals.length > 0 ? formatCount(refusals.length) : undefined],
            ["statement(s)", count(statements)],
            ["applied", count(options.applied)],
          ])
        : "") +
      (plan?.suspendsGraph || plan?.pausesRunningGraph
        ? paragraph(
            "The task graph is suspended, its run in flight waited for, while its procedures, views or tasks change, and resumed after.",
          )
        : "") +
      (mode === "plan" && statements
        ? paragraph(escapeHtml("Plan only: nothing was run. Run provision without plan to apply."))
        : ""),
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
        raw(escapeShort(refusal.remedy ?? "", 1000)),
      ]),
    });
  if (!plan) return;
  const changed = plan.changes.filter((change) => !UNCHANGED.has(change.action));
  const rows: Cell[][] = [
    ...refusals.map((refusal): Cell[] => [
      raw(strong(refusal.object.name)),
      refusal.object.kind,
      raw(strong("refused")),
      raw(escapeShort(refusal.reason, 500)),
    ]),
    ...changed.map((change): Cell[] => [
      change.object.name,
      change.object.kind,
      change.action,
      change.detail,
    ]),
  ];
  if (rows.length > 0)
    budget.addTable({
      title: "Plan",
      what: "planned changes",
      head: ["object", "kind", "action", "reason"],
      rows,
    });
  else budget.add(paragraph("Nothing to change: every object matches its change-history checksum."));
  const unchanged = plan.changes.filter((change) => UNCHANGED.has(change.action));
  if (unchanged.length > 0)
    budget.addOrCut(
      details(
        `${unchanged.length} unchanged object(s)`,
        list(unchanged.map((change) => `${code(change.object.name)} ${escapeHtml(change.object.kind)}`)),
      ),
      "The list of unchanged objects",
    );
}

// ----- transform

export interface TransformModelInput {
  name: string;
  materialized: string;
  incremental?: boolean;
  /** Left as it was: nothing it reads changed since its last build. */
  unchanged?: boolean;
  status: string;
  rows: number | null;
  seconds: number;
  message?: string;
}

export interface TransformTestInput {
  name: string;
  severity: string;
  status: string;
  failures: number;
  message?: string;
}

/** A task of a Snowflake task graph run (`TaskRun`). */
export interface TransformTaskInput {
  task: string;
  state: string;
  startedAt: string | null;
  seconds: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  message?: string;
}

/** A runner's `TransformResult`, or a Snowflake `GraphRunResult` (with `tasks`). */
export interface TransformSummaryInput {
  target?: string;
  selection?: string | null;
  fullRefresh?: boolean;
  seconds?: number;
  models: readonly TransformModelInput[];
  tests: readonly TransformTestInput[];
  figures?: { models: number; tests_passed: number; tests_failed: number; tests_warned: number };
  graphRunId?: string | null;
  tasks?: readonly TransformTaskInput[];
  notice?: string;
  /** Which form of the data tests ran (the rows the run wrote, or whole tables) and why. */
  testsScope?: TestsScope;
}

const BAD = new Set(["error", "fail", "failed"]);
const TASK_OK = new Set(["SUCCEEDED"]);

function statusCell(status: string, message?: string): Cell {
  if (status === "pass" || status === "success") return status;
  const shown = BAD.has(status) ? strong(status) : escapeHtml(status);
  return raw(message ? `${shown}: ${escapeShort(message, 500)}` : shown);
}

/** Failures first, then warnings, then the rest, each in its given order: cuts drop the passing rows. */
function badFirst<T extends { status: string }>(items: readonly T[]): T[] {
  const rank = (item: T) => (BAD.has(item.status) ? 0 : item.status === "warn" ? 1 : 2);
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/**
 * Transform: the task graph run on Snowflake (task, state, start, duration, error), the runner's models on the
 * embedded warehouse (model, materialization, rows, duration, status), and the data tests.
 */
export function addTransformToSummary(
  summary: SummaryBuffer,
  result: TransformSummaryInput | undefined,
  options: SummaryOptions = {},
): void {
  const budget = new SummaryBudget(summary, options);
  const models = result?.models ?? [];
  const tests = result?.tests ?? [];
  const tasks = result?.tasks ?? [];
  const failedTests = tests.filter((test) => BAD.has(test.status) && test.severity === "error").length;
  const failed =
    options.error !== undefined ||
    models.some((model) => model.status === "error") ||
    failedTests > 0 ||
    tasks.some((task) => task.state.startsWith("FAILED"));
  const fig = result?.figures;
  const where = [
    result?.target,
    result?.selection ? `select ${result.selection}` : undefined,
    result?.fullRefresh ? "full refresh" : undefined,
  ].filter(Boolean);
  budget.addHeader(
    stepHeading(`Transform${where.length ? ` (${where.join(", ")})` : ""}`, failed) +
      (result
        ? figures([
            ["models", formatCount(fig?.models ?? models.length)],
            [
              "tests passed",
              formatCount(fig?.tests_passed ?? tests.filter((t) => t.status === "pass").length),
            ],
            ["tests failed", formatCount(fig?.tests_failed ?? tests.filter((t) => BAD.has(t.status)).length)],
            [
              "tests warned",
              formatCount(fig?.tests_warned ?? tests.filter((t) => t.status === "warn").length),
            ],
            ["taken", seconds(result.seconds)],
          ])
        : "") +
      (result?.graphRunId ? paragraph(`Graph run: ${code(result.graphRunId)}`) : "") +
      (result?.testsScope ? paragraph(escapeHtml(sentence(describeTestsScope(result.testsScope)))) : "") +
      (result?.notice ? paragraph(escapeShort(result.notice)) : ""),
  );
  addError(budget, "transform", options.error);
  if (tasks.length > 0) addTaskTable(budget, "Task graph run", tasks);
  else if (models.length > 0)
    budget.addTable({
      title: "Models",
      what: "models",
      head: ["model", "materialization", "rows", "duration", "status"],
      rows: badFirst(models).map((model) => [
        model.name,
        `${model.materialized}${model.unchanged ? " (unchanged)" : model.incremental ? " (incremental)" : ""}`,
        count(model.rows),
        seconds(model.seconds),
        statusCell(model.status, model.message),
      ]),
    });
  if (tests.length > 0) addTestTable(budget, "Data tests", tests);
}

/** `tests: whole tables (…)` as a sentence: `Data tests: whole tables (…).` */
function sentence(line: string): string {
  return `Data ${line}.`;
}

function addTaskTable(budget: SummaryBudget, title: string, tasks: readonly TransformTaskInput[]): void {
  budget.addTable({
    title,
    what: "tasks",
    head: ["task", "state", "start", "duration", "error"],
    rows: tasks.map((task) => [
      task.task,
      TASK_OK.has(task.state) ? task.state : raw(strong(task.state)),
      task.startedAt,
      seconds(task.seconds),
      raw(
        escapeShort(
          task.errorMessage
            ? `${task.errorCode ? `${task.errorCode}: ` : ""}${task.errorMessage}`
            : (task.message ?? ""),
          500,
        ) || "–",
      ),
    ]),
  });
}

function addTestTable(budget: SummaryBudget, title: string, tests: readonly TransformTestInput[]): void {
  budget.addTable({
    title,
    what: "data tests",
    head: ["test", "severity", "status", "failures"],
    rows: badFirst(tests).map((test) => [
      test.name,
      test.severity,
      statusCell(test.status, test.message),
      formatCount(test.failures),
    ]),
  });
}

export interface GraphRunReportInput {
  graphRunId: string;
  /** Above 1 for a retried run (same id, a new attempt). */
  attempt?: number;
  scheduledAt: string | null;
  scheduledFrom: string | null;
  tasks: readonly TransformTaskInput[];
  tests: readonly TransformTestInput[];
  testsScope?: TestsScope;
  failed: boolean;
  failures: readonly string[];
}

export interface GraphReportSummaryInput {
  finished: readonly GraphRunReportInput[];
  running: GraphRunReportInput | null;
  /** The lake files refreshed into their pipe or copied, and the younger ones left to Snowpipe for now. */
  mended?: readonly string[];
  left?: readonly string[];
  mendAfterMinutes?: number;
  failedFiles?: ReadonlyArray<{ key: string; message: string }>;
}

/**
 * Transform without waiting: each task graph run finished since the last report (its tasks, and its data
 * tests that did not pass), the run in progress, and the lake files mended.
 */
export function addGraphReportToSummary(
  summary: SummaryBuffer,
  report: GraphReportSummaryInput | undefined,
  options: SummaryOptions = {},
): void {
  const budget = new SummaryBudget(summary, options);
  const finished = report?.finished ?? [];
  const failed = options.error !== undefined || finished.some((run) => run.failed);
  const mended = report?.mended ?? [];
  budget.addHeader(
    stepHeading("Transform (task graph runs since the last report)", failed) +
      (report
        ? figures([
            ["runs reported", formatCount(finished.length)],
            ["failed", formatCount(finished.filter((run) => run.failed).length)],
            ["running", formatCount(report.running ? 1 : 0)],
            ["files mended", formatCount(mended.length)],
          ])
        : ""),
  );
  addError(budget, "transform", options.error);
  if (!report) return;
  if (finished.length === 0 && !report.running)
    budget.addHeader(paragraph(escapeHtml("No graph run has finished since the last report.")));
  const runTitle = (run: GraphRunReportInput, what: string) =>
    `Graph run ${run.graphRunId}${(run.attempt ?? 1) > 1 ? ` attempt ${run.attempt}` : ""} (${what}${run.scheduledAt ? `, scheduled ${run.scheduledAt}` : ""}` +
    `${run.scheduledFrom ? ` by ${run.scheduledFrom}` : ""})`;
  for (const run of finished) {
    if (run.failures.length > 0)
      budget.addHeader(paragraph(`${strong("Failed:")} ${shortList(run.failures, 10)}`));
    addTaskTable(budget, runTitle(run, run.failed ? "failed" : "finished"), run.tasks);
    const shown = run.tests.filter((test) => test.status !== "pass");
    const passed = run.tests.length - shown.length;
    if (shown.length > 0) addTestTable(budget, `Data tests of graph run ${run.graphRunId}`, shown);
    if (run.tests.length > 0)
      budget.addHeader(
        paragraph(
          escapeHtml(
            `${formatCount(passed)} of ${formatCount(run.tests.length)} data tests passed.` +
              (run.testsScope ? ` ${sentence(describeTestsScope(run.testsScope))}` : ""),
          ),
        ),
      );
  }
  if (report.running) addTaskTable(budget, runTitle(report.running, "running"), report.running.tasks);
  if (mended.length > 0 || (report.left ?? []).length > 0 || (report.failedFiles ?? []).length > 0)
    budget.addHeader(
      paragraph(
        escapeHtml(
          `Lake files Snowpipe had not loaded ${report.mendAfterMinutes ?? 15} min after upload: ` +
            `${formatCount(mended.length)} mended (refreshed into their pipe or copied); ` +
            `${formatCount((report.left ?? []).length)} younger left to Snowpipe.`,
        ),
      ) +
        (mended.length > 0 ? list(mended.slice(0, 20).map((key) => code(key))) : "") +
        ((report.failedFiles ?? []).length > 0
          ? paragraph(
              `${strong("Not loadable:")} ${shortList(
                report.failedFiles!.map((f) => `${f.key}: ${f.message}`),
                10,
              )}`,
            )
          : ""),
    );
}

// ----- validate

export interface DiagnosticInput {
  severity: string;
  check?: string;
  file?: string;
  line?: number;
  message: string;
}

export interface ValidateSummaryInput {
  project?: string;
  checks: ReadonlyArray<{
    check: string;
    passed: number;
    failed: number;
    warnings: number;
    skipped: number;
    seconds?: number;
    note?: string;
  }>;
  diagnostics: readonly DiagnosticInput[];
  figures?: { models: number; statements: number; errors: number; warnings: number; seconds?: number };
}

export function location(diagnostic: { file?: string; line?: number }): string | undefined {
  if (!diagnostic.file) return undefined;
  return diagnostic.line === undefined ? diagnostic.file : `${diagnostic.file}:${diagnostic.line}`;
}

const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1 };

/** Diagnostics as a table, errors first: severity, check, where, message. */
function diagnosticRows(diagnostics: readonly DiagnosticInput[]): Cell[][] {
  return [...diagnostics]
    .sort((a, b) => (SEVERITY_RANK[a.severity] ?? 2) - (SEVERITY_RANK[b.severity] ?? 2))
    .map((d) => [
      d.severity === "error" ? raw(strong("error")) : d.severity,
      d.check,
      location(d) === undefined ? undefined : raw(code(location(d))),
      raw(escapeShort(d.message, 1000)),
    ]);
}

/** Validate: each check's counts, then every diagnostic with its file and line. */
export function addValidateToSummary(
  summary: SummaryBuffer,
  report: ValidateSummaryInput | undefined,
  options: SummaryOptions = {},
): void {
  const budget = new SummaryBudget(summary, options);
  const diagnostics = report?.diagnostics ?? [];
  const errors = report?.figures?.errors ?? diagnostics.filter((d) => d.severity === "error").length;
  const warnings = report?.figures?.warnings ?? diagnostics.filter((d) => d.severity === "warning").length;
  budget.addHeader(
    stepHeading(
      `SQL check: ${formatCount(errors)} error(s), ${formatCount(warnings)} warning(s)`,
      options.error !== undefined || errors > 0,
    ) +
      (report?.figures
        ? figures([
            ["models", formatCount(report.figures.models)],
            ["Snowflake statements", formatCount(report.figures.statements)],
            ["taken", seconds(report.figures.seconds)],
          ])
        : "") +
      (report?.project ? paragraph(`Project: ${code(report.project)}`) : ""),
  );
  addError(budget, "validate", options.error);
  if (report && report.checks.length > 0)
    budget.addTable({
      title: "Checks",
      what: "checks",
      head: ["check", "passed", "failed", "warnings", "skipped", "duration", "note"],
      rows: report.checks.map((check) => [
        check.check,
        formatCount(check.passed),
        check.failed > 0 ? raw(strong(formatCount(check.failed))) : "0",
        formatCount(check.warnings),
        formatCount(check.skipped),
        seconds(check.seconds),
        check.note,
      ]),
    });
  if (diagnostics.length > 0)
    budget.addTable({
      title: "Diagnostics",
      what: "diagnostics",
      head: ["severity", "check", "where", "message"],
      rows: diagnosticRows(diagnostics),
    });
}

/** Diagnostics the runner got no annotation for (past its 10 per kind): "15 more errors: …" with the table. */
export function addUnannotatedToSummary(
  summary: SummaryBuffer,
  rest: readonly DiagnosticInput[],
  options: SummaryOptions = {},
): void {
  if (rest.length === 0) return;
  const budget = new SummaryBudget(summary, options);
  const tally = new Map<string, number>();
  for (const d of rest) tally.set(d.severity, (tally.get(d.severity) ?? 0) + 1);
  const what = [...tally]
    .map(([severity, n]) => `${formatCount(n)} more ${severity}${n === 1 ? "" : "s"}`)
    .join(", ");
  budget.addTable({
    title: `${what} (past the 10 annotations per kind GitHub keeps for a step)`,
    what: "unannotated diagnostics",
    head: ["severity", "check", "where", "message"],
    rows: diagnosticRows(rest),
  });
}

/** doctor's checks, as the summary shows them: name, status, detail and remedy (never a secret's value). */
export interface DoctorSummaryInput {
  checks: ReadonlyArray<{ name: string; status: string; detail: string; remedy: string | null }>;
  failed: number;
  warned: number;
}

const DOCTOR_MARKS: Record<string, string> = {
  pass: "✅ pass",
  warn: "⚠️ warn",
  fail: "❌ fail",
  skip: "⏭️ skip",
};

/** One row per doctor check, with the remedy of each that is not a pass. */
export function addDoctorToSummary(
  summary: SummaryBuffer,
  result: DoctorSummaryInput | undefined,
  options: SummaryOptions = {},
): void {
  const budget = new SummaryBudget(summary, options);
  const failed = options.error !== undefined || (result?.failed ?? 0) > 0;
  budget.addHeader(
    stepHeading(
      result
        ? `Doctor: ${formatCount(result.failed)} failed, ${formatCount(result.warned)} warned, ` +
            `${formatCount(result.checks.length)} check(s)`
        : "Doctor",
      failed,
    ),
  );
  addError(budget, "doctor", options.error);
  if (result && result.checks.length > 0)
    budget.addTable({
      what: "checks",
      head: ["check", "status", "detail", "remedy"],
      rows: result.checks.map((check) => [
        check.name,
        DOCTOR_MARKS[check.status] ?? check.status,
        raw(escapeShort(check.detail, 1000)),
        raw(escapeShort(check.remedy ?? "", 1000)),
      ]),
    });
}

// ----- the copy a later report step reads

/**
 * Writes `$RUNNER_TEMP/amplitude-pipeline/summary-<name>.md`, the copy of an action's summary a later `report`
 * step in the same job puts in the failure issue. Returns its path; undefined without a runner temp folder.
 */
export async function saveSummaryCopy(
  name: string,
  text: string,
  runnerTemp: string | undefined,
): Promise<string | undefined> {
  if (!runnerTemp) return undefined;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new Error(`summary copy name ${JSON.stringify(name)}: lowercase letters, digits and hyphens only`);
  const folder = join(runnerTemp, "amplitude-pipeline");
  await mkdir(folder, { recursive: true });
  const path = join(folder, `summary-${name}.md`);
  await writeFile(path, text);
  return path;
}
