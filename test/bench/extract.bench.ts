/**
 * npm run bench:extract — a one-day export of at least 150,000 simulator events, extracted three ways in
 * the same run: (a) the seed's Python approach, (b) `unzip -p | gzip -dc`, (c) this extract, events only
 * (`--objects events`: taxonomy and cohorts are other requests, not the export being measured). Then (c)
 * on a two-day export to show RSS is flat. One warm-up round of every step, then BENCH_RUNS measured
 * rounds (default 3); prints min / median / max of each step and the ratios of their medians.
 * BENCH_EVENTS_PER_HOUR makes the export smaller or larger.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { BENCH_RUNS, measure, medianSeconds, printSpreads, spread, type Measurement } from "./measure.ts";
import fetch from "node-fetch";
import { ExportClient } from "../../src/amplitude/export-client.ts";
import { AmplitudeSimulator } from "../../src/amplitude/simulator/server.ts";

const EVENTS_PER_BUSY_HOUR = Number(process.env.BENCH_EVENTS_PER_HOUR ?? 11_500);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DAY = {
  start: Date.parse("2025-11-04T00:00:00Z") / 3_600_000,
  end: Date.parse("2025-11-04T23:00:00Z") / 3_600_000,
};
const TWO_DAYS = { start: DAY.start, end: DAY.end + 24 };

async function main() {
  for (const tool of ["/usr/bin/time", "unzip", "gzip", "python3"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
      throw new Error(`the benchmark needs ${tool}`);
  }
  const work = await mkdtemp(join(tmpdir(), "bench-extract-"));
  const sim = await new AmplitudeSimulator({ eventsPerHour: EVENTS_PER_BUSY_HOUR, cache: true }).start();
  try {
    const client = new ExportClient({ baseUrl: sim.url, apiKey: sim.apiKey, secretKey: sim.secretKey });
    const auth = "Basic " + Buffer.from(`${sim.apiKey}:${sim.secretKey}`).toString("base64");
    console.log(`Rendering the exports (${EVENTS_PER_BUSY_HOUR} events in a busy hour)…`);
    const zipPath = join(work, "day.zip");
    // Render both exports once, so that the simulator only streams cached files while anything is timed.
    for (const window of [DAY, TWO_DAYS]) {
      const response = await fetch(client.exportUrl(window), { headers: { Authorization: auth } });
      if (window === DAY) await pipeline(response.body!, createWriteStream(zipPath));
      else await response.arrayBuffer();
    }
    const jsonBytes = Number(
      execFileSync("sh", ["-c", `unzip -p '${zipPath}' | gzip -dc | wc -c`], { encoding: "utf8" }),
    );
    const daily = [...sim.events(DAY)].length;
    console.log(
      `One day: ${daily.toLocaleString("en-US")} events, ${(jsonBytes / 1e6).toFixed(0)} MB of JSON, ` +
        `${((await stat(zipPath)).size / 1e6).toFixed(0)} MB zipped\n`,
    );

    const cli = join(ROOT, "lib", "cli", "bin.js");
    const env = {
      ...process.env,
      AMPLITUDE_API_URL: sim.url,
      AMP_API_KEY: sim.apiKey,
      AMP_SECRET_KEY: sim.secretKey,
    };
    const outA = join(work, "a");
    const outC = join(work, "c");
    const extractArgs = (window: typeof DAY, ...extra: string[]) => [
      process.execPath,
      cli,
      "extract",
      "--start",
      new Date(window.start * 3_600_000).toISOString().slice(0, 13),
      "--end",
      new Date(window.end * 3_600_000).toISOString().slice(0, 13),
      "--out",
      outC,
      "--objects",
      "events",
      "--json",
      ...extra,
    ];
    const steps = {
      a: "(a) seed: in memory, unzip, gunzip to files",
      b: "(b) unzip -p | gzip -dc > /dev/null",
      c: "(c) this extract, validating every line",
      // One 48-hour window: the same concurrency as the one-day run, twice the data in one export.
      c2: "(c) this extract, two days in one window",
      c0: "(c) this extract, validating on the main thread",
    };
    const measured: Record<keyof typeof steps, Measurement[]> = { a: [], b: [], c: [], c2: [], c0: [] };
    for (let round = 0; round <= BENCH_RUNS; round++) {
      console.log(round === 0 ? "warm-up (not counted)" : `\nrun ${round} of ${BENCH_RUNS}`);
      const keep = (step: keyof typeof steps, m: Measurement) => {
        if (round > 0) measured[step].push(m);
      };
      await mkdir(outA);
      keep(
        "a",
        await measure(steps.a, [
          "python3",
          join(ROOT, "test", "bench", "seed_extract.py"),
          client.exportUrl(DAY),
          sim.apiKey,
          sim.secretKey,
          outA,
        ]),
      );
      await rm(outA, { recursive: true, force: true });
      keep("b", await measure(steps.b, ["sh", "-c", `unzip -p '${zipPath}' | gzip -dc > /dev/null`]));
      keep("c", await measure(steps.c, extractArgs(DAY), env));
      await rm(outC, { recursive: true, force: true });
      keep("c2", await measure(steps.c2, extractArgs(TWO_DAYS, "--window-hours", "48"), env));
      await rm(outC, { recursive: true, force: true });
      keep("c0", await measure(steps.c0, extractArgs(DAY, "--validation-threads", "0"), env));
      await rm(outC, { recursive: true, force: true });
    }

    printSpreads(Object.entries(steps).map(([key, label]) => [label, measured[key as keyof typeof steps]]));
    const t = (step: keyof typeof steps) => medianSeconds(measured[step]);
    const rss = (step: keyof typeof steps) => spread(measured[step].map((m) => m.peakRssMb)).median;
    console.log("\nRatios of medians:");
    console.log(`c/a time ${(t("c") / t("a")).toFixed(2)}   (target <= 1.0)`);
    console.log(`c/b time ${(t("c") / t("b")).toFixed(2)}`);
    console.log(
      `main-thread validation / worker validation: time ${(t("c0") / t("c")).toFixed(2)}, peak RSS ${(rss("c0") / rss("c")).toFixed(2)}`,
    );
    console.log(`c peak RSS ${rss("c").toFixed(0)} MB (target < 150); a ${rss("a").toFixed(0)} MB`);
    console.log(
      `two days / one day: time ${(t("c2") / t("c")).toFixed(2)}, peak RSS ${(rss("c2") / rss("c")).toFixed(2)} (flat = ~1.0)`,
    );
  } finally {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
