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
  readProvisionPlan,
  stageUrl
} from "./chunk-YS4ASIOH.js";
import "./chunk-6YD5DB67.js";
import "./chunk-NNGNHO3L.js";
import {
  DEFAULT_STORAGE_INTEGRATION,
  EVENTS_PIPE,
  EVENTS_STREAM,
  MANIFESTS_PIPE,
  ROOT_TASK,
  SNAPSHOTS_PIPE,
  STAGE,
  upperParts
} from "./chunk-R2LSW7R3.js";
import "./chunk-KVYT4TEJ.js";
import "./chunk-JC7DLJCH.js";
import "./chunk-X6Q3NHRZ.js";
import "./chunk-OYBGSQDJ.js";
import "./chunk-R47Z7GPO.js";
import {
  sqlString
} from "./chunk-DLZUFQUX.js";
import "./chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  SqlExecutionError,
  errorMessage
} from "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";

// src/pipeline/doctor-snowflake.ts
var PIPES = [EVENTS_PIPE, MANIFESTS_PIPE, SNAPSHOTS_PIPE];
function neededGrants(env, integration) {
  const warehouse = (env.SNOWFLAKE_WAREHOUSE ?? "").trim();
  const database = (env.SNOWFLAKE_DATABASE ?? "").trim();
  return [
    { privilege: "USAGE", on: "WAREHOUSE", name: warehouse },
    { privilege: "OPERATE", on: "WAREHOUSE", name: warehouse },
    { privilege: "USAGE", on: "DATABASE", name: database },
    { privilege: "CREATE SCHEMA", on: "DATABASE", name: database },
    { privilege: "EXECUTE TASK", on: "ACCOUNT", name: "" },
    { privilege: "USAGE", on: "INTEGRATION", name: integration }
  ];
}
function unquoted(name) {
  return String(name ?? "").replaceAll('"', "").toUpperCase();
}
async function checkSnowflake(options, context, add) {
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
    "change history"
  ];
  const skipAll = (reason) => later.forEach((name) => add(skip(name, reason)));
  const warnings = [];
  let config;
  try {
    const { snowflakeConfig } = await import("./snowflake-config-Y7FKLOAI.js");
    config = snowflakeConfig(env, (message) => warnings.push(message));
  } catch (error) {
    add(fail("snowflake login", errorMessage(error), "set the SNOWFLAKE_* variables the message names"));
    skipAll("no Snowflake login (see snowflake login)");
    return;
  }
  let warehouse;
  try {
    const { SnowflakeWarehouse } = await import("./snowflake-XP6CGXSH.js");
    warehouse = await SnowflakeWarehouse.open(config, { checkContext: false, loginAttempts: 2 });
  } catch (error) {
    add(
      fail(
        "snowflake login",
        `${config.user} could not sign in to ${config.account}: ${errorMessage(error)}`,
        config.credential.kind === "key-pair" ? `register the key's public half on the user: ALTER USER ${config.user} SET RSA_PUBLIC_KEY = '<rsa_key.pub without its BEGIN/END lines>' (DESC USER ${config.user} shows RSA_PUBLIC_KEY_FP; this key's is ${config.credential.fingerprint}), and check SNOWFLAKE_ACCOUNT and SNOWFLAKE_USER` : "check SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and the password, or better set up a key pair (SNOWFLAKE_PRIVATE_KEY)"
      )
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
          "set up a key pair: ALTER USER … SET RSA_PUBLIC_KEY, then SNOWFLAKE_PRIVATE_KEY instead of SNOWFLAKE_PASSWORD (Snowflake blocks single-factor password sign-in)"
        )
      );
    } else {
      add(
        pass(
          "snowflake login",
          `${config.user} signed in to ${config.account} with a key pair (${config.credential.fingerprint})`
        )
      );
    }
    const [session] = await warehouse.query(
      "select current_role() as role_name, current_warehouse() as warehouse_name, current_database() as database_name"
    );
    const role = session?.role_name ?? null;
    if (!role) {
      add(
        fail(
          "snowflake role",
          "the session has no role",
          "set SNOWFLAKE_ROLE to the pipeline's role (AMPLITUDE_PIPELINE in the admin setup script)"
        )
      );
    } else if (config.role && unquoted(config.role) !== unquoted(role)) {
      add(
        fail(
          "snowflake role",
          `the session's role is ${role}, not SNOWFLAKE_ROLE ${config.role}`,
          `GRANT ROLE ${config.role} TO USER ${config.user}`
        )
      );
    } else {
      add(
        pass(
          "snowflake role",
          `${role}${config.role ? "" : " (the user's default role; SNOWFLAKE_ROLE is not set)"}`
        )
      );
    }
    const roleName = role ?? config.role ?? "<role>";
    add(
      session?.warehouse_name ? pass("snowflake warehouse", session.warehouse_name) : fail(
        "snowflake warehouse",
        `SNOWFLAKE_WAREHOUSE ${config.warehouse} does not exist or role ${roleName} may not use it`,
        `GRANT USAGE, OPERATE ON WAREHOUSE ${config.warehouse} TO ROLE ${roleName} (or fix SNOWFLAKE_WAREHOUSE)`
      )
    );
    add(
      session?.database_name ? pass("snowflake database", session.database_name) : fail(
        "snowflake database",
        `SNOWFLAKE_DATABASE ${config.database} does not exist or role ${roleName} may not use it`,
        `GRANT USAGE, CREATE SCHEMA ON DATABASE ${config.database} TO ROLE ${roleName} (or fix SNOWFLAKE_DATABASE)`
      )
    );
    const integration = options.integration || env.SNOWFLAKE_STORAGE_INTEGRATION || DEFAULT_STORAGE_INTEGRATION;
    await checkGrants(warehouse, role, integration, env, add);
    if (!session?.database_name) {
      later.slice(4).forEach((name) => add(skip(name, "the session has no database (see snowflake database)")));
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
async function checkGrants(warehouse, role, integration, env, add) {
  const name = "snowflake grants";
  if (!role) return void add(skip(name, "the session has no role (see snowflake role)"));
  if (["ACCOUNTADMIN", "SYSADMIN", "SECURITYADMIN"].includes(unquoted(role))) {
    add(
      warn(
        name,
        `${role} is an administrator role: the pipeline needs far less`,
        "run the admin setup script (sql/snowflake/admin/setup.sql) and set SNOWFLAKE_ROLE=AMPLITUDE_PIPELINE"
      )
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
        `run doctor with a role that may see its own grants`
      )
    );
    return;
  }
  const held = /* @__PURE__ */ new Set();
  const owned = /* @__PURE__ */ new Set();
  for (const row of rows) {
    const on = unquoted(row.granted_on);
    const object = on === "ACCOUNT" ? "" : unquoted(row.name).split(".").at(-1);
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
        `${role} holds what the pipeline needs (warehouse, database, EXECUTE TASK, the integration)`
      )
    );
    return;
  }
  add(
    fail(
      name,
      `${role} lacks ${missing.map((g) => `${g.privilege} on ${g.on.toLowerCase()}${g.name ? ` ${g.name}` : ""}`).join(", ")} (only grants to the role itself are seen)`,
      "as an administrator: " + missing.map((g) => `GRANT ${g.privilege} ON ${g.on}${g.name ? ` ${g.name}` : ""} TO ROLE ${role};`).join(" ")
    )
  );
}
function quoteIdentifier(name) {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}
function missingObject(error) {
  return error instanceof SqlExecutionError && /does not exist|002003/i.test(error.message);
}
async function checkIntegrationAndStage(warehouse, integration, options, env, add) {
  let properties;
  try {
    const rows = await warehouse.query(`desc integration ${quoteIdentifier(integration)}`);
    properties = new Map(rows.map((row) => [unquoted(row.property), String(row.property_value ?? "")]));
  } catch (error) {
    add(
      fail(
        "storage integration",
        missingObject(error) ? `${integration} does not exist, or the role may not use it` : `DESC INTEGRATION ${integration} failed: ${errorMessage(error)}`,
        `as ACCOUNTADMIN, run the CREATE STORAGE INTEGRATION of the admin setup script and GRANT USAGE ON INTEGRATION ${integration} TO ROLE <the pipeline's role> (or provision --create-integration with a role that may create integrations)`
      )
    );
  }
  const userArn = properties?.get("STORAGE_AWS_IAM_USER_ARN") ?? "";
  const externalId = properties?.get("STORAGE_AWS_EXTERNAL_ID") ?? "";
  const roleArn = properties?.get("STORAGE_AWS_ROLE_ARN") ?? "";
  const trust = `the IAM role ${roleArn || "<STORAGE_AWS_ROLE_ARN>"}'s trust policy must let ${userArn || "<STORAGE_AWS_IAM_USER_ARN>"} assume it with sts:ExternalId ${externalId || "<STORAGE_AWS_EXTERNAL_ID>"}, and its policy allow s3:GetObject and s3:ListBucket on the lake`;
  if (properties) {
    const enabled = (properties.get("ENABLED") ?? "true").toLowerCase() === "true";
    const allowed = properties.get("STORAGE_ALLOWED_LOCATIONS") ?? "";
    const lakeUrl = options.lake.startsWith("s3://") ? stageUrl(options.lake, env).url : void 0;
    const covers = !lakeUrl || allowed === "" || allowed.split(",").some((location) => lakeUrl.startsWith(location.trim()) || location.trim() === "*");
    const detail = `${integration}: STORAGE_AWS_IAM_USER_ARN ${userArn}, STORAGE_AWS_EXTERNAL_ID ${externalId} (for the IAM role's trust policy)`;
    if (!enabled) {
      add(
        fail(
          "storage integration",
          `${detail}; it is disabled`,
          `ALTER STORAGE INTEGRATION ${integration} SET ENABLED = TRUE`
        )
      );
    } else if (!covers) {
      add(
        fail(
          "storage integration",
          `${detail}; STORAGE_ALLOWED_LOCATIONS (${allowed}) does not cover ${lakeUrl}`,
          `ALTER STORAGE INTEGRATION ${integration} SET STORAGE_ALLOWED_LOCATIONS = ('${lakeUrl}')`
        )
      );
    } else {
      add(pass("storage integration", detail));
    }
  }
  try {
    await warehouse.query(`list @${STAGE}/${PROBE_PREFIX}`);
    add(pass("stage", `${STAGE} lists the lake (the IAM role's trust works)`));
  } catch (error) {
    add(
      fail(
        "stage",
        `LIST @${STAGE} failed: ${errorMessage(error)}`,
        missingObject(error) ? `run provision --lake ${options.lake} to create it` : trust
      )
    );
  }
}
async function checkPipes(warehouse, options, env, add) {
  const s3 = options.lake.startsWith("s3://") ? stageUrl(options.lake, env) : void 0;
  const notificationPrefix = s3 ? `${s3.prefix ? `${s3.prefix}/` : ""}amplitude/` : "<prefix>/amplitude/";
  const bucket = s3 ? s3.bucket : "<bucket>";
  for (const pipe of PIPES) {
    const name = `pipe ${pipe}`;
    let status;
    try {
      const [row] = await warehouse.query(`select system$pipe_status(${sqlString(pipe)}) as status`);
      status = JSON.parse(String(row?.status ?? "{}"));
    } catch (error) {
      add(
        fail(
          name,
          missingObject(error) ? `${pipe} does not exist` : `SYSTEM$PIPE_STATUS failed: ${errorMessage(error)}`,
          `run provision --lake ${options.lake}`
        )
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
          state === "PAUSED" ? `ALTER PIPE ${pipe} SET PIPE_EXECUTION_PAUSED = FALSE` : `recreate it: provision --lake ${options.lake} --allow-replace ${pipe}`
        )
      );
    } else if (!status.lastReceivedMessageTimestamp) {
      const channel = status.notificationChannelName ?? "the pipe's notification channel";
      add(
        warn(
          name,
          `RUNNING, but it has never received a bucket notification: files reach the lake and nothing loads them`,
          `point s3://${bucket}'s event notification (s3:ObjectCreated:*, prefix ${notificationPrefix}) at ${channel}, or run provision --configure-bucket-notification; a notification configured a moment ago shows after doctor's probe is seen`
        )
      );
    } else {
      add(
        pass(
          name,
          `RUNNING, last bucket notification ${status.lastReceivedMessageTimestamp}, ${pending} file(s) pending`
        )
      );
    }
  }
}
async function checkStream(warehouse, options, add) {
  const { schema, name: streamName } = upperParts(EVENTS_STREAM);
  let rows;
  try {
    rows = await warehouse.query(
      `show streams like ${sqlString(streamName)} in schema ${schema.toLowerCase()}`
    );
  } catch (error) {
    add(
      fail("stream", `SHOW STREAMS failed: ${errorMessage(error)}`, `run provision --lake ${options.lake}`)
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
        `provision --lake ${options.lake} --allow-replace ${EVENTS_STREAM} (replaces it the documented way), then transform --warehouse snowflake --full-refresh`
      )
    );
    return;
  }
  add(pass("stream", `${EVENTS_STREAM} is not stale`));
}
async function checkTasks(warehouse, add) {
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
    state === "started" ? pass("root task", `${ROOT_TASK} is started`) : fail(
      "root task",
      `${ROOT_TASK} is ${state || "in no state"}: no graph run starts when events arrive`,
      `SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('${ROOT_TASK}')`
    )
  );
  let runs;
  try {
    runs = await warehouse.query(
      `select state, first_error_task_name, first_error_message, to_varchar(completed_time) as completed_time
       from table(information_schema.complete_task_graphs(root_task_name => ${sqlString(rootName)}, result_limit => 1))`
    );
  } catch (error) {
    add(
      fail(
        "last graph run",
        `COMPLETE_TASK_GRAPHS failed: ${errorMessage(error)}`,
        "GRANT MONITOR ON TASK to the role, or run doctor as the task's owner"
      )
    );
    return;
  }
  const last = runs[0];
  if (!last) {
    add(
      pass(
        "last graph run",
        "no graph run completed in the past 60 minutes (what COMPLETE_TASK_GRAPHS keeps)"
      )
    );
    return;
  }
  const outcome = String(last.state ?? "").toUpperCase();
  add(
    outcome === "SUCCEEDED" ? pass("last graph run", `SUCCEEDED, completed ${String(last.completed_time ?? "")}`) : fail(
      "last graph run",
      `${outcome}, completed ${String(last.completed_time ?? "")}` + (last.first_error_task_name ? `: ${String(last.first_error_task_name)} failed: ${String(last.first_error_message ?? "")}` : ""),
      "fix what the error names, then run transform --warehouse snowflake (it runs the graph and reports each task)"
    )
  );
}
async function checkChangeHistory(warehouse, options, env, add) {
  const name = "change history";
  if (!options.lake.startsWith("s3://")) {
    add(
      skip(name, "Snowflake reads the lake from S3: pass --lake s3://bucket/prefix to compare the objects")
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
    const listed = changes.slice(0, 5).map((c) => `${c.action} ${c.object.name}`).join(", ");
    add(
      fail(
        name,
        `${changes.length} object(s) differ from the project (${listed}${changes.length > 5 ? ", …" : ""})` + (plan.refusals.length > 0 ? `; ${plan.refusals.length} change(s) provision refuses without --allow-replace` : ""),
        `provision --lake ${options.lake}${plan.refusals.length > 0 ? " (provision --plan says what it refuses and why)" : ""}`
      )
    );
  } catch (error) {
    add(
      fail(
        name,
        `the plan could not be read: ${errorMessage(error)}`,
        error instanceof ConfigurationError ? "fix the setting the message names" : `run provision --plan --lake ${options.lake}`
      )
    );
  }
}
export {
  checkSnowflake
};
