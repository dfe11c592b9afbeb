/**
 * npm run bench:warehouse — about 1,000,000 simulator events through the embedded warehouse.
 *
 * Prepared untimed: seven days exported from the simulator and uploaded to a local lake, plus one more
 * busy hour (about 1% more data). Then timed, each in a process of its own:
 *   (a) the baseline: DuckDB merely reading the same files into a table with read_json;
 *   (b) `load` of the seven days into raw, (c) the full `transform` (models and tests);
 *   (d) `load` of the extra hour and (e) the incremental `transform` that follows;
 *   (g) `load` of one day exported again with re-processed events, (h) the incremental `transform` after it.
 * Targets: (b + c) / a <= 3, and e / c <= 0.10.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AmplitudeSimulator } from "../../src/amplitude/simulator/server.ts";
import { measure, type Measurement } from "./measure.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "lib", "cli", "bin.js");
const EVENTS_PER_BUSY_HOUR = Number(process.env.BENCH_EVENTS_PER_HOUR ?? 10_700);
const DAYS = { start: "2025-11-01T00", end: "2025-11-07T23" };
const EXTRA_HOUR = "2025-11-08T12";
const REEXPORT_DAY = "2025-11-04";

/** Runs the CLI as a child without blocking: the simulator answering it lives in this process. */
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const [status] = (await once(child, "close")) as [number | null];
  if (status !== 0) throw new Error(`${args[0]} failed (exit ${status}):\n${stderr.slice(-3000)}`);
  return stdout;
}

async function main() {
  if (spawnSync("sh", ["-c", "command -v /usr/bin/time"]).status !== 0)
    throw new Error("the benchmark needs /usr/bin/time");
  // BENCH_WORK keeps the prepared exports and lake between runs (to iterate on one step); the warehouses
  // are always made afresh.
  const work = process.env.BENCH_WORK ?? (await mkdtemp(join(tmpdir(), "bench-warehouse-")));
  const sim = await new AmplitudeSimulator({ eventsPerHour: EVENTS_PER_BUSY_HOUR }).start();
  try {
    const env = {
      ...process.env,
      AMPLITUDE_API_URL: sim.url,
      AMP_API_KEY: sim.apiKey,
      AMP_SECRET_KEY: sim.secretKey,
    };
    const out = join(work, "exports");
    const baseLake = join(work, "lake-base");
    const lake = `file://${join(work, "lake")}`;
    // BENCH_DUCKDB_SETTINGS (e.g. memory_limit=16GB&threads=2) measures other DuckDB settings than the default.
    const settings = process.env.BENCH_DUCKDB_SETTINGS;
    const warehouse = `duckdb:${join(work, "warehouse.duckdb")}${settings ? `?${settings}` : ""}`;
    for (const stale of [
      "lake",
      "warehouse.duckdb",
      "warehouse.duckdb.wal",
      "baseline.duckdb",
      "extra",
      "reexport",
    ]) {
      await rm(join(work, stale), { recursive: true, force: true });
    }
    console.log(
      `Preparing: ${DAYS.start} .. ${DAYS.end} from the simulator (${EVENTS_PER_BUSY_HOUR} events in a busy hour)…`,
    );
    if (!existsSync(baseLake)) {
      await run(["extract", "--start", DAYS.start, "--end", DAYS.end, "--out", out], env);
      await run(["upload", "--from", out, "--lake", `file://${baseLake}`], env);
    }
    await cp(baseLake, join(work, "lake"), { recursive: true });
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
      `import { DuckDBInstance } from ${JSON.stringify(join(ROOT, "node_modules/@duckdb/node-api/lib/index.js"))};
       const db = await DuckDBInstance.create(process.argv[2]);
       const c = await db.connect();
       await c.run("create table events as select * from read_json(" + JSON.stringify(process.argv[3]).replaceAll('"', "'") + ", format = 'newline_delimited')");
       const r = await c.runAndReadAll("select count(*) as n from events");
       if (Number(r.getRowObjects()[0].n) <= 0) throw new Error("the baseline read nothing");
       c.closeSync(); db.closeSync();`,
    );
    const files = join(work, "lake", "amplitude", "events", "**", "*.json.gz");
    const a = await measure("(a) baseline: DuckDB read_json into a table", [
      process.execPath,
      baselineScript,
      join(work, "baseline.duckdb"),
      files,
    ]);
    const loadStep = (label: string) =>
      measure(label, [process.execPath, CLI, "load", "--lake", lake, "--warehouse", warehouse], env);
    const transformStep = (label: string) =>
      measure(
        label,
        [process.execPath, CLI, "transform", "--warehouse", warehouse, "--target-dir", join(work, "target")],
        env,
      );
    const b = await loadStep("(b) load: seven days into raw");
    const c = await transformStep("(c) transform: full build and tests");

    await run(["extract", "--start", EXTRA_HOUR, "--end", EXTRA_HOUR, "--out", join(work, "extra")], env);
    await run(["upload", "--from", join(work, "extra"), "--lake", lake], env);
    const d = await loadStep("(d) load: one more hour (~1%)");
    const e = await transformStep("(e) transform: incremental after that hour");
    await transformStep("(f) transform: nothing new");

    // A day exported again after Amplitude re-processed part of it: new deliveries of 24 files, some
    // events moved between sessions and users, which the incremental models must recompute.
    sim.reprocess = { round: 1 };
    await run(
      ["extract", "--start", REEXPORT_DAY, "--end", REEXPORT_DAY, "--out", join(work, "reexport")],
      env,
    );
    await run(["upload", "--from", join(work, "reexport"), "--lake", lake], env);
    const g = await loadStep("(g) load: one day re-exported, re-processed (~14%)");
    const h = await transformStep("(h) transform: incremental after that day");

    const ratio = (x: Measurement, y: Measurement) => x.seconds / y.seconds;
    console.log(
      `\nload + full transform / baseline (target <= 3):      ${((b.seconds + c.seconds) / a.seconds).toFixed(2)}`,
    );
    console.log(`  load / baseline:                                   ${ratio(b, a).toFixed(2)}`);
    console.log(`  transform / baseline:                              ${ratio(c, a).toFixed(2)}`);
    console.log(`incremental transform / full transform (target <= 0.10): ${ratio(e, c).toFixed(3)}`);
    console.log(`incremental load / full load:                        ${ratio(d, b).toFixed(3)}`);
    console.log(`re-exported day: transform / full transform:         ${ratio(h, c).toFixed(3)}`);
    console.log(`re-exported day: load / full load:                   ${ratio(g, b).toFixed(3)}`);
  } finally {
    await sim.close();
    if (!process.env.BENCH_WORK) await rm(work, { recursive: true, force: true });
  }
}

await main();
