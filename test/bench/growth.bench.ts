/**
 * npm run bench:growth — what history costs: bench:warehouse with 7 days, then with 28 (`--short N`,
 * `--long N` to choose others), each printing its own table, then the ratios that decide the bill in year
 * two: the hour's incremental transform (e) and load's peak RSS (b), long history over short, from the
 * medians each run measured. Goals: e within 1.2x, RSS within 20 %. Beside them, how the hour's floor (j: its
 * rows put into the warehouse as the models put them, nothing computed) and the run with nothing new (f) grow.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { WarehouseFigures } from "./warehouse.bench.ts";

const BENCH = fileURLToPath(new URL("./warehouse.bench.ts", import.meta.url));
const { values: args } = parseArgs({
  options: { short: { type: "string", default: "7" }, long: { type: "string", default: "28" } },
});

async function warehouseBench(days: string, work: string): Promise<WarehouseFigures> {
  const figures = join(work, `figures-${days}d.json`);
  console.log(`\n=== bench:warehouse --days ${days}\n`);
  const child = spawn(process.execPath, ["--import", "tsx", BENCH, "--days", days, "--figures", figures], {
    stdio: "inherit",
  });
  const [status] = (await once(child, "close")) as [number | null];
  if (status !== 0) throw new Error(`bench:warehouse --days ${days} failed (exit ${status})`);
  return JSON.parse(await readFile(figures, "utf8")) as WarehouseFigures;
}

const work = await mkdtemp(join(tmpdir(), "bench-growth-"));
try {
  const short = await warehouseBench(args.short, work);
  const long = await warehouseBench(args.long, work);
  const ratio = (x: number, y: number) => (y > 0 ? (x / y).toFixed(2) : "-");
  console.log(
    `\nHistory ${long.days} days (${long.events.toLocaleString("en-US")} events) against ${short.days} ` +
      `(${short.events.toLocaleString("en-US")} events), ratios of medians:`,
  );
  console.log(
    `  (e) the hour's incremental transform: ${ratio(long.medianSeconds.e!, short.medianSeconds.e!)}` +
      `   (${long.medianSeconds.e!.toFixed(2)} s / ${short.medianSeconds.e!.toFixed(2)} s; goal <= 1.2)`,
  );
  console.log(
    `  (j) the hour's floor:                 ${ratio(long.medianSeconds.j!, short.medianSeconds.j!)}` +
      `   (${long.medianSeconds.j!.toFixed(2)} s / ${short.medianSeconds.j!.toFixed(2)} s)`,
  );
  console.log(
    `  (f) nothing new:                      ${ratio(long.medianSeconds.f!, short.medianSeconds.f!)}`,
  );
  console.log(
    `  (d) the hour's load:                  ${ratio(long.medianSeconds.d!, short.medianSeconds.d!)}`,
  );
  console.log(
    `  (b) load's peak RSS:                  ${ratio(long.medianPeakRssMb.b!, short.medianPeakRssMb.b!)}` +
      `   (${long.medianPeakRssMb.b!.toFixed(0)} MB / ${short.medianPeakRssMb.b!.toFixed(0)} MB; goal <= 1.2)`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
