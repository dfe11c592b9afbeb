// The task graph's own SQL, rendered as provision applies it, run on DuckDB where it is plain SQL: the
// finalizer's count of unfinished tasks over TASK_HISTORY rows, and the rows pipeline.captured_events
// gives a graph run. The fake Snowflake does not execute procedures; these are the statements in them.
import { beforeAll, describe, expect, it } from "vitest";
import { readProject, type Project } from "../src/models/project.ts";
import type { SqlValue } from "../src/warehouse/warehouse.ts";
import { DRY_RUN_SETTINGS, renderObjects, type SnowflakeObject } from "../src/snowflake/render.ts";
import { PROJECT_DIR, testWarehouse } from "./support/warehouse.ts";

let objects: SnowflakeObject[];
beforeAll(async () => {
  const project: Project = await readProject(PROJECT_DIR);
  objects = renderObjects(project, DRY_RUN_SETTINGS);
});

const statementOf = (name: string) => objects.find((object) => object.name === name)!.statement;

const GROUP = "0c9a7f3e-5b1d-4c2a-9e8f-1a2b3c4d5e6f";
const OTHER_GROUP = "7d1e2f3a-4b5c-4d6e-8f9a-0b1c2d3e4f5a";

describe("the finalizer's check that every task of the graph run succeeded", () => {
  /** The procedure's `select count(*) into :unfinished …`, over a table standing in for TASK_HISTORY. */
  function unfinishedQuery(): string {
    const procedure = statementOf("pipeline.run_data_tests");
    const query = /select count\(\*\) into :unfinished\n([\s\S]*?);/.exec(procedure)?.[1];
    expect(query, "the finalizer counts the tasks that did not succeed").toBeDefined();
    return `select count(*) as n\n${query!}`
      .replace(
        /table\(information_schema\.task_history\([\s\S]*?result_limit => 10000\s*\)\)/,
        "task_history",
      )
      .replaceAll(":run_id", `'${GROUP}'`);
  }

  async function unfinished(rows: Array<[string, string, string, number]>): Promise<number> {
    const { warehouse } = await testWarehouse();
    await warehouse.execute("create macro to_varchar(x) as cast(x as varchar)");
    await warehouse.execute(
      "create table task_history (name varchar, state varchar, graph_run_group_id varchar, attempt_number integer)",
    );
    for (const [name, state, group, attempt] of rows) {
      await warehouse.execute(
        `insert into task_history values ('${name}', '${state}', '${group}', ${attempt})`,
      );
    }
    const [row] = await warehouse.query<{ n: SqlValue }>(unfinishedQuery());
    return Number(row!.n);
  }

  it("reads this graph's history by its root's id", () => {
    const procedure = statementOf("pipeline.run_data_tests");
    expect(procedure).toContain("select system$task_runtime_info('CURRENT_ROOT_TASK_UUID') into :root_task;");
    expect(procedure).toMatch(/task_history\([\s\S]*root_task_id => :root_task,/);
  });

  it("counts the latest attempt of each task: a retry that succeeded completes the batches", async () => {
    // EXECUTE TASK … RETRY LAST: attempt 2 runs again the task that failed and what it held back.
    const retried: Array<[string, string, string, number]> = [
      ["AMPLITUDE_ROOT", "SUCCEEDED", GROUP, 1],
      ["RUN_STG_AMPLITUDE__EVENTS", "SUCCEEDED", GROUP, 1],
      ["RUN_EVENTS", "FAILED", GROUP, 1],
      ["AMPLITUDE_FINALIZER", "SUCCEEDED", GROUP, 1],
      ["RUN_EVENTS", "SUCCEEDED", GROUP, 2],
      ["RUN_USERS", "SUCCEEDED", GROUP, 2],
      ["AMPLITUDE_FINALIZER", "EXECUTING", GROUP, 2],
      // Another graph run's failure is not this one's.
      ["RUN_USERS", "FAILED", OTHER_GROUP, 1],
    ];
    expect(await unfinished(retried)).toBe(0);
  });

  it("still holds the batches back when the latest attempt of a task failed", async () => {
    expect(
      await unfinished([
        ["AMPLITUDE_ROOT", "SUCCEEDED", GROUP, 1],
        ["RUN_EVENTS", "FAILED", GROUP, 1],
        ["RUN_EVENTS", "SUCCEEDED", GROUP, 2],
        ["RUN_USERS", "FAILED", GROUP, 2],
        ["AMPLITUDE_FINALIZER", "EXECUTING", GROUP, 2],
      ]),
    ).toBe(1);
    expect(
      await unfinished([
        ["AMPLITUDE_ROOT", "SUCCEEDED", GROUP, 1],
        ["RUN_EVENTS", "SUCCEEDED", GROUP, 1],
        ["AMPLITUDE_FINALIZER", "EXECUTING", GROUP, 1],
      ]),
    ).toBe(0);
  });
});

describe("the finalizer's choice between the rows the run wrote and whole tables", () => {
  /**
   * The procedure's `select count(*) = 0 into :whole …` over pipeline.test_passes, at `now`: true when no
   * whole pass finished in the last N hours.
   */
  async function whole(
    procedure: string,
    now: string,
    passes: Array<[scope: string, started: string, finished: string | null]>,
  ): Promise<boolean> {
    const query = /select count\(\*\) = 0 into :whole\n([\s\S]*?);/.exec(procedure)?.[1];
    expect(query, "the finalizer decides from the passes recorded").toBeDefined();
    const { warehouse } = await testWarehouse();
    await warehouse.execute("create schema if not exists pipeline");
    // DATEADD(hour, n, ts): the only part the procedure uses here.
    await warehouse.execute("create macro dateadd(part, n, ts) as ts + n * interval 1 hour");
    await warehouse.execute(
      "create table pipeline.test_passes (run_id varchar, scope varchar, every_hours integer, started_at timestamp, finished_at timestamp)",
    );
    for (const [scope, started, finished] of passes) {
      await warehouse.execute(
        `insert into pipeline.test_passes values ('r', '${scope}', 24, '${started}', ${finished ? `'${finished}'` : "null"})`,
      );
    }
    const [row] = await warehouse.query<{ whole: SqlValue }>(
      `select count(*) = 0 as whole\n${query!.replaceAll(":pass_started", `timestamp '${now}'`)}`,
    );
    return row!.whole === true;
  }

  it("holds both forms of a test and records the pass it ran", () => {
    const procedure = statementOf("pipeline.run_data_tests");
    const unique = procedure.slice(procedure.indexOf("-- unique_events__uuid ("));
    const block = unique.slice(0, unique.indexOf("\n    end;"));
    expect(block).toMatch(
      /if \(whole\) then\n\s+select count\(\*\) into :failures from \(\n\s+select uuid, count\(\*\) as occurrences from core\.events where true and uuid is not null group by uuid/,
    );
    expect(block).toMatch(
      /else\n[\s\S]*and \(uuid\) in \(select uuid from \(select \* from core\.events where loaded_at > /,
    );
    expect(procedure).toMatch(
      /insert into pipeline\.test_passes \(run_id, scope, every_hours, started_at\)\n\s+select :run_id, iff\(:whole, 'whole', 'increment'\), 24, :pass_started;/,
    );
    expect(procedure).toMatch(
      /update pipeline\.test_passes\n\s+set finished_at = [^;]*\n\s+where run_id = :run_id and started_at = :pass_started/,
    );
    expect(statementOf("pipeline.test_passes")).toMatch(/create table if not exists pipeline\.test_passes/);
  });

  it("tests whole tables when no whole pass finished within the hours provision rendered", async () => {
    const procedure = statementOf("pipeline.run_data_tests");
    const now = "2025-11-06 08:00:00";
    expect(await whole(procedure, now, [])).toBe(true);
    expect(await whole(procedure, now, [["whole", "2025-11-05 09:00:00", "2025-11-05 09:10:00"]])).toBe(
      false,
    );
    // 25 hours ago; a pass that never finished; increments do not count.
    expect(
      await whole(procedure, now, [
        ["whole", "2025-11-05 07:00:00", "2025-11-05 07:10:00"],
        ["whole", "2025-11-06 07:00:00", null],
        ["increment", "2025-11-06 07:30:00", "2025-11-06 07:31:00"],
      ]),
    ).toBe(true);

    const project = await readProject(PROJECT_DIR);
    const every = (hours: number) =>
      renderObjects(project, { ...DRY_RUN_SETTINGS, fullTestsEveryHours: hours }).find(
        (object) => object.name === "pipeline.run_data_tests",
      )!.statement;
    const recent: Array<[string, string, string]> = [["whole", "2025-11-06 07:00:00", "2025-11-06 07:10:00"]];
    expect(await whole(every(0), now, recent)).toBe(true);
    expect(await whole(every(6), now, recent)).toBe(false);
    expect(await whole(every(6), "2025-11-06 13:00:00", recent)).toBe(true);
  });
});

describe("a graph run's snapshot: the rows its capture took, by key", () => {
  type RawRow = [file: string, row: number, loadedAt: string];

  /**
   * DuckDB with raw, the stream (as a table of the rows it shows), pipeline.stream_batches and
   * pipeline.captured_rows, and the view as provision renders it. `capture` runs the statements of the
   * root's procedure in one transaction; when it commits, the stream's offset moves past what it read.
   */
  async function lake() {
    const { warehouse } = await testWarehouse();
    for (const sql of [
      "create schema if not exists pipeline",
      "create schema if not exists raw",
      "create type timestamp_ntz as timestamp",
      "create macro convert_timezone(zone, ts) as ts",
      "create or replace table raw.amplitude_events (json_data varchar, source_file varchar, file_row_number bigint, loaded_at timestamp)",
      'create table raw.amplitude_events_stream (source_file varchar, file_row_number bigint, loaded_at timestamp, "metadata$action" varchar)',
      "create table pipeline.stream_batches (run_id varchar, captured_at timestamp, row_count bigint, first_loaded_at timestamp, last_loaded_at timestamp, completed_at timestamp)",
      "create table pipeline.captured_rows (run_id varchar, source_file varchar, file_row_number bigint, loaded_at timestamp)",
      statementOf("pipeline.captured_events"),
    ]) {
      await warehouse.execute(sql);
    }
    const procedure = statementOf("pipeline.capture_batch");
    const body = /begin transaction;\n([\s\S]*?)\n\s*captured := sqlrowcount;/.exec(procedure)?.[1];
    expect(body, "the capture's statements run in one transaction").toBeDefined();
    return {
      warehouse,
      /** Snowpipe commits a file's rows: in raw, and shown by the stream from then on. */
      async commit(...rows: RawRow[]) {
        for (const [file, row, loadedAt] of rows) {
          await warehouse.execute(
            `insert into raw.amplitude_events values ('{}', '${file}', ${row}, '${loadedAt}')`,
          );
          await warehouse.execute(
            `insert into raw.amplitude_events_stream values ('${file}', ${row}, '${loadedAt}', 'INSERT')`,
          );
        }
      },
      async capture(runId: string) {
        await warehouse.execute("begin transaction");
        for (const statement of body!.split(/;\n/).filter((s) => s.trim() !== "")) {
          await warehouse.execute(
            statement
              .replaceAll(":run_id", `'${runId}'`)
              .replaceAll("current_timestamp()", "current_timestamp"),
          );
        }
        await warehouse.execute("commit");
        // The stream "makes a 'change table' available of what changed, at the row level, between two
        // transactional points of time in a table. This allows querying and consuming a sequence of change
        // records in a transactional fashion": the DML that read it committed, so its offset moves past
        // what it read (a plain SELECT of the stream moves nothing, and a rollback leaves it where it was).
        // https://docs.snowflake.com/user-guide/streams
        await warehouse.execute("delete from raw.amplitude_events_stream");
      },
      async captured(): Promise<string[]> {
        const rows = await warehouse.query<{ key: SqlValue }>(
          "select source_file || '#' || file_row_number as key from pipeline.captured_events order by 1",
        );
        return rows.map((row) => String(row.key));
      },
      async batches() {
        return (
          await warehouse.query<{ run_id: SqlValue; row_count: SqlValue; first: SqlValue; last: SqlValue }>(
            "select run_id, row_count, strftime(first_loaded_at, '%H:%M') as first, strftime(last_loaded_at, '%H:%M') as last from pipeline.stream_batches order by run_id",
          )
        ).map((row) => [row.run_id, Number(row.row_count), row.first, row.last]);
      },
    };
  }

  it("keeps out a load that commits after the capture with an older loaded_at, until the next capture", async () => {
    const db = await lake();
    await db.commit(["a.json.gz", 1, "2025-11-06 10:00:00"], ["a.json.gz", 2, "2025-11-06 10:02:00"]);
    await db.capture("run-1");
    // Two Snowpipe loads ran side by side: this one began first (older loaded_at) and committed last.
    await db.commit(["b.json.gz", 1, "2025-11-06 10:01:00"]);
    expect(await db.captured()).toEqual(["a.json.gz#1", "a.json.gz#2"]);

    await db.capture("run-2");
    expect(await db.captured()).toEqual(["a.json.gz#1", "a.json.gz#2", "b.json.gz#1"]);
    expect(await db.batches()).toEqual([
      ["run-1", 2, "10:00", "10:02"],
      ["run-2", 1, "10:01", "10:01"],
    ]);
  });

  it("records a retried root's batch once, and nothing for an empty stream", async () => {
    const db = await lake();
    await db.commit(["a.json.gz", 1, "2025-11-06 10:00:00"]);
    await db.capture("run-1");
    await db.capture("run-1");
    await db.capture("run-2");
    expect(await db.batches()).toEqual([["run-1", 1, "10:00", "10:00"]]);
  });

  it("counts batches captured before rows were kept by key up to their last loaded_at", async () => {
    const db = await lake();
    await db.commit(["old.json.gz", 1, "2025-11-05 09:00:00"], ["old.json.gz", 2, "2025-11-05 09:05:00"]);
    await db.warehouse.execute(
      "insert into pipeline.stream_batches values ('earlier', '2025-11-05 09:10:00', 2, '2025-11-05 09:00:00', '2025-11-05 09:05:00', '2025-11-05 09:20:00')",
    );
    await db.warehouse.execute("delete from raw.amplitude_events_stream");
    await db.commit(["new.json.gz", 1, "2025-11-06 10:00:00"]);
    expect(await db.captured()).toEqual(["old.json.gz#1", "old.json.gz#2"]);
    await db.capture("run-1");
    expect(await db.captured()).toEqual(["new.json.gz#1", "old.json.gz#1", "old.json.gz#2"]);
  });
});
