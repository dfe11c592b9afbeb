// The account state provisioning reads and changes, kept by the fake Snowflake: schemas, tables and
// their columns, views, file formats, the stage, pipes, the stream, procedures, tasks and their states,
// the change history. It answers the INFORMATION_SCHEMA queries and SHOW commands provision sends, and
// applies the DDL it runs, refusing to change a task of a started graph with Snowflake's error 091421.
import type { FakeAnswer, FakeQuery, FakeResult, FakeSnowflake } from "./fake-snowflake.ts";
import {
  parseAlterTask,
  parseCreateProcedure,
  parseCreateTask,
  parseExecuteTask,
} from "./fake-snowflake-syntax.ts";

export interface CatalogTask {
  state: "started" | "suspended";
  predecessors: string[];
  finalize?: string;
  definition: string;
  /** Its properties and session parameters (UPPERCASE names), as CREATE TASK and ALTER TASK … SET gave them. */
  parameters: Map<string, string>;
  /** The WHEN condition, as written. */
  when?: string;
}

export interface CatalogPipe {
  /** The COPY statement after AS. */
  definition: string;
  paused: boolean;
  autoIngest?: boolean;
  /** The stage its COPY reads (`RAW.AMPLITUDE_LAKE`). */
  stage?: string;
  /** Set when Snowflake stopped it: `STOPPED_STAGE_ALTERED`. */
  stopped?: string;
  /** Epoch ms of the last file it loaded (SYSTEM$PIPE_STATUS lastIngestedTimestamp). */
  lastIngested?: number;
}

/** A graph run in flight: CURRENT_TASK_GRAPHS reports it EXECUTING for `polls` more queries. */
export interface CatalogGraphRun {
  id: string;
  startedAt: number;
  polls: number;
}

export interface FakeCatalog {
  schemas: Set<string>;
  tables: Map<string, string[]>;
  views: Set<string>;
  fileFormats: Set<string>;
  stages: Map<string, string>;
  pipes: Map<string, CatalogPipe>;
  streams: Map<string, string>;
  /** Streams SHOW STREAMS reports stale (`SCHEMA.NAME`). */
  staleStreams: Set<string>;
  procedures: Set<string>;
  tasks: Map<string, CatalogTask>;
  integrations: Set<string>;
  /** Masking policies (`PIPELINE.MASK_PII_STRING`) → their body. */
  maskingPolicies: Map<string, string>;
  /** `SCHEMA.TABLE.COLUMN` → the masking policy set on it (`PIPELINE.MASK_PII_STRING`). */
  columnPolicies: Map<string, string>;
  /** `SCHEMA.TABLE.COLUMN` → its DATA_TYPE when not TEXT (a test's model table with a VARIANT column). */
  columnTypes: Map<string, string>;
  history: Array<{ object_name: string; checksum: string; action: string; applied_at: number }>;
  /** The rows of the seed tables and of raw.seed_loads, by `SCHEMA.NAME`, as the binds gave them. */
  rows: Map<string, Array<Array<string | null>>>;
  /** The statements that built seed tables (create or replace): data loading, not provision's plan, so not in `ddl`. */
  seedStatements: string[];
  /** Statements run inside `begin` … `commit`, by transaction; a rollback restores the rows. */
  transactions: string[][];
  /** Every DDL statement applied (create, alter, drop, and the task-graph resume), in order. */
  ddl: string[];
  /**
   * Pending files SYSTEM$PIPE_STATUS reports for a running pipe, one value per call for that pipe (the
   * last repeats): its queue drains (or fills) to that count.
   */
  pipePending: number[];
  /** Files notified to a paused pipe per SYSTEM$PIPE_STATUS call: they queue until it resumes. */
  pipeArrivals: number;
  /** The server's clock (epoch ms): CURRENT_TIMESTAMP(); one second passes per statement. */
  serverMs: number;
  /** Runs of the graph in flight, as CURRENT_TASK_GRAPHS shows them. */
  graphRuns: CatalogGraphRun[];
  /** Procedure, view and task statements applied while a graph run was in flight (first lines). */
  changedDuringRun: string[];
  refreshes: string[];
  /** The catalog's answer to a statement: for a test's own script that fails some calls and passes the rest on. */
  answer(query: FakeQuery): FakeAnswer;
}

export const NOTIFICATION_CHANNEL = "arn:aws:sqs:us-west-2:123456789012:sf-snowpipe-AIDAFAKE-queue";

const TEXT = "text" as const;

function table(names: string[], rows: Array<Array<string | number | boolean | null>>): FakeResult {
  return { columns: names.map((name) => ({ name, type: TEXT })), rows };
}

function status(): FakeResult {
  return table(["status"], [["Statement executed successfully."]]);
}

/** `raw.x`, `RAW.X`, `"DB"."RAW"."X"` → `RAW.X`. */
function id(name: string): string {
  return name.replaceAll('"', "").split(".").slice(-2).join(".").toUpperCase();
}

function parts(key: string): [string, string] {
  return key.split(".") as [string, string];
}

export function installCatalog(fake: FakeSnowflake): FakeCatalog {
  const catalog: FakeCatalog = {
    schemas: new Set(["INFORMATION_SCHEMA", "PUBLIC"]),
    tables: new Map(),
    views: new Set(),
    fileFormats: new Set(),
    stages: new Map(),
    pipes: new Map(),
    streams: new Map(),
    staleStreams: new Set(),
    procedures: new Set(),
    tasks: new Map(),
    integrations: new Set(["AMPLITUDE_PIPELINE_S3"]),
    maskingPolicies: new Map(),
    columnPolicies: new Map(),
    columnTypes: new Map(),
    history: [],
    rows: new Map(),
    seedStatements: [],
    transactions: [],
    ddl: [],
    pipePending: [0],
    pipeArrivals: 0,
    serverMs: Date.parse("2025-11-06T08:00:00.000Z"),
    graphRuns: [],
    changedDuringRun: [],
    refreshes: [],
    answer: (query) => handle(query),
  };
  let clock = 0;
  /** Each pipe's queue: the server time each pending file was queued at. */
  const queues = new Map<string, number[]>();
  /** How many running-pipe statuses each pipe has reported: its place in `pipePending`. */
  const looks = new Map<string, number>();
  const iso = (ms: number) => new Date(ms).toISOString();
  let open: string[] | undefined;
  let saved: FakeCatalog["rows"] | undefined;

  const graphStarted = (task: string): boolean => {
    // A task belongs to the graph of the root it (transitively) runs after or finalizes.
    const seen = new Set<string>();
    const roots = (name: string): string[] => {
      if (seen.has(name)) return [];
      seen.add(name);
      const entry = catalog.tasks.get(name);
      if (!entry) return [];
      const parents = [...entry.predecessors, ...(entry.finalize ? [entry.finalize] : [])];
      return parents.length === 0 ? [name] : parents.flatMap(roots);
    };
    return roots(task).some((root) => catalog.tasks.get(root)?.state === "started");
  };

  const refuseStartedGraph = (task: string, parents: string[]): FakeAnswer | undefined => {
    const touched = [task, ...parents].filter((name) => catalog.tasks.has(name));
    if (touched.some(graphStarted)) {
      return {
        code: "091421",
        sqlState: "0A000",
        message: `Unable to update graph with root task ${task} since that root task is not suspended.`,
      };
    }
    return undefined;
  };

  const handle = (query: FakeQuery): FakeAnswer => {
    const sql = query.sql.trim();
    const lower = sql.toLowerCase();
    let m: RegExpMatchArray | null;
    catalog.serverMs += 1000;

    // What provision reads.
    if (/from information_schema\.schemata/.test(lower)) {
      return table(
        ["SCHEMA_NAME"],
        [...catalog.schemas].map((s) => [s]),
      );
    }
    if (/select table_schema, table_name, table_type from information_schema\.tables/.test(lower)) {
      return table(
        ["TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE"],
        [
          ...[...catalog.tables.keys()].map((k) => [...parts(k), "BASE TABLE"]),
          ...[...catalog.views].map((k) => [...parts(k), "VIEW"]),
        ],
      );
    }
    if (/from information_schema\.columns/.test(lower) && /column_name, data_type/.test(lower)) {
      const rows: string[][] = [];
      for (const [key, columns] of catalog.tables) {
        for (const column of columns) {
          const type = catalog.columnTypes.get(`${key}.${column.toUpperCase()}`) ?? "TEXT";
          rows.push([...parts(key), column.toUpperCase(), type]);
        }
      }
      return table(["TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE"], rows);
    }
    if (/from information_schema\.file_formats/.test(lower)) {
      return table(["FILE_FORMAT_SCHEMA", "FILE_FORMAT_NAME"], [...catalog.fileFormats].map(parts));
    }
    if (/from information_schema\.stages/.test(lower)) {
      return table(
        ["STAGE_SCHEMA", "STAGE_NAME", "STAGE_URL"],
        [...catalog.stages].map(([k, url]) => [...parts(k), url]),
      );
    }
    if (/select notification_channel_name from information_schema\.pipes/.test(lower)) {
      const key = `${String(query.binds?.["1"]?.value)}.${String(query.binds?.["2"]?.value)}`;
      return table(["NOTIFICATION_CHANNEL_NAME"], catalog.pipes.has(key) ? [[NOTIFICATION_CHANNEL]] : []);
    }
    if (/from information_schema\.pipes/.test(lower)) {
      return table(
        ["PIPE_SCHEMA", "PIPE_NAME", "DEFINITION", "NOTIFICATION_CHANNEL_NAME"],
        [...catalog.pipes].map(([k, pipe]) => [...parts(k), pipe.definition, NOTIFICATION_CHANNEL]),
      );
    }
    if (/from information_schema\.procedures/.test(lower)) {
      return table(["PROCEDURE_SCHEMA", "PROCEDURE_NAME"], [...catalog.procedures].map(parts));
    }
    if (/^show streams/.test(lower)) {
      return table(
        // SHOW STREAMS: "stale — Specifies whether the stream is stale or not."
        // https://docs.snowflake.com/en/sql-reference/sql/show-streams
        ["name", "schema_name", "table_name", "mode", "stale"],
        [...catalog.streams].map(([k, source]) => [
          parts(k)[1],
          parts(k)[0],
          `TESTDB.${source}`,
          "APPEND_ONLY",
          catalog.staleStreams.has(k) ? "true" : "false",
        ]),
      );
    }
    if (/^show tasks/.test(lower)) {
      return table(
        ["name", "schema_name", "state", "predecessors", "definition"],
        [...catalog.tasks].map(([k, task]) => [
          parts(k)[1],
          parts(k)[0],
          task.state,
          JSON.stringify(task.predecessors.map((p) => `"TESTDB"."${parts(p)[0]}"."${parts(p)[1]}"`)),
          task.definition,
        ]),
      );
    }
    // "SHOW MASKING POLICIES … IN SCHEMA" lists name, database_name, schema_name, kind, owner, comment…
    // https://docs.snowflake.com/en/sql-reference/sql/show-masking-policies
    if (/^show masking policies in schema pipeline$/.test(lower)) {
      return table(
        ["name", "schema_name", "kind"],
        [...catalog.maskingPolicies.keys()].map((k) => [parts(k)[1], parts(k)[0], "MASKING_POLICY"]),
      );
    }
    if ((m = /^show integrations like '([^']+)'/i.exec(sql))) {
      const name = m[1]!.toUpperCase();
      return table(
        ["name", "type", "enabled"],
        catalog.integrations.has(name) ? [[name, "EXTERNAL_STAGE", "true"]] : [],
      );
    }
    if (/from pipeline\.change_history/.test(lower)) {
      const latest = new Map<string, string>();
      for (const row of [...catalog.history].sort((a, b) => a.applied_at - b.applied_at)) {
        latest.set(row.object_name, row.checksum);
      }
      return table(["OBJECT_NAME", "CHECKSUM"], [...latest]);
    }
    if (/^insert into pipeline\.change_history/.test(lower)) {
      if (!catalog.tables.has("PIPELINE.CHANGE_HISTORY")) {
        return {
          code: "002003",
          sqlState: "42S02",
          message: "Table 'PIPELINE.CHANGE_HISTORY' does not exist or not authorized.",
        };
      }
      const bind = (n: number) => String(query.binds?.[String(n)]?.value ?? "");
      catalog.history.push({ object_name: bind(1), action: bind(3), checksum: bind(4), applied_at: ++clock });
      return {
        columns: [{ name: "number of rows inserted", type: "fixed" }],
        rows: [[1]],
        statementTypeId: 0x3100,
      };
    }
    if (/^alter session set /.test(lower)) return status();

    const ddl = (apply: () => FakeAnswer | void): FakeAnswer => {
      const refused = apply();
      if (refused) return refused;
      catalog.ddl.push(sql);
      // Not refused by Snowflake, but what a run in flight would execute half old, half new.
      if (
        /^(create or replace (procedure|view|task)|drop task)\b/.test(lower) &&
        catalog.graphRuns.some((run) => run.polls > 0)
      ) {
        catalog.changedDuringRun.push(sql.split("\n")[0]!);
      }
      return status();
    };

    // The seeds: tables provision loads with bound multi-row inserts inside a transaction.
    const binds = () =>
      Object.keys(query.binds ?? {})
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => {
          const value = query.binds![k]!.value;
          return value === null ? null : String(value);
        });
    if (open) open.push(sql);
    if (lower === "begin") {
      open = [sql];
      saved = new Map([...catalog.rows].map(([k, v]) => [k, [...v]]));
      return status();
    }
    if (lower === "commit" || lower === "rollback") {
      if (lower === "rollback" && saved) catalog.rows = saved;
      if (open) catalog.transactions.push(open);
      open = undefined;
      saved = undefined;
      return status();
    }
    if (/^select column_name as name, data_type as type from \w+\.information_schema\.columns/.test(lower)) {
      const key = `${String(query.binds?.["1"]?.value)}.${String(query.binds?.["2"]?.value)}`.toUpperCase();
      return table(
        ["NAME", "TYPE"],
        (catalog.tables.get(key) ?? []).map((column) => [column.toUpperCase(), "TEXT"]),
      );
    }
    if (/^select checksum, seed_rows from raw\.seed_loads where seed = \?/.test(lower)) {
      const loads = (catalog.rows.get("RAW.SEED_LOADS") ?? []).filter((row) => row[0] === binds()[0]);
      const latest = loads.at(-1);
      return table(["CHECKSUM", "SEED_ROWS"], latest ? [[latest[2]!, latest[3]!]] : []);
    }
    if ((m = /^create or replace table (seeds\.\w+) \(([^)]*)\)$/i.exec(sql))) {
      const key = id(m[1]!);
      const columns = m[2]!.split(",").map((c) => c.trim().split(/\s+/)[0]!.toLowerCase());
      catalog.tables.set(key, columns);
      catalog.rows.set(key, []);
      catalog.seedStatements.push(sql);
      return status();
    }
    if ((m = /^delete from (seeds\.\w+)$/i.exec(sql))) {
      catalog.rows.set(id(m[1]!), []);
      return {
        columns: [{ name: "number of rows deleted", type: "fixed" }],
        rows: [[0]],
        statementTypeId: 0x3300,
      };
    }
    if ((m = /^insert into ((?:seeds|raw)\.\w+) \(([^)]*)\) (values|select)/i.exec(sql))) {
      const key = id(m[1]!);
      if (!catalog.tables.has(key)) {
        return {
          code: "002003",
          sqlState: "42S02",
          message: `Table '${key}' does not exist or not authorized.`,
        };
      }
      const width = m[2]!.split(",").length;
      const values = binds();
      const count = m[3]!.toLowerCase() === "values" ? values.length / width : 1;
      const rows = catalog.rows.get(key) ?? [];
      for (let i = 0; i < count; i += 1) rows.push(values.slice(i * width, (i + 1) * width));
      catalog.rows.set(key, rows);
      return {
        columns: [{ name: "number of rows inserted", type: "fixed" }],
        rows: [[count]],
        statementTypeId: 0x3100,
      };
    }
    // "While a pipe is paused, Snowpipe doesn't start loading any more files … Snowflake keeps adding new
    // files to the pipe's queue from event notifications or REST API calls, so pendingFileCount can keep
    // growing." And "Changing the URL stops every pipe that references the stage, and SYSTEM$PIPE_STATUS
    // reports STOPPED_STAGE_ALTERED until you recreate the pipes."
    // https://docs.snowflake.com/en/user-guide/data-load-snowpipe-manage
    if ((m = /^select system\$pipe_status\('([^']+)'\)/i.exec(sql))) {
      const key = id(m[1]!);
      const pipe = catalog.pipes.get(key);
      const state = !pipe ? "STOPPED_MISSING_PIPE" : (pipe.stopped ?? (pipe.paused ? "PAUSED" : "RUNNING"));
      const queue = queues.get(key) ?? [];
      if (state === "RUNNING") {
        const look = looks.get(key) ?? 0;
        looks.set(key, look + 1);
        const next = catalog.pipePending[Math.min(look, catalog.pipePending.length - 1)]!;
        while (queue.length > next) queue.shift();
        while (queue.length < next) queue.push(catalog.serverMs);
      } else if (state === "PAUSED") {
        for (let i = 0; i < catalog.pipeArrivals; i += 1) queue.push(catalog.serverMs);
      }
      queues.set(key, queue);
      return table(
        ["SYSTEM$PIPE_STATUS"],
        [
          [
            JSON.stringify({
              executionState: state,
              pendingFileCount: queue.length,
              ...(queue.length > 0 ? { oldestFileTimestamp: iso(queue[0]!) } : {}),
              ...(pipe?.lastIngested !== undefined ? { lastIngestedTimestamp: iso(pipe.lastIngested) } : {}),
            }),
          ],
        ],
      );
    }
    if (
      /^select to_varchar\(convert_timezone\('utc', current_timestamp\(\)\), 'yyyy-mm-dd"t"hh24:mi:sstzh:tzm'\) as pause_time$/.test(
        lower,
      )
    ) {
      return table(["PAUSE_TIME"], [[iso(catalog.serverMs).replace(/\.\d{3}Z$/, "+00:00")]]);
    }
    // CURRENT_TASK_GRAPHS: "EXECUTING: At least one task run in the graph is still executing, or the root
    // task ran successfully to completion and one or more child tasks are scheduled."
    // https://docs.snowflake.com/en/sql-reference/functions/current_task_graphs
    if (
      /from table\(information_schema\.current_task_graphs\(root_task_name => 'amplitude_root'\)\)/.test(
        lower,
      )
    ) {
      const executing = catalog.graphRuns.filter((run) => run.polls > 0);
      for (const run of executing) run.polls -= 1;
      return table(
        ["GRAPH_RUN_GROUP_ID", "STARTED"],
        executing.map((run) => [run.id, iso(run.startedAt)]),
      );
    }

    // What provision changes.
    if ((m = /^create schema if not exists (\w+)/i.exec(sql))) {
      return ddl(() => void catalog.schemas.add(m![1]!.toUpperCase()));
    }
    if ((m = /^create table if not exists ([\w.]+) \(([\s\S]*)\)$/i.exec(sql))) {
      const key = id(m[1]!);
      const columns = m[2]!
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => line.split(/\s+/)[0]!.toLowerCase());
      return ddl(() => {
        if (!catalog.tables.has(key)) catalog.tables.set(key, columns);
      });
    }
    if ((m = /^alter table ([\w.]+) add column if not exists (\w+)/i.exec(sql))) {
      const key = id(m[1]!);
      return ddl(() => {
        const columns = catalog.tables.get(key)!;
        if (!columns.includes(m![2]!.toLowerCase())) columns.push(m![2]!.toLowerCase());
      });
    }
    // "CREATE [ OR REPLACE ] … FILE FORMAT [ IF NOT EXISTS ] <name> [ TYPE = { CSV | JSON | AVRO | ORC |
    // PARQUET | XML | CUSTOM } [ formatTypeOptions ] ] [ COMMENT = '<string_literal>' ]"
    // https://docs.snowflake.com/en/sql-reference/sql/create-file-format
    if (/^create (or replace )?file format\b/.test(lower)) {
      m = /^create (?:or replace )?file format (?:if not exists )?([\w.]+)\s+([\s\S]*)$/i.exec(sql);
      const options = m && properties(m[2]!, FILE_FORMAT_OPTIONS);
      if (!m || !options || !/^(csv|json|avro|orc|parquet|xml)$/i.test(options.get("type") ?? "")) {
        return syntaxError(sql);
      }
      return ddl(() => void catalog.fileFormats.add(id(m![1]!)));
    }
    if ((m = /^create storage integration if not exists (\w+)/i.exec(sql))) {
      return ddl(() => void catalog.integrations.add(m![1]!.toUpperCase()));
    }
    // "CREATE [ OR REPLACE ] STAGE [ IF NOT EXISTS ] <external_stage_name> externalStageParams …
    // [ FILE_FORMAT = ( { FORMAT_NAME = '<file_format_name>' | TYPE = { CSV | JSON | … } [ formatTypeOptions ] } ) ]
    // [ COMMENT = '<string_literal>' ]", externalStageParams (Amazon S3) being "URL = { 's3://<bucket>[/<path>/]' … }
    // [ { STORAGE_INTEGRATION = <integration_name> } | { CREDENTIALS = ( … ) } ]".
    // https://docs.snowflake.com/en/sql-reference/sql/create-stage
    if (/^create (or replace )?stage\b/.test(lower)) {
      m = /^create (?:or replace )?stage (?:if not exists )?([\w.]+)\s+([\s\S]*)$/i.exec(sql);
      const options = m && properties(m[2]!, STAGE_OPTIONS);
      const url = options && quoted(options.get("url"));
      if (!m || !options || !url || !stageFileFormat(options.get("file_format"))) return syntaxError(sql);
      return ddl(() => {
        if (!catalog.stages.has(id(m![1]!))) catalog.stages.set(id(m![1]!), url);
      });
    }
    // "ALTER STAGE [ IF EXISTS ] <name> SET { [ externalStageParams ] … }", and "Changing the URL stops every
    // pipe that references the stage, and SYSTEM$PIPE_STATUS reports STOPPED_STAGE_ALTERED until you recreate
    // the pipes." https://docs.snowflake.com/en/sql-reference/sql/alter-stage
    // https://docs.snowflake.com/en/user-guide/data-load-snowpipe-manage
    if (/^alter stage\b/.test(lower)) {
      m = /^alter stage (?:if exists )?([\w.]+) set\s+([\s\S]*)$/i.exec(sql);
      const options = m && properties(m[2]!, STAGE_OPTIONS);
      if (!m || !options || !stageFileFormat(options.get("file_format"))) return syntaxError(sql);
      const key = id(m[1]!);
      const url = quoted(options.get("url"));
      return ddl(() => {
        if (!catalog.stages.has(key)) {
          return {
            code: "002003",
            sqlState: "02000",
            message: `Stage '${key}' does not exist or not authorized.`,
          };
        }
        if (url !== undefined && url !== catalog.stages.get(key)) {
          catalog.stages.set(key, url);
          for (const pipe of catalog.pipes.values()) {
            if (pipe.autoIngest && pipe.stage === key) pipe.stopped = "STOPPED_STAGE_ALTERED";
          }
        }
      });
    }
    // "CREATE [ OR REPLACE ] [ SECURE ] … VIEW [ IF NOT EXISTS ] <name> … AS <select_statement>"
    // https://docs.snowflake.com/en/sql-reference/sql/create-view
    if (/^create (or replace )?(secure )?view\b/.test(lower)) {
      m = /^create (?:or replace )?(?:secure )?view (?:if not exists )?([\w.]+)\s+as\s+(select|with)\b/i.exec(
        sql,
      );
      if (!m) return syntaxError(sql);
      return ddl(() => void catalog.views.add(id(m![1]!)));
    }
    // "CREATE [ OR REPLACE ] PIPE [ IF NOT EXISTS ] <name> [ AUTO_INGEST = [ TRUE | FALSE ] ]
    // [ ERROR_INTEGRATION = <integration_name> ] [ AWS_SNS_TOPIC = '<string>' ] [ INTEGRATION = '<string>' ]
    // [ COMMENT = '<string_literal>' ] AS <copy_statement>", the COPY being "COPY INTO <table> … FROM
    // ( SELECT … FROM @<stage> ) … [ PATTERN = '<regex_pattern>' ] [ FILE_FORMAT = ( … ) ] [ copyOptions ]".
    // https://docs.snowflake.com/en/sql-reference/sql/create-pipe
    if (/^create (or replace )?pipe\b/.test(lower)) {
      m = /^create (or replace )?pipe (if not exists )?([\w.]+)\s+([\s\S]*?)\bas\n([\s\S]*)$/i.exec(sql);
      const options = m && properties(m[4]!, PIPE_OPTIONS);
      const copy =
        m &&
        /^copy into [\w.]+ \([\w, ]+\)\s+from \(\s*select\s[\s\S]+?\sfrom @([\w.]+)(?:\/[\w/=.-]*)?\s*\)\s*([\s\S]*)$/i.exec(
          m[5]!.trim(),
        );
      const copyOptions = copy && properties(copy[2]!, COPY_OPTIONS);
      if (!m || !options || !copy || !copyOptions || !stageFileFormat(copyOptions.get("file_format"))) {
        return syntaxError(sql);
      }
      const key = id(m[3]!);
      const replace = Boolean(m[1]);
      return ddl(() => {
        if (replace || !catalog.pipes.has(key)) {
          queues.delete(key);
          catalog.pipes.set(key, {
            definition: m![5]!.trim(),
            paused: false,
            autoIngest: options.get("auto_ingest")?.toLowerCase() === "true",
            stage: id(copy[1]!),
          });
        }
      });
    }
    if ((m = /^alter pipe ([\w.]+) set pipe_execution_paused = (true|false)$/i.exec(sql))) {
      return ddl(() => void (catalog.pipes.get(id(m![1]!))!.paused = m![2]!.toLowerCase() === "true"));
    }
    // "ALTER PIPE [ IF EXISTS ] <name> REFRESH { [ PREFIX = '<path>' ] [ MODIFIED_AFTER = <start_time> ] }"
    // https://docs.snowflake.com/en/sql-reference/sql/alter-pipe
    if (
      (m =
        /^alter pipe ([\w.]+) refresh(?: prefix = '[^']*')?(?: modified_after = '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)')?$/i.exec(
          sql,
        ))
    ) {
      return ddl(() => void catalog.refreshes.push(sql));
    }
    // "CREATE [ OR REPLACE ] STREAM [IF NOT EXISTS] <name> … ON TABLE <table_name> … [ APPEND_ONLY = TRUE | FALSE ]
    // [ SHOW_INITIAL_ROWS = TRUE | FALSE ] [ COMMENT = '<string_literal>' ]"
    // https://docs.snowflake.com/en/sql-reference/sql/create-stream
    if (/^create (or replace )?stream\b/.test(lower)) {
      m = /^create (or replace )?stream (if not exists )?([\w.]+)\s+on table ([\w.]+)\s*([\s\S]*)$/i.exec(
        sql,
      );
      const options = m && properties(m[5]!, STREAM_OPTIONS);
      const flags =
        options && ["append_only", "show_initial_rows"].map((name) => options.get(name) ?? "false");
      if (!m || !flags || flags.some((flag) => !/^(true|false)$/i.test(flag))) return syntaxError(sql);
      const key = id(m[3]!);
      const replace = Boolean(m[1]);
      return ddl(() => {
        if (replace || !catalog.streams.has(key)) {
          catalog.streams.set(key, id(m![4]!));
          catalog.staleStreams.delete(key);
        }
      });
    }
    // "CREATE [ OR REPLACE ] MASKING POLICY [ IF NOT EXISTS ] <name> AS ( <arg_name_to_mask>
    // <arg_type_to_mask> … ) RETURNS <arg_type_to_mask> -> <body>"
    // https://docs.snowflake.com/en/sql-reference/sql/create-masking-policy
    if (
      (m =
        /^create masking policy if not exists ([\w.]+) as \(\w+ (\w+)\) returns (\w+) ->\n([\s\S]*?)\ncomment = /i.exec(
          sql,
        ))
    ) {
      if (m[2]!.toLowerCase() !== m[3]!.toLowerCase()) {
        return {
          code: "002057",
          sqlState: "42601",
          message: "The return type must match the type of the first argument.",
        };
      }
      return ddl(() => {
        if (!catalog.maskingPolicies.has(id(m![1]!))) catalog.maskingPolicies.set(id(m![1]!), m![4]!.trim());
      });
    }
    // "ALTER MASKING POLICY [ IF EXISTS ] <name> SET BODY -> <expression_on_arg_name_to_mask>": "Any changes
    // made to the policy rules go into effect when the next SQL query that uses the masking policy runs."
    // https://docs.snowflake.com/en/sql-reference/sql/alter-masking-policy
    if ((m = /^alter masking policy ([\w.]+) set body ->\n([\s\S]*)$/i.exec(sql))) {
      const key = id(m[1]!);
      if (!catalog.maskingPolicies.has(key)) {
        return {
          code: "002003",
          sqlState: "02000",
          message: `Masking policy '${key}' does not exist or not authorized.`,
        };
      }
      return ddl(() => void catalog.maskingPolicies.set(key, m![2]!.trim()));
    }
    // "ALTER TABLE <name> { ALTER | MODIFY } COLUMN <col_name> SET MASKING POLICY <policy_name> … [ FORCE ]",
    // FORCE replacing a policy already set on the column in one statement (without it, a column that has
    // one is refused). https://docs.snowflake.com/en/sql-reference/sql/alter-table-column
    // Lenient on purpose: it does not check the policy's type against the column's.
    if (
      (m = /^alter (table|view) ([\w.]+) modify column (\w+) set masking policy ([\w.]+)( force)?$/i.exec(
        sql,
      ))
    ) {
      const table = id(m[2]!);
      const column = m[3]!.toUpperCase();
      const policy = id(m[4]!);
      if (!catalog.tables.get(table)?.some((c) => c.toUpperCase() === column)) {
        return { code: "000904", sqlState: "42000", message: `invalid identifier '${column}'` };
      }
      if (!catalog.maskingPolicies.has(policy)) {
        return {
          code: "002003",
          sqlState: "02000",
          message: `Masking policy '${policy}' does not exist or not authorized.`,
        };
      }
      if (catalog.columnPolicies.has(`${table}.${column}`) && !m[5]) {
        return {
          code: "003614",
          sqlState: "42000",
          message: `Specified column already attached to another masking policy. A column cannot be attached to multiple masking policies. Please drop the current association in order to attach a new masking policy.`,
        };
      }
      return ddl(() => void catalog.columnPolicies.set(`${table}.${column}`, policy));
    }
    // Procedures and tasks only in their documented syntax (fake-snowflake-syntax.ts); anything else is
    // refused as Snowflake refuses it: "SQL compilation error: syntax error line … at position … unexpected …".
    if (/^create\s+(or\s+replace\s+)?(secure\s+)?procedure\b/i.test(sql)) {
      const parsed = parseCreateProcedure(sql);
      if (!parsed.ok) return parsed.error;
      return ddl(() => void catalog.procedures.add(id(parsed.value.name)));
    }
    if (/^create\s+(or\s+replace\s+)?task\b/i.test(sql)) {
      const parsed = parseCreateTask(sql);
      if (!parsed.ok) return parsed.error;
      const task = parsed.value;
      const key = id(task.name);
      const after = task.after.map(id);
      const finalize = task.properties.get("FINALIZE");
      return ddl(() => {
        const refused = refuseStartedGraph(key, [...after, ...(finalize ? [id(finalize)] : [])]);
        if (refused) return refused;
        catalog.tasks.set(key, {
          state: "suspended",
          predecessors: after,
          finalize: finalize && id(finalize),
          definition: task.body,
          parameters: task.properties,
          when: task.when,
        });
      });
    }
    if (/^alter\s+task\b/i.test(sql)) {
      const parsed = parseAlterTask(sql);
      if (!parsed.ok) return parsed.error;
      const alter = parsed.value;
      const key = id(alter.name);
      return ddl(() => {
        const task = catalog.tasks.get(key);
        if (!task)
          return {
            code: "002003",
            sqlState: "02000",
            message: `Task '${key}' does not exist or not authorized.`,
          };
        if (alter.action === "SET") {
          // "ALTER TASK … SET …": the task must be suspended, as for any change of a started graph's task.
          const refused = refuseStartedGraph(key, []);
          if (refused) return refused;
          for (const [name, value] of alter.properties) task.parameters.set(name, value);
        } else {
          task.state = alter.action === "SUSPEND" ? "suspended" : "started";
        }
      });
    }
    if (/^execute\s+task\b/i.test(sql)) {
      const parsed = parseExecuteTask(sql);
      if (!parsed.ok) return parsed.error;
      const key = id(parsed.value.name);
      if (!catalog.tasks.has(key)) {
        return {
          code: "002003",
          sqlState: "02000",
          message: `Task '${key}' does not exist or not authorized.`,
        };
      }
      return table(["status"], [[`Task ${parts(key)[1]} is scheduled to run immediately.`]]);
    }
    if ((m = /^drop task if exists ([\w.]+)/i.exec(sql))) {
      const key = id(m[1]!);
      return ddl(() => refuseStartedGraph(key, []) ?? void catalog.tasks.delete(key));
    }
    if ((m = /^select system\$task_dependents_enable\('([^']+)'\)/i.exec(sql))) {
      const root = id(m[1]!);
      for (const [, task] of catalog.tasks) task.state = "started";
      catalog.ddl.push(sql);
      return table(["SYSTEM$TASK_DEPENDENTS_ENABLE"], [[`Enabled dependents of ${root}`]]);
    }
    return {
      code: "001003",
      sqlState: "42000",
      message: `SQL compilation error: the fake catalog does not know ${sql.split("\n")[0]}`,
    };
  };

  // Everything provision sends; the session's own queries (current_database() …) keep the fake's answers.
  fake.on(
    /^\s*(begin|commit|rollback|delete from seeds\.|insert into (seeds|raw)\.|select checksum, seed_rows from raw\.seed_loads|select column_name as name, data_type as type from \w+\.information_schema\.columns)/i,
    (query) => handle(query),
  );
  fake.on(
    /^\s*(create|alter|drop|show|execute task|insert into pipeline\.change_history|select system\$|select to_varchar\(convert_timezone\('UTC', current_timestamp\(\)\)|select [\s\S]*\bfrom (information_schema\.|table\(information_schema\.current_task_graphs|pipeline\.change_history))/i,
    (query) => handle(query),
  );
  return catalog;
}

const FILE_FORMAT_OPTIONS = new Set([
  "type",
  "compression",
  "strip_outer_array",
  "strip_null_values",
  "ignore_utf8_errors",
  "date_format",
  "time_format",
  "timestamp_format",
  "binary_format",
  "trim_space",
  "null_if",
  "file_extension",
  "allow_duplicate",
  "replace_invalid_characters",
  "skip_byte_order_mark",
  "comment",
]);
const STAGE_OPTIONS = new Set(["url", "storage_integration", "file_format", "comment"]);
const PIPE_OPTIONS = new Set(["auto_ingest", "error_integration", "aws_sns_topic", "integration", "comment"]);
const COPY_OPTIONS = new Set([
  "files",
  "pattern",
  "file_format",
  "on_error",
  "load_uncertain_files",
  "force",
]);
const STREAM_OPTIONS = new Set(["append_only", "show_initial_rows", "comment"]);

/**
 * `name = value` pairs as DDL takes them (a quoted string, a parenthesised list, a word), each name in
 * `allowed`; undefined when the text is anything else, which Snowflake refuses as a syntax error.
 */
function properties(text: string, allowed: Set<string>): Map<string, string> | undefined {
  const found = new Map<string, string>();
  let rest = text.trim();
  while (rest !== "") {
    const m = /^(\w+)\s*=\s*('(?:[^']|'')*'|\((?:[^()']|'(?:[^']|'')*')*\)|[\w.$-]+)\s*,?\s*/.exec(rest);
    if (!m || !allowed.has(m[1]!.toLowerCase()) || found.has(m[1]!.toLowerCase())) return undefined;
    found.set(m[1]!.toLowerCase(), m[2]!);
    rest = rest.slice(m[0].length);
  }
  return found;
}

function quoted(value: string | undefined): string | undefined {
  return value === undefined ? undefined : /^'((?:[^']|'')*)'$/.exec(value)?.[1]?.replaceAll("''", "'");
}

/** FILE_FORMAT = ( FORMAT_NAME = '<file_format_name>' ) or ( TYPE = … ): a bare name is not the syntax. */
function stageFileFormat(value: string | undefined): boolean {
  return value === undefined || /^\(\s*(format_name\s*=\s*'[^']+'|type\s*=\s*\w+[^)]*)\s*\)$/i.test(value);
}

function syntaxError(sql: string): FakeAnswer {
  return {
    code: "001003",
    sqlState: "42000",
    message: `SQL compilation error: syntax error line 1 at position 0 unexpected '${sql.split("\n")[0]}'.`,
  };
}
