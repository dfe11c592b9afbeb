import { amplitudeConfig, type AmplitudeConfig, type Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import { checkLakeUrl, openLake } from "../lake/open-lake.ts";
import { readProject } from "../models/project.ts";
import { planProject } from "../models/runner.ts";
import { openWarehouse, warehouseDialect } from "../warehouse/open-warehouse.ts";
import { checkExtractOptions, type ExtractStepOptions } from "./extract.ts";
import type { Dialect } from "../warehouse/warehouse.ts";
import { backupOrigin, checkOrigins, lakeOrigin, warehouseOrigin } from "./demo-data.ts";

export interface RunTargets {
  lake: string;
  warehouse: string;
  project: string;
  select?: string;
  /** Amplitude's S3 export instead of the Export API: then no Amplitude keys are needed. */
  source?: string;
  /** Settings given by the caller (the demo's simulator) instead of the environment's. */
  amplitude?: unknown;
  /** The backup folder: with the lake and warehouse, checked to hold the demo's data or a project's, not the other. */
  out?: string;
  /** The demo: its folders must not hold a real project's data (and a real run's not the demo's). */
  demo?: boolean;
}

/**
 * What `run` is given, checked before it creates anything (the backup folder and its lock, the lake
 * folder, the DuckDB file): extract's options, the lake and warehouse URLs, the Snowflake settings, the
 * models and the selection.
 */
export async function checkRunOptions(
  options: RunTargets & ExtractStepOptions,
  context: { env: Env; now?: () => Date; amplitude?: AmplitudeConfig },
): Promise<void> {
  await checkExtractOptions(options, context);
  if (!options.source && !context.amplitude) amplitudeConfig(context.env);
  checkLakeUrl(options.lake, context.env);
  const dialect = await warehouseDialect(options.warehouse, { env: context.env });
  const project = await readProject(options.project);
  const { selected } = planProject(project, dialect, options.select);
  if (selected.size === 0) throw new ConfigurationError(`--select ${options.select} selects no model`);
}

/**
 * Everything `run` will need, checked before the first request to Amplitude: a backfill takes hours, and
 * a mistyped warehouse, lake, selection or model must not wait for the end of it. Opens the lake and the
 * warehouse, compiles every model and the selection, and reads the Amplitude settings.
 */
export async function checkRunTargets(targets: RunTargets, env: Env): Promise<void> {
  if (!targets.source && !targets.amplitude) amplitudeConfig(env);
  const lake = await openLake(targets.lake, env);
  await lake.check();
  // The demo's data where a project's is expected, or the other way round: refused before anything is written.
  const expect = targets.demo ? "demo" : "project";
  checkOrigins(
    [...(targets.out ? [await backupOrigin(targets.out)] : []), await lakeOrigin(lake, targets.lake)],
    expect,
  );
  const warehouse = await openWarehouse(targets.warehouse, { create: true, env });
  let dialect: Dialect;
  try {
    dialect = warehouse.dialect;
    checkOrigins([await warehouseOrigin(warehouse, targets.warehouse)], expect);
  } finally {
    await warehouse.close();
  }
  const project = await readProject(targets.project);
  const { selected } = planProject(project, dialect, targets.select);
  if (selected.size === 0) throw new ConfigurationError(`--select ${targets.select} selects no model`);
}
