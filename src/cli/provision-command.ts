import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import { readProject } from "../models/project.ts";
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
import { parseS3LakeUrl } from "../lake/lake-url.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import { textTable, type Output } from "./output.ts";

export interface ProvisionCommandOptions {
  lake?: string;
  integration?: string;
  createIntegration?: boolean;
  awsRoleArn?: string;
  allowReplace?: string[];
  plan?: boolean;
  dryRun?: boolean;
  out: string;
  project: string;
  configureBucketNotification?: boolean;
  json?: boolean;
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

export async function runProvision(
  options: ProvisionCommandOptions,
  deps: {
    env: Env;
    output: Output;
    toolVersion: string;
    signal?: AbortSignal;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<ProvisionPlan> {
  const { env, output } = deps;
  const project = await readProject(options.project);
  // A dry run connects to nothing: what the environment lacks, it takes from the placeholders.
  const placeholders = options.dryRun ? stageUrl(DRY_RUN_SETTINGS.lakeUrl, {}) : undefined;
  const lake = stageUrl(options.lake, env, placeholders?.bucket);
  const warehouseName = env.SNOWFLAKE_WAREHOUSE || (options.dryRun ? DRY_RUN_SETTINGS.warehouse : undefined);
  if (!warehouseName)
    throw new ConfigurationError("SNOWFLAKE_WAREHOUSE is not set: the tasks need a warehouse to run on");
  const settings: ProvisionSettings = {
    warehouse: warehouseName,
    lakeUrl: lake.url,
    integration: options.integration || env.SNOWFLAKE_STORAGE_INTEGRATION || DEFAULT_STORAGE_INTEGRATION,
    createIntegration: options.createIntegration === true,
    awsRoleArn: options.awsRoleArn || env.SNOWFLAKE_STORAGE_AWS_ROLE_ARN,
  };
  const objects = renderObjects(project, settings);
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

  if (options.dryRun) {
    const plan = planProvision(objects, emptyCatalog());
    await writeDryRun(plan, options.out, settings);
    output.out(
      `Rendered ${plan.statements.length} statement(s) for ${objects.length} object(s) into ${options.out}, in execution order, ` +
        `as a first provision of an empty database would run them (warehouse ${settings.warehouse}, stage ${settings.lakeUrl}). Nothing was connected to.`,
    );
    if (options.json) output.out(JSON.stringify(planFigures(plan)));
    return plan;
  }

  const warehouse = await openWarehouse("snowflake", {
    create: true,
    env,
    warn: (m: string) => output.err(`warning: ${m}`),
  });
  try {
    deps.signal?.throwIfAborted();
    output.err(`Reading what ${warehouse.url} holds…`);
    const catalog = await readCatalog(warehouse, settings.integration);
    const plan = planProvision(objects, catalog, { allowReplace });
    for (const line of planTable(plan)) output.out(line);
    if (plan.refusals.length > 0) throw refusalError(plan.refusals);
    const ddl = plan.statements.length;
    if (options.plan || ddl === 0) {
      output.out(
        ddl === 0
          ? "Nothing to change: every object matches its change-history checksum; no DDL was run."
          : `Plan only (--plan): ${ddl} statement(s) would run. Run provision without --plan to apply.`,
      );
      if (ddl === 0) await finish(options, { env, output, warehouse, lake });
      if (options.json) output.out(JSON.stringify(planFigures(plan)));
      return plan;
    }
    deps.signal?.throwIfAborted();
    let applied = 0;
    await applyProvision(warehouse, plan, {
      toolVersion: deps.toolVersion,
      sleep: deps.sleep,
      reporter: {
        statement: (sql) => {
          applied += 1;
          output.err(`[${applied}] ${sql.split("\n")[0]}`);
        },
      },
    });
    output.out(`Applied ${applied} statement(s); the change history records each object.`);
    await finish(options, { env, output, warehouse, lake });
    if (options.json) output.out(JSON.stringify(planFigures(plan)));
    return plan;
  } finally {
    await warehouse.close();
  }
}

/** The bucket notification Snowpipe needs: printed, or set with --configure-bucket-notification. */
async function finish(
  options: ProvisionCommandOptions,
  context: {
    env: Env;
    output: Output;
    warehouse: Awaited<ReturnType<typeof openWarehouse>>;
    lake: { bucket: string; prefix: string };
  },
) {
  const channel = await notificationChannel(context.warehouse);
  const prefix = `${context.lake.prefix ? `${context.lake.prefix}/` : ""}amplitude/`;
  if (!channel) {
    context.output.err(
      `warning: ${EVENTS_PIPE} reports no notification channel yet: run provision again in a minute to read it`,
    );
    return;
  }
  if (options.configureBucketNotification) {
    const { configureBucketNotification } = await import("../snowflake/bucket-notification.ts");
    const outcome = await configureBucketNotification({
      env: context.env,
      bucket: context.lake.bucket,
      prefix,
      queueArn: channel,
    });
    context.output.out(
      outcome === "unchanged"
        ? `s3://${context.lake.bucket} already notifies ${channel} for ${prefix}`
        : `Set s3://${context.lake.bucket}'s event notification: s3:ObjectCreated:* under ${prefix} -> ${channel}`,
    );
    return;
  }
  context.output.out(
    `Snowpipe listens on ${channel}. Point the bucket's event notification at it (s3:ObjectCreated:*, prefix ${prefix}), ` +
      "or run provision --configure-bucket-notification",
  );
}

export function planFigures(plan: ProvisionPlan) {
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

/** One line per object: action, kind, name, why. Unchanged objects are counted, not listed one by one. */
export function planTable(plan: ProvisionPlan): string[] {
  const rows = plan.changes
    .filter((change) => change.action !== "unchanged" && change.action !== "record")
    .map((change) => [change.action, change.object.kind, change.object.name, change.detail ?? ""]);
  for (const refusal of plan.refusals)
    rows.push(["refused", refusal.object.kind, refusal.object.name, refusal.reason]);
  const figures = planFigures(plan);
  const header = ["action", "kind", "object", "detail"];
  const lines = rows.length > 0 ? textTable(header, rows) : [];
  lines.push(
    `Plan: ${figures.create} to create, ${figures.alter} to alter, ${figures.replace} to replace, ${figures.drop} to drop, ` +
      `${figures.unchanged} unchanged` +
      (figures.refused > 0 ? `, ${figures.refused} refused` : "") +
      (plan.suspendsGraph
        ? plan.statements.some((sql) => /^alter task \S+ suspend$/.test(sql))
          ? "; the task graph is suspended while its tasks change and resumed after"
          : "; the task graph is started once its tasks exist"
        : "") +
      ".",
  );
  return lines;
}

/** Every statement of a first provision, one numbered file each, so they read (and diff) in order. */
async function writeDryRun(plan: ProvisionPlan, out: string, settings: ProvisionSettings) {
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
        `(warehouse ${settings.warehouse}, stage ${settings.lakeUrl}, integration ${settings.integration})\n${sql};\n`,
    );
  }
}
