import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { errorMessage } from "../errors.ts";
import type { PlannedTest } from "../models/data-tests.ts";
import { testOutcome, type ModelResult, type TestResult } from "../models/runner.ts";
import { TEST_RESULTS } from "../snowflake/objects.ts";
import type { SqlValue, Warehouse } from "../warehouse/warehouse.ts";

/** The last results of the project's data tests, and where they came from. */
export interface LastResults {
  /** Test name (lowercase) → its last result. */
  tests: Map<string, TestResult>;
  /** `target/run_results.json` or `pipeline.test_results`. */
  from: string;
  /** When the run that produced them started (or the newest result was recorded), ISO. */
  at?: string;
  /** The models of that run (run_results.json only): rows and status as built. */
  models?: ModelResult[];
}

/**
 * The newest `run_results.json` under `targetDir` (transform writes `target/run_results.json`; other
 * runs may keep theirs in sub-folders), by the time its run started. Files that are not a transform's
 * results are passed over with a warning. Undefined when there is none.
 */
export async function latestRunResults(
  targetDir: string,
  warn: (message: string) => void,
): Promise<LastResults | undefined> {
  const entries = await readdir(targetDir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries
    .filter((e) => e.isFile() && e.name === "run_results.json")
    .map((e) => join(e.parentPath, e.name))
    .sort();
  let latest: LastResults | undefined;
  for (const file of files) {
    // As the user would type it from here; a path outside the working folder stays absolute.
    const fromHere = relative(process.cwd(), file);
    const shown = fromHere && !fromHere.startsWith("..") ? fromHere : file;
    let parsed: { startedAt?: unknown; tests?: unknown; models?: unknown };
    try {
      parsed = JSON.parse(await readFile(file, "utf8")) as typeof parsed;
    } catch (error) {
      warn(`${shown} is not JSON (${errorMessage(error)}): its test results are not shown`);
      continue;
    }
    if (!Array.isArray(parsed.tests) || typeof parsed.startedAt !== "string") {
      warn(`${shown} is not the results of a transform (no startedAt and tests): not shown`);
      continue;
    }
    if (latest?.at && latest.at >= parsed.startedAt) continue;
    const tests = new Map<string, TestResult>();
    for (const test of parsed.tests as TestResult[]) {
      if (typeof test?.name === "string") tests.set(test.name.toLowerCase(), test);
    }
    latest = {
      tests,
      from: shown,
      at: parsed.startedAt,
      models: Array.isArray(parsed.models) ? (parsed.models as ModelResult[]) : undefined,
    };
  }
  return latest;
}

/**
 * Snowflake: the latest row of each test the finalizer recorded in pipeline.test_results, judged the
 * way transform judges it (through the runner's testOutcome with the test as planned now). Undefined
 * when the table does not exist or holds nothing.
 */
export async function recordedResults(
  warehouse: Warehouse,
  planned: PlannedTest[],
): Promise<LastResults | undefined> {
  const [schema, name] = TEST_RESULTS.split(".");
  if (!(await warehouse.tableExists(schema!, name!))) return undefined;
  const rows = await warehouse.query<{
    test_name: string;
    failures: SqlValue;
    sample: SqlValue;
    error: SqlValue;
    seconds: SqlValue;
    recorded_at: SqlValue;
  }>(
    `select test_name, failures, failing_rows as sample, error, seconds, recorded_at from ${TEST_RESULTS}
     qualify row_number() over (partition by lower(test_name) order by recorded_at desc) = 1`,
  );
  if (rows.length === 0) return undefined;
  const byName = new Map(planned.map((test) => [test.name.toLowerCase(), test]));
  const tests = new Map<string, TestResult>();
  let at: string | undefined;
  for (const row of rows) {
    const test = byName.get(String(row.test_name).toLowerCase());
    if (!test) continue;
    const seconds = Number(row.seconds ?? 0);
    const error = row.error === null || row.error === undefined ? "" : String(row.error);
    tests.set(
      test.name.toLowerCase(),
      error !== ""
        ? testOutcome(test, { error, seconds })
        : testOutcome(test, { failures: Number(row.failures ?? 0), sample: sampleRows(row.sample), seconds }),
    );
    const recorded = row.recorded_at instanceof Date ? row.recorded_at.toISOString() : undefined;
    if (recorded && (!at || recorded > at)) at = recorded;
  }
  return { tests, from: TEST_RESULTS, at };
}

/** OBJECT_CONSTRUCT(*) makes the sample's keys uppercase; the tests' own columns are lowercase. */
function sampleRows(sample: SqlValue): Record<string, unknown>[] {
  let value: unknown = sample;
  if (typeof sample === "string") {
    try {
      value = JSON.parse(sample);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (row): row is Record<string, unknown> => typeof row === "object" && row !== null && !Array.isArray(row),
    )
    .map((row) => Object.fromEntries(Object.entries(row).map(([key, v]) => [key.toLowerCase(), v])));
}
