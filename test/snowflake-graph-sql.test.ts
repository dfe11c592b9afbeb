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
