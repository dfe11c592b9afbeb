import { randomBytes } from "node:crypto";
import { readdir, readFile, rm, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { amplitudeConfig, type Env } from "../config.ts";
import { ConfigurationError, errorMessage, SqlExecutionError } from "../errors.ts";
import { sha256OfFile } from "../lake/digest.ts";
import type { Lake } from "../lake/lake.ts";
import { lakeApps } from "../lake/manifest.ts";
import { checkLakeUrl, openLake } from "../lake/open-lake.ts";
import type { S3Lake } from "../lake/s3-lake.ts";
import {
  DEFAULT_STORAGE_INTEGRATION,
  EVENTS_PIPE,
  EVENTS_STREAM,
  MANIFESTS_PIPE,
  ROOT_TASK,
  SNAPSHOTS_PIPE,
  STAGE,
  upperParts,
} from "../snowflake/objects.ts";
import { sqlString, type Warehouse } from "../warehouse/warehouse.ts";
import { checkWarehouseUrl } from "../warehouse/open-warehouse.ts";
import { readProvisionPlan, stageUrl } from "./provision.ts";

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** One line of doctor's report: what was checked, what was found, and what to change when it is not a pass. */
export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  /** The command, SQL or setting that fixes it; null for a pass (and for a skip, whose detail says why). */
  remedy: string | null;
}

export interface DoctorResult {
  checks: DoctorCheck[];
  failed: number;
  warned: number;
}

export interface DoctorOptions {
  lake: string;
  warehouse: string;
  /** The model project provision renders the Snowflake objects from. */
  project: string;
  /** The storage integration (default SNOWFLAKE_STORAGE_INTEGRATION or amplitude_pipeline_s3). */
  integration?: string;
}

export interface DoctorContext {
  env: Env;
  /** Each check as it is made, so a front end prints it at once. */
  onCheck?: (check: DoctorCheck) => void;
  signal?: AbortSignal;
  /** The GitHub token the Actions checks use (the root action's github-token); default GITHUB_TOKEN. */
  githubToken?: string;
  /** The Actions checks read the workflows the repository holds here; default GITHUB_WORKSPACE. */
  workspace?: string;
  /** The workflow file whose runs the token must read (the watchdog's); default pipeline.yml. */
  workflow?: string;
}

/** Under a prefix no pipe reads (the pipes read amplitude/events/, amplitude/_manifests/ and the snapshot folders). */
export const PROBE_PREFIX = "amplitude/_doctor/";

/** The pipes provision creates, each with the lake folder it loads. */
const PIPES = [EVENTS_PIPE, MANIFESTS_PIPE, SNAPSHOTS_PIPE] as const;

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
    await checkSnowflake(options, context, add);
  } else {
    add(pass("warehouse", `${options.warehouse}: the embedded DuckDB, nothing to check on an account`));
  }
  if (env.GITHUB_ACTIONS === "true") await checkActions(context, add);
  return {
    checks,
    failed: checks.filter((c) => c.status === "fail").length,
    warned: checks.filter((c) => c.status === "warn").length,
  };
}

type Add = (check: DoctorCheck) => DoctorCheck;

function pass(name: string, detail: string): DoctorCheck {
  return { name, status: "pass", detail, remedy: null };
}
function fail(name: string, detail: string, remedy: string): DoctorCheck {
  return { name, status: "fail", detail, remedy };
}
function warn(name: string, detail: string, remedy: string): DoctorCheck {
  return { name, status: "warn", detail, remedy };
}
function skip(name: string, reason: string): DoctorCheck {
  return { name, status: "skip", detail: reason, remedy: null };
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

// ---------------------------------------------------------------------------------------------------
// Snowflake

/** The privileges sql/snowflake/admin/setup.sql grants the pipeline's role, as SHOW GRANTS names them. */
function neededGrants(env: Env, integration: string): Array<{ privilege: string; on: string; name: string }> {
  const warehouse = (env.SNOWFLAKE_WAREHOUSE ?? "").trim();
  const database = (env.SNOWFLAKE_DATABASE ?? "").trim();
  return [
    { privilege: "USAGE", on: "WAREHOUSE", name: warehouse },
    { privilege: "OPERATE", on: "WAREHOUSE", name: warehouse },
    { privilege: "USAGE", on: "DATABASE", name: database },
    { privilege: "CREATE SCHEMA", on: "DATABASE", name: database },
    { privilege: "EXECUTE TASK", on: "ACCOUNT", name: "" },
    { privilege: "USAGE", on: "INTEGRATION", name: integration },
  ];
}

function unquoted(name: unknown): string {
  return String(name ?? "")
    .replaceAll('"', "")
    .toUpperCase();
}

async function checkSnowflake(options: DoctorOptions, context: DoctorContext, add: Add): Promise<void> {
  const { env } = context;
  const later = [
    "snowflake role",
    "snowflake warehouse",
    "snowflake database",
    "snowflake grants",
    "storage integration",
    "stage",
    ...PIPES.map((pipe) => `pipe ${pipe}`),
    "stream",
    "root task",
    "last graph run",
    "change history",
  ];
  const skipAll = (reason: string) => later.forEach((name) => add(skip(name, reason)));
  const warnings: string[] = [];
  let config;
  try {
    const { snowflakeConfig } = await import("../warehouse/snowflake-config.ts");
    config = snowflakeConfig(env, (message) => warnings.push(message));
  } catch (error) {
    add(fail("snowflake login", errorMessage(error), "set the SNOWFLAKE_* variables the message names"));
    skipAll("no Snowflake login (see snowflake login)");
    return;
  }
  let warehouse: Warehouse;
  try {
    const { SnowflakeWarehouse } = await import("../warehouse/snowflake.ts");
    warehouse = await SnowflakeWarehouse.open(config, { checkContext: false, loginAttempts: 2 });
  } catch (error) {
    add(
      fail(
        "snowflake login",
        `${config.user} could not sign in to ${config.account}: ${errorMessage(error)}`,
        config.credential.kind === "key-pair"
          ? `register the key's public half on the user: ALTER USER ${config.user} SET RSA_PUBLIC_KEY = '<rsa_key.pub without its BEGIN/END lines>' ` +
              `(DESC USER ${config.user} shows RSA_PUBLIC_KEY_FP; this key's is ${config.credential.fingerprint}), and check SNOWFLAKE_ACCOUNT and SNOWFLAKE_USER`
          : "check SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and the password, or better set up a key pair (SNOWFLAKE_PRIVATE_KEY)",
      ),
    );
    skipAll("no Snowflake login (see snowflake login)");
    return;
  }
  try {
    if (config.credential.kind === "password") {
      add(
        warn(
          "snowflake login",
          `${config.user} signed in to ${config.account} with a password`,
          "set up a key pair: ALTER USER … SET RSA_PUBLIC_KEY, then SNOWFLAKE_PRIVATE_KEY instead of SNOWFLAKE_PASSWORD " +
            "(Snowflake blocks single-factor password sign-in)",
        ),
      );
    } else {
      add(
        pass(
          "snowflake login",
          `${config.user} signed in to ${config.account} with a key pair (${config.credential.fingerprint})`,
        ),
      );
    }
    const [session] = await warehouse.query<{
      role_name: string | null;
      warehouse_name: string | null;
      database_name: string | null;
    }>(
      "select current_role() as role_name, current_warehouse() as warehouse_name, current_database() as database_name",
    );
    const role = session?.role_name ?? null;
    if (!role) {
      add(
        fail(
          "snowflake role",
          "the session has no role",
          "set SNOWFLAKE_ROLE to the pipeline's role (AMPLITUDE_PIPELINE in the admin setup script)",
        ),
      );
    } else if (config.role && unquoted(config.role) !== unquoted(role)) {
      add(
        fail(
          "snowflake role",
          `the session's role is ${role}, not SNOWFLAKE_ROLE ${config.role}`,
          `GRANT ROLE ${config.role} TO USER ${config.user}`,
        ),
      );
    } else {
      add(
        pass(
          "snowflake role",
          `${role}${config.role ? "" : " (the user's default role; SNOWFLAKE_ROLE is not set)"}`,
        ),
      );
    }
    const roleName = role ?? config.role ?? "<role>";
    add(
      session?.warehouse_name
        ? pass("snowflake warehouse", session.warehouse_name)
        : fail(
            "snowflake warehouse",
            `SNOWFLAKE_WAREHOUSE ${config.warehouse} does not exist or role ${roleName} may not use it`,
            `GRANT USAGE, OPERATE ON WAREHOUSE ${config.warehouse} TO ROLE ${roleName} (or fix SNOWFLAKE_WAREHOUSE)`,
          ),
    );
    add(
      session?.database_name
        ? pass("snowflake database", session.database_name)
        : fail(
            "snowflake database",
            `SNOWFLAKE_DATABASE ${config.database} does not exist or role ${roleName} may not use it`,
            `GRANT USAGE, CREATE SCHEMA ON DATABASE ${config.database} TO ROLE ${roleName} (or fix SNOWFLAKE_DATABASE)`,
          ),
    );
    const integration =
      options.integration || env.SNOWFLAKE_STORAGE_INTEGRATION || DEFAULT_STORAGE_INTEGRATION;
    await checkGrants(warehouse, role, integration, env, add);
    if (!session?.database_name) {
      later
        .slice(4)
        .forEach((name) => add(skip(name, "the session has no database (see snowflake database)")));
      return;
    }
    await checkIntegrationAndStage(warehouse, integration, options, env, add);
    await checkPipes(warehouse, options, env, add);
    await checkStream(warehouse, options, add);
    await checkTasks(warehouse, add);
    await checkChangeHistory(warehouse, options, env, add);
  } finally {
    await warehouse.close();
  }
}

async function checkGrants(
  warehouse: Warehouse,
  role: string | null,
  integration: string,
  env: Env,
  add: Add,
): Promise<void> {
  const name = "snowflake grants";
  if (!role) return void add(skip(name, "the session has no role (see snowflake role)"));
  if (["ACCOUNTADMIN", "SYSADMIN", "SECURITYADMIN"].includes(unquoted(role))) {
    add(
      warn(
        name,
        `${role} is an administrator role: the pipeline needs far less`,
        "run the admin setup script (sql/snowflake/admin/setup.sql) and set SNOWFLAKE_ROLE=AMPLITUDE_PIPELINE",
      ),
    );
    return;
  }
  let rows;
  try {
    rows = await warehouse.query(`show grants to role ${quoteIdentifier(role)}`);
  } catch (error) {
    add(
      fail(
        name,
        `SHOW GRANTS TO ROLE ${role} failed: ${errorMessage(error)}`,
        `run doctor with a role that may see its own grants`,
      ),
    );
    return;
  }
  const held = new Set<string>();
  const owned = new Set<string>();
  for (const row of rows) {
    const on = unquoted(row.granted_on);
    const object = on === "ACCOUNT" ? "" : unquoted(row.name).split(".").at(-1)!;
    held.add(`${unquoted(row.privilege)}|${on}|${object}`);
    if (unquoted(row.privilege) === "OWNERSHIP") owned.add(`${on}|${object}`);
  }
  const missing = neededGrants(env, integration).filter((grant) => {
    const object = unquoted(grant.name);
    return !held.has(`${grant.privilege}|${grant.on}|${object}`) && !owned.has(`${grant.on}|${object}`);
  });
  if (missing.length === 0) {
    add(
      pass(
        name,
        `${role} holds what the pipeline needs (warehouse, database, EXECUTE TASK, the integration)`,
      ),
    );
    return;
  }
  add(
    fail(
      name,
      `${role} lacks ${missing.map((g) => `${g.privilege} on ${g.on.toLowerCase()}${g.name ? ` ${g.name}` : ""}`).join(", ")} ` +
        "(only grants to the role itself are seen)",
      "as an administrator: " +
        missing
          .map((g) => `GRANT ${g.privilege} ON ${g.on}${g.name ? ` ${g.name}` : ""} TO ROLE ${role};`)
          .join(" "),
    ),
  );
}

function quoteIdentifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function missingObject(error: unknown): boolean {
  return error instanceof SqlExecutionError && /does not exist|002003/i.test(error.message);
}

async function checkIntegrationAndStage(
  warehouse: Warehouse,
  integration: string,
  options: DoctorOptions,
  env: Env,
  add: Add,
): Promise<void> {
  let properties: Map<string, string> | undefined;
  try {
    const rows = await warehouse.query(`desc integration ${quoteIdentifier(integration)}`);
    properties = new Map(rows.map((row) => [unquoted(row.property), String(row.property_value ?? "")]));
  } catch (error) {
    add(
      fail(
        "storage integration",
        missingObject(error)
          ? `${integration} does not exist, or the role may not use it`
          : `DESC INTEGRATION ${integration} failed: ${errorMessage(error)}`,
        `as ACCOUNTADMIN, run the CREATE STORAGE INTEGRATION of the admin setup script and GRANT USAGE ON INTEGRATION ${integration} ` +
          "TO ROLE <the pipeline's role> (or provision --create-integration with a role that may create integrations)",
      ),
    );
  }
  const userArn = properties?.get("STORAGE_AWS_IAM_USER_ARN") ?? "";
  const externalId = properties?.get("STORAGE_AWS_EXTERNAL_ID") ?? "";
  const roleArn = properties?.get("STORAGE_AWS_ROLE_ARN") ?? "";
  const trust =
    `the IAM role ${roleArn || "<STORAGE_AWS_ROLE_ARN>"}'s trust policy must let ${userArn || "<STORAGE_AWS_IAM_USER_ARN>"} ` +
    `assume it with sts:ExternalId ${externalId || "<STORAGE_AWS_EXTERNAL_ID>"}, and its policy allow s3:GetObject and s3:ListBucket on the lake`;
  if (properties) {
    const enabled = (properties.get("ENABLED") ?? "true").toLowerCase() === "true";
    const allowed = properties.get("STORAGE_ALLOWED_LOCATIONS") ?? "";
    const lakeUrl = options.lake.startsWith("s3://") ? stageUrl(options.lake, env).url : undefined;
    const covers =
      !lakeUrl ||
      allowed === "" ||
      allowed.split(",").some((location) => lakeUrl.startsWith(location.trim()) || location.trim() === "*");
    const detail = `${integration}: STORAGE_AWS_IAM_USER_ARN ${userArn}, STORAGE_AWS_EXTERNAL_ID ${externalId} (for the IAM role's trust policy)`;
    if (!enabled) {
      add(
        fail(
          "storage integration",
          `${detail}; it is disabled`,
          `ALTER STORAGE INTEGRATION ${integration} SET ENABLED = TRUE`,
        ),
      );
    } else if (!covers) {
      add(
        fail(
          "storage integration",
          `${detail}; STORAGE_ALLOWED_LOCATIONS (${allowed}) does not cover ${lakeUrl}`,
          `ALTER STORAGE INTEGRATION ${integration} SET STORAGE_ALLOWED_LOCATIONS = ('${lakeUrl}')`,
        ),
      );
    } else {
      add(pass("storage integration", detail));
    }
  }
  // A LIST of the probe's folder: proof that Snowflake can assume the IAM role and list the bucket, without
  // listing a lake of any size.
  try {
    await warehouse.query(`list @${STAGE}/${PROBE_PREFIX}`);
    add(pass("stage", `${STAGE} lists the lake (the IAM role's trust works)`));
  } catch (error) {
    add(
      fail(
        "stage",
        `LIST @${STAGE} failed: ${errorMessage(error)}`,
        missingObject(error) ? `run provision --lake ${options.lake} to create it` : trust,
      ),
    );
  }
}

/** SYSTEM$PIPE_STATUS's fields doctor reads. */
interface PipeStatus {
  executionState?: string;
  pendingFileCount?: number;
  notificationChannelName?: string;
  lastReceivedMessageTimestamp?: string;
  error?: string;
}

async function checkPipes(warehouse: Warehouse, options: DoctorOptions, env: Env, add: Add): Promise<void> {
  const s3 = options.lake.startsWith("s3://") ? stageUrl(options.lake, env) : undefined;
  const notificationPrefix = s3 ? `${s3.prefix ? `${s3.prefix}/` : ""}amplitude/` : "<prefix>/amplitude/";
  const bucket = s3 ? s3.bucket : "<bucket>";
  for (const pipe of PIPES) {
    const name = `pipe ${pipe}`;
    let status: PipeStatus;
    try {
      const [row] = await warehouse.query(`select system$pipe_status(${sqlString(pipe)}) as status`);
      status = JSON.parse(String(row?.status ?? "{}")) as PipeStatus;
    } catch (error) {
      add(
        fail(
          name,
          missingObject(error)
            ? `${pipe} does not exist`
            : `SYSTEM$PIPE_STATUS failed: ${errorMessage(error)}`,
          `run provision --lake ${options.lake}`,
        ),
      );
      continue;
    }
    const state = status.executionState ?? "UNKNOWN";
    const pending = status.pendingFileCount ?? 0;
    if (state !== "RUNNING") {
      add(
        fail(
          name,
          `${state}${status.error ? ` (${status.error})` : ""}, ${pending} file(s) pending`,
          state === "PAUSED"
            ? `ALTER PIPE ${pipe} SET PIPE_EXECUTION_PAUSED = FALSE`
            : `recreate it: provision --lake ${options.lake} --allow-replace ${pipe}`,
        ),
      );
    } else if (!status.lastReceivedMessageTimestamp) {
      const channel = status.notificationChannelName ?? "the pipe's notification channel";
      add(
        warn(
          name,
          `RUNNING, but it has never received a bucket notification: files reach the lake and nothing loads them`,
          `point s3://${bucket}'s event notification (s3:ObjectCreated:*, prefix ${notificationPrefix}) at ${channel}, ` +
            "or run provision --configure-bucket-notification; a notification configured a moment ago shows after doctor's probe is seen",
        ),
      );
    } else {
      add(
        pass(
          name,
          `RUNNING, last bucket notification ${status.lastReceivedMessageTimestamp}, ${pending} file(s) pending`,
        ),
      );
    }
  }
}

async function checkStream(warehouse: Warehouse, options: DoctorOptions, add: Add): Promise<void> {
  const { schema, name: streamName } = upperParts(EVENTS_STREAM);
  let rows;
  try {
    rows = await warehouse.query(
      `show streams like ${sqlString(streamName)} in schema ${schema.toLowerCase()}`,
    );
  } catch (error) {
    add(
      fail("stream", `SHOW STREAMS failed: ${errorMessage(error)}`, `run provision --lake ${options.lake}`),
    );
    return;
  }
  const row = rows.find((r) => unquoted(r.name) === streamName);
  if (!row) {
    add(fail("stream", `${EVENTS_STREAM} does not exist`, `run provision --lake ${options.lake}`));
    return;
  }
  if (String(row.stale ?? "false").toLowerCase() === "true") {
    add(
      fail(
        "stream",
        `${EVENTS_STREAM} is stale: its offset fell outside the table's data retention, the graph can no longer read it`,
        `provision --lake ${options.lake} --allow-replace ${EVENTS_STREAM} (replaces it the documented way), then transform --warehouse snowflake --full-refresh`,
      ),
    );
    return;
  }
  add(pass("stream", `${EVENTS_STREAM} is not stale`));
}

async function checkTasks(warehouse: Warehouse, add: Add): Promise<void> {
  const { schema, name: rootName } = upperParts(ROOT_TASK);
  let rows;
  try {
    rows = await warehouse.query(`show tasks like ${sqlString(rootName)} in schema ${schema.toLowerCase()}`);
  } catch (error) {
    add(fail("root task", `SHOW TASKS failed: ${errorMessage(error)}`, "run provision"));
    add(skip("last graph run", "the root task could not be read"));
    return;
  }
  const root = rows.find((r) => unquoted(r.name) === rootName);
  if (!root) {
    add(fail("root task", `${ROOT_TASK} does not exist`, "run provision"));
    add(skip("last graph run", `${ROOT_TASK} does not exist`));
    return;
  }
  const state = String(root.state ?? "").toLowerCase();
  add(
    state === "started"
      ? pass("root task", `${ROOT_TASK} is started`)
      : fail(
          "root task",
          `${ROOT_TASK} is ${state || "in no state"}: no graph run starts when events arrive`,
          `SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('${ROOT_TASK}')`,
        ),
  );
  let runs;
  try {
    runs = await warehouse.query(
      `select state, first_error_task_name, first_error_message, to_varchar(completed_time) as completed_time
       from table(information_schema.complete_task_graphs(root_task_name => ${sqlString(rootName)}, result_limit => 1))`,
    );
  } catch (error) {
    add(
      fail(
        "last graph run",
        `COMPLETE_TASK_GRAPHS failed: ${errorMessage(error)}`,
        "GRANT MONITOR ON TASK to the role, or run doctor as the task's owner",
      ),
    );
    return;
  }
  const last = runs[0];
  if (!last) {
    add(
      pass(
        "last graph run",
        "no graph run completed in the past 60 minutes (what COMPLETE_TASK_GRAPHS keeps)",
      ),
    );
    return;
  }
  const outcome = String(last.state ?? "").toUpperCase();
  add(
    outcome === "SUCCEEDED"
      ? pass("last graph run", `SUCCEEDED, completed ${String(last.completed_time ?? "")}`)
      : fail(
          "last graph run",
          `${outcome}, completed ${String(last.completed_time ?? "")}` +
            (last.first_error_task_name
              ? `: ${String(last.first_error_task_name)} failed: ${String(last.first_error_message ?? "")}`
              : ""),
          "fix what the error names, then run transform --warehouse snowflake (it runs the graph and reports each task)",
        ),
  );
}

async function checkChangeHistory(
  warehouse: Warehouse,
  options: DoctorOptions,
  env: Env,
  add: Add,
): Promise<void> {
  const name = "change history";
  if (!options.lake.startsWith("s3://")) {
    add(
      skip(name, "Snowflake reads the lake from S3: pass --lake s3://bucket/prefix to compare the objects"),
    );
    return;
  }
  try {
    const plan = await readProvisionPlan(warehouse, { ...options }, env);
    const changes = plan.changes.filter((c) => c.action !== "unchanged" && c.action !== "record");
    if (plan.statements.length === 0 && plan.refusals.length === 0) {
      add(pass(name, "every object matches its change-history checksum: nothing to provision"));
      return;
    }
    const listed = changes
      .slice(0, 5)
      .map((c) => `${c.action} ${c.object.name}`)
      .join(", ");
    add(
      fail(
        name,
        `${changes.length} object(s) differ from the project (${listed}${changes.length > 5 ? ", …" : ""})` +
          (plan.refusals.length > 0
            ? `; ${plan.refusals.length} change(s) provision refuses without --allow-replace`
            : ""),
        `provision --lake ${options.lake}${plan.refusals.length > 0 ? " (provision --plan says what it refuses and why)" : ""}`,
      ),
    );
  } catch (error) {
    add(
      fail(
        name,
        `the plan could not be read: ${errorMessage(error)}`,
        error instanceof ConfigurationError
          ? "fix the setting the message names"
          : `run provision --plan --lake ${options.lake}`,
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// GitHub Actions

/** The permissions the workflows' jobs need, each with a harmless request that proves it. */
const PERMISSIONS = [
  { permission: "actions: read", why: "reading the artifacts of earlier attempts and the watchdog's runs" },
  { permission: "issues: write", why: "opening and closing the failure issue" },
] as const;

async function checkActions(context: DoctorContext, add: Add): Promise<void> {
  const { env } = context;
  await checkSettings(context, add);
  const name = "github token";
  const token = context.githubToken || env.GITHUB_TOKEN;
  if (!token) {
    add(
      fail(
        name,
        "no token: the step has no github-token input and no GITHUB_TOKEN",
        "pass `github-token: ${{ github.token }}` to the doctor step (the default)",
      ),
    );
    return;
  }
  const { createOctokit, repositoryFromEnv, gitHubStatus } = await import("../github/octokit.ts");
  const { DEFAULT_FAILURE_LABEL } = await import("../github/failure-issue.ts");
  let repository;
  try {
    repository = repositoryFromEnv(env);
  } catch (error) {
    add(fail(name, errorMessage(error), "run doctor inside a GitHub Actions job"));
    return;
  }
  const octokit = createOctokit({ token, env });
  const { owner, repo } = repository;
  const missing: string[] = [];
  const notes: string[] = [];
  // A 403 names the permission GitHub wanted in x-accepted-github-permissions.
  const refused = (error: unknown, permission: string): boolean => {
    if (gitHubStatus(error) !== 403) throw error;
    const accepted = (error as { response?: { headers?: Record<string, string> } }).response?.headers?.[
      "x-accepted-github-permissions"
    ];
    missing.push(permission);
    if (accepted) notes.push(`GitHub accepts ${accepted}`);
    return true;
  };
  try {
    try {
      // The watchdog's own request: the runs of the pipeline's workflow.
      await octokit.rest.actions.listWorkflowRuns({
        owner,
        repo,
        workflow_id: context.workflow ?? "pipeline.yml",
        per_page: 1,
      });
    } catch (error) {
      refused(error, PERMISSIONS[0].permission);
    }
    try {
      // Creating the label the failure issue uses: what report does anyway; "already exists" (422) proves the
      // write as well, since GitHub checks the permission before the content.
      await octokit.rest.issues.createLabel({
        owner,
        repo,
        name: DEFAULT_FAILURE_LABEL,
        color: "d73a4a",
        description: "The scheduled Amplitude pipeline is failing (opened and closed by the pipeline)",
      });
    } catch (error) {
      if (gitHubStatus(error) !== 422) refused(error, PERMISSIONS[1].permission);
    }
  } catch (error) {
    add(
      fail(
        name,
        `GitHub could not be asked: ${errorMessage(error)}`,
        "run doctor again; check GITHUB_API_URL",
      ),
    );
    return;
  }
  if (missing.length === 0) {
    add(pass(name, `the token has ${PERMISSIONS.map((p) => p.permission).join(", ")} on ${owner}/${repo}`));
    return;
  }
  add(
    fail(
      name,
      `the token lacks ${missing.join(", ")} on ${owner}/${repo} (${PERMISSIONS.filter((p) =>
        missing.includes(p.permission),
      )
        .map((p) => p.why)
        .join("; ")})${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
      `give the workflow's job: permissions: { contents: read, ${PERMISSIONS.map((p) => p.permission).join(", ")} }`,
    ),
  );
}

/**
 * The secrets and variables the repository's workflows read (`secrets.X`, `vars.X`), present or not in
 * this step's environment: names only, never a value.
 */
async function checkSettings(context: DoctorContext, add: Add): Promise<void> {
  const name = "github settings";
  const { env } = context;
  const workspace = context.workspace ?? env.GITHUB_WORKSPACE ?? ".";
  const folder = join(workspace, ".github", "workflows");
  const files = (await readdir(folder).catch(() => [] as string[])).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    add(
      warn(
        name,
        `no workflows in ${folder}`,
        "run init to write the workflows, and check out the repository before the doctor step",
      ),
    );
    return;
  }
  const texts = await Promise.all(files.map((file) => readFile(join(folder, file), "utf8")));
  const { settingsOf, settingCommands, WORKFLOW_SETTINGS } = await import("../cli/init-command.ts");
  const settings = settingsOf(texts);
  const optional = (setting: string) => {
    const meaning = WORKFLOW_SETTINGS[setting]?.meaning ?? "";
    if (/^optional/.test(meaning)) return true;
    // Access keys are needed only where no role is assumed.
    return /only without AWS_ROLE_ARN/.test(meaning) && Boolean(env.AWS_ROLE_ARN);
  };
  const present = (setting: string) => Boolean(env[setting]?.trim());
  const missing = {
    secrets: settings.secrets.filter((s) => !present(s) && !optional(s)),
    variables: settings.variables.filter((v) => !present(v) && !optional(v)),
  };
  const all = [...settings.secrets, ...settings.variables];
  const found = all.filter(present);
  if (missing.secrets.length + missing.variables.length === 0) {
    add(
      pass(
        name,
        `the workflows read ${all.length} setting(s); present here: ${found.join(", ") || "none needed"}`,
      ),
    );
    return;
  }
  add(
    fail(
      name,
      `missing: ${[...missing.secrets.map((s) => `secret ${s}`), ...missing.variables.map((v) => `variable ${v}`)].join(", ")}` +
        ` (present: ${found.join(", ") || "none"}; pass them to the doctor step as the pipeline's jobs do)`,
      settingCommands(missing)
        .filter((line) => /^\s+gh /.test(line))
        .map((line) => line.trim().replace(/\s+#.*$/, ""))
        .join("; "),
    ),
  );
}
