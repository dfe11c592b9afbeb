/**
 * npm run bench:extract — a one-day export of at least 150,000 simulator events, extracted three ways in
 * the same run: (a) the seed's Python approach, (b) `unzip -p | gzip -dc`, (c) this extract. Prints wall
 * time and peak RSS of each and the ratios c/a and c/b, then (c) on a two-day export to show RSS is flat.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { measure } from "./measure.ts";
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
    await mkdir(outA);
    const a = await measure("(a) seed: in memory, unzip, gunzip to files", [
      "python3",
      join(ROOT, "test", "bench", "seed_extract.py"),
      client.exportUrl(DAY),
      sim.apiKey,
      sim.secretKey,
      outA,
    ]);
    await rm(outA, { recursive: true, force: true });
    const b = await measure("(b) unzip -p | gzip -dc > /dev/null", [
      "sh",
      "-c",
      `unzip -p '${zipPath}' | gzip -dc > /dev/null`,
    ]);
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
      "--json",
      ...extra,
    ];
    const c = await measure("(c) this extract, validating every line", extractArgs(DAY), env);
    await rm(outC, { recursive: true, force: true });
    // One 48-hour window: the same concurrency as the one-day run, twice the data in one export.
    const c2 = await measure(
      "(c) this extract, two days in one window",
      extractArgs(TWO_DAYS, "--window-hours", "48"),
      env,
    );
    await rm(outC, { recursive: true, force: true });
    const c0 = await measure(
      "(c) this extract, validating on the main thread",
      extractArgs(DAY, "--validation-threads", "0"),
      env,
    );
    await rm(outC, { recursive: true, force: true });

    console.log("");
    console.log(`c/a time ${(c.seconds / a.seconds).toFixed(2)}   (target <= 1.0)`);
    console.log(`c/b time ${(c.seconds / b.seconds).toFixed(2)}`);
    console.log(
      `main-thread validation / worker validation: time ${(c0.seconds / c.seconds).toFixed(2)}, peak RSS ${(c0.peakRssMb / c.peakRssMb).toFixed(2)}`,
    );
    console.log(`c peak RSS ${c.peakRssMb.toFixed(0)} MB (target < 150); a ${a.peakRssMb.toFixed(0)} MB`);
    console.log(
      `two days / one day: time ${(c2.seconds / c.seconds).toFixed(2)}, peak RSS ${(c2.peakRssMb / c.peakRssMb).toFixed(2)} (flat = ~1.0)`,
    );
  } finally {
    await sim.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
