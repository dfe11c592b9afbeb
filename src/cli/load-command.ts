import type { Env } from "../config.ts";
import { openLake } from "../lake/open-lake.ts";
import { lockRun } from "../pipeline/lock.ts";
import { load, type LoadSummary } from "../warehouse/load.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import { formatBytes, formatCount, formatDuration, type Output } from "./output.ts";

export interface LoadCommandOptions {
  lake: string;
  warehouse: string;
  json?: boolean;
}

export function loadFigures(summary: LoadSummary) {
  const { files, rows, bytes, skipped, waiting } = summary;
  return { files, rows, bytes, skipped, waiting, failed: summary.failed.length };
}

export async function runLoad(
  options: LoadCommandOptions,
  deps: { env: Env; output: Output; signal?: AbortSignal },
): Promise<LoadSummary> {
  const { output, signal } = deps;
  signal?.throwIfAborted();
  const lake = await openLake(options.lake, deps.env);
  // load reads the lake and must not create it: a mistyped --lake would become an empty lake that
  // loads nothing. An existing lake with no manifests yet stays a warning (load() says so).
  await lake.check({ create: false });
  const lock = await lockRun({ warehouse: options.warehouse }, { command: "load" });
  const warehouse = await openWarehouse(options.warehouse, { create: true }).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
  try {
    // Batches commit one by one inside load(); before the first is the point to stop from here.
    signal?.throwIfAborted();
    const started = Date.now();
    output.err(`Loading ${lake.url} into ${warehouse.url}`);
    const summary = await load({
      lake,
      warehouse,
      signal,
      reporter: {
        batch: ({ files, rows, done, total }) =>
          output.err(
            `loaded ${formatCount(done)}/${formatCount(total)} file(s): ${formatCount(rows)} rows (${files} committed)`,
          ),
        warning: (message) => output.err(`warning: ${message}`),
      },
    });
    output.out(
      `Loaded ${formatCount(summary.files)} file(s), ${formatCount(summary.rows)} rows, ${formatBytes(summary.bytes)}, ` +
        `in ${formatDuration(Date.now() - started)} into raw.amplitude_events from ${summary.windows} new ` +
        `deliver${summary.windows === 1 ? "y" : "ies"} (${formatCount(summary.listed)} manifest(s) listed since the last load)` +
        (summary.skipped > 0
          ? `; ${formatCount(summary.skipped)} file(s) they list were loaded already`
          : "") +
        (summary.waiting > 0 ? `; ${summary.waiting} lake file(s) wait for their delivery's manifest` : ""),
    );
    for (const failure of summary.failed) output.err(`error: ${failure.message}`);
    if (options.json) output.out(JSON.stringify(loadFigures(summary)));
    return summary;
  } finally {
    await warehouse.close();
    await lock.release();
  }
}
