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
