import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  PROBE_PREFIX,
  fail,
  pass,
  skip,
  warn
} from "./chunk-ZM6U7B7L.js";
import {
  checkLakeUrl,
  openLake
} from "./chunk-ONIFMAA2.js";
import {
  lakeApps
} from "./chunk-JXLVV3XL.js";
import "./chunk-24GUI5YC.js";
import "./chunk-MWCMZDA4.js";
import "./chunk-UPPOIW6S.js";
import "./chunk-XV34QLYJ.js";
import {
  DEFAULT_LAKE,
  DEFAULT_WAREHOUSE,
  checkWarehouseUrl
} from "./chunk-X6Q3NHRZ.js";
import {
  sha256OfFile
} from "./chunk-OYBGSQDJ.js";
import {
  runAction
} from "./chunk-WEI66VQV.js";
import {
  AMPLITUDE_SECRETS,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  SNOWFLAKE_SECRETS,
  addDoctorToSummary,
  inInputTerms,
  info,
  optionalInput,
  secretEnv,
  setOutput,
  summary
} from "./chunk-2ZKHZUYU.js";
import {
  DEFAULT_PROJECT
} from "./chunk-R47Z7GPO.js";
import "./chunk-DLZUFQUX.js";
import {
  amplitudeConfig
} from "./chunk-DPBKSJN6.js";
import {
  errorMessage
} from "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";

// src/pipeline/doctor.ts
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
async function doctor(options, context) {
  const { env } = context;
  checkLakeUrl(options.lake, env);
  checkWarehouseUrl(options.warehouse);
  const checks = [];
  const add = (check) => {
    checks.push(check);
    context.onCheck?.(check);
    return check;
  };
  await checkAmplitude(env, add);
  const lake = await checkLake(options.lake, env, add);
  await checkAppId(env, lake, add);
  if (options.warehouse === "snowflake") {
    const { checkSnowflake } = await import("./doctor-snowflake-MAGMOMZP.js");
    await checkSnowflake(options, context, add);
  } else {
    add(pass("warehouse", `${options.warehouse}: the embedded DuckDB, nothing to check on an account`));
  }
  if (env.GITHUB_ACTIONS === "true") {
    const { checkActions } = await import("./doctor-actions-WJL7VXFJ.js");
    await checkActions(context, add);
  }
  return {
    checks,
    failed: checks.filter((c) => c.status === "fail").length,
    warned: checks.filter((c) => c.status === "warn").length
  };
}
var AMPLITUDE_KEYS_REMEDY = "set AMP_API_KEY and AMP_SECRET_KEY to the project's API key and secret key (Organization settings > Projects > your project > General) and AMPLITUDE_REGION to the project's region (us or eu)";
async function checkAmplitude(env, add) {
  const name = "amplitude keys";
  let config;
  try {
    config = amplitudeConfig(env);
  } catch (error) {
    add(fail(name, errorMessage(error), AMPLITUDE_KEYS_REMEDY));
    return;
  }
  const authorization = "Basic " + Buffer.from(`${config.apiKey}:${config.secretKey}`).toString("base64");
  const get = async (path) => {
    const response = await fetch(config.baseUrl + path, {
      headers: { Authorization: authorization, Accept: "application/json" },
      signal: AbortSignal.timeout(3e4)
    });
    await response.body?.cancel();
    return response.status;
  };
  const where = `${config.baseUrl} (region ${config.region})`;
  try {
    let status = await get("/api/2/taxonomy/category");
    if (status === 403) status = await get("/api/3/cohorts");
    if (status === 200 || status === 202) {
      add(pass(name, `${where} accepted the API key and secret key`));
    } else if (status === 401 || status === 403) {
      add(fail(name, `${where} refused the API key and secret key (HTTP ${status})`, AMPLITUDE_KEYS_REMEDY));
    } else {
      add(
        fail(
          name,
          `${where} answered HTTP ${status} to an authenticated request`,
          status >= 500 || status === 429 ? "Amplitude is busy or failing: run doctor again later (status.amplitude.com shows incidents)" : "check AMPLITUDE_API_URL (leave it unset for Amplitude itself) and AMPLITUDE_REGION"
        )
      );
    }
  } catch (error) {
    add(
      fail(
        name,
        `${where} could not be reached: ${errorMessage(error)}`,
        "check the network, AMPLITUDE_REGION and AMPLITUDE_API_URL (leave it unset for Amplitude itself)"
      )
    );
  }
}
async function checkAppId(env, lake, add) {
  const name = "amplitude app id";
  const configured = env.AMPLITUDE_APP_ID?.trim();
  const remedy = "set AMPLITUDE_APP_ID to the project's numeric id (Settings > Projects)";
  if (configured) {
    add(
      /^\d+$/.test(configured) ? pass(name, `${configured} (AMPLITUDE_APP_ID)`) : fail(name, `AMPLITUDE_APP_ID ${JSON.stringify(configured)} is not a numeric app id`, remedy)
    );
    return;
  }
  if (!lake) {
    add(skip(name, "AMPLITUDE_APP_ID is not set and the lake could not be read (see the lake line)"));
    return;
  }
  let apps;
  try {
    apps = await lakeApps(lake);
  } catch (error) {
    add(skip(name, `AMPLITUDE_APP_ID is not set and the lake could not be listed: ${errorMessage(error)}`));
    return;
  }
  if (apps.length === 1) add(pass(name, `${apps[0]} (found in the lake; AMPLITUDE_APP_ID is not set)`));
  else if (apps.length > 1) add(fail(name, `the lake holds more than one app (${apps.join(", ")})`, remedy));
  else
    add(
      warn(
        name,
        "AMPLITUDE_APP_ID is not set and the lake holds no app yet: extract takes it from the first export",
        `${remedy}, so a re-run in Actions can restore windows from the cache`
      )
    );
}
async function checkLake(url, env, add) {
  const target = checkLakeUrl(url, env);
  let lake;
  try {
    lake = await openLake(url, env);
  } catch (error) {
    add(
      fail(
        "lake",
        errorMessage(error),
        "fix --lake (file://DIR or s3://bucket/prefix) and the AWS_* settings"
      )
    );
    return void 0;
  }
  if (target.kind === "s3") {
    const configured = env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
    let region;
    try {
      region = await lake.region();
    } catch (error) {
      add(skip("lake region", `the bucket could not be reached: ${errorMessage(error)}`));
      add(fail("lake", errorMessage(error), lakeRemedy(target.bucket)));
      return void 0;
    }
    if (region === null) {
      add(
        pass(
          "lake region",
          `s3://${target.bucket}: the endpoint reports no region (S3_ENDPOINT); AWS_REGION is ${configured}`
        )
      );
    } else if (region !== configured) {
      add(
        fail(
          "lake region",
          `s3://${target.bucket} is in ${region}, but AWS_REGION is ${configured}`,
          `set AWS_REGION=${region} (the bucket's region)`
        )
      );
      add(skip("lake", "the bucket is in another region than AWS_REGION (see lake region)"));
      return void 0;
    } else {
      add(pass("lake region", `s3://${target.bucket} is in ${region}, as AWS_REGION says`));
    }
  } else {
    add(pass("lake region", "a folder on this machine: no region"));
  }
  const key = `${PROBE_PREFIX}probe-${Date.now()}-${randomBytes(4).toString("hex")}.txt`;
  const dir = await mkdtemp(join(tmpdir(), "amplitude-pipeline-doctor-"));
  try {
    await lake.check();
    const path = join(dir, "probe.txt");
    const content = "written by amplitude-pipeline doctor, removed at once\n";
    await writeFile(path, content);
    await lake.put(key, path, { size: Buffer.byteLength(content), sha256: await sha256OfFile(path) });
    const stored = await lake.head(key);
    await lake.delete(key);
    if (!stored) throw new Error(`${lake.describe(key)} was written but cannot be read back`);
    add(
      pass(
        "lake",
        `${lake.url}: reachable and writable (a probe under ${PROBE_PREFIX} was written, read and removed)`
      )
    );
    return lake;
  } catch (error) {
    add(
      fail(
        "lake",
        `${lake.url}: ${errorMessage(error)}`,
        target.kind === "s3" ? lakeRemedy(target.bucket) : `make ${target.path} a folder this user can write`
      )
    );
    return void 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
function lakeRemedy(bucket) {
  return `give the pipeline's AWS identity s3:ListBucket on arn:aws:s3:::${bucket} and s3:GetObject, s3:PutObject, s3:DeleteObject on arn:aws:s3:::${bucket}/*, and check AWS_BUCKET_NAME / --lake and the AWS credentials`;
}

// src/actions/doctor-main.ts
var DOCTOR_INPUTS = [
  INPUTS.lake,
  INPUTS.warehouse,
  INPUTS.integration,
  INPUTS.project,
  INPUTS.githubToken,
  ...AMPLITUDE_SECRETS,
  ...AWS_SECRETS,
  ...SNOWFLAKE_SECRETS
];
async function doctorMain(run) {
  const env = { ...process.env, ...secretEnv([...AMPLITUDE_SECRETS, ...AWS_SECRETS, ...SNOWFLAKE_SECRETS]) };
  let result;
  try {
    result = await doctor(
      {
        // As the workflows pass it: LAKE_URL, else the bucket's root (s3:// takes AWS_BUCKET_NAME).
        lake: optionalInput(INPUTS.lake) ?? env.LAKE_URL ?? (env.AWS_BUCKET_NAME ? "s3://" : DEFAULT_LAKE),
        warehouse: optionalInput(INPUTS.warehouse) ?? DEFAULT_WAREHOUSE,
        integration: optionalInput(INPUTS.integration),
        project: optionalInput(INPUTS.project) ?? DEFAULT_PROJECT
      },
      {
        env,
        githubToken: optionalInput(INPUTS.githubToken),
        onCheck: (check) => {
          const text = `${check.status}: ${check.name}: ${check.detail}${check.remedy ? ` — remedy: ${check.remedy}` : ""}`;
          if (check.status === "fail") run.annotations.error(text);
          else if (check.status === "warn") run.annotations.warning(text);
          else info(text);
        }
      }
    );
  } catch (thrown) {
    const error = inInputTerms(thrown, DOCTOR_INPUTS);
    addDoctorToSummary(summary, void 0, { error });
    throw run.shownInSummary(error);
  }
  setOutput(OUTPUTS.failed, result.failed);
  addDoctorToSummary(summary, result);
  if (result.failed > 0) {
    throw run.shownInSummary(
      new Error(`${result.failed} check(s) failed: the job summary gives each one's remedy`)
    );
  }
}

// src/actions/doctor.ts
void runAction("doctor", doctorMain);
