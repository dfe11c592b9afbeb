/**
 * The warehouse contract says incremental models always hold what `transform --full-refresh` builds
 * from the same raw table, whatever the order and content of deliveries. This test generates random
 * delivery sequences from the simulator (windows of random sizes and alignments, overlapping and out
 * of order, re-exports in random re-processing rounds, older rounds after newer ones, and scheduled runs
 * of the hours after the newest delivered) and after each
 * delivery compares every model table built incrementally with its full refresh.
 *
 *   PROPERTY_SEED=17 npx vitest run test/incremental-property.test.ts          replay sequence 17
 *   PROPERTY_SEQUENCES=20 npx vitest run test/incremental-property.test.ts     run 20 sequences
 *
 * Both together run PROPERTY_SEQUENCES sequences from PROPERTY_SEED on.
 */
import { access, copyFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatHour, type HourWindow } from "../src/amplitude/hours.ts";
import { intBetween, mixSeed, pick, seededRandom } from "../src/amplitude/simulator/random.ts";
import type { AmplitudeSimulator, ReprocessRates } from "../src/amplitude/simulator/server.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import { upload } from "../src/lake/upload.ts";
import { readProject, type Project } from "../src/models/project.ts";
import { transform, type TransformResult } from "../src/models/runner.ts";
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { load } from "../src/warehouse/load.ts";
import { sqlString, type Row, type SqlValue } from "../src/warehouse/warehouse.ts";
import { tempDir } from "./support/files.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";
import { PROJECT_DIR } from "./support/warehouse.ts";

/** The schemas models build into; every table in them is compared, whatever models exist. */
const MODEL_SCHEMAS = ["staging", "core", "restricted", "marts"];
/**
 * Columns that record when a row was loaded, not what happened: an incremental build and a full
 * refresh may legitimately stamp them differently. Event times (`event_time`, `first_seen_at`, …) are
 * compared; a model adding a load-time column under another name must be named here.
 */
const LOAD_TIME_COLUMN = /^(.+_)?loaded_at$/;

/** Two days of small traffic: windows overlap often, few events per hour keep it fast. */
const RANGE: HourWindow = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-05T23") };
const TRAFFIC = { eventsPerHour: 20, users: 15, duplicateRate: 0.05 };
const WINDOW_SIZES = [24, 24, 12, 5, 3, 1];
/** How often a delivery is the scheduled run after the newest delivered hour, and its sizes. */
const SCHEDULED_RATE = 0.35;
const SCHEDULED_SIZES = [1, 1, 2, 3];
/** More of each change than the simulator's defaults: every delivery has more chances to break a model. */
const REPROCESS_RATES: Partial<ReprocessRates> = {
  propertiesRemoved: 0.15,
  sessionMoved: 0.15,
  userIdGained: 0.2,
  eventTypeChanged: 0.1,
  amplitudeIdChanged: 0.05,
  deviceIdChanged: 0.05,
};
const SAMPLE_ROWS = 6;

/** Fixed seeds for CI: a failure names its seed, and the same seed replays the same deliveries. */
const DEFAULT_FIRST_SEED = 1;
const DEFAULT_SEQUENCES = 5;

interface Delivery {
  /** The extract range: first and last hour, inclusive. */
  range: HourWindow;
  /** extract's --window-hours: a range crossing a multiple of it is cut into windows there. */
  hoursPerWindow: number;
  /** The simulator's re-processing round the export is served in (0 = the first export). */
  round: number;
}

function describeDelivery(delivery: Delivery, index: number): string {
  const hours = delivery.range.end - delivery.range.start + 1;
  return (
    `${index + 1}) ${formatHour(delivery.range.start)}..${formatHour(delivery.range.end)} (${hours} h, ` +
    `windows of ${delivery.hoursPerWindow} h) round ${delivery.round}`
  );
}

/** A random delivery sequence; the same seed always gives the same one. */
function deliverySequence(seed: number): Delivery[] {
  const random = seededRandom(mixSeed(seed, 0x70726f70));
  const delivered: HourWindow[] = [];
  let latest = 0;
  return Array.from({ length: intBetween(random, 4, 7) }, () => {
    // The scheduled run: the hours right after the newest delivered, in the latest round. Every event
    // is then later than what the models hold, the path on which they append to held rows.
    const newest = Math.max(...delivered.map((d) => d.end));
    if (delivered.length > 0 && newest < RANGE.end && random() < SCHEDULED_RATE) {
      const hours = Math.min(pick(random, SCHEDULED_SIZES), RANGE.end - newest);
      const range = { start: newest + 1, end: newest + hours };
      delivered.push(range);
      return { range, hoursPerWindow: pick(random, [24, hours]), round: latest };
    }
    const hours = pick(random, WINDOW_SIZES);
    // Mostly over an hour delivered before (a re-export changes rows already loaded), else anywhere.
    const earlier = delivered.length > 0 && random() < 0.7 ? pick(random, delivered) : RANGE;
    const hour = intBetween(random, earlier.start, earlier.end);
    // Half the windows start on a multiple of their size (a scheduled run), half anywhere (a backfill).
    const aligned = random() < 0.5;
    const wanted = aligned ? hour - (hour % hours) : hour - Math.floor(random() * hours);
    const start = Math.min(Math.max(wanted, RANGE.start), RANGE.end - hours + 1);
    const range = { start, end: start + hours - 1 };
    delivered.push(range);
    return {
      range,
      hoursPerWindow: pick(random, [24, hours]),
      // Mostly a newer round than any before, sometimes the latest again, sometimes an older one
      // arriving late (it must lose).
      round: ((r) => (r < 0.55 ? ++latest : r < 0.75 ? latest : intBetween(random, 0, latest)))(random()),
    };
  });
}

function seedsToRun(): number[] {
  const number = (name: string) => {
    const text = process.env[name];
    if (text === undefined || text === "") return undefined;
    const value = Number(text);
    const least = name === "PROPERTY_SEQUENCES" ? 1 : 0;
    if (!Number.isInteger(value) || value < least) {
      throw new Error(`${name} must be a whole number from ${least}, not ${text}`);
    }
    return value;
  };
  const seed = number("PROPERTY_SEED");
  const sequences = number("PROPERTY_SEQUENCES") ?? (seed === undefined ? DEFAULT_SEQUENCES : 1);
  const first = seed ?? DEFAULT_FIRST_SEED;
  return Array.from({ length: sequences }, (_, i) => first + i);
}

interface TableDifference {
  table: string;
  problem: string;
  /** Differing rows of both sides, sorted on their columns so a key's two versions sit together. */
  samples: Array<{ side: "incremental only" | "full refresh only"; row: Row }>;
}

/**
 * The incremental path for one delivery: extract into a backup folder of its own (as each run's
 * artifact is), upload, load, transform.
 */
async function deliver(
  sim: AmplitudeSimulator,
  delivery: Delivery,
  index: number,
  seed: number,
  lake: LocalLake,
  warehousePath: string,
  project: Project,
): Promise<void> {
  sim.reprocess = { round: delivery.round, seed, rates: REPROCESS_RATES };
  const out = await tempDir();
  const { summary } = await extractFrom(sim, {
    range: delivery.range,
    outDir: out,
    hoursPerWindow: delivery.hoursPerWindow,
    validationThreads: 0,
    runId: `property-${seed}-${index + 1}`,
    // A clock per delivery, so a replay writes the same manifests.
    now: () => new Date(Date.UTC(2025, 10, 10) + index * 60_000),
  });
  if (summary.failed.length > 0)
    throw new Error(`extract failed: ${summary.failed.map((f) => f.error).join("; ")}`);
  const uploaded = await upload({ lake, from: out });
  if (uploaded.failures.length > 0) {
    throw new Error(`upload failed: ${uploaded.failures.map((f) => f.error).join("; ")}`);
  }
  const warehouse = await DuckDbWarehouse.open(warehousePath, { create: true });
  try {
    const loaded = await load({ lake, warehouse });
    if (loaded.failed.length > 0) {
      throw new Error(`load failed: ${loaded.failed.map((f) => f.message).join("; ")}`);
    }
    // Never rebuilt whole: the incremental SQL itself is what this test checks.
    const result = await transform({ warehouse, project, rebuildShare: Infinity });
    expectModelsBuilt(result, "incremental transform");
    // The tests of an incremental run read only what it wrote: their SQL runs on every delivery here.
    const broken = result.tests.filter((t) => t.status === "error" || t.status === "fail");
    if (broken.length > 0) {
      throw new Error(
        `incremental transform's tests: ${broken.map((t) => `${t.name} ${t.status}: ${t.message ?? ""}`).join("; ")}`,
      );
    }
  } finally {
    await warehouse.close();
  }
}

function expectModelsBuilt(result: TransformResult, what: string) {
  const broken = result.models.filter((m) => m.status !== "success");
  if (broken.length > 0) {
    throw new Error(`${what}: ${broken.map((m) => `${m.name} ${m.status}: ${m.message ?? ""}`).join("; ")}`);
  }
}

/**
 * Full-refreshes a copy of the incremental warehouse (same raw table) and compares every model table
 * of the two, attached side by side, with a symmetric `except all`.
 */
async function compareWithFullRefresh(
  warehousePath: string,
  scratch: string,
  project: Project,
): Promise<TableDifference[]> {
  const copy = join(scratch, "full-refresh.duckdb");
  await rm(copy, { force: true });
  await rm(`${copy}.wal`, { force: true });
  await copyFile(warehousePath, copy);
  // Closing checkpoints, so there should be no WAL; if there is one, it holds committed work.
  const wal = await access(`${warehousePath}.wal`).then(
    () => true,
    () => false,
  );
  if (wal) await copyFile(`${warehousePath}.wal`, `${copy}.wal`);
  const warehouse = await DuckDbWarehouse.open(copy, { create: false });
  try {
    // The models only: the comparison is the check here, and the whole tables' tests are other tests' work.
    expectModelsBuilt(
      await transform({ warehouse, project, fullRefresh: true, tests: false }),
      "full refresh",
    );
    await warehouse.execute(`attach ${sqlString(warehousePath)} as incremental (read_only)`);
    const schemas = MODEL_SCHEMAS.map(sqlString).join(", ");
    const columns = await warehouse.query<{
      catalog: string;
      table_schema: string;
      table_name: string;
      column_name: string;
      data_type: string;
    }>(
      `select table_catalog as catalog, table_schema, table_name, column_name, data_type
       from information_schema.columns
       where table_catalog in (current_database(), 'incremental') and table_schema in (${schemas})
       order by table_schema, table_name, ordinal_position`,
    );
    const full = columns.filter((c) => c.catalog !== "incremental");
    const incremental = columns.filter((c) => c.catalog === "incremental");
    const shape = (cols: typeof columns) => {
      const tables = new Map<string, string[]>();
      for (const c of cols) {
        const table = `${c.table_schema}.${c.table_name}`;
        tables.set(table, [...(tables.get(table) ?? []), `${c.column_name} ${c.data_type}`]);
      }
      return tables;
    };
    const fullTables = shape(full);
    const incrementalTables = shape(incremental);
    const differences: TableDifference[] = [];
    for (const table of new Set([...fullTables.keys(), ...incrementalTables.keys()])) {
      const a = incrementalTables.get(table);
      const b = fullTables.get(table);
      if (!a || !b) {
        differences.push({
          table,
          problem: `only in the ${a ? "incremental" : "full-refresh"} build`,
          samples: [],
        });
        continue;
      }
      if (a.join() !== b.join()) {
        differences.push({
          table,
          problem: `columns differ: incremental (${a.join(", ")}) vs full refresh (${b.join(", ")})`,
          samples: [],
        });
        continue;
      }
      const compared = b.map((c) => c.split(" ")[0]!).filter((name) => !LOAD_TIME_COLUMN.test(name));
      const list = compared.map((name) => `"${name.replaceAll('"', '""')}"`).join(", ");
      const differing = async (of: string) => {
        const [counts] = await warehouse.query<{ incremental_only: bigint; full_only: bigint }>(
          `select
             (select count(*) from (select ${of} from incremental.${table} except all select ${of} from ${table})) as incremental_only,
             (select count(*) from (select ${of} from ${table} except all select ${of} from incremental.${table})) as full_only`,
        );
        return counts!;
      };
      // The rows' hashes first: a third of the time of comparing every column (staging's 51 above all).
      // Equal multisets of hashes are equal tables but for a 64-bit collision; any difference is counted
      // again on the columns themselves, which alone decide.
      const hashes = await differing(`hash(${list})`);
      if (hashes.incremental_only === 0n && hashes.full_only === 0n) continue;
      const counts = await differing(list);
      if (counts.incremental_only === 0n && counts.full_only === 0n) continue;
      // Models list their key columns first, so sorting on all columns pairs a stale row with its
      // correct version.
      const rows = await warehouse.query(
        `select * from (
           (select ${list}, 'incremental only' as "side of the difference" from incremental.${table}
            except all select ${list}, 'incremental only' from ${table})
           union all
           (select ${list}, 'full refresh only' from ${table}
            except all select ${list}, 'full refresh only' from incremental.${table})
         ) order by all limit ${SAMPLE_ROWS}`,
      );
      differences.push({
        table,
        problem: `${counts.incremental_only} row(s) only in the incremental build, ${counts.full_only} only in the full refresh`,
        samples: rows.map(({ "side of the difference": side, ...row }) => ({
          side: side as "incremental only" | "full refresh only",
          row,
        })),
      });
    }
    return differences;
  } finally {
    // The copy is thrown away: writing its full refresh back to disk at close would be wasted time.
    await warehouse.execute("pragma disable_checkpoint_on_shutdown").catch(() => undefined);
    await warehouse.close();
  }
}

function formatRow(row: Row): string {
  const text = (value: SqlValue): string => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === "bigint") return String(value);
    const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  };
  return Object.entries(row)
    .map(([column, value]) => `${column}=${text(value)}`)
    .join(" ");
}

/** Where a table first differed, with that comparison's samples, and every delivery after which it did. */
interface Divergence {
  first: TableDifference & { delivery: number };
  deliveries: number[];
}

function report(
  headline: string,
  seed: number,
  deliveries: Delivery[],
  last: number,
  divergences: Map<string, Divergence>,
): string {
  const lines = [
    `${headline} (sequence ${seed}, delivery ${last + 1} of ${deliveries.length})`,
    `replay: PROPERTY_SEED=${seed} npx vitest run test/incremental-property.test.ts`,
    "deliveries (traffic and re-processing seed = the sequence's seed):",
    ...deliveries.slice(0, last + 1).map((d, i) => `  ${describeDelivery(d, i)}`),
  ];
  // In order of first divergence: a table that diverged after an upstream one may only inherit it.
  const ordered = [...divergences.entries()].sort(([, a], [, b]) => a.first.delivery - b.first.delivery);
  for (const [table, { first, deliveries: at }] of ordered) {
    lines.push(
      `${table}: first after delivery ${first.delivery + 1}: ${first.problem}` +
        ` (differs after deliveries ${at.map((i) => i + 1).join(", ")})`,
    );
    for (const { side, row } of first.samples) lines.push(`  ${side.padEnd(17)}  ${formatRow(row)}`);
  }
  return lines.join("\n");
}

describe("incremental models equal a full refresh after every delivery", () => {
  for (const seed of seedsToRun()) {
    const deliveries = deliverySequence(seed);
    it(`sequence ${seed} (${deliveries.length} deliveries)`, { timeout: 240_000 }, async () => {
      const sim = await simulator({ ...TRAFFIC, seed });
      const lake = new LocalLake(await tempDir());
      const scratch = await tempDir();
      const warehousePath = join(scratch, "incremental.duckdb");
      const project = await readProject(PROJECT_DIR);
      // A difference does not stop the sequence: later deliveries show the other models that diverge,
      // and each comparison is still against a full refresh of everything loaded so far.
      const divergences = new Map<string, Divergence>();
      for (const [index, delivery] of deliveries.entries()) {
        let differences: TableDifference[];
        try {
          await deliver(sim, delivery, index, seed, lake, warehousePath, project);
          differences = await compareWithFullRefresh(warehousePath, scratch, project);
        } catch (error) {
          const headline = `the incremental path failed: ${(error as Error).message}`;
          throw new Error(report(headline, seed, deliveries, index, divergences), { cause: error });
        }
        for (const difference of differences) {
          const known = divergences.get(difference.table);
          if (known) known.deliveries.push(index);
          else
            divergences.set(difference.table, {
              first: { ...difference, delivery: index },
              deliveries: [index],
            });
        }
      }
      if (divergences.size > 0) {
        const headline = "incremental models differ from a full refresh";
        expect.fail(report(headline, seed, deliveries, deliveries.length - 1, divergences));
      }
    });
  }
});
