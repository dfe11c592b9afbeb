import { spawn } from "node:child_process";
import { once } from "node:events";

export interface Measurement {
  seconds: number;
  peakRssMb: number;
}

/**
 * Runs a command under GNU time and returns its wall seconds and the peak RSS of the largest process it
 * waited for. Asynchronous on purpose: a server the command talks to may live in this process's event loop.
 * With `megabytes`, the printed line also gives the throughput.
 */
export async function measure(
  label: string,
  command: string[],
  env: NodeJS.ProcessEnv = process.env,
  megabytes?: number,
): Promise<Measurement> {
  const child = spawn("/usr/bin/time", ["-f", "TIME %e %M", ...command], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const [status] = (await once(child, "close")) as [number | null];
  const match = /TIME ([\d.]+) (\d+)/.exec(stderr);
  if (status !== 0 || !match) throw new Error(`${label} failed (exit ${status}):\n${stderr.slice(-3000)}`);
  const m = { seconds: Number(match[1]), peakRssMb: Number(match[2]) / 1024 };
  const rate = megabytes === undefined ? "" : ` ${(megabytes / m.seconds).toFixed(0).padStart(6)} MB/s`;
  console.log(
    `${label.padEnd(48)} ${m.seconds.toFixed(2).padStart(7)} s${rate}   peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB`,
  );
  return m;
}

/** Measured runs after the warm-up: BENCH_RUNS, at least three, so one noisy run cannot decide a figure. */
export const BENCH_RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)! };
}

/** The median wall seconds of a step's measured runs: every ratio a bench prints is one of medians. */
export const medianSeconds = (runs: Measurement[]) => spread(runs.map((m) => m.seconds)).median;

/** One line per step: min / median / max of its wall seconds and of its peak RSS over the measured runs. */
export function printSpreads(steps: [label: string, runs: Measurement[]][]): void {
  const runs = steps[0]?.[1].length ?? 0;
  console.log(
    `\n${"".padEnd(48)} ${`seconds, min / median / max of ${runs}`.padStart(30)}   peak RSS MB, median`,
  );
  for (const [label, measured] of steps) {
    const s = spread(measured.map((m) => m.seconds));
    const rss = spread(measured.map((m) => m.peakRssMb));
    const f = `${s.min.toFixed(2)} / ${s.median.toFixed(2)} / ${s.max.toFixed(2)}`;
    console.log(`${label.padEnd(48)} ${f.padStart(30)}   ${rss.median.toFixed(0).padStart(6)}`);
  }
}
