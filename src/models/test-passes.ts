import { randomUUID } from "node:crypto";
import {
  sqlString,
  timestampLiteral,
  timestampText,
  type SqlValue,
  type Warehouse,
} from "../warehouse/warehouse.ts";

export { DEFAULT_FULL_TESTS_EVERY_HOURS } from "./defaults.ts";

/** One row per data-test pass: which form ran (the increment's rows or whole tables), and when. */
export const TEST_PASSES = "pipeline.test_passes";

/** The embedded warehouse's table; on Snowflake provision creates it (snowflake/table_test_passes.sql). */
const TEST_PASSES_TABLE = `create table if not exists ${TEST_PASSES} (
    run_id varchar not null,
    scope varchar not null,
    every_hours integer,
    started_at timestamp not null,
    finished_at timestamp
)`;

/**
 * Why the tests of a run checked what they checked. `full-refresh`, `full-tests`: asked for; `rebuilt`: no
 * model was built incrementally (a first build), so there was no increment to scope to; `due`: the last
 * whole pass is older than the schedule (or none is recorded); `scheduled`: a whole pass is recent enough,
 * so the tests checked the rows the run wrote.
 */
export type TestsScopeReason = "full-refresh" | "full-tests" | "rebuilt" | "due" | "scheduled";

export interface TestsScope {
  /** `increment`: the rows the run wrote and the keys they touched; `whole`: every row. */
  scope: "increment" | "whole";
  reason: TestsScopeReason;
  /** When the last whole pass before this run started (`YYYY-MM-DD HH:MM:SS.fff`, UTC); null when none. */
  lastWholePass: string | null;
  /** Hours between whole passes (0: every run); null when the warehouse did not record it. */
  everyHours: number | null;
  /** When this run's tests started, as `lastWholePass`. */
  startedAt: string;
}

/** Hours from `since` to `until`, both as the warehouse's timestamp text. */
function hoursBetween(since: string, until: string): number {
  return (Date.parse(`${until.replace(" ", "T")}Z`) - Date.parse(`${since.replace(" ", "T")}Z`)) / 3_600_000;
}

/** Whether a whole pass is due: none recorded, or the last one at least `everyHours` old (0: always). */
export function wholePassDue(lastWholePass: string | null, everyHours: number, now: string): boolean {
  return lastWholePass === null || everyHours === 0 || hoursBetween(lastWholePass, now) >= everyHours;
}

function hoursText(hours: number): string {
  return hours < 1 ? "less than 1 h" : `${Math.floor(hours)} h`;
}

/** One line: `tests: on the rows this run wrote (whole tables last tested 3 h ago, again after 24 h)`. */
export function describeTestsScope(scope: TestsScope): string {
  const last = scope.lastWholePass
    ? `last whole pass ${hoursText(hoursBetween(scope.lastWholePass, scope.startedAt))} ago`
    : "no whole pass recorded";
  if (scope.scope === "increment") {
    const again = scope.everyHours === null ? "" : `, again after ${scope.everyHours} h`;
    return `tests: on the rows this run wrote (${last.replace("last whole pass", "whole tables last tested")}${again})`;
  }
  const why = {
    "full-refresh": "full refresh",
    "full-tests": "--full-tests",
    rebuilt: "every model was built whole",
    due: scope.everyHours === 0 ? "due: every run" : `due: ${last}`,
    scheduled: "scheduled",
  }[scope.reason];
  return `tests: whole tables (${why})`;
}

/** The start of the last whole pass that finished, or null (also when the table does not exist yet). */
export async function lastWholePass(warehouse: Warehouse): Promise<string | null> {
  if (!(await warehouse.tableExists("pipeline", "test_passes"))) return null;
  const rows = await warehouse.query<{ last_pass: SqlValue }>(
    `select max(started_at) as last_pass from ${TEST_PASSES} where scope = 'whole' and finished_at is not null`,
  );
  return timestampValue(rows[0]?.last_pass);
}

/** A timestamp as the drivers give it (Date, or text) in the warehouse's timestamp text; null for null. */
export function timestampValue(value: SqlValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return timestampText(value);
  const text = String(value);
  const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
  return Number.isNaN(parsed) ? text : timestampText(new Date(parsed));
}

/** Records a pass that finished (the embedded runner, and tests Snowflake ran from this machine). */
export async function recordTestPass(
  warehouse: Warehouse,
  pass: { runId?: string; scope: TestsScope; finishedAt: string },
): Promise<void> {
  if (warehouse.dialect === "duckdb") {
    await warehouse.execute("create schema if not exists pipeline");
    await warehouse.execute(TEST_PASSES_TABLE);
  } else if (!(await warehouse.tableExists("pipeline", "test_passes"))) {
    // Provision creates it on Snowflake: an account not provisioned since keeps no record until then.
    return;
  }
  const { scope } = pass;
  await warehouse.execute(
    `insert into ${TEST_PASSES} (run_id, scope, every_hours, started_at, finished_at)
     values (${sqlString(pass.runId ?? randomUUID())}, ${sqlString(scope.scope)}, ${scope.everyHours ?? "null"}, ` +
      `${timestampLiteral(scope.startedAt)}, ${timestampLiteral(pass.finishedAt)})`,
  );
}
