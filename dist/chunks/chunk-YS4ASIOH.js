import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  missingSnowflakeSettings
} from "./chunk-6YD5DB67.js";
import {
  applyProvision,
  emptyCatalog,
  notificationChannel,
  planProvision,
  readCatalog,
  refusalError
} from "./chunk-NNGNHO3L.js";
import {
  DEFAULT_STORAGE_INTEGRATION,
  DRY_RUN_SETTINGS,
  EVENTS_PIPE,
  renderObjects
} from "./chunk-R2LSW7R3.js";
import {
  buildSeeds,
  readProject
} from "./chunk-KVYT4TEJ.js";
import {
  openWarehouse,
  parseS3LakeUrl
} from "./chunk-X6Q3NHRZ.js";
import {
  ConfigurationError,
  SqlExecutionError
} from "./chunk-Z6P62WD7.js";

// src/pipeline/provision.ts
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
function stageUrl(lake, env, fallbackBucket) {
  const text = lake ?? "s3://";
  const parts = parseS3LakeUrl(text, env, fallbackBucket);
  if (!parts) {
    throw new ConfigurationError(
      `--lake ${JSON.stringify(text)}: Snowflake reads the lake from S3, so provision takes --lake s3://bucket/prefix`
    );
  }
  const { bucket, prefix } = parts;
  if (!bucket)
    throw new ConfigurationError(
      "provision needs the lake's bucket: pass --lake s3://bucket/prefix or set AWS_BUCKET_NAME"
    );
  return { url: `s3://${bucket}/${prefix ? `${prefix}/` : ""}`, bucket, prefix };
}
function checkConnectionSettings(options, env) {
  const missing = missingSnowflakeSettings(env);
  if (parseS3LakeUrl(options.lake ?? "s3://", env)?.bucket === "") {
    missing.push({
      name: "--lake s3://bucket/prefix (or AWS_BUCKET_NAME)",
      what: "the S3 lake the stage reads"
    });
  }
  if (missing.length === 0) return;
  throw new ConfigurationError(
    `provision needs ${missing.length} setting(s) that are not set:
` + missing.map((setting) => `  ${setting.name}: ${setting.what}
`).join("") + "Set them in the environment, .env or the repository's secrets and variables; provision --dry-run renders the statements without any of them"
  );
}
function planFigures(plan) {
  const count = (action) => plan.changes.filter((change) => change.action === action).length;
  return {
    create: count("create"),
    alter: count("alter"),
    replace: count("replace"),
    drop: count("drop"),
    unchanged: count("unchanged") + count("record"),
    refused: plan.refusals.length,
    statements: plan.statements.length
  };
}
async function provisionStep(options, context) {
  const { env, reporter = {} } = context;
  const started = Date.now();
  if (!options.dryRun) checkConnectionSettings(options, env);
  const project = await readProject(options.project);
  const fallback = options.dryRun ? stageUrl(DRY_RUN_SETTINGS.lakeUrl, {}) : void 0;
  const lake = stageUrl(options.lake, env, fallback?.bucket);
  const warehouseName = env.SNOWFLAKE_WAREHOUSE || (options.dryRun ? DRY_RUN_SETTINGS.warehouse : void 0);
  if (!warehouseName)
    throw new ConfigurationError("SNOWFLAKE_WAREHOUSE is not set: the tasks need a warehouse to run on");
  const placeholders = [
    ...fallback && !parseS3LakeUrl(options.lake ?? "s3://", env)?.bucket ? [`the stage's bucket ${fallback.bucket} (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given)`] : [],
    ...env.SNOWFLAKE_WAREHOUSE ? [] : [`the warehouse ${warehouseName} (SNOWFLAKE_WAREHOUSE is not set)`]
  ];
  if (placeholders.length > 0) {
    reporter.warning?.(
      `--dry-run renders with placeholders: ${placeholders.join("; ")}. Give your own to render the statements you will run.`
    );
  }
  const settings = provisionSettings(options, env, { warehouse: warehouseName, lakeUrl: lake.url });
  if (!settings.masking) reporter.warning?.(MASKING_OFF_WARNING);
  let objects = renderObjects(project, settings);
  const allowReplace = (options.allowReplace ?? []).flatMap((value) => value.split(",")).map((v) => v.trim()).filter(Boolean);
  for (const name of allowReplace) {
    const object = objects.find((o) => o.name === name.toLowerCase());
    if (!object || object.kind !== "pipe" && object.kind !== "stream") {
      const replaceable = objects.filter((o) => o.kind === "pipe" || o.kind === "stream").map((o) => o.name);
      throw new ConfigurationError(
        `--allow-replace=${name}: only a pipe or the stream is ever replaced on request; use one of ${replaceable.join(", ")}`
      );
    }
  }
  const decided = (plan, mode, applied = 0) => {
    reporter.outcome?.({ mode, plan, applied, objects: objects.length, settings, placeholders });
    return { mode, plan, applied };
  };
  let seeds;
  const result = (outcome, notification) => ({
    ...outcome,
    figures: planFigures(outcome.plan),
    settings,
    placeholders,
    objects: objects.length,
    seeds,
    notification,
    durationMs: Date.now() - started,
    failed: false
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
    warn: (message) => reporter.warning?.(message)
  });
  try {
    context.signal?.throwIfAborted();
    reporter.reading?.({ warehouseUrl: warehouse.url });
    if (settings.masking && !settings.masking.pipelineRole) {
      const [row] = await warehouse.query("select current_role() as role_name");
      if (!row?.role_name) {
        throw new ConfigurationError(
          "the session has no role for the masking policies to let read personal data: set SNOWFLAKE_ROLE to the pipeline's role"
        );
      }
      settings.masking.pipelineRole = String(row.role_name);
      objects = renderObjects(project, settings);
    }
    const catalog = await readCatalog(warehouse, settings.integration, {
      masking: Boolean(settings.masking)
    }).catch((error) => {
      throw maskingError(error, /show masking policies/i) ?? error;
    });
    const plan = planProvision(objects, catalog, { allowReplace });
    reporter.planned?.(plan);
    if (plan.refusals.length > 0) throw refusalError(plan.refusals);
    const ddl = plan.statements.length;
    if (options.plan && ddl > 0) return result(decided(plan, "plan"));
    const loadSeeds = async () => {
      seeds = await buildSeeds(warehouse, project, void 0, { reporter, provisioned: true });
      const failed = seeds.filter((seed) => seed.status === "error");
      if (failed.length > 0) {
        throw new Error(
          `provision could not load ${failed.length} seed(s): ${failed.map((s) => s.message).join("; ")}`
        );
      }
    };
    if (ddl === 0) {
      await loadSeeds();
      const outcome2 = decided(plan, "unchanged");
      return result(outcome2, await bucketNotification(options, { env, warehouse, lake, reporter }));
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
        }
      }
    }).catch((error) => {
      throw maskingError(error, /^(create|alter) masking policy|set masking policy/i) ?? error;
    });
    const outcome = decided(plan, "applied", applied);
    return result(outcome, await bucketNotification(options, { env, warehouse, lake, reporter }));
  } finally {
    await warehouse.close();
  }
}
var MASKING_OFF_WARNING = "SNOWFLAKE_MASKING=off: personal columns (pii: true in the model yml) outside restricted are not masked, and policies set by an earlier provision stay where they are; grant the staging and core schemas only to roles that may see personal data";
function maskingSettings(env, dryRun) {
  const value = (env.SNOWFLAKE_MASKING ?? "").trim().toLowerCase();
  if (value === "off") return void 0;
  if (value !== "" && value !== "on") {
    throw new ConfigurationError(
      `SNOWFLAKE_MASKING ${JSON.stringify(env.SNOWFLAKE_MASKING)} is neither on nor off: leave it unset (on) to mask personal columns on Snowflake, or set it to off on an account without masking policies (below Enterprise Edition)`
    );
  }
  const pipelineRole = env.SNOWFLAKE_ROLE?.trim() || (dryRun ? DRY_RUN_SETTINGS.masking.pipelineRole : "");
  return { pipelineRole, piiRole: env.SNOWFLAKE_PII_ROLE?.trim() || void 0 };
}
function maskingError(error, statement) {
  if (!(error instanceof SqlExecutionError) || !statement.test(error.message)) return void 0;
  return new ConfigurationError(
    `Snowflake refused a masking policy statement (${error.message}). Masking policies need Enterprise Edition or higher, and the role must own the pipeline schema and the tables it masks. On an account without them, set SNOWFLAKE_MASKING=off and grant the staging and core schemas only to roles that may see personal data; what provision applied before this statement is recorded, and a later run continues from there.`
  );
}
async function bucketNotification(options, context) {
  const channel = await notificationChannel(context.warehouse);
  const { bucket } = context.lake;
  const prefix = `${context.lake.prefix ? `${context.lake.prefix}/` : ""}amplitude/`;
  if (!channel) {
    context.reporter.warning?.(
      `${EVENTS_PIPE} reports no notification channel yet: run provision again in a minute to read it`
    );
    return { channel: null, bucket, prefix };
  }
  if (!options.configureBucketNotification) return { channel, bucket, prefix };
  const { configureBucketNotification } = await import("./bucket-notification-HLFJALB6.js");
  const configured = await configureBucketNotification({
    env: context.env,
    bucket,
    prefix,
    queueArn: channel
  });
  return { channel, bucket, prefix, configured };
}
async function writeDryRun(plan, out, settings, placeholders) {
  const note = placeholders.length > 0 ? `-- placeholders, not your settings: ${placeholders.join("; ")}
` : "";
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  let index = 0;
  const names = /* @__PURE__ */ new Map();
  for (const change of plan.changes)
    for (const sql of change.statements)
      names.set(sql, `${change.object.kind.replace(/ /g, "_")}_${change.object.name}`);
  for (const sql of plan.statements) {
    index += 1;
    const name = names.get(sql) ?? (sql.startsWith("select system$task_dependents_enable") ? "resume_task_graph" : "statement");
    const file = join(out, `${String(index).padStart(3, "0")}_${name.replace(/[^a-z0-9_.]/gi, "_")}.sql`);
    await writeFile(
      file,
      `-- amplitude-pipeline provision, statement ${index} of ${plan.statements.length} (warehouse ${settings.warehouse}, stage ${settings.lakeUrl}, integration ${settings.integration})
${note}${sql};
`
    );
  }
}
function provisionSettings(options, env, place) {
  return {
    ...place,
    integration: options.integration || env.SNOWFLAKE_STORAGE_INTEGRATION || DEFAULT_STORAGE_INTEGRATION,
    createIntegration: options.createIntegration === true,
    awsRoleArn: options.awsRoleArn || env.SNOWFLAKE_STORAGE_AWS_ROLE_ARN,
    masking: maskingSettings(env, options.dryRun === true),
    ...options.fullTestsEvery === void 0 ? {} : { fullTestsEveryHours: options.fullTestsEvery }
  };
}
async function readProvisionPlan(warehouse, options, env) {
  const project = await readProject(options.project);
  const lake = stageUrl(options.lake, env);
  const settings = provisionSettings(options, env, {
    warehouse: env.SNOWFLAKE_WAREHOUSE ?? "",
    lakeUrl: lake.url
  });
  if (settings.masking && !settings.masking.pipelineRole) {
    const [row] = await warehouse.query("select current_role() as role_name");
    settings.masking.pipelineRole = String(row?.role_name ?? "");
  }
  const catalog = await readCatalog(warehouse, settings.integration, { masking: Boolean(settings.masking) });
  return planProvision(renderObjects(project, settings), catalog);
}

export {
  stageUrl,
  planFigures,
  provisionStep,
  readProvisionPlan
};
