import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  sqlString,
  timestampLiteral,
  timestampText
} from "./chunk-DLZUFQUX.js";

// src/models/defaults.ts
var DEFAULT_PROJECT = "sql";
var DEFAULT_TARGET_DIR = "target";
var DEFAULT_FULL_TESTS_EVERY_HOURS = 24;

// src/models/test-passes.ts
import { randomUUID } from "node:crypto";
var TEST_PASSES = "pipeline.test_passes";
var TEST_PASSES_TABLE = `create table if not exists ${TEST_PASSES} (
    run_id varchar not null,
    scope varchar not null,
    every_hours integer,
    started_at timestamp not null,
    finished_at timestamp
)`;
function hoursBetween(since, until) {
  return (Date.parse(`${until.replace(" ", "T")}Z`) - Date.parse(`${since.replace(" ", "T")}Z`)) / 36e5;
}
function wholePassDue(lastWholePass2, everyHours, now) {
  return lastWholePass2 === null || everyHours === 0 || hoursBetween(lastWholePass2, now) >= everyHours;
}
function hoursText(hours) {
  return hours < 1 ? "less than 1 h" : `${Math.floor(hours)} h`;
}
function describeTestsScope(scope) {
  const last = scope.lastWholePass ? `last whole pass ${hoursText(hoursBetween(scope.lastWholePass, scope.startedAt))} ago` : "no whole pass recorded";
  if (scope.scope === "increment") {
    const again = scope.everyHours === null ? "" : `, again after ${scope.everyHours} h`;
    return `tests: on the rows this run wrote (${last.replace("last whole pass", "whole tables last tested")}${again})`;
  }
  const why = {
    "full-refresh": "full refresh",
    "full-tests": "--full-tests",
    rebuilt: "every model was built whole",
    due: scope.everyHours === 0 ? "due: every run" : `due: ${last}`,
    scheduled: "scheduled"
  }[scope.reason];
  return `tests: whole tables (${why})`;
}
async function lastWholePass(warehouse) {
  if (!await warehouse.tableExists("pipeline", "test_passes")) return null;
  const rows = await warehouse.query(
    `select max(started_at) as last_pass from ${TEST_PASSES} where scope = 'whole' and finished_at is not null`
  );
  return timestampValue(rows[0]?.last_pass);
}
function timestampValue(value) {
  if (value === null || value === void 0) return null;
  if (value instanceof Date) return timestampText(value);
  const text = String(value);
  const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
  return Number.isNaN(parsed) ? text : timestampText(new Date(parsed));
}
async function recordTestPass(warehouse, pass) {
  if (warehouse.dialect === "duckdb") {
    await warehouse.execute("create schema if not exists pipeline");
    await warehouse.execute(TEST_PASSES_TABLE);
  } else if (!await warehouse.tableExists("pipeline", "test_passes")) {
    return;
  }
  const { scope } = pass;
  await warehouse.execute(
    `insert into ${TEST_PASSES} (run_id, scope, every_hours, started_at, finished_at)
     values (${sqlString(pass.runId ?? randomUUID())}, ${sqlString(scope.scope)}, ${scope.everyHours ?? "null"}, ${timestampLiteral(scope.startedAt)}, ${timestampLiteral(pass.finishedAt)})`
  );
}

export {
  DEFAULT_PROJECT,
  DEFAULT_TARGET_DIR,
  DEFAULT_FULL_TESTS_EVERY_HOURS,
  TEST_PASSES,
  wholePassDue,
  describeTestsScope,
  lastWholePass,
  timestampValue,
  recordTestPass
};
