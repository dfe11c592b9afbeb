/**
 * npm run bench:warehouse — about 1,000,000 simulator events through the embedded warehouse.
 *
 * Prepared untimed: N days (`--days N`, default 7) exported from the simulator and uploaded to a local lake,
 * plus one more busy hour (about 1% more data over seven days), plus one day exported again. Then timed, each
 * in a process of its own:
 *   (a) the baseline: DuckDB merely reading the same files into a table with read_json;
 *   (b) `load` of the N days into raw, (c) the full `transform` (models and tests);
 *   (d) `load` of the extra hour and (e) the incremental `transform` that follows;
 *   (g) `load` of one day exported again with re-processed events, (h) the incremental `transform` after it.
 * And (i), a floor of (c): the model tables (c) built, written again into a new file with nothing computed. With
 * the seconds (c)'s tests took in the runner, it is what the build must cost before it parses, joins or merges.
 * (j) and (k), floors of (e) and (h): the rows (e) or (h) gave each incremental model put into a copy of the
 * warehouse as it was before, as the model puts them (a MERGE on its key, or a delete of its keys and an insert),
 * nothing parsed or computed: what an increment costs before any model runs, and the part that grows with history.
 * One warm-up round of every step, then BENCH_RUNS measured rounds (default 3), each on a fresh warehouse and
 * a fresh copy of the lake; prints min / median / max of each step, the ratios of their medians, and the ten
 * most expensive models and tests of (c) and (e) from the runner's run_results.json.
 * BENCH_EVENTS_PER_HOUR makes the days smaller or larger; `--figures FILE` writes the medians as JSON
 * (bench:growth reads them).
 * Goals: (b + c) / a <= 2.5, b / a <= 1.3, c / a <= 1.5; e / c <= 0.05; h / c <= 0.3.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AmplitudeSimulator } from "../../src/amplitude/simulator/server.ts";
import { compileModel } from "../../src/models/compile.ts";
import { readProject } from "../../src/models/project.ts";
import type { TransformResult } from "../../src/models/runner.ts";
import { DUCKDB_STORAGE_VERSION } from "../../src/warehouse/duckdb.ts";
import { BENCH_RUNS, measure, medianSeconds, printSpreads, spread, type Measurement } from "./measure.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "lib", "cli", "bin.js");
const EVENTS_PER_BUSY_HOUR = Number(process.env.BENCH_EVENTS_PER_HOUR ?? 10_700);
const { values: args } = parseArgs({
  options: { days: { type: "string", default: "7" }, figures: { type: "string" } },
});
const DAY_COUNT = Number(args.days);
if (!Number.isInteger(DAY_COUNT) || DAY_COUNT < 1)
  throw new Error(`--days: a whole number of days, not ${args.days}`);
const HOUR_MS = 3_600_000;
const FIRST_HOUR = Date.parse("2025-11-01T00:00:00Z");
const hourText = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const DAYS = { start: hourText(FIRST_HOUR), end: hourText(FIRST_HOUR + (DAY_COUNT * 24 - 1) * HOUR_MS) };
const EXTRA_HOUR = hourText(FIRST_HOUR + (DAY_COUNT * 24 + 12) * HOUR_MS);
/** The fourth day, as in the seven-day run (or the last, for fewer days). */
const REEXPORT_DAY = hourText(FIRST_HOUR + Math.min(3, DAY_COUNT - 1) * 24 * HOUR_MS).slice(0, 10);
const TOP = 10;
/** The first line of each script the bench writes: DuckDB's Node API from this checkout. */
const IMPORT_DUCKDB = `import { DuckDBInstance } from ${JSON.stringify(join(ROOT, "node_modules/@duckdb/node-api/lib/index.js"))};`;

/** The figures bench:growth compares between two history lengths. */
export interface WarehouseFigures {
  days: number;
  events: number;
  medianSeconds: Record<string, number>;
  medianPeakRssMb: Record<string, number>;
}

/**
 * Runs a node script as a child without blocking (the simulator answering the CLI lives in this process) and
 * returns what it printed.
 */
async function runNode(args: string[], env = process.env, label = args[0]): Promise<string> {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const [status] = (await once(child, "close")) as [number | null];
  if (status !== 0) throw new Error(`${label} failed (exit ${status}):\n${stderr.slice(-3000)}`);
  return stdout;
}

const run = (args: string[], env: NodeJS.ProcessEnv) => runNode([CLI, ...args], env, args[0]);

type Costs = Map<string, number[]>;

/** Adds one transform's model and test seconds (from its run_results.json) to the measured runs'. */
async function collectCosts(
  targetDir: string,
  into: { models: Costs; tests: Costs; totals: number[]; testTotals: number[] },
) {
  const result = JSON.parse(await readFile(join(targetDir, "run_results.json"), "utf8")) as TransformResult;
  const add = (costs: Costs, name: string, seconds: number) =>
    costs.set(name, [...(costs.get(name) ?? []), seconds]);
  for (const m of result.models) add(into.models, m.name, m.seconds);
  for (const t of result.tests) add(into.tests, t.name, t.seconds);
  into.totals.push(result.seconds);
  into.testTotals.push(result.tests.reduce((sum, t) => sum + t.seconds, 0));
}

/** The ten most expensive by median seconds over the measured runs, with their share of the step's median. */
function printTop(title: string, costs: Costs, totals: number[]) {
  const total = spread(totals).median;
  const ranked = [...costs]
    .map(([name, seconds]) => ({ name, median: spread(seconds).median }))
    .sort((x, y) => y.median - x.median)
    .slice(0, TOP);
  console.log(`  ${title} (of ${costs.size}):`);
  for (const { name, median } of ranked) {
    const share = total > 0 ? (100 * median) / total : 0;
    console.log(
      `    ${name.padEnd(80)} ${median.toFixed(2).padStart(7)} s ${share.toFixed(1).padStart(5)} %`,
    );
  }
}

async function main() {
  if (spawnSync("sh", ["-c", "command -v /usr/bin/time"]).status !== 0)
    throw new Error("the benchmark needs /usr/bin/time");
  // BENCH_WORK keeps the prepared exports and lake of each history length between runs (to iterate on one
  // step); the warehouses are always made afresh.
  const work = process.env.BENCH_WORK ?? (await mkdtemp(join(tmpdir(), "bench-warehouse-")));
  const sim = await new AmplitudeSimulator({ eventsPerHour: EVENTS_PER_BUSY_HOUR }).start();
  try {
    const env = {
      ...process.env,
      AMPLITUDE_API_URL: sim.url,
      AMP_API_KEY: sim.apiKey,
      AMP_SECRET_KEY: sim.secretKey,
    };
    const out = join(work, `exports-${DAY_COUNT}d`);
    const baseLake = join(work, `lake-base-${DAY_COUNT}d`);
    // The base lake plus the extra hour, then plus the re-exported day: each round copies the next one in.
    const extraLake = join(work, "lake-extra");
    const reexportLake = join(work, "lake-reexport");
    const lakeDir = join(work, "lake");
    const lake = `file://${lakeDir}`;
    const target = join(work, "target");
    // BENCH_DUCKDB_SETTINGS (e.g. memory_limit=16GB&threads=2) measures other DuckDB settings than the default.
    const settings = process.env.BENCH_DUCKDB_SETTINGS;
    const warehouse = `duckdb:${join(work, "warehouse.duckdb")}${settings ? `?${settings}` : ""}`;
    const fresh = async (...names: string[]) => {
      for (const name of names) await rm(join(work, name), { recursive: true, force: true });
    };
    await fresh("lake", "lake-extra", "lake-reexport", "extra", "reexport", "target");
    await fresh("warehouse.duckdb", "warehouse.duckdb.wal", "baseline.duckdb", "baseline.duckdb.wal");
    console.log(
      `Preparing: ${DAYS.start} .. ${DAYS.end} (${DAY_COUNT} days) from the simulator (${EVENTS_PER_BUSY_HOUR} events in a busy hour)…`,
    );
    if (!existsSync(baseLake)) {
      await run(["extract", "--start", DAYS.start, "--end", DAYS.end, "--out", out], env);
      await run(["upload", "--from", out, "--lake", `file://${baseLake}`], env);
    }
    await cp(baseLake, extraLake, { recursive: true });
    await run(["extract", "--start", EXTRA_HOUR, "--end", EXTRA_HOUR, "--out", join(work, "extra")], env);
    await run(["upload", "--from", join(work, "extra"), "--lake", `file://${extraLake}`], env);
    // A day exported again after Amplitude re-processed part of it: new deliveries of 24 files, some
    // events moved between sessions and users, which the incremental models must recompute.
    await cp(extraLake, reexportLake, { recursive: true });
    sim.reprocess = { round: 1 };
    await run(
      ["extract", "--start", REEXPORT_DAY, "--end", REEXPORT_DAY, "--out", join(work, "reexport")],
      env,
    );
    await run(["upload", "--from", join(work, "reexport"), "--lake", `file://${reexportLake}`], env);
    const baseEvents = { events: 0, bytes: 0 };
    for (const manifest of await readdir(join(baseLake, "amplitude/_manifests/app=187520"))) {
      const { totals } = JSON.parse(
        await readFile(join(baseLake, "amplitude/_manifests/app=187520", manifest), "utf8"),
      );
      baseEvents.events += totals.events;
      baseEvents.bytes += totals.bytes;
    }
    console.log(
      `${baseEvents.events.toLocaleString("en-US")} events, ${(baseEvents.bytes / 1e6).toFixed(0)} MB gzip in the lake\n`,
    );

    // (a) the baseline, on its own DuckDB file
    const baselineScript = join(work, "baseline.mjs");
    await writeFile(
      baselineScript,
      `${IMPORT_DUCKDB}
       const db = await DuckDBInstance.create(process.argv[2]);
       const c = await db.connect();
       await c.run("create table events as select * from read_json(" + JSON.stringify(process.argv[3]).replaceAll('"', "'") + ", format = 'newline_delimited')");
       const r = await c.runAndReadAll("select count(*) as n from events");
       if (Number(r.getRowObjects()[0].n) <= 0) throw new Error("the baseline read nothing");
       c.closeSync(); db.closeSync();`,
    );
    // (i) the tables (c) wrote, copied into a new file in the warehouse's format with transform's memory limit
    // and checkpoint threshold: the cost of writing the build's output, with nothing computed.
    const floorScript = join(work, "floor.mjs");
    await writeFile(
      floorScript,
      `${IMPORT_DUCKDB}
       const [target, warehouse] = process.argv.slice(2);
       const db = await DuckDBInstance.create(target, { memory_limit: "4GB", storage_compatibility_version: ${JSON.stringify(DUCKDB_STORAGE_VERSION)} });
       const c = await db.connect();
       await c.run("set checkpoint_threshold = '1GB'");
       await c.run("attach " + JSON.stringify(warehouse).replaceAll('"', "'") + " as w (read_only)");
       const tables = (await c.runAndReadAll("select schema_name as s, table_name as t from duckdb_tables() where database_name = 'w' and schema_name in ('staging', 'core', 'marts', 'restricted')")).getRowObjects();
       if (tables.length === 0) throw new Error("the warehouse has no model tables");
       for (const { s, t } of tables) await c.run('create table "' + s + '__' + t + '" as select * from w."' + s + '"."' + t + '"');
       c.closeSync(); db.closeSync();`,
    );
    // (j), (k): an increment's rows (those the transform wrote, loaded after `since`) put into a copy of the
    // warehouse as it was before that transform, as each incremental model puts its own (a MERGE on its unique key,
    // or a delete of its keys and an insert), nothing parsed or computed. The MERGEs and deletes find the keys in
    // the model's history: the lookup every increment needs, which no index serves (the keys are in no order).
    const project = await readProject(join(ROOT, "sql"));
    const incrementalModels = [...project.models.values()]
      .map((file) => compileModel(project, file, { dialect: "duckdb" }))
      .filter((model) => model.config.materialized === "incremental")
      .map((model) => ({
        relation: model.relation,
        key: model.config.uniqueKey,
        strategy: model.config.strategy,
      }));
    const incrementScript = join(work, "floor-increment.mjs");
    await writeFile(
      incrementScript,
      `${IMPORT_DUCKDB}
       const [before, after, since] = process.argv.slice(2);
       const models = ${JSON.stringify(incrementalModels)};
       const db = await DuckDBInstance.create(before, { memory_limit: "4GB" });
       const c = await db.connect();
       await c.run("set checkpoint_threshold = '1GB'");
       await c.run("attach " + JSON.stringify(after).replaceAll('"', "'") + " as w (read_only)");
       let written = 0;
       for (const { relation, key, strategy } of models) {
         const rows = "(select * from w." + relation + " where loaded_at > cast('" + since + "' as timestamp))";
         const keys = key.join(", ");
         await c.run("begin transaction");
         if (strategy === "merge") {
           const on = key.map((k) => "target." + k + " = source." + k).join(" and ");
           const r = await c.runAndReadAll("merge into " + relation + " as target using " + rows + " as source on " + on + " when matched then update when not matched then insert");
           written += Number(Object.values(r.getRowObjects()[0] ?? {}).reduce((sum, n) => sum + Number(n), 0));
         } else {
           await c.run("delete from " + relation + " where (" + keys + ") in (select " + keys + " from " + rows + ")");
           const r = await c.runAndReadAll("insert into " + relation + " select * from " + rows);
           written += Number(Object.values(r.getRowObjects()[0] ?? {})[0] ?? 0);
         }
         await c.run("commit");
       }
       if (written === 0) throw new Error("no model holds rows loaded after " + since);
       c.closeSync(); db.closeSync();`,
    );
    // The newest row raw holds before a load: what the increment after it is newer than.
    const sinceScript = join(work, "since.mjs");
    await writeFile(
      sinceScript,
      `${IMPORT_DUCKDB}
       const db = await DuckDBInstance.create(process.argv[2], { access_mode: "READ_ONLY" });
       const c = await db.connect();
       const r = await c.runAndReadAll("select strftime(max(loaded_at), '%Y-%m-%d %H:%M:%S.%f') as since from raw.amplitude_events");
       process.stdout.write(String(r.getRowObjects()[0].since));
       c.closeSync(); db.closeSync();`,
    );
    const newestLoaded = async () => {
      const since = await runNode([sinceScript, join(work, "warehouse.duckdb")]);
      if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(since)) throw new Error(`raw holds no rows: ${since}`);
      return since;
    };
    const files = join(lakeDir, "amplitude", "events", "**", "*.json.gz");
    const steps = {
      a: "(a) baseline: DuckDB read_json into a table",
      b: `(b) load: ${DAY_COUNT} days into raw`,
      c: "(c) transform: full build and tests",
      d: "(d) load: one more hour",
      e: "(e) transform: incremental after that hour",
      f: "(f) transform: nothing new",
      g: "(g) load: one day re-exported, re-processed",
      h: "(h) transform: incremental after that day",
      i: "(i) floor of (c): its tables written again",
      j: "(j) floor of (e): its rows put in",
      k: "(k) floor of (h): its rows put in",
    };
    type Step = keyof typeof steps;
    const measured = Object.fromEntries(Object.keys(steps).map((k) => [k, []])) as unknown as Record<
      Step,
      Measurement[]
    >;
    const costs = {
      c: { models: new Map(), tests: new Map(), totals: [] as number[], testTotals: [] as number[] },
      e: { models: new Map(), tests: new Map(), totals: [] as number[], testTotals: [] as number[] },
    };
    const command: Record<Step, string[]> = {
      a: [process.execPath, baselineScript, join(work, "baseline.duckdb"), files],
      b: [process.execPath, CLI, "load", "--lake", lake, "--warehouse", warehouse],
      c: [process.execPath, CLI, "transform", "--warehouse", warehouse, "--target-dir", target],
      d: [],
      e: [],
      f: [],
      g: [],
      h: [],
      i: [process.execPath, floorScript, join(work, "floor.duckdb"), join(work, "warehouse.duckdb")],
      j: [],
      k: [],
    };
    const incrementFloor = (since: string) => [
      process.execPath,
      incrementScript,
      join(work, "floor-increment.duckdb"),
      join(work, "warehouse.duckdb"),
      since,
    ];
    // The warehouse before an incremental transform, for its floor: copied while no process has it open.
    const keepBefore = async () => {
      await fresh("floor-increment.duckdb", "floor-increment.duckdb.wal");
      await cp(join(work, "warehouse.duckdb"), join(work, "floor-increment.duckdb"));
      if (existsSync(join(work, "warehouse.duckdb.wal")))
        await cp(join(work, "warehouse.duckdb.wal"), join(work, "floor-increment.duckdb.wal"));
    };
    command.d = command.g = command.b;
    command.e = command.f = command.h = command.c;

    for (let round = 0; round <= BENCH_RUNS; round++) {
      console.log(round === 0 ? "warm-up (not counted)" : `\nrun ${round} of ${BENCH_RUNS}`);
      await fresh("lake", "target", "warehouse.duckdb", "warehouse.duckdb.wal", "baseline.duckdb");
      await fresh("baseline.duckdb.wal", "floor.duckdb", "floor.duckdb.wal");
      await fresh("floor-increment.duckdb", "floor-increment.duckdb.wal");
      await cp(baseLake, lakeDir, { recursive: true });
      const step = async (key: Step) => {
        const m = await measure(steps[key], command[key], env);
        if (round > 0) measured[key].push(m);
        if (round > 0 && (key === "c" || key === "e")) await collectCosts(target, costs[key]);
      };
      await step("a");
      await step("b");
      await step("c");
      await step("i");
      await fresh("lake");
      await cp(extraLake, lakeDir, { recursive: true });
      command.j = incrementFloor(await newestLoaded());
      await keepBefore();
      await step("d");
      await step("e");
      await step("f");
      await step("j");
      await fresh("lake");
      await cp(reexportLake, lakeDir, { recursive: true });
      command.k = incrementFloor(await newestLoaded());
      await keepBefore();
      await step("g");
      await step("h");
      await step("k");
    }

    printSpreads(Object.entries(steps).map(([key, label]) => [label, measured[key as Step]]));
    const t = (key: Step) => medianSeconds(measured[key]);
    const rss = (key: Step) => spread(measured[key].map((m) => m.peakRssMb)).median;
    console.log("\nRatios of medians:");
    console.log(
      `load + full transform / baseline (goal <= 2.5):      ${((t("b") + t("c")) / t("a")).toFixed(2)}`,
    );
    console.log(`  load / baseline (goal <= 1.3):                     ${(t("b") / t("a")).toFixed(2)}`);
    console.log(`  transform / baseline (goal <= 1.5):                ${(t("c") / t("a")).toFixed(2)}`);
    console.log(`incremental transform / full transform (goal <= 0.05): ${(t("e") / t("c")).toFixed(3)}`);
    console.log(`nothing new / full transform (the run's fixed cost):  ${(t("f") / t("c")).toFixed(3)}`);
    console.log(`incremental load / full load:                        ${(t("d") / t("b")).toFixed(3)}`);
    console.log(`re-exported day: transform / full transform (goal <= 0.3): ${(t("h") / t("c")).toFixed(3)}`);
    console.log(`re-exported day: load / full load:                   ${(t("g") / t("b")).toFixed(3)}`);
    console.log(`peak RSS of load (b):                                ${rss("b").toFixed(0)} MB`);
    // The build must at least write its tables and test them (as fast as its tests ran in (c), warm): what is
    // left of (c) is every parse, join, window and merge.
    const tested = spread(costs.c.testTotals).median;
    const floor = t("i") + tested;
    console.log(`floor of (c): writing its tables (i) / baseline:      ${(t("i") / t("a")).toFixed(2)}`);
    console.log(
      `  and (c)'s tests (${tested.toFixed(1)} s in the runner) / baseline: ${(floor / t("a")).toFixed(2)}`,
    );
    console.log(
      `  left to computing: (c - floor) / baseline:        ${((t("c") - floor) / t("a")).toFixed(2)}`,
    );
    // An increment must at least start, open the warehouse, put its rows in (finding their keys in history) and
    // close, writing what it changed.
    console.log(`floor of (e): its rows put in (j) / full transform: ${(t("j") / t("c")).toFixed(3)}`);
    console.log(`floor of (h): its rows put in (k) / full transform: ${(t("k") / t("c")).toFixed(3)}`);

    console.log(
      `\nWhere the time goes: median seconds over ${BENCH_RUNS} runs (run_results.json) and share of the step's median`,
    );
    console.log(`${steps.c}, ${spread(costs.c.totals).median.toFixed(2)} s in the runner`);
    printTop("models", costs.c.models, costs.c.totals);
    printTop("tests", costs.c.tests, costs.c.totals);
    console.log(`${steps.e}, ${spread(costs.e.totals).median.toFixed(2)} s in the runner`);
    printTop("models", costs.e.models, costs.e.totals);
    printTop("tests", costs.e.tests, costs.e.totals);

    if (args.figures) {
      const figures: WarehouseFigures = {
        days: DAY_COUNT,
        events: baseEvents.events,
        medianSeconds: Object.fromEntries(Object.keys(steps).map((k) => [k, t(k as Step)])),
        medianPeakRssMb: Object.fromEntries(Object.keys(steps).map((k) => [k, rss(k as Step)])),
      };
      await writeFile(args.figures, JSON.stringify(figures, null, 2) + "\n");
    }
  } finally {
    await sim.close();
    if (!process.env.BENCH_WORK) await rm(work, { recursive: true, force: true });
  }
}

await main();
