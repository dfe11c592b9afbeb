import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  CHANGE_HISTORY,
  EVENTS_PIPE,
  FINALIZER_TASK,
  ROOT_TASK,
  maskingPolicyFor,
  normalize,
  upperParts
} from "./chunk-R2LSW7R3.js";
import {
  sqlString
} from "./chunk-DLZUFQUX.js";
import {
  ConfigurationError,
  errorMessage
} from "./chunk-Z6P62WD7.js";

// src/snowflake/provision.ts
var PROVISIONED_SCHEMAS = ["RAW", "SEEDS", "STAGING", "CORE", "MARTS", "RESTRICTED", "PIPELINE"];
function key(schema, name) {
  return `${String(schema).toUpperCase()}.${String(name).toUpperCase()}`;
}
function nameKey(name) {
  return name.includes(".") ? key(...name.split(".")) : name.toUpperCase();
}
async function readCatalog(warehouse, integration, options = {}) {
  const inList = PROVISIONED_SCHEMAS.map(sqlString).join(", ");
  const schemas = new Set(
    (await warehouse.query(`select schema_name from information_schema.schemata`)).map(
      (row) => String(row.schema_name).toUpperCase()
    )
  );
  const catalog = { ...emptyCatalog(), schemas };
  for (const row of await warehouse.query(
    `select table_schema, table_name, table_type from information_schema.tables where table_schema in (${inList})`
  )) {
    catalog.relations.set(key(row.table_schema, row.table_name), String(row.table_type).toUpperCase());
  }
  const columnSchemas = options.masking ? inList : "'RAW', 'PIPELINE'";
  for (const row of await warehouse.query(
    `select table_schema, table_name, column_name, data_type from information_schema.columns
     where table_schema in (${columnSchemas}) order by table_schema, table_name, ordinal_position`
  )) {
    const relation = key(row.table_schema, row.table_name);
    const list = catalog.columns.get(relation) ?? [];
    list.push({ name: String(row.column_name).toLowerCase(), type: String(row.data_type) });
    catalog.columns.set(relation, list);
  }
  for (const row of await warehouse.query(
    `select file_format_schema, file_format_name from information_schema.file_formats where file_format_schema in (${inList})`
  )) {
    catalog.fileFormats.add(key(row.file_format_schema, row.file_format_name));
  }
  for (const row of await warehouse.query(
    `select stage_schema, stage_name, stage_url from information_schema.stages where stage_schema in (${inList})`
  )) {
    catalog.stages.set(key(row.stage_schema, row.stage_name), { url: String(row.stage_url ?? "") });
  }
  for (const row of await warehouse.query(
    `select pipe_schema, pipe_name, definition, notification_channel_name from information_schema.pipes where pipe_schema in (${inList})`
  )) {
    catalog.pipes.set(key(row.pipe_schema, row.pipe_name), {
      definition: String(row.definition ?? ""),
      notificationChannel: row.notification_channel_name == null ? null : String(row.notification_channel_name)
    });
  }
  for (const [name, pipe] of catalog.pipes) {
    pipe.executionState = (await pipeStatus(warehouse, name.toLowerCase())).executionState ?? void 0;
  }
  for (const row of await warehouse.query(
    `select procedure_schema, procedure_name from information_schema.procedures where procedure_schema in (${inList})`
  )) {
    catalog.procedures.add(key(row.procedure_schema, row.procedure_name));
  }
  if (schemas.has("RAW")) {
    for (const row of await warehouse.query(`show streams in schema raw`)) {
      catalog.streams.set(key(row.schema_name, row.name), {
        table: String(row.table_name ?? ""),
        stale: String(row.stale ?? "false").toLowerCase() === "true"
      });
    }
  }
  if (schemas.has("PIPELINE")) {
    for (const row of await warehouse.query(`show tasks in schema pipeline`)) {
      catalog.tasks.set(key(row.schema_name, row.name), {
        state: String(row.state ?? "").toLowerCase(),
        predecessors: parsePredecessors(row.predecessors)
      });
    }
  }
  if (options.masking && schemas.has("PIPELINE")) {
    for (const row of await warehouse.query(`show masking policies in schema pipeline`)) {
      catalog.maskingPolicies.add(key(row.schema_name, row.name));
    }
  }
  for (const row of await warehouse.query(`show integrations like ${sqlString(integration)}`)) {
    catalog.integrations.add(String(row.name).toUpperCase());
  }
  if (catalog.relations.has(nameKey(CHANGE_HISTORY))) {
    for (const row of await warehouse.query(
      `select object_name, checksum from ${CHANGE_HISTORY}
       qualify row_number() over (partition by object_name order by applied_at desc) = 1`
    )) {
      catalog.history.set(String(row.object_name).toLowerCase(), String(row.checksum));
    }
  }
  return catalog;
}
function parsePredecessors(value) {
  if (value == null || value === "") return [];
  const list = Array.isArray(value) ? value : JSON.parse(String(value));
  return list.map((name) => String(name).replaceAll('"', "").split(".").slice(-2).join(".").toUpperCase());
}
function emptyCatalog() {
  return {
    history: /* @__PURE__ */ new Map(),
    schemas: /* @__PURE__ */ new Set(),
    relations: /* @__PURE__ */ new Map(),
    columns: /* @__PURE__ */ new Map(),
    fileFormats: /* @__PURE__ */ new Set(),
    stages: /* @__PURE__ */ new Map(),
    pipes: /* @__PURE__ */ new Map(),
    procedures: /* @__PURE__ */ new Set(),
    streams: /* @__PURE__ */ new Map(),
    tasks: /* @__PURE__ */ new Map(),
    integrations: /* @__PURE__ */ new Set(),
    maskingPolicies: /* @__PURE__ */ new Set()
  };
}
function exists(object, catalog) {
  const id = nameKey(object.name);
  switch (object.kind) {
    case "schema":
      return catalog.schemas.has(id);
    case "table":
      return catalog.relations.get(id) === "BASE TABLE";
    case "view":
      return catalog.relations.get(id) === "VIEW";
    case "file format":
      return catalog.fileFormats.has(id);
    case "storage integration":
      return catalog.integrations.has(id);
    case "stage":
      return catalog.stages.has(id);
    case "pipe":
      return catalog.pipes.has(id);
    case "procedure":
      return catalog.procedures.has(id);
    case "stream":
      return catalog.streams.has(id);
    case "task":
      return catalog.tasks.has(id);
    case "masking policy":
      return catalog.maskingPolicies.has(id);
    case "column masking":
      return catalog.relations.has(nameKey(object.relation));
  }
}
function planProvision(objects, catalog, options = {}) {
  const allowed = new Set((options.allowReplace ?? []).map((name) => name.toLowerCase()));
  const changes = [];
  const refusals = [];
  const changedTasks = /* @__PURE__ */ new Set();
  const moves = /* @__PURE__ */ new Map();
  for (const object of objects) {
    if (object.kind !== "stage" || !exists(object, catalog)) continue;
    const [url] = (object.definition ?? "").split(" ");
    if (catalog.stages.get(nameKey(object.name)).url === url) continue;
    const reads = new RegExp(`@${object.name.replaceAll(".", "\\.")}(?![\\w$])`, "i");
    moves.set(
      object.name,
      objects.filter((o) => o.kind === "pipe" && reads.test(o.statement) && exists(o, catalog))
    );
  }
  const movedWith = new Map(
    [...moves].flatMap(([stage, pipes]) => pipes.map((pipe) => [pipe.name, stage]))
  );
  for (const object of objects) {
    const present = exists(object, catalog);
    const recorded = catalog.history.get(object.name);
    if (object.kind === "stage" && moves.has(object.name)) {
      const moved = planStageMove(object, catalog, moves.get(object.name), allowed);
      if ("reason" in moved) refusals.push({ object, ...moved });
      else changes.push(moved);
      continue;
    }
    if (object.kind === "pipe" && movedWith.has(object.name)) {
      if (moves.get(movedWith.get(object.name)).every((pipe) => allowed.has(pipe.name))) {
        changes.push({
          object,
          action: "replace",
          statements: [],
          detail: `recreated with ${movedWith.get(object.name)}, whose URL changed (--allow-replace)`
        });
      }
      continue;
    }
    if (object.kind === "stream" && present && catalog.streams.get(nameKey(object.name))?.stale) {
      const stale = planStaleStream(object, allowed);
      if ("reason" in stale) refusals.push({ object, ...stale });
      else changes.push(stale);
      continue;
    }
    if (object.kind === "column masking") {
      changes.push(planColumnMasking(object, catalog, present && recorded !== object.checksum));
      continue;
    }
    if (object.referenceOnly) {
      if (!present) {
        refusals.push({
          object,
          reason: `the storage integration ${object.name} does not exist (or this role cannot see it)`,
          remedy: `ask a Snowflake admin to run the integration part of sql/snowflake/admin/setup.sql (docs/snowflake.md, step 2) (CREATE STORAGE INTEGRATION ${object.name} … and GRANT USAGE ON INTEGRATION ${object.name} TO ROLE <pipeline role>), or run provision --create-integration --aws-role-arn <arn> with a role that may create integrations`
        });
      } else changes.push({ object, action: "unchanged", statements: [] });
      continue;
    }
    if (!present) {
      changes.push({ object, action: "create", statements: [object.statement] });
      if (object.kind === "task") changedTasks.add(object.name);
      continue;
    }
    const stopped = object.kind === "pipe" && catalog.pipes.get(nameKey(object.name))?.executionState === "STOPPED_STAGE_ALTERED";
    if (recorded === object.checksum && !stopped) {
      changes.push({ object, action: "unchanged", statements: [] });
      continue;
    }
    if (!object.stateful) {
      changes.push({
        object,
        action: "replace",
        statements: [object.statement],
        detail: recorded ? "definition changed" : "not in the change history"
      });
      if (object.kind === "task") changedTasks.add(object.name);
      continue;
    }
    const evolved = evolve(object, catalog, allowed);
    if ("reason" in evolved) refusals.push({ object, ...evolved });
    else changes.push(evolved);
  }
  const tasks = objects.filter((object) => object.kind === "task");
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of tasks) {
      if (changedTasks.has(task.name)) continue;
      const after = task.name === FINALIZER_TASK ? [ROOT_TASK] : task.after ?? [];
      if (after.some((parent) => changedTasks.has(parent))) {
        changedTasks.add(task.name);
        grew = true;
        const change = changes.find((c) => c.object.name === task.name);
        change.action = "replace";
        change.statements = [task.statement];
        change.detail = "a task it runs after is replaced";
      }
    }
  }
  const rendered = new Set(tasks.map((task) => nameKey(task.name)));
  for (const name of catalog.tasks.keys()) {
    if (name.startsWith("PIPELINE.") && !rendered.has(name)) {
      const lower = name.toLowerCase();
      changes.push({
        object: { kind: "task", name: lower },
        action: "drop",
        statements: [`drop task if exists ${lower}`],
        detail: "no model builds it any more"
      });
      changedTasks.add(lower);
    }
  }
  const suspendsGraph = changedTasks.size > 0;
  const root = catalog.tasks.get(nameKey(ROOT_TASK));
  const suspends = root !== void 0 && changes.some((change) => GRAPH_KINDS.has(change.object.kind) && change.statements.length > 0);
  const pausesRunningGraph = suspends && root.state === "started";
  const statements = suspends ? [SUSPEND, RUN_IN_FLIGHT] : [];
  for (const change of changes) statements.push(...change.statements);
  if (suspendsGraph || pausesRunningGraph) statements.push(RESUME);
  return { changes, refusals, suspendsGraph, pausesRunningGraph, statements };
}
var GRAPH_KINDS = /* @__PURE__ */ new Set(["procedure", "view", "task"]);
var RUN_IN_FLIGHT = `select graph_run_group_id, to_varchar(query_start_time) as started
   from table(information_schema.current_task_graphs(root_task_name => '${upperParts(ROOT_TASK).name}'))
   where state = 'EXECUTING' and schema_name = '${upperParts(ROOT_TASK).schema}' and database_name = current_database()`;
function planStageMove(object, catalog, pipes, allowed) {
  const [url, integration] = (object.definition ?? "").split(" ");
  const current = catalog.stages.get(nameKey(object.name));
  const alter = `alter stage ${object.name} set url = ${sqlString(url)} storage_integration = ${integration}`;
  const detail = `URL ${current.url || "(none)"} -> ${url}`;
  if (pipes.length === 0) return { object, action: "alter", statements: [alter], detail };
  const replacement = {
    pipes: pipes.map((pipe) => ({ name: pipe.name, replaceStatement: pipe.replaceStatement })),
    between: [alter]
  };
  if (pipes.every((pipe) => allowed.has(pipe.name))) {
    return {
      object,
      action: "alter",
      statements: replacementSteps(replacement),
      detail: `${detail}; ${pipes.map((pipe) => pipe.name).join(", ")} recreated (--allow-replace)`,
      pipeReplacement: replacement
    };
  }
  return {
    reason: `${object.name}: its URL changed from ${current.url || "(none)"} to ${url}, and a new URL stops every auto-ingest pipe that reads the stage (SYSTEM$PIPE_STATUS: STOPPED_STAGE_ALTERED) until it is recreated, which drops its load history`,
    remedy: `run provision --allow-replace=${pipes.map((pipe) => pipe.name).join(",")}, which lets each pipe finish its queue, pauses it and notes the time on Snowflake's clock, changes the URL, then recreates each pipe, resumes it and refreshes the files modified after its pause. By hand:
${byHand(replacement)}`
  };
}
function planStaleStream(object, allowed) {
  if (allowed.has(object.name)) {
    return {
      object,
      action: "replace",
      statements: [object.replaceStatement],
      detail: "stale (--allow-replace: the next graph run reads every row again)"
    };
  }
  return {
    reason: `${object.name} is stale (SHOW STREAMS): its offset fell outside the data retention of ${object.definition}, so it can no longer tell which rows are new, and no graph run can read it`,
    remedy: `recreate it: run provision --allow-replace=${object.name} (the new stream shows every row of ${object.definition} once, so the next graph run builds from all of raw), or by hand:
  ${object.replaceStatement.split("\n").join("\n  ")};`
  };
}
function planColumnMasking(object, catalog, apply) {
  if (!apply) {
    return { object, action: "unchanged", statements: [] };
  }
  const id = nameKey(object.relation);
  const kind = catalog.relations.get(id) === "VIEW" ? "view" : "table";
  const types = new Map((catalog.columns.get(id) ?? []).map((column) => [column.name, column.type]));
  const present = object.piiColumns.filter((column) => types.has(column));
  const missing = object.piiColumns.filter((column) => !types.has(column));
  return {
    object,
    action: "alter",
    statements: present.map(
      (column) => `alter ${kind} ${object.relation} modify column ${column} set masking policy ${maskingPolicyFor(types.get(column))} force`
    ),
    detail: `mask ${present.join(", ") || "nothing"}` + (missing.length > 0 ? ` (${missing.join(", ")} not in the table yet: its procedure masks them when it rebuilds it)` : "")
  };
}
var SUSPEND = `alter task ${ROOT_TASK} suspend`;
var RESUME = `select system$task_dependents_enable('${ROOT_TASK}')`;
function evolve(object, catalog, allowed) {
  const id = nameKey(object.name);
  switch (object.kind) {
    case "table": {
      const existing = catalog.columns.get(id) ?? [];
      const names = new Set(existing.map((column) => column.name));
      const added = (object.columns ?? []).filter((column) => !names.has(column.name));
      const kept = existing.filter((column) => !object.columns?.some((c) => c.name === column.name));
      if (added.length === 0) {
        return {
          object,
          action: "record",
          statements: [],
          detail: kept.length > 0 ? `keeps column(s) the template no longer has: ${kept.map((c) => c.name).join(", ")}` : void 0
        };
      }
      return {
        object,
        action: "alter",
        // A new column cannot be NOT NULL without a default on a table with rows: added as nullable.
        statements: added.map(
          (column) => `alter table ${object.name} add column if not exists ${column.name} ${column.definition.replace(/\s+not null\b/i, "")}`
        ),
        detail: `new column(s): ${added.map((column) => column.name).join(", ")}`
      };
    }
    case "stage":
      return { object, action: "record", statements: [] };
    case "pipe": {
      const current = catalog.pipes.get(id);
      const stopped = current.executionState === "STOPPED_STAGE_ALTERED";
      if (normalize(current.definition) === object.definition && !stopped)
        return { object, action: "record", statements: [] };
      const replacement = {
        pipes: [{ name: object.name, replaceStatement: object.replaceStatement }],
        between: []
      };
      if (allowed.has(object.name)) {
        return {
          object,
          action: "replace",
          statements: replacementSteps(replacement),
          detail: `${stopped ? "STOPPED_STAGE_ALTERED" : "COPY statement changed"} (--allow-replace)`,
          pipeReplacement: replacement
        };
      }
      return {
        reason: stopped ? `${object.name} is STOPPED_STAGE_ALTERED (SYSTEM$PIPE_STATUS): its stage's URL changed, and it loads nothing until it is recreated, which drops its load history` : `${object.name}: its COPY statement changed, and replacing a pipe drops its load history`,
        remedy: `run provision --allow-replace=${object.name}, which lets the pipe finish its queue, pauses it and notes the time on Snowflake's clock, recreates it, resumes it and refreshes the files modified after the pause. By hand:
` + byHand(replacement)
      };
    }
    case "stream": {
      const current = catalog.streams.get(id);
      const table = current.table.replaceAll('"', "").split(".").slice(-2).join(".").toLowerCase();
      if (table === object.definition) return { object, action: "record", statements: [] };
      if (allowed.has(object.name)) {
        return {
          object,
          action: "replace",
          statements: [object.replaceStatement],
          detail: `source ${table} -> ${object.definition} (--allow-replace: the next graph run reads every row again)`
        };
      }
      return {
        reason: `${object.name}: its source changed from ${table} to ${object.definition}, and replacing a stream resets its offset`,
        remedy: `run provision --allow-replace=${object.name} (the new stream shows every existing row once, so the next graph run builds from all of raw), or by hand:
  ${object.replaceStatement.split("\n").join("\n  ")};`
      };
    }
    case "masking policy":
      return {
        object,
        action: "alter",
        statements: [`alter masking policy ${object.name} set body ->
${object.body}`],
        detail: "body changed"
      };
    default:
      return { object, action: "record", statements: [] };
  }
}
var PAUSE_TIME = "<pause_time>";
var PAUSE_TIME_SQL = `select to_varchar(convert_timezone('UTC', current_timestamp()), 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM') as pause_time`;
var pipeStatusSql = (pipe) => `select system$pipe_status('${pipe}')`;
var pauseSql = (pipe) => `alter pipe ${pipe} set pipe_execution_paused = true`;
var resumeSql = (pipe) => `alter pipe ${pipe} set pipe_execution_paused = false`;
function replacementSteps(replacement) {
  return [
    ...replacement.pipes.flatMap((pipe) => [
      pipeStatusSql(pipe.name),
      pauseSql(pipe.name),
      PAUSE_TIME_SQL,
      pipeStatusSql(pipe.name)
    ]),
    ...replacement.between,
    ...replacement.pipes.flatMap((pipe) => [
      pipe.replaceStatement,
      resumeSql(pipe.name),
      `alter pipe ${pipe.name} refresh modified_after = '${PAUSE_TIME}'`
    ])
  ];
}
function byHand(replacement) {
  const steps = replacementSteps(replacement);
  const notes = /* @__PURE__ */ new Map();
  replacement.pipes.forEach((pipe, i) => {
    notes.set(4 * i, `until executionState is RUNNING and pendingFileCount is 0:`);
    notes.set(4 * i + 2, `note this time (<pause_time> below), on Snowflake's clock:`);
    notes.set(
      4 * i + 3,
      "executionState PAUSED, and pendingFileCount 0 or oldestFileTimestamp after the pause time (otherwise resume the pipe and start again):"
    );
  });
  return steps.map((statement, i) => {
    const note = notes.get(i);
    return (note ? `  -- ${note}
` : "") + `  ${statement.split("\n").join("\n  ")};`;
  }).join("\n");
}
async function applyProvision(warehouse, plan, options) {
  if (plan.refusals.length > 0) throw refusalError(plan.refusals);
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const run = async (sql) => {
    options.reporter?.statement?.(sql);
    await warehouse.execute(sql);
  };
  let historyExists = plan.changes.find((change) => change.object.name === CHANGE_HISTORY)?.action !== "create";
  const unrecorded = [];
  let suspended = false;
  try {
    if (plan.statements[0] === SUSPEND) {
      await run(SUSPEND);
      suspended = true;
      await waitForGraphRun(warehouse, { now, sleep, seconds: options.graphWaitSeconds ?? 3600 });
    }
    for (const change of plan.changes) {
      options.reporter?.change?.(change);
      if (change.pipeReplacement) {
        await replacePipes(warehouse, change.pipeReplacement, {
          run,
          now,
          sleep,
          drainSeconds: options.pipeDrainSeconds ?? 600
        });
      } else {
        for (const sql of change.statements) await run(sql);
      }
      if (change.action !== "unchanged" && change.action !== "drop" && "checksum" in change.object) {
        unrecorded.push({ object: change.object, action: change.action });
      }
      if (change.object.name === CHANGE_HISTORY) historyExists = true;
      if (!historyExists) continue;
      for (const { object, action } of unrecorded.splice(0)) {
        await warehouse.execute(
          `insert into ${CHANGE_HISTORY} (object_name, object_kind, action, checksum, statement, tool_version, applied_by, applied_at)
         select ?, ?, ?, ?, ?, ?, current_user(), convert_timezone('UTC', current_timestamp())::timestamp_ntz`,
          [object.name, object.kind, action, object.checksum, object.statement, options.toolVersion]
        );
      }
    }
    await options.beforeResume?.();
  } catch (error) {
    if (suspended && plan.pausesRunningGraph) {
      await run(RESUME).catch((resumeError) => {
        if (error instanceof Error) {
          error.message += ` (and the task graph could not be resumed: ${errorMessage(resumeError)}; resume it with SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('${ROOT_TASK}'))`;
        }
      });
    }
    throw error;
  }
  if (plan.statements.at(-1) === RESUME) await run(RESUME);
}
async function waitForGraphRun(warehouse, context) {
  const run = await waitForRunInFlight(warehouse, { ...context, pollMs: 1e4 });
  if (run === void 0) return;
  throw new ConfigurationError(
    `the task graph's run ${run.graphRunId} (started ${run.started}) was still executing ${context.seconds} s after ${ROOT_TASK} was suspended: provision changed nothing and resumed the graph as it was. Run provision again once that run has finished (SELECT * FROM TABLE(INFORMATION_SCHEMA.CURRENT_TASK_GRAPHS(ROOT_TASK_NAME => '${upperParts(ROOT_TASK).name}'))), or cancel it first with SELECT SYSTEM$USER_TASK_CANCEL_ONGOING_EXECUTIONS('${ROOT_TASK}')`
  );
}
async function waitForRunInFlight(warehouse, options) {
  const deadline = options.now().getTime() + options.seconds * 1e3;
  for (; ; ) {
    const [run] = await warehouse.query(RUN_IN_FLIGHT);
    if (run === void 0) return void 0;
    if (options.signal?.aborted || options.now().getTime() >= deadline) {
      return { graphRunId: String(run.graph_run_group_id), started: String(run.started) };
    }
    await options.sleep(options.pollMs);
  }
}
async function replacePipes(warehouse, replacement, context) {
  const again = `provision --allow-replace=${replacement.pipes.map((pipe) => pipe.name).join(",")}`;
  const since = /* @__PURE__ */ new Map();
  const paused = [];
  try {
    for (const pipe of replacement.pipes) {
      since.set(pipe.name, await stopPipe(warehouse, pipe.name, again, paused, context));
    }
  } catch (error) {
    for (const pipe of paused) await context.run(resumeSql(pipe));
    throw error;
  }
  for (const sql of replacement.between) await context.run(sql);
  for (const pipe of replacement.pipes) {
    await context.run(pipe.replaceStatement);
    await context.run(resumeSql(pipe.name));
    const time = since.get(pipe.name);
    await context.run(
      `alter pipe ${pipe.name} refresh` + (time ? ` modified_after = ${sqlString(time)}` : "")
    );
  }
}
async function stopPipe(warehouse, pipe, again, paused, context) {
  const deadline = context.now().getTime() + context.drainSeconds * 1e3;
  for (; ; ) {
    const status = await pipeStatus(warehouse, pipe);
    if (status.executionState !== "RUNNING" && status.executionState !== "PAUSED") {
      return status.lastIngestedTimestamp ?? null;
    }
    if (status.executionState === "PAUSED") {
      await context.run(resumeSql(pipe));
    } else if (status.pendingFileCount === 0) {
      await context.run(pauseSql(pipe));
      paused.push(pipe);
      const [row] = await warehouse.query(PAUSE_TIME_SQL);
      const pauseTime = String(row?.pause_time ?? "");
      const after = await pipeStatus(warehouse, pipe);
      const oldest = after.oldestFileTimestamp ? Date.parse(after.oldestFileTimestamp) : NaN;
      if (after.executionState === "PAUSED" && (after.pendingFileCount === 0 || oldest > Date.parse(pauseTime))) {
        return pauseTime;
      }
      await context.run(resumeSql(pipe));
      paused.pop();
    }
    if (context.now().getTime() >= deadline) {
      throw new ConfigurationError(
        `${pipe} still had ${status.pendingFileCount} file(s) queued after ${context.drainSeconds} s: nothing was replaced and the pipe keeps running. Run ${again} again once SYSTEM$PIPE_STATUS('${pipe}') shows pendingFileCount 0`
      );
    }
    await context.sleep(5e3);
  }
}
async function pipeStatus(warehouse, pipe) {
  const [row] = await warehouse.query(pipeStatusSql(pipe));
  const status = Object.values(row ?? {})[0];
  try {
    const parsed = typeof status === "string" ? JSON.parse(status) : status;
    const text = (value) => value === void 0 || value === null ? void 0 : String(value);
    return {
      executionState: text(parsed?.executionState)?.toUpperCase() ?? null,
      pendingFileCount: Number(parsed?.pendingFileCount ?? 0),
      oldestFileTimestamp: text(parsed?.oldestFileTimestamp),
      lastIngestedTimestamp: text(parsed?.lastIngestedTimestamp)
    };
  } catch (error) {
    throw new Error(`SYSTEM$PIPE_STATUS gave ${String(status)}: ${errorMessage(error)}`);
  }
}
function refusalError(refusals) {
  return new ConfigurationError(
    `provision changed nothing: ${refusals.length} object(s) need a step it does not take on its own.
` + refusals.map((refusal) => `- ${refusal.reason}.
  Remedy: ${refusal.remedy}`).join("\n")
  );
}
async function notificationChannel(warehouse) {
  const { schema, name } = upperParts(EVENTS_PIPE);
  const [row] = await warehouse.query(
    `select notification_channel_name from information_schema.pipes where pipe_schema = ? and pipe_name = ?`,
    [schema, name]
  );
  return row?.notification_channel_name == null ? null : String(row.notification_channel_name);
}

export {
  readCatalog,
  emptyCatalog,
  planProvision,
  applyProvision,
  waitForRunInFlight,
  refusalError,
  notificationChannel
};
