import type { Env } from "../config.ts";
import { readProject } from "../models/project.ts";
import { buildSeeds, type SeedResult } from "../models/seeds.ts";
import { openLockedWarehouse } from "../pipeline/locked-warehouse.ts";
import { formatCount, formatDuration, printJson, type Output } from "./output.ts";

export interface SeedCommandOptions {
  warehouse: string;
  project: string;
  json?: boolean;
}

export interface SeedFigures {
  seeds: number;
  loaded: number;
  unchanged: number;
  failed: number;
  rows: number;
}

/**
 * `seed`: builds every seed of the project in the `seeds` schema, each only when its CSV changed since
 * its last load (transform and provision do the same before the models need them).
 */
export async function runSeed(
  options: SeedCommandOptions,
  deps: { env: Env; output: Output },
): Promise<{ results: SeedResult[]; figures: SeedFigures }> {
  const { output } = deps;
  const started = Date.now();
  const project = await readProject(options.project);
  const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
    command: "seed",
    create: true,
    env: deps.env,
    warn: (message) => output.err(`warning: ${message}`),
  });
  let results: SeedResult[];
  try {
    output.err(`Seeding ${warehouse.url} from ${project.root}/seeds`);
    results = await buildSeeds(warehouse, project, undefined, {
      reporter: {
        seed: (result) =>
          output.err(
            result.status === "error"
              ? `error: ${result.relation}: ${result.message}`
              : `${result.relation}: ${result.status}, ${formatCount(result.rows ?? 0)} rows`,
          ),
      },
    });
  } finally {
    await release();
  }
  const count = (status: SeedResult["status"]) => results.filter((r) => r.status === status).length;
  const figures: SeedFigures = {
    seeds: results.length,
    loaded: count("loaded"),
    unchanged: count("unchanged"),
    failed: count("error"),
    rows: results.reduce((sum, r) => sum + (r.rows ?? 0), 0),
  };
  output.out(
    `Seeds: ${figures.loaded} loaded, ${figures.unchanged} unchanged, ${figures.failed} failed ` +
      `(${formatCount(figures.rows)} rows) in ${formatDuration(Date.now() - started)}`,
  );
  if (options.json) printJson(output, figures);
  return { results, figures };
}
