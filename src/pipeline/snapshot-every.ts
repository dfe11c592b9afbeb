import { ConfigurationError } from "../errors.ts";
import { DEFAULT_SNAPSHOT_EVERY } from "./defaults.ts";

const HOUR_MS = 3_600_000;

/**
 * `--snapshot-every`: `0` (every run), `<n>h` or `<n>d`, in milliseconds. `m` is left out on purpose: in
 * `--history` it means months, and a snapshot interval in minutes would only confuse it.
 */
export function parseSnapshotEvery(text: string, name = "--snapshot-every"): number {
  const match = /^\s*(\d+)\s*([hd]?)\s*$/i.exec(text);
  const n = match ? Number(match[1]) : NaN;
  if (!match || (n !== 0 && !match[2]) || n > 366 * 24) {
    throw new ConfigurationError(
      `${name} ${JSON.stringify(text)} is not an interval: use 0 (every run), a number of hours such as 24h, ` +
        "or of days such as 7d",
    );
  }
  return n * (match[2]!.toLowerCase() === "d" ? 24 : 1) * HOUR_MS;
}

/**
 * The CLI's interval: the one given; else a day for the default objects, and every run for an explicit
 * `--objects` list, which takes what it names.
 */
export function cliSnapshotEvery(options: { snapshotEvery?: number; objects?: readonly string[] }): number {
  return options.snapshotEvery ?? (options.objects ? 0 : parseSnapshotEvery(DEFAULT_SNAPSHOT_EVERY));
}
