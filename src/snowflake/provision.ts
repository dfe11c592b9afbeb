import { ConfigurationError, errorMessage } from "../errors.ts";
import { sqlString, type Warehouse } from "../warehouse/warehouse.ts";
import {
  CHANGE_HISTORY,
  EVENTS_PIPE,
  FINALIZER_TASK,
  maskingPolicyFor,
  ROOT_TASK,
  upperParts,
} from "./objects.ts";
import { normalize, type SnowflakeObject } from "./render.ts";

export type Action = "create" | "alter" | "replace" | "unchanged" | "record" | "drop";

export interface PlannedChange {
  object: SnowflakeObject | { kind: "task"; name: string };
  action: Action;
  /** The DDL this change runs, in order (empty for unchanged and record). */
  statements: string[];
  /** Why, for the plan: "2 new column(s): a, b", "COPY statement changed". */
  detail?: string;
}

export interface Refusal {
  object: SnowflakeObject;
  reason: string;
  /** The exact steps a person runs instead, or the flag that lets provision do them. */
  remedy: string;
}

export interface ProvisionPlan {
  changes: PlannedChange[];
  refusals: Refusal[];
  /** Set when tasks change: the root is suspended first and the graph resumed after. */
  suspendsGraph: boolean;
  /** Every statement in execution order, DDL only (the change-history rows are written as they apply). */
  statements: string[];
}

/** What the account holds now, read with a handful of INFORMATION_SCHEMA queries and SHOW commands. */
export interface Catalog {
  /** Latest checksum per object name, from pipeline.change_history. */
  history: Map<string, string>;
  schemas: Set<string>;
  /** `SCHEMA.NAME` → BASE TABLE | VIEW. */
  relations: Map<string, string>;
  /** `SCHEMA.NAME` → lowercase column names in order. */
  columns: Map<string, Array<{ name: string; type: string }>>;
  fileFormats: Set<string>;
  stages: Map<string, { url: string }>;
  pipes: Map<string, { definition: string; notificationChannel: string | null }>;
  procedures: Set<string>;
  streams: Map<string, { table: string }>;
  tasks: Map<string, { state: string; predecessors: string[] }>;
  integrations: Set<string>;
  /** `PIPELINE.MASK_PII_STRING`…: read only when masking is on. */
  maskingPolicies: Set<string>;
}

const PROVISIONED_SCHEMAS = ["RAW", "SEEDS", "STAGING", "CORE", "MARTS", "RESTRICTED", "PIPELINE"];

function key(schema: unknown, name: unknown): string {
  return `${String(schema).toUpperCase()}.${String(name).toUpperCase()}`;
}

function nameKey(name: string): string {
  return name.includes(".") ? key(...(name.split(".") as [string, string])) : name.toUpperCase();
}

/** Reads what provision compares against. Nothing here changes the account. */
export async function readCatalog(
  warehouse: Warehouse,
  integration: string,
  options: { masking?: boolean } = {},
): Promise<Catalog> {
  const inList = PROVISIONED_SCHEMAS.map(sqlString).join(", ");
  const schemas = new Set(
    (await warehouse.query(`select schema_name from information_schema.schemata`)).map((row) =>
      String(row.schema_name).toUpperCase(),
    ),
  );
  const catalog: Catalog = { ...emptyCatalog(), schemas };

  for (const row of await warehouse.query(
    `select table_schema, table_name, table_type from information_schema.tables where table_schema in (${inList})`,
  )) {
    catalog.relations.set(key(row.table_schema, row.table_name), String(row.table_type).toUpperCase());
  }
  // With masking, the model tables' columns too: their types choose the policy of a personal column.
  const columnSchemas = options.masking ? inList : "'RAW', 'PIPELINE'";
  for (const row of await warehouse.query(
    `select table_schema, table_name, column_name, data_type from information_schema.columns
     where table_schema in (${columnSchemas}) order by table_schema, table_name, ordinal_position`,
  )) {
    const relation = key(row.table_schema, row.table_name);
    const list = catalog.columns.get(relation) ?? [];
    list.push({ name: String(row.column_name).toLowerCase(), type: String(row.data_type) });
    catalog.columns.set(relation, list);
  }
  for (const row of await warehouse.query(
    `select file_format_schema, file_format_name from information_schema.file_formats where file_format_schema in (${inList})`,
  )) {
    catalog.fileFormats.add(key(row.file_format_schema, row.file_format_name));
  }
  for (const row of await warehouse.query(
    `select stage_schema, stage_name, stage_url from information_schema.stages where stage_schema in (${inList})`,
  )) {
    catalog.stages.set(key(row.stage_schema, row.stage_name), { url: String(row.stage_url ?? "") });
  }
  for (const row of await warehouse.query(
    `select pipe_schema, pipe_name, definition, notification_channel_name from information_schema.pipes where pipe_schema in (${inList})`,
  )) {
    catalog.pipes.set(key(row.pipe_schema, row.pipe_name), {
      definition: String(row.definition ?? ""),
      notificationChannel:
        row.notification_channel_name == null ? null : String(row.notification_channel_name),
    });
  }
  for (const row of await warehouse.query(
    `select procedure_schema, procedure_name from information_schema.procedures where procedure_schema in (${inList})`,
  )) {
    catalog.procedures.add(key(row.procedure_schema, row.procedure_name));
  }
  if (schemas.has("RAW")) {
    for (const row of await warehouse.query(`show streams in schema raw`)) {
      catalog.streams.set(key(row.schema_name, row.name), { table: String(row.table_name ?? "") });
    }
  }
  if (schemas.has("PIPELINE")) {
    for (const row of await warehouse.query(`show tasks in schema pipeline`)) {
      catalog.tasks.set(key(row.schema_name, row.name), {
        state: String(row.state ?? "").toLowerCase(),
        predecessors: parsePredecessors(row.predecessors),
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
       qualify row_number() over (partition by object_name order by applied_at desc) = 1`,
    )) {
      catalog.history.set(String(row.object_name).toLowerCase(), String(row.checksum));
    }
  }
  return catalog;
}

/** SHOW TASKS gives predecessors as a JSON array of quoted, fully qualified names. */
function parsePredecessors(value: unknown): string[] {
  if (value == null || value === "") return [];
  const list = Array.isArray(value) ? value : (JSON.parse(String(value)) as unknown[]);
  return list.map((name) => String(name).replaceAll('"', "").split(".").slice(-2).join(".").toUpperCase());
}

/** The empty account, for `--dry-run`: every object is created. */
export function emptyCatalog(): Catalog {
  return {
    history: new Map(),
    schemas: new Set(),
    relations: new Map(),
    columns: new Map(),
    fileFormats: new Set(),
    stages: new Map(),
    pipes: new Map(),
    procedures: new Set(),
    streams: new Map(),
    tasks: new Map(),
    integrations: new Set(),
    maskingPolicies: new Set(),
  };
}

function exists(object: SnowflakeObject, catalog: Catalog): boolean {
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
      return catalog.relations.has(nameKey(object.relation!));
  }
}

/**
 * Compares the rendered objects with the account. Stateless objects are replaced when their checksum
 * differs from the latest change-history row; stateful ones are created when missing, tables gain the
 * columns they lack, a stage follows a new URL, and a pipe or stream whose definition changed is
 * refused (unless `allowReplace` names it), since replacing either loses load history or an offset.
 */
export function planProvision(
  objects: SnowflakeObject[],
  catalog: Catalog,
  options: { allowReplace?: string[] } = {},
): ProvisionPlan {
  const allowed = new Set((options.allowReplace ?? []).map((name) => name.toLowerCase()));
  const changes: PlannedChange[] = [];
  const refusals: Refusal[] = [];
  const changedTasks = new Set<string>();

  for (const object of objects) {
    const present = exists(object, catalog);
    const recorded = catalog.history.get(object.name);
    if (object.kind === "column masking") {
      changes.push(planColumnMasking(object, catalog, present && recorded !== object.checksum));
      continue;
    }
    if (object.referenceOnly) {
      if (!present) {
        refusals.push({
          object,
          reason: `the storage integration ${object.name} does not exist (or this role cannot see it)`,
          remedy:
            `ask a Snowflake admin to run the integration part of sql/snowflake/admin/setup.sql (docs/snowflake.md, step 2) ` +
            `(CREATE STORAGE INTEGRATION ${object.name} … and GRANT USAGE ON INTEGRATION ${object.name} TO ROLE <pipeline role>), ` +
            "or run provision --create-integration --aws-role-arn <arn> with a role that may create integrations",
        });
      } else changes.push({ object, action: "unchanged", statements: [] });
      continue;
    }
    if (!present) {
      changes.push({ object, action: "create", statements: [object.statement] });
      if (object.kind === "task") changedTasks.add(object.name);
      continue;
    }
    if (recorded === object.checksum) {
      changes.push({ object, action: "unchanged", statements: [] });
      continue;
    }
    if (!object.stateful) {
      changes.push({
        object,
        action: "replace",
        statements: [object.statement],
        detail: recorded ? "definition changed" : "not in the change history",
      });
      if (object.kind === "task") changedTasks.add(object.name);
      continue;
    }
    const evolved = evolve(object, catalog, allowed);
    if ("reason" in evolved) refusals.push({ object, ...evolved });
    else changes.push(evolved);
  }

  // A task whose predecessor is replaced loses the link: replace the descendants of a changed task too.
  const tasks = objects.filter((object) => object.kind === "task");
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of tasks) {
      if (changedTasks.has(task.name)) continue;
      // The finalizer is tied to the root by FINALIZE rather than AFTER.
      const after = task.name === FINALIZER_TASK ? [ROOT_TASK] : (task.after ?? []);
      if (after.some((parent) => changedTasks.has(parent))) {
        changedTasks.add(task.name);
        grew = true;
        const change = changes.find((c) => c.object.name === task.name)!;
        change.action = "replace";
        change.statements = [task.statement];
        change.detail = "a task it runs after is replaced";
      }
    }
  }
  // Tasks of ours the project no longer has (a removed model) would go on calling stale procedures.
  const rendered = new Set(tasks.map((task) => nameKey(task.name)));
  for (const name of catalog.tasks.keys()) {
    if (name.startsWith("PIPELINE.") && !rendered.has(name)) {
      const lower = name.toLowerCase();
      changes.push({
        object: { kind: "task", name: lower },
        action: "drop",
        statements: [`drop task if exists ${lower}`],
        detail: "no model builds it any more",
      });
      changedTasks.add(lower);
    }
  }

  const suspendsGraph = changedTasks.size > 0;
  const rootExists = catalog.tasks.has(nameKey(ROOT_TASK));
  const statements: string[] = [];
  for (const change of changes) {
    // Snowflake refuses to change a task of a started graph (error 091421): suspend the root first.
    if (
      change.object.kind === "task" &&
      change.statements.length > 0 &&
      rootExists &&
      !statements.includes(SUSPEND)
    ) {
      statements.push(SUSPEND);
    }
    statements.push(...change.statements);
  }
  if (suspendsGraph) statements.push(RESUME);
  return { changes, refusals, suspendsGraph, statements };
}

/**
 * The masking policies of a model table's personal columns. A table not built yet gets them from its
 * procedure; one that exists and whose marks are not recorded yet gets them set here (FORCE: the
 * procedure may have set them already), and the set is recorded so the next run changes nothing.
 */
function planColumnMasking(object: SnowflakeObject, catalog: Catalog, apply: boolean): PlannedChange {
  if (!apply) {
    return { object, action: "unchanged", statements: [] };
  }
  const id = nameKey(object.relation!);
  const kind = catalog.relations.get(id) === "VIEW" ? "view" : "table";
  const types = new Map((catalog.columns.get(id) ?? []).map((column) => [column.name, column.type]));
  const present = object.piiColumns!.filter((column) => types.has(column));
  const missing = object.piiColumns!.filter((column) => !types.has(column));
  return {
    object,
    action: "alter",
    statements: present.map(
      (column) =>
        `alter ${kind} ${object.relation} modify column ${column} set masking policy ${maskingPolicyFor(types.get(column)!)} force`,
    ),
    detail:
      `mask ${present.join(", ") || "nothing"}` +
      (missing.length > 0
        ? ` (${missing.join(", ")} not in the table yet: its procedure masks them when it rebuilds it)`
        : ""),
  };
}

const SUSPEND = `alter task ${ROOT_TASK} suspend`;
const RESUME = `select system$task_dependents_enable('${ROOT_TASK}')`;

function evolve(
  object: SnowflakeObject,
  catalog: Catalog,
  allowed: Set<string>,
): PlannedChange | Omit<Refusal, "object"> {
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
          detail:
            kept.length > 0
              ? `keeps column(s) the template no longer has: ${kept.map((c) => c.name).join(", ")}`
              : undefined,
        };
      }
      return {
        object,
        action: "alter",
        // A new column cannot be NOT NULL without a default on a table with rows: added as nullable.
        statements: added.map(
          (column) =>
            `alter table ${object.name} add column if not exists ${column.name} ${column.definition.replace(/\s+not null\b/i, "")}`,
        ),
        detail: `new column(s): ${added.map((column) => column.name).join(", ")}`,
      };
    }
    case "stage": {
      const [url, integration] = (object.definition ?? "").split(" ");
      const current = catalog.stages.get(id)!;
      if (current.url === url) return { object, action: "record", statements: [] };
      return {
        object,
        action: "alter",
        statements: [
          `alter stage ${object.name} set url = ${sqlString(url!)} storage_integration = ${integration}`,
        ],
        detail: `URL ${current.url || "(none)"} -> ${url}`,
      };
    }
    case "pipe": {
      const current = catalog.pipes.get(id)!;
      if (normalize(current.definition) === object.definition)
        return { object, action: "record", statements: [] };
      if (allowed.has(object.name)) {
        return {
          object,
          action: "replace",
          statements: pipeReplacement(object),
          detail: "COPY statement changed (--allow-replace)",
        };
      }
      return {
        reason: `${object.name}: its COPY statement changed, and replacing a pipe drops its load history`,
        remedy:
          `run provision --allow-replace=${object.name}, which pauses the pipe, waits until no file is pending, recreates it, ` +
          `resumes it and refreshes the files staged since the pause. By hand:\n` +
          pipeReplacement(object)
            .map((statement) => `  ${statement.split("\n").join("\n  ")};`)
            .join("\n"),
      };
    }
    case "stream": {
      const current = catalog.streams.get(id)!;
      const table = current.table.replaceAll('"', "").split(".").slice(-2).join(".").toLowerCase();
      if (table === object.definition) return { object, action: "record", statements: [] };
      if (allowed.has(object.name)) {
        return {
          object,
          action: "replace",
          statements: [object.replaceStatement!],
          detail: `source ${table} -> ${object.definition} (--allow-replace: the next graph run reads every row again)`,
        };
      }
      return {
        reason: `${object.name}: its source changed from ${table} to ${object.definition}, and replacing a stream resets its offset`,
        remedy:
          `run provision --allow-replace=${object.name} (the new stream shows every existing row once, so the next graph ` +
          `run builds from all of raw), or by hand:\n  ${object.replaceStatement!.split("\n").join("\n  ")};`,
      };
    }
    case "masking policy":
      // Recorded with another body (roles changed): the policy stays on its columns, its body changes.
      return {
        object,
        action: "alter",
        statements: [`alter masking policy ${object.name} set body ->\n${object.body!}`],
        detail: "body changed",
      };
    default:
      // Schemas and integrations have no definition provision evolves: present is enough.
      return { object, action: "record", statements: [] };
  }
}

/** Placeholder the apply step fills with the moment the old pipe stopped taking files. */
export const PAUSED_AT = "<paused at>";

/**
 * Snowflake's documented way to recreate a pipe: pause, let pending files finish, recreate, resume, and
 * refresh only the files staged after the pause (a new pipe has no load history: refreshing older files
 * would load them twice).
 */
function pipeReplacement(object: SnowflakeObject): string[] {
  return [
    `alter pipe ${object.name} set pipe_execution_paused = true`,
    `select system$pipe_status('${object.name}')`,
    object.replaceStatement!,
    `alter pipe ${object.name} set pipe_execution_paused = false`,
    `alter pipe ${object.name} refresh modified_after = '${PAUSED_AT}'`,
  ];
}

export interface ApplyReporter {
  change?(change: PlannedChange): void;
  statement?(sql: string): void;
}

export interface ApplyOptions {
  toolVersion: string;
  reporter?: ApplyReporter;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** How long a pipe being replaced may take to finish its pending files. */
  pipeDrainSeconds?: number;
  /**
   * Runs once every object is applied, before the task graph is resumed: the seeds load here, so no
   * graph run reads a seed table that is not there yet.
   */
  beforeResume?: () => Promise<void>;
}

/**
 * Runs the plan's statements in order and records each applied object in the change history once its
 * statements succeeded, so a failure part-way leaves a history that the next run plans from.
 */
export async function applyProvision(
  warehouse: Warehouse,
  plan: ProvisionPlan,
  options: ApplyOptions,
): Promise<void> {
  if (plan.refusals.length > 0) throw refusalError(plan.refusals);
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const run = async (sql: string) => {
    options.reporter?.statement?.(sql);
    await warehouse.execute(sql);
  };
  const rootExists = plan.statements.includes(SUSPEND);
  let suspended = false;
  // The pipeline schema comes before the change history: its row waits until the table exists.
  let historyExists =
    plan.changes.find((change) => change.object.name === CHANGE_HISTORY)?.action !== "create";
  const unrecorded: Array<{ object: SnowflakeObject; action: Action }> = [];
  for (const change of plan.changes) {
    if (change.object.kind === "task" && change.statements.length > 0 && rootExists && !suspended) {
      await run(SUSPEND);
      suspended = true;
    }
    options.reporter?.change?.(change);
    if (change.object.kind === "pipe" && change.action === "replace") {
      await replacePipe(warehouse, change, {
        run,
        now,
        sleep,
        drainSeconds: options.pipeDrainSeconds ?? 600,
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
        [object.name, object.kind, action, object.checksum, object.statement, options.toolVersion],
      );
    }
  }
  await options.beforeResume?.();
  if (plan.suspendsGraph) await run(RESUME);
}

async function replacePipe(
  warehouse: Warehouse,
  change: PlannedChange,
  context: {
    run: (sql: string) => Promise<void>;
    now: () => Date;
    sleep: (ms: number) => Promise<void>;
    drainSeconds: number;
  },
) {
  const [pause, status, replace, resume, refresh] = change.statements as [
    string,
    string,
    string,
    string,
    string,
  ];
  await context.run(pause);
  const pausedAt = context.now();
  const deadline = pausedAt.getTime() + context.drainSeconds * 1000;
  for (;;) {
    const [row] = await warehouse.query(status);
    const pending = pendingFiles(Object.values(row ?? {})[0]);
    if (pending === 0) break;
    if (context.now().getTime() >= deadline) {
      throw new ConfigurationError(
        `${change.object.name} still has ${pending} pending file(s) after ${context.drainSeconds} s paused: ` +
          `nothing was replaced; the pipe stays paused. Run provision --allow-replace=${change.object.name} again once ` +
          `SYSTEM$PIPE_STATUS shows pendingFileCount 0, or resume it with ALTER PIPE ${change.object.name} SET PIPE_EXECUTION_PAUSED = FALSE`,
      );
    }
    await context.sleep(5000);
  }
  await context.run(replace);
  await context.run(resume);
  await context.run(refresh.replace(PAUSED_AT, pausedAt.toISOString()));
}

function pendingFiles(status: unknown): number {
  try {
    const parsed = (typeof status === "string" ? JSON.parse(status) : status) as {
      pendingFileCount?: number;
    };
    return Number(parsed?.pendingFileCount ?? 0);
  } catch (error) {
    throw new Error(`SYSTEM$PIPE_STATUS gave ${String(status)}: ${errorMessage(error)}`);
  }
}

export function refusalError(refusals: Refusal[]): ConfigurationError {
  return new ConfigurationError(
    `provision changed nothing: ${refusals.length} object(s) need a step it does not take on its own.\n` +
      refusals.map((refusal) => `- ${refusal.reason}.\n  Remedy: ${refusal.remedy}`).join("\n"),
  );
}

/** The SQS queue the bucket's event notification must target: Snowflake gives every auto-ingest pipe one. */
export async function notificationChannel(warehouse: Warehouse): Promise<string | null> {
  const { schema, name } = upperParts(EVENTS_PIPE);
  const [row] = await warehouse.query(
    `select notification_channel_name from information_schema.pipes where pipe_schema = ? and pipe_name = ?`,
    [schema, name],
  );
  return row?.notification_channel_name == null ? null : String(row.notification_channel_name);
}
