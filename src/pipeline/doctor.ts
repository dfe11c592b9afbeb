import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { amplitudeConfig, type Env } from "../config.ts";
import { errorMessage } from "../errors.ts";
import { sha256OfFile } from "../lake/digest.ts";
import type { Lake } from "../lake/lake.ts";
import { lakeApps } from "../lake/manifest.ts";
import { checkLakeUrl, openLake } from "../lake/open-lake.ts";
import type { S3Lake } from "../lake/s3-lake.ts";
import { checkWarehouseUrl } from "../warehouse/open-warehouse.ts";
import {
  PROBE_PREFIX,
  fail,
  pass,
  skip,
  warn,
  type Add,
  type DoctorCheck,
  type DoctorContext,
  type DoctorOptions,
  type DoctorResult,
} from "./doctor-check.ts";

export * from "./doctor-check.ts";

/**
 * Checks a real setup before the first run, one line each: the Amplitude keys and app id, the lake, the
 * Snowflake account (with `--warehouse snowflake`) and, in GitHub Actions, the settings and the token.
 * Reads everything and changes nothing but a probe object in the lake, removed again. A check that
 * cannot run because an earlier one failed is a skip that says which.
 */
export async function doctor(options: DoctorOptions, context: DoctorContext): Promise<DoctorResult> {
  const { env } = context;
  // Usage errors before any line: a lake or warehouse URL that names nothing.
  checkLakeUrl(options.lake, env);
  checkWarehouseUrl(options.warehouse);
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck): DoctorCheck => {
    checks.push(check);
    context.onCheck?.(check);
    return check;
  };

  await checkAmplitude(env, add);
  const lake = await checkLake(options.lake, env, add);
  await checkAppId(env, lake, add);
  if (options.warehouse === "snowflake") {
    // Loaded only when asked for: the driver and the model project are a large part of start-up time.
    const { checkSnowflake } = await import("./doctor-snowflake.ts");
    await checkSnowflake(options, context, add);
  } else {
    add(pass("warehouse", `${options.warehouse}: the embedded DuckDB, nothing to check on an account`));
  }
  if (env.GITHUB_ACTIONS === "true") {
    const { checkActions } = await import("./doctor-actions.ts");
    await checkActions(context, add);
  }
  return {
    checks,
    failed: checks.filter((c) => c.status === "fail").length,
    warned: checks.filter((c) => c.status === "warn").length,
  };
}

// ---------------------------------------------------------------------------------------------------
// Amplitude

const AMPLITUDE_KEYS_REMEDY =
  "set AMP_API_KEY and AMP_SECRET_KEY to the project's API key and secret key (Organization settings > " +
  "Projects > your project > General) and AMPLITUDE_REGION to the project's region (us or eu)";

/**
 * One authenticated GET of the Taxonomy API's category list: the smallest answer Amplitude gives for the
 * project's keys. 401 is a wrong key or secret (or the other region's keys); 403 there can be a plan
 * without Taxonomy, so the cohort list is asked too before the keys are blamed.
 */
async function checkAmplitude(env: Env, add: Add): Promise<void> {
  const name = "amplitude keys";
  let config;
  try {
    config = amplitudeConfig(env);
  } catch (error) {
    add(fail(name, errorMessage(error), AMPLITUDE_KEYS_REMEDY));
    return;
  }
  const authorization = "Basic " + Buffer.from(`${config.apiKey}:${config.secretKey}`).toString("base64");
  const get = async (path: string) => {
    const response = await fetch(config.baseUrl + path, {
      headers: { Authorization: authorization, Accept: "application/json" },
      signal: AbortSignal.timeout(30_000),
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
          status >= 500 || status === 429
            ? "Amplitude is busy or failing: run doctor again later (status.amplitude.com shows incidents)"
            : "check AMPLITUDE_API_URL (leave it unset for Amplitude itself) and AMPLITUDE_REGION",
        ),
      );
    }
  } catch (error) {
    add(
      fail(
        name,
        `${where} could not be reached: ${errorMessage(error)}`,
        "check the network, AMPLITUDE_REGION and AMPLITUDE_API_URL (leave it unset for Amplitude itself)",
      ),
    );
  }
}

/** AMPLITUDE_APP_ID, or the one app the lake holds (what extract would use). */
async function checkAppId(env: Env, lake: Lake | undefined, add: Add): Promise<void> {
  const name = "amplitude app id";
  const configured = env.AMPLITUDE_APP_ID?.trim();
  const remedy = "set AMPLITUDE_APP_ID to the project's numeric id (Settings > Projects)";
  if (configured) {
    add(
      /^\d+$/.test(configured)
        ? pass(name, `${configured} (AMPLITUDE_APP_ID)`)
        : fail(name, `AMPLITUDE_APP_ID ${JSON.stringify(configured)} is not a numeric app id`, remedy),
    );
    return;
  }
  if (!lake) {
    add(skip(name, "AMPLITUDE_APP_ID is not set and the lake could not be read (see the lake line)"));
    return;
  }
  let apps: string[];
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
        `${remedy}, so a re-run in Actions can restore windows from the cache`,
      ),
    );
}

// ---------------------------------------------------------------------------------------------------
// The lake

/**
 * The bucket's region against AWS_REGION, then a probe object written under PROBE_PREFIX, read back
 * and removed. Returns the lake when it can be read.
 */
async function checkLake(url: string, env: Env, add: Add): Promise<Lake | undefined> {
  const target = checkLakeUrl(url, env);
  let lake: Lake;
  try {
    lake = await openLake(url, env);
  } catch (error) {
    add(
      fail(
        "lake",
        errorMessage(error),
        "fix --lake (file://DIR or s3://bucket/prefix) and the AWS_* settings",
      ),
    );
    return undefined;
  }
  if (target.kind === "s3") {
    const configured = env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
    let region: string | null;
    try {
      region = await (lake as S3Lake).region();
    } catch (error) {
      add(skip("lake region", `the bucket could not be reached: ${errorMessage(error)}`));
      add(fail("lake", errorMessage(error), lakeRemedy(target.bucket)));
      return undefined;
    }
    if (region === null) {
      add(
        pass(
          "lake region",
          `s3://${target.bucket}: the endpoint reports no region (S3_ENDPOINT); AWS_REGION is ${configured}`,
        ),
      );
    } else if (region !== configured) {
      add(
        fail(
          "lake region",
          `s3://${target.bucket} is in ${region}, but AWS_REGION is ${configured}`,
          `set AWS_REGION=${region} (the bucket's region)`,
        ),
      );
      add(skip("lake", "the bucket is in another region than AWS_REGION (see lake region)"));
      return undefined;
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
        `${lake.url}: reachable and writable (a probe under ${PROBE_PREFIX} was written, read and removed)`,
      ),
    );
    return lake;
  } catch (error) {
    add(
      fail(
        "lake",
        `${lake.url}: ${errorMessage(error)}`,
        target.kind === "s3" ? lakeRemedy(target.bucket) : `make ${target.path} a folder this user can write`,
      ),
    );
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function lakeRemedy(bucket: string): string {
  return (
    `give the pipeline's AWS identity s3:ListBucket on arn:aws:s3:::${bucket} and s3:GetObject, s3:PutObject, ` +
    `s3:DeleteObject on arn:aws:s3:::${bucket}/*, and check AWS_BUCKET_NAME / --lake and the AWS credentials`
  );
}
