/**
 * npm run bench:cohorts — cohort membership through `extract --objects cohorts`, at two sizes of the
 * simulated world, against a baseline measured in the same run.
 *
 * For each size, timed in processes of their own:
 *   (a) the baseline: a bare Node script that walks each cohort's request → poll → file flow with fetch
 *       and only counts the lines of the member files (no parsing, no gzip, no disk);
 *   (b) `extract --objects cohorts` into a fresh backup folder: the same downloads, parsed as CSV, written
 *       as gzip NDJSON snapshots with their manifests.
 * Printed: b / a for each size, and the peak RSS of (b) at both sizes: streaming keeps it flat while the
 * memberships grow.
 */
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AmplitudeSimulator } from "../../src/amplitude/simulator/server.ts";
import { measure } from "./measure.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "lib", "cli", "bin.js");
const BASELINE = join(ROOT, "test", "bench", "cohort-download-baseline.mjs");
const SIZES = [
  { label: "small world", users: 5_000, eventsPerHour: 2_000 },
  { label: "large world", users: 50_000, eventsPerHour: 20_000 },
];

async function main() {
  const work = await mkdtemp(join(tmpdir(), "bench-cohorts-"));
  const results: Array<{ label: string; members: number; base: number; extract: number; rss: number }> = [];
  try {
    for (const size of SIZES) {
      const now = new Date();
      const sim = await new AmplitudeSimulator({ ...size, now: () => now }).start();
      try {
        // Memberships are computed once per day and cached: compute them untimed, before either side asks.
        const started = performance.now();
        const memberships = await sim.objects.membersAt(sim.objects.lastComputed());
        const members = [...memberships.values()].reduce((total, list) => total + list.length, 0);
        console.log(
          `${size.label}: ${size.users.toLocaleString("en")} users, ${members.toLocaleString("en")} cohort members ` +
            `(computed in ${((performance.now() - started) / 1000).toFixed(1)} s, untimed)`,
        );
        const env = {
          ...process.env,
          AMPLITUDE_API_URL: sim.url,
          AMP_API_KEY: sim.apiKey,
          AMP_SECRET_KEY: sim.secretKey,
        };
        const base = await measure(
          `  (a) baseline: fetch and count lines`,
          [process.execPath, BASELINE],
          env,
        );
        const out = join(work, `${size.users}`, "exports");
        const lake = join(work, `${size.users}`, "lake");
        await mkdir(lake, { recursive: true });
        const extract = await measure(
          `  (b) extract --objects cohorts`,
          [
            process.execPath,
            CLI,
            "extract",
            "--objects",
            "cohorts",
            "--out",
            out,
            "--lake",
            `file://${lake}`,
          ],
          env,
        );
        results.push({
          label: size.label,
          members,
          base: base.seconds,
          extract: extract.seconds,
          rss: extract.peakRssMb,
        });
      } finally {
        await sim.close();
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  for (const r of results) {
    console.log(
      `${r.label}: b / a = ${(r.extract / r.base).toFixed(2)} (${r.members.toLocaleString("en")} members; ` +
        `${((r.members / r.extract) | 0).toLocaleString("en")} members/s)`,
    );
  }
  const [small, large] = results;
  console.log(
    `peak RSS of extract: ${small!.rss.toFixed(0)} MB → ${large!.rss.toFixed(0)} MB ` +
      `(× ${(large!.rss / small!.rss).toFixed(2)}) while members grew × ${(large!.members / small!.members).toFixed(1)}`,
  );
}

await main();
