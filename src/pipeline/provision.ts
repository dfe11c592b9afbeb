import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Env } from "../config.ts";
import { ConfigurationError, SqlExecutionError } from "../errors.ts";
import { parseS3LakeUrl } from "../lake/lake-url.ts";
import { readProject } from "../models/project.ts";
import { buildSeeds, type SeedResult } from "../models/seeds.ts";
import { DEFAULT_STORAGE_INTEGRATION, EVENTS_PIPE } from "../snowflake/objects.ts";
import {
  applyProvision,
  emptyCatalog,
  notificationChannel,
  planProvision,
  readCatalog,
  refusalError,
  type ProvisionPlan,
} from "../snowflake/provision.ts";
import { DRY_RUN_SETTINGS, renderObjects, type ProvisionSettings } from "../snowflake/render.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import { missingSnowflakeSettings } from "../warehouse/snowflake-config.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";

/** What the provision step is given: typed values, whichever front end (CLI flags, action inputs) read them. */
export interface ProvisionStepOptions {
  /** The S3 lake the stage reads: s3://bucket/prefix (s3:// alone takes AWS_BUCKET_NAME). */
  lake?: string;
  integration?: string;
  createIntegration?: boolean;
  awsRoleArn?: string;
  /** Pipes or the stream provision may replace the documented way (each value may be comma-separated). */
  allowReplace?: string[];
  /** Read the account and plan, but change nothing. */
  plan?: boolean;
  /** Render every statement into `out` without connecting. */
  dryRun?: boolean;
  out: string;
  project: string;
  configureBucketNotification?: boolean;
  /** Hours between the finalizer's whole passes of the data tests (0: every graph run; default 24). */
  fullTestsEvery?: number;
}

/** What the provision step reports as it goes; every event is optional. */
export interface ProvisionStepReporter {
  warning?(message: string): void;
  /** Before the catalog is read. */
  reading?(event: { warehouseUrl: string }): void;
  /** The plan, once made: also when it holds refusals (the step then throws their ConfigurationError). */
  planned?(plan: ProvisionPlan): void;
  /** Each statement as it is applied, numbered from 1. */
  statement?(event: { index: number; sql: string }): void;
  /** Each seed once built (or found unchanged) after the objects are applied. */
  seed?(result: SeedResult): void;
  /** What the run did to the account, before the bucket notification is read (or set). */
  outcome?(
    event: Pick<ProvisionStepResult, "mode" | "plan" | "applied" | "objects" | "settings" | "placeholders">,
  ): void;
}

/** The figures `provision --json` prints. */
export interface ProvisionFigures {
  create: number;
  alter: number;
  replace: number;
  drop: number;
  unchanged: number;
  refused: number;
  statements: number;
}

/** Where Snowpipe listens, and whether this run pointed the bucket at it. */
export interface BucketNotification {
  /** The events pipe's SQS queue; null when Snowflake reports none yet. */
  channel: string | null;
  bucket: string;
  /** The key prefix the notification covers (`<prefix>/amplitude/`). */
  prefix: string;
  /** With `configureBucketNotification`: what was done to the bucket. */
  configured?: "set" | "unchanged";
}

export interface ProvisionStepResult {
  plan: ProvisionPlan;
  figures: ProvisionFigures;
  /**
   * `dry-run`: rendered into `out`; `plan`: planned only; `unchanged`: nothing to change; `applied`:
   * the plan's statements ran.
   */
  mode: "dry-run" | "plan" | "unchanged" | "applied";
  settings: ProvisionSettings;
  /** With `dryRun`: the settings rendered from placeholders because none was given, each said in words. */
  placeholders: string[];
  /** Objects rendered from the project. */
  objects: number;
  /** Statements applied by this run. */
  applied: number;
  /** After `unchanged` or `applied`: the seeds, loaded where their CSV changed. */
  seeds?: SeedResult[];
  /** After `unchanged` or `applied`. */
  notification?: BucketNotification;
  durationMs: number;
  /** Provision fails by throwing (a statement, a refusal); a result is a success. */
  failed: boolean;
}

/** `s3://bucket/prefix` (or `s3://` with AWS_BUCKET_NAME) as the stage URL: `s3://bucket/prefix/`. */
export function stageUrl(
  lake: string | undefined,
  env: Env,
  fallbackBucket?: string,
): { url: string; bucket: string; prefix: string } {
  const text = lake ?? "s3://";
  const parts = parseS3LakeUrl(text, env, fallbackBucket);
  if (!parts) {
    throw new ConfigurationError(
      `--lake ${JSON.stringify(text)}: Snowflake reads the lake from S3, so provision takes --lake s3://bucket/prefix`,
    );
  }
  const { bucket, prefix } = parts;
  if (!bucket)
    throw new ConfigurationError(
      "provision needs the lake's bucket: pass --lake s3://bucket/prefix or set AWS_BUCKET_NAME",
    );
  return { url: `s3://${bucket}/${prefix ? `${prefix}/` : ""}`, bucket, prefix };
}

/**
 * Everything provision needs to connect, checked before anything is read or opened: each missing setting
 * is named in one error, with what it is.
 */
function checkConnectionSettings(options: ProvisionStepOptions, env: Env): void {
  const missing = missingSnowflakeSettings(env);
  // A lake that is no S3 URL at all is stageUrl's error to explain.
  if (parseS3LakeUrl(options.lake ?? "s3://", env)?.bucket === "") {
    missing.push({
      name: "--lake s3://bucket/prefix (or AWS_BUCKET_NAME)",
      what: "the S3 lake the stage reads",
    });
  }
  if (missing.length === 0) return;
  throw new ConfigurationError(
    `provision needs ${missing.length} setting(s) that are not set:\n` +
      missing.map((setting) => `  ${setting.name}: ${setting.what}\n`).join("") +
      "Set them in the environment, .env or the repository's secrets and variables; " +
      "provision --dry-run renders the statements without any of them",
  );
}

export function planFigures(plan: ProvisionPlan): ProvisionFigures {
  const count = (action: string) => plan.changes.filter((change) => change.action === action).length;
  return {
    create: count("create"),
    alter: count("alter"),
    replace: count("replace"),
    drop: count("drop"),
    unchanged: count("unchanged") + count("record"),
    refused: plan.refusals.length,
    statements: plan.statements.length,
  };
}

/**
 * Provision: render the Snowflake objects from the project, read what the account holds, plan the
 * changes (refusing unsafe ones), apply them, and read (or set) the bucket notification Snowpipe needs.
 */
export async function provisionStep(
  options: ProvisionStepOptions,
  context: {
    env: Env;
    /** Recorded in the change history with each object. */
    toolVersion: string;
    reporter?: ProvisionStepReporter;
    signal?: AbortSignal;
    sleep?: (ms: number) => Promise<void>;
    /** The clock the waits for a pipe's queue and a graph run are bounded by. */
    now?: () => Date;
  },
): Promise<ProvisionStepResult> {
  const { env, reporter = {} } = context;
  const started = Date.now();
  if (!options.dryRun) checkConnectionSettings(options, env);
  const project = await readProject(options.project);
  // A dry run connects to nothing: what the environment lacks, it takes from the placeholders, and says so.
  const fallback = options.dryRun ? stageUrl(DRY_RUN_SETTINGS.lakeUrl, {}) : undefined;
  const lake = stageUrl(options.lake, env, fallback?.bucket);
  const warehouseName = env.SNOWFLAKE_WAREHOUSE || (options.dryRun ? DRY_RUN_SETTINGS.warehouse : undefined);
  if (!warehouseName)
    throw new ConfigurationError("SNOWFLAKE_WAREHOUSE is not set: the tasks need a warehouse to run on");
  const placeholders = [
    ...(fallback && !parseS3LakeUrl(options.lake ?? "s3://", env)?.bucket
      ? [`the stage's bucket ${fallback.bucket} (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given)`]
      : []),
    ...(env.SNOWFLAKE_WAREHOUSE ? [] : [`the warehouse ${warehouseName} (SNOWFLAKE_WAREHOUSE is not set)`]),
  ];
  if (placeholders.length > 0) {
    reporter.warning?.(
      `--dry-run renders with placeholders: ${placeholders.join("; ")}. Give your own to render the statements you will run.`,
    );
  }
  const settings = provisionSettings(options, env, { warehouse: warehouseName, lakeUrl: lake.url });
  if (!settings.masking) reporter.warning?.(MASKING_OFF_WARNING);
  let objects = renderObjects(project, settings);
  const allowReplace = (options.allowReplace ?? [])
    .flatMap((value) => value.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const name of allowReplace) {
    const object = objects.find((o) => o.name === name.toLowerCase());
    if (!object || (object.kind !== "pipe" && object.kind !== "stream")) {
      const replaceable = objects.filter((o) => o.kind === "pipe" || o.kind === "stream").map((o) => o.name);
      throw new ConfigurationError(
        `--allow-replace=${name}: only a pipe or the stream is ever replaced on request; use one of ${replaceable.join(", ")}`,
      );
    }
  }
  const decided = (plan: ProvisionPlan, mode: ProvisionStepResult["mode"], applied = 0) => {
    reporter.outcome?.({ mode, plan, applied, objects: objects.length, settings, placeholders });
    return { mode, plan, applied };
  };
  let seeds: SeedResult[] | undefined;
  const result = (
    outcome: ReturnType<typeof decided>,
    notification?: BucketNotification,
  ): ProvisionStepResult => ({
    ...outcome,
    figures: planFigures(outcome.plan),
    settings,
    placeholders,
    objects: objects.length,
    seeds,
    notification,
    durationMs: Date.now() - started,
    failed: false,
  });

  if (options.dryRun) {
    const plan = planProvision(objects, emptyCatalog());
    await writeDryRun(plan, options.out, settings, placeholders);
    return result(decided(plan, "dry-run"));
  }

  const warehouse = await openWarehouse("snowflake", {
    create: true,
    env,
    origin: "provision",
    warn: (message: string) => reporter.warning?.(message),
  });
  try {
    context.signal?.throwIfAborted();
    reporter.reading?.({ warehouseUrl: warehouse.url });
    if (settings.masking && !settings.masking.pipelineRole) {
      // SNOWFLAKE_ROLE unset: the session's role (the user's default) is the one that owns what provision creates.
      const [row] = await warehouse.query<{ role_name: string | null }>("select current_role() as role_name");
      if (!row?.role_name) {
        throw new ConfigurationError(
          "the session has no role for the masking policies to let read personal data: set SNOWFLAKE_ROLE to the pipeline's role",
        );
      }
      settings.masking.pipelineRole = String(row.role_name);
      objects = renderObjects(project, settings);
    }
    const catalog = await readCatalog(warehouse, settings.integration, {
      masking: Boolean(settings.masking),
    }).catch((error: unknown) => {
      throw maskingError(error, /show masking policies/i) ?? error;
    });
    const plan = planProvision(objects, catalog, { allowReplace });
    reporter.planned?.(plan);
    if (plan.refusals.length > 0) throw refusalError(plan.refusals);
    const ddl = plan.statements.length;
    if (options.plan && ddl > 0) return result(decided(plan, "plan"));
    // Seeds are data the procedures read: loaded (where their CSV changed) once the objects exist and
    // before the graph is resumed. The root task starts on the stream, not on transform, so a seed
    // loaded by transform could come after a graph run that needed it.
    const loadSeeds = async () => {
      seeds = await buildSeeds(warehouse, project, undefined, { reporter, provisioned: true });
      const failed = seeds.filter((seed) => seed.status === "error");
      if (failed.length > 0) {
        throw new Error(
          `provision could not load ${failed.length} seed(s): ${failed.map((s) => s.message).join("; ")}`,
        );
      }
    };
    if (ddl === 0) {
      await loadSeeds();
      const outcome = decided(plan, "unchanged");
      return result(outcome, await bucketNotification(options, { env, warehouse, lake, reporter }));
    }
    context.signal?.throwIfAborted();
    let applied = 0;
    await applyProvision(warehouse, plan, {
      toolVersion: context.toolVersion,
      sleep: context.sleep,
      now: context.now,
      beforeResume: loadSeeds,
      reporter: {
        statement: (sql) => {
          applied += 1;
          reporter.statement?.({ index: applied, sql });
        },
      },
    }).catch((error: unknown) => {
      throw maskingError(error, /^(create|alter) masking policy|set masking policy/i) ?? error;
    });
    const outcome = decided(plan, "applied", applied);
    return result(outcome, await bucketNotification(options, { env, warehouse, lake, reporter }));
  } finally {
    await warehouse.close();
  }
}

const MASKING_OFF_WARNING =
  "SNOWFLAKE_MASKING=off: personal columns (pii: true in the model yml) outside restricted are not masked, " +
  "and policies set by an earlier provision stay where they are; grant the staging and core schemas only to " +
  "roles that may see personal data";

/**
 * SNOWFLAKE_MASKING (on unless `off`) and the roles the masking policies let read personal data: the
 * pipeline's (SNOWFLAKE_ROLE; "" until the session tells it) and SNOWFLAKE_PII_ROLE's.
 */
export function maskingSettings(env: Env, dryRun: boolean): ProvisionSettings["masking"] {
  const value = (env.SNOWFLAKE_MASKING ?? "").trim().toLowerCase();
  if (value === "off") return undefined;
  if (value !== "" && value !== "on") {
    throw new ConfigurationError(
      `SNOWFLAKE_MASKING ${JSON.stringify(env.SNOWFLAKE_MASKING)} is neither on nor off: leave it unset (on) to mask ` +
        "personal columns on Snowflake, or set it to off on an account without masking policies (below Enterprise Edition)",
    );
  }
  const pipelineRole = env.SNOWFLAKE_ROLE?.trim() || (dryRun ? DRY_RUN_SETTINGS.masking!.pipelineRole : "");
  return { pipelineRole, piiRole: env.SNOWFLAKE_PII_ROLE?.trim() || undefined };
}

/** A statement about masking policies that Snowflake refused, as the setting that avoids it. */
function maskingError(error: unknown, statement: RegExp): ConfigurationError | undefined {
  if (!(error instanceof SqlExecutionError) || !statement.test(error.message)) return undefined;
  return new ConfigurationError(
    `Snowflake refused a masking policy statement (${error.message}). Masking policies need Enterprise Edition ` +
      "or higher, and the role must own the pipeline schema and the tables it masks. On an account without them, " +
      "set SNOWFLAKE_MASKING=off and grant the staging and core schemas only to roles that may see personal data; " +
      "what provision applied before this statement is recorded, and a later run continues from there.",
  );
}

/** The bucket notification Snowpipe needs: read, and set with `configureBucketNotification`. */
async function bucketNotification(
  options: ProvisionStepOptions,
  context: {
    env: Env;
    warehouse: Warehouse;
    lake: { bucket: string; prefix: string };
    reporter: ProvisionStepReporter;
  },
): Promise<BucketNotification> {
  const channel = await notificationChannel(context.warehouse);
  const { bucket } = context.lake;
  const prefix = `${context.lake.prefix ? `${context.lake.prefix}/` : ""}amplitude/`;
  if (!channel) {
    context.reporter.warning?.(
      `${EVENTS_PIPE} reports no notification channel yet: run provision again in a minute to read it`,
    );
    return { channel: null, bucket, prefix };
  }
  if (!options.configureBucketNotification) return { channel, bucket, prefix };
  const { configureBucketNotification } = await import("../snowflake/bucket-notification.ts");
  const configured = await configureBucketNotification({
    env: context.env,
    bucket,
    prefix,
    queueArn: channel,
  });
  return { channel, bucket, prefix, configured };
}

/** Every statement of a first provision, one numbered file each, so they read (and diff) in order. */
async function writeDryRun(
  plan: ProvisionPlan,
  out: string,
  settings: ProvisionSettings,
  placeholders: string[],
) {
  const note =
    placeholders.length > 0 ? `-- placeholders, not your settings: ${placeholders.join("; ")}\n` : "";
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  let index = 0;
  const names = new Map<string, string>();
  for (const change of plan.changes)
    for (const sql of change.statements)
      names.set(sql, `${change.object.kind.replace(/ /g, "_")}_${change.object.name}`);
  for (const sql of plan.statements) {
    index += 1;
    const name =
      names.get(sql) ??
      (sql.startsWith("select system$task_dependents_enable") ? "resume_task_graph" : "statement");
    const file = join(out, `${String(index).padStart(3, "0")}_${name.replace(/[^a-z0-9_.]/gi, "_")}.sql`);
    await writeFile(
      file,
      `-- amplitude-pipeline provision, statement ${index} of ${plan.statements.length} ` +
        `(warehouse ${settings.warehouse}, stage ${settings.lakeUrl}, integration ${settings.integration})\n${note}${sql};\n`,
    );
  }
}

/** The settings provision renders with: the options first, then the environment, then the defaults. */
function provisionSettings(
  options: Pick<
    ProvisionStepOptions,
    "integration" | "createIntegration" | "awsRoleArn" | "dryRun" | "fullTestsEvery"
  >,
  env: Env,
  place: { warehouse: string; lakeUrl: string },
): ProvisionSettings {
  return {
    ...place,
    integration: options.integration || env.SNOWFLAKE_STORAGE_INTEGRATION || DEFAULT_STORAGE_INTEGRATION,
    createIntegration: options.createIntegration === true,
    awsRoleArn: options.awsRoleArn || env.SNOWFLAKE_STORAGE_AWS_ROLE_ARN,
    masking: maskingSettings(env, options.dryRun === true),
    ...(options.fullTestsEvery === undefined ? {} : { fullTestsEveryHours: options.fullTestsEvery }),
  };
}

/**
 * What provision would change on the account `warehouse` is signed in to, read without changing anything:
 * the same settings, rendering and plan as `provision --plan` (doctor's "change history" line).
 */
export async function readProvisionPlan(
  warehouse: Warehouse,
  options: Pick<ProvisionStepOptions, "lake" | "integration" | "project">,
  env: Env,
): Promise<ProvisionPlan> {
  const project = await readProject(options.project);
  const lake = stageUrl(options.lake, env);
  const settings = provisionSettings(options, env, {
    warehouse: env.SNOWFLAKE_WAREHOUSE ?? "",
    lakeUrl: lake.url,
  });
  if (settings.masking && !settings.masking.pipelineRole) {
    const [row] = await warehouse.query<{ role_name: string | null }>("select current_role() as role_name");
    settings.masking.pipelineRole = String(row?.role_name ?? "");
  }
  const catalog = await readCatalog(warehouse, settings.integration, { masking: Boolean(settings.masking) });
  return planProvision(renderObjects(project, settings), catalog);
}
