import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resultTable } from "../src/cli/transform-command.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import { genericTestSql } from "../src/models/data-tests.ts";
import { readProject, type DeclaredTest } from "../src/models/project.ts";
import { planProject, planTests, runTest, transform, type TransformResult } from "../src/models/runner.ts";
import { describeTestsScope } from "../src/models/test-passes.ts";
import { load } from "../src/warehouse/load.ts";
import { timestampLiteral, timestampText, type Warehouse } from "../src/warehouse/warehouse.ts";
import { readJson, tempDir } from "./support/files.ts";
import {
  CORE_TABLES,
  eventLine,
  fullRefreshDifferences,
  loadAndTransform,
  personalDataOutsideRestricted,
  PII_COLUMNS,
  PROJECT_DIR,
  rowCounts,
  scalar,
  simulatedLake,
  testWarehouse,
  uploadWindow,
} from "./support/warehouse.ts";

const DAY_1: [string, string] = ["2025-11-04T00", "2025-11-04T23"];
const DAY_2: [string, string] = ["2025-11-05T00", "2025-11-05T23"];

function failedTests(result: TransformResult) {
  return result.tests
    .filter((t) => t.status !== "pass")
    .map((t) => `${t.name}: ${t.status} ${t.message ?? ""}`);
}

/** The materialized and build cells of one model's row in transform's printed report. */
function reportCells(result: TransformResult, relation: string): string[] {
  const [header, , ...rows] = resultTable(result, "target");
  const columns = header!.split(/\s+/);
  const cells = rows.find((line) => line.startsWith(`${relation} `))!.split(/\s{2,}/);
  return [cells[columns.indexOf("materialized")]!, cells[columns.indexOf("build")]!];
}

/** Every row of every model, in a stable order, for comparing two warehouses. */
async function snapshot(warehouse: Warehouse): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of CORE_TABLES) {
    const rows = await warehouse.query(`select * from ${table}`);
    tables[table] = rows
      .map((row) => JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)))
      .sort();
  }
  return tables;
}

describe("transform on the embedded warehouse", () => {
  it("builds every model from simulated traffic and every test passes", async () => {
    const { lake, events } = await simulatedLake([DAY_1]);
    const { warehouse } = await testWarehouse();
    const targetDir = await tempDir();
    const { loaded, result } = await loadAndTransform(lake, warehouse, { targetDir });
    expect(loaded.rows).toBe(events);
    expect(result.models.map((m) => [m.relation, m.status])).toHaveLength(22);
    expect(result.models.every((m) => m.status === "success")).toBe(true);
    expect(failedTests(result)).toEqual([]);
    expect(result.figures).toEqual({
      models: 22,
      tests_passed: result.tests.length,
      tests_failed: 0,
      tests_warned: 0,
    });
    expect(result.failed).toBe(false);

    const counts = await rowCounts(warehouse);
    const uuids = Number(
      await scalar<bigint>(warehouse, "select count(distinct json_data->>'uuid') from raw.amplitude_events"),
    );
    expect(uuids).toBeLessThan(events); // the simulator re-delivers some uuids
    expect(counts["core.events"]).toBe(uuids);
    expect(counts["staging.stg_amplitude__events"]).toBe(uuids);
    expect(counts["restricted.locations"]).toBe(uuids);
    expect(counts["core.sessions"]).toBeGreaterThan(0);
    expect(counts["marts.web_issues"]).toBeGreaterThan(0);
    expect(counts["marts.company_traffic"]).toBeGreaterThan(0);
    // Every page view has its path, the older SDK's (which send only the URL) included.
    const [pages] = await warehouse.query<Record<string, bigint>>(
      `select count(*) as views, count(events.page_path) as with_path,
              count(case when events.page_url = 'https://www.thedataschool.co.uk' || events.page_path then 1 end) as matching_url,
              count(case when staging.library = 'amplitude-js/8.21.9' then 1 end) as older_sdk
       from core.events as events inner join staging.stg_amplitude__events as staging using (uuid)
       where events.event_type = '[Amplitude] Page Viewed'`,
    );
    expect(pages!.older_sdk).toBeGreaterThan(0n);
    expect(pages!.with_path).toBe(pages!.views);
    expect(pages!.matching_url).toBe(pages!.views);

    // Personal location data lives only in restricted.locations (and raw, as delivered): no column of
    // any other relation is named like it or holds one of its IP addresses.
    const pii = await personalDataOutsideRestricted(warehouse);
    expect(pii.findings).toEqual([]);
    expect(pii.relations).toEqual(
      expect.arrayContaining(CORE_TABLES.filter((t) => !t.startsWith("restricted."))),
    );
    expect(pii.addresses).toBeGreaterThan(1);
    // The same search over restricted finds what it holds, so an empty finding above is no blind spot.
    const restricted = await personalDataOutsideRestricted(warehouse, ["raw"]);
    expect(restricted.findings).toEqual(
      expect.arrayContaining([
        ...PII_COLUMNS.map((c) => `restricted.locations.${c}: a personal data column`),
        expect.stringMatching(/^restricted\.locations\.ip_address holds an IP address/),
      ]),
    );

    // Emails: found where they are (so an empty finding is no blind spot), each column marked pii in its yml.
    expect(pii.emailColumns).toEqual(
      expect.arrayContaining([
        "staging.stg_amplitude__events.user_id",
        "core.users.user_id",
        "core.events.user_id",
      ]),
    );
    expect(pii.emailColumns.filter((column) => column.startsWith("marts."))).toEqual([]);

    // A model that exposes the email without the mark is found, and so is a mart holding one, marked or not.
    const project = join(await tempDir(), "sql");
    await cp(PROJECT_DIR, project, { recursive: true });
    await writeFile(
      join(project, "models/core/contacts.sql"),
      "select amplitude_id, user_id as contact from {{ ref('users') }}",
    );
    await writeFile(join(project, "models/marts/mailing.sql"), "select user_id from {{ ref('users') }}");
    await writeFile(
      join(project, "models/marts/mailing.yml"),
      "version: 2\nmodels:\n  - name: mailing\n    columns:\n      - name: user_id\n        meta: { pii: true }\n",
    );
    const withLeaks = await readProject(project);
    expect(
      failedTests(await transform({ warehouse, project: withLeaks, select: "contacts mailing" })),
    ).toEqual([]);
    const leaks = await personalDataOutsideRestricted(warehouse, undefined, withLeaks);
    expect(leaks.findings).toEqual([
      "marts.mailing.user_id: marked pii: true, and a mart holds no personal column",
      expect.stringMatching(
        /^core\.contacts\.contact holds emails in \d+ row\(s\) but is not marked meta: \{ pii: true \}/,
      ),
      expect.stringMatching(
        /^marts\.mailing\.user_id holds emails in \d+ row\(s\), and a mart holds no personal column/,
      ),
    ]);

    const results = await readJson<TransformResult>(join(targetDir, "run_results.json"));
    expect(results.figures).toEqual(result.figures);
    expect(results.models[0]).toMatchObject({ status: "success", materialized: expect.any(String) });
  });

  it("gives exactly the rows of a full refresh after incremental runs, and re-running changes nothing", async () => {
    const first = await simulatedLake([DAY_1]);
    const { warehouse } = await testWarehouse();
    const initial = await loadAndTransform(first.lake, warehouse);
    // Day 2 arrives, plus day 1 exported again as two overlapping windows (re-deliveries of the same files).
    await simulatedLake([DAY_2, ["2025-11-04T12", "2025-11-05T05"]], { lake: first.lake });
    const { loaded, result } = await loadAndTransform(first.lake, warehouse);
    expect(loaded.files).toBeGreaterThan(0);
    expect(result.models.filter((m) => m.incremental).length).toBeGreaterThan(5);
    expect(failedTests(result)).toEqual([]);
    expect((await personalDataOutsideRestricted(warehouse)).findings).toEqual([]);
    const incremental = await snapshot(warehouse);
    const counts = await rowCounts(warehouse);
    // The report's materialization is the model's own on both runs; what each run did is its own column.
    expect(reportCells(initial.result, "core.events")).toEqual(["incremental", "full"]);
    expect(reportCells(result, "core.events")).toEqual(["incremental", "increment"]);
    expect(reportCells(result, "marts.company_traffic")).toEqual(["table", "full"]);

    // Nothing new: the same counts, the same rows.
    const again = await loadAndTransform(first.lake, warehouse);
    expect(again.loaded.files).toBe(0);
    expect(again.result.models.filter((m) => m.incremental).every((m) => m.processed === 0)).toBe(true);
    expect(await rowCounts(warehouse)).toEqual(counts);

    const refreshed = await transform({
      warehouse,
      project: await readProject(PROJECT_DIR),
      fullRefresh: true,
    });
    expect(refreshed.models.every((m) => !m.incremental)).toBe(true);
    expect(await snapshot(warehouse)).toEqual(incremental);
  });

  it("leaves a model as it was when nothing it reads changed, and builds it when its SQL, a seed or a source did", async () => {
    const first = await simulatedLake([["2025-11-04T00", "2025-11-04T05"]]);
    const { warehouse } = await testWarehouse();
    const root = await tempDir();
    await cp(PROJECT_DIR, root, { recursive: true });
    const run = async (options: { fullRefresh?: boolean } = {}) =>
      transform({ warehouse, project: await readProject(root), ...options });
    const unchanged = (result: TransformResult) =>
      result.models.filter((m) => m.unchanged).map((m) => m.name);
    await load({ lake: first.lake, warehouse });
    const built = await run();
    expect(unchanged(built)).toEqual([]);
    const rows = await snapshot(warehouse);

    // Nothing new: every model is left as it was, and its tests still run (on the rows it wrote: none).
    const idle = await run();
    expect(unchanged(idle)).toHaveLength(22);
    expect(idle.models.every((m) => m.status === "success" && m.processed === 0)).toBe(true);
    expect(reportCells(idle, "core.events")).toEqual(["incremental", "unchanged"]);
    expect(reportCells(idle, "marts.company_traffic")).toEqual(["table", "unchanged"]);
    expect(resultTable(idle, "target").at(-1)).toMatch(/^0 model\(s\) built, 22 unchanged, 0 not; tests: /);
    expect(resultTable(built, "target").at(-1)).toMatch(/^22 model\(s\) built, 0 not; tests: /);
    expect(idle.tests).toHaveLength(built.tests.length);
    expect(failedTests(idle)).toEqual([]);
    expect(await snapshot(warehouse)).toEqual(rows);

    // New events: the models that read them, and their children, are built; the snapshot models are not.
    await simulatedLake([["2025-11-04T06", "2025-11-04T07"]], { lake: first.lake });
    await load({ lake: first.lake, warehouse });
    const hour = await run();
    expect(unchanged(hour).sort()).toEqual([
      "cohorts",
      "event_categories",
      "stg_amplitude__cohort_members",
      "stg_amplitude__cohorts",
      "stg_amplitude__event_categories",
      "stg_amplitude__event_types",
      "user_cohorts",
    ]);
    expect(hour.models.find((m) => m.name === "events")!.processed).toBeGreaterThan(0);

    // An edited model is built, and so are the models that read it; a seed's new content likewise.
    const typesFile = join(root, "models/staging/amplitude/stg_amplitude__event_types.sql");
    await writeFile(typesFile, (await readFile(typesFile, "utf8")) + "\n-- edited\n");
    const seedFile = join(root, "seeds/free_email_domains.csv");
    await writeFile(seedFile, (await readFile(seedFile, "utf8")) + "example-mail.test\n");
    const edited = await run();
    const builtNow = edited.models.filter((m) => !m.unchanged).map((m) => m.name);
    expect(builtNow.sort()).toEqual([
      "company_traffic",
      "event_categories",
      "event_types",
      "stg_amplitude__event_types",
    ]);

    // A full refresh builds every model whatever the record says, and ends where the increments did.
    const before = await snapshot(warehouse);
    const refreshed = await run({ fullRefresh: true });
    expect(unchanged(refreshed)).toEqual([]);
    expect(await snapshot(warehouse)).toEqual(before);
  });

  it("after a run stopped halfway, the next builds every model the stopped run did not reach", async () => {
    const lake = (await simulatedLake([["2025-11-04T00", "2025-11-04T03"]])).lake;
    const { warehouse } = await testWarehouse();
    const project = await readProject(PROJECT_DIR);
    await loadAndTransform(lake, warehouse);
    await simulatedLake([["2025-11-04T04", "2025-11-04T05"]], { lake });
    await load({ lake, warehouse });
    // Stopped once staging merged the new hours: the models after it keep the old rows, and no record is
    // written for the ones it built.
    const stop = new AbortController();
    const stopped = transform({
      warehouse,
      project,
      signal: stop.signal,
      reporter: { model: (m) => m.name === "stg_amplitude__events" && stop.abort(new Error("stopped")) },
    });
    await expect(stopped).rejects.toThrow("stopped");
    const next = await transform({ warehouse, project });
    // Staging merges nothing now, yet the models that read it are built and take the stopped run's rows.
    expect(next.models.find((m) => m.name === "stg_amplitude__events")).toMatchObject({ processed: 0 });
    const events = next.models.find((m) => m.name === "events")!;
    expect(events.unchanged).toBeFalsy();
    expect(events.processed).toBeGreaterThan(0);
    expect(failedTests(next)).toEqual([]);
    const rows = await snapshot(warehouse);
    await transform({ warehouse, project, fullRefresh: true });
    expect(await snapshot(warehouse)).toEqual(rows);
  });

  it("updates a re-delivered uuid with a later processed_time, and keeps a user's email once found", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const base = { amplitude_id: 42, session_id: 1_762_250_000_000, device_id: "device-42" };
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      {
        name: "187520_2025-11-04_10#0.json.gz",
        lines: [
          eventLine({
            ...base,
            uuid: "a",
            event_id: 1,
            event_time: "2025-11-04 10:00:00.000000",
            user_id: null,
          }),
          eventLine({
            ...base,
            uuid: "b",
            event_id: 2,
            event_time: "2025-11-04 10:01:00.000000",
            user_id: "ada@initech.com",
          }),
        ],
      },
    ]);
    await loadAndTransform(lake, warehouse);
    expect(await scalar(warehouse, "select user_id from core.users where amplitude_id = 42")).toBe(
      "ada@initech.com",
    );

    // Hour 11: "a" again with a later processed_time and a new type, and a later event without a user_id.
    await uploadWindow(lake, { start: "2025-11-04T11", end: "2025-11-04T11" }, [
      {
        name: "187520_2025-11-04_11#0.json.gz",
        lines: [
          eventLine({
            ...base,
            uuid: "a",
            event_id: 1,
            event_type: "session_start",
            event_time: "2025-11-04 10:00:00.000000",
            processed_time: "2025-11-04 11:30:00.000000",
            server_upload_time: "2025-11-04 11:29:00.000000",
          }),
          eventLine({
            ...base,
            uuid: "c",
            event_id: 3,
            event_time: "2025-11-04 11:05:00.000000",
            user_id: null,
          }),
          // An older delivery of "b" arriving late loses to the one already held.
          eventLine({
            ...base,
            uuid: "b",
            event_id: 2,
            event_type: "video_started",
            event_time: "2025-11-04 10:01:00.000000",
            processed_time: "2025-11-04 09:00:00.000000",
            server_upload_time: "2025-11-04 11:00:00.000000",
            user_id: "ada@initech.com",
          }),
        ],
      },
    ]);
    const { result } = await loadAndTransform(lake, warehouse);
    expect(result.failed).toBe(false);
    expect(await warehouse.query("select uuid, event_type from core.events order by uuid")).toEqual([
      { uuid: "a", event_type: "session_start" },
      { uuid: "b", event_type: "[Amplitude] Page Viewed" },
      { uuid: "c", event_type: "[Amplitude] Page Viewed" },
    ]);
    expect(await warehouse.query("select amplitude_id, user_id, event_count from core.users")).toEqual([
      { amplitude_id: 42n, user_id: "ada@initech.com", event_count: 3n },
    ]);
    expect(await warehouse.query("select session_id, event_count from core.sessions")).toEqual([
      { session_id: 1_762_250_000_000n, event_count: 3n },
    ]);
  });

  it("merges an increment straight from the model's query, and counts the rows it updated and inserted", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const project = await readProject(PROJECT_DIR);
    const ids: Record<string, number> = { a: 1, b: 2, c: 3 };
    const line = (uuid: string, time: string, processed = time) =>
      eventLine({ uuid, event_id: ids[uuid], event_time: time, processed_time: processed });
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      {
        name: "187520_2025-11-04_10#0.json.gz",
        lines: [line("a", "2025-11-04 10:00:00.000000"), line("b", "2025-11-04 10:01:00.000000")],
      },
    ]);
    await loadAndTransform(lake, warehouse);
    // The next hour: "b" again, processed later, and a new "c".
    await uploadWindow(lake, { start: "2025-11-04T11", end: "2025-11-04T11" }, [
      {
        name: "187520_2025-11-04_11#0.json.gz",
        lines: [
          line("b", "2025-11-04 10:01:00.000000", "2025-11-04 11:30:00.000000"),
          line("c", "2025-11-04 11:00:00.000000"),
        ],
      },
    ]);
    await load({ lake, warehouse });
    const statements: string[] = [];
    const watched: Warehouse = Object.create(warehouse, {
      execute: {
        value: async (sql: string, params?: never[]) => {
          statements.push(sql);
          return warehouse.execute(sql, params);
        },
      },
      query: {
        value: async (sql: string, params?: never[]) => {
          statements.push(sql);
          return warehouse.query(sql, params);
        },
      },
    });
    const result = await transform({ warehouse: watched, project });
    expect(failedTests(result)).toEqual([]);
    expect(result.models.find((m) => m.name === "stg_amplitude__events")).toMatchObject({
      incremental: true,
      processed: 2,
      rows: 3,
    });
    // Only the increment's columns went beside the model; its rows went once, into the model.
    const beside = statements.filter((sql) =>
      sql.startsWith("create or replace table staging.stg_amplitude__events__increment"),
    );
    expect(beside).toHaveLength(1);
    expect(beside[0]).toMatch(/\) as increment limit 0$/);
    expect(
      statements.some((sql) => sql.startsWith("merge into staging.stg_amplitude__events as target using (")),
    ).toBe(true);
    const processed = await warehouse.query<{ uuid: string; processed_time: Date }>(
      "select uuid, processed_time from staging.stg_amplitude__events order by uuid",
    );
    expect(processed.map((r) => [r.uuid, timestampText(r.processed_time)])).toEqual([
      ["a", "2025-11-04 10:00:00.000"],
      ["b", "2025-11-04 11:30:00.000"],
      ["c", "2025-11-04 11:00:00.000"],
    ]);
    // The deliveries append: the hour's two lines inserted straight from the query, nothing deleted.
    expect(result.models.find((m) => m.name === "stg_amplitude__event_deliveries")).toMatchObject({
      incremental: true,
      processed: 2,
      rows: 4,
    });
    const deliveries = statements.filter((sql) => /staging\.stg_amplitude__event_deliveries\b/.test(sql));
    expect(
      deliveries.filter((sql) => sql.startsWith("insert into staging.stg_amplitude__event_deliveries (")),
    ).toEqual([expect.stringMatching(/\) as increment$/)]);
    expect(deliveries.filter((sql) => sql.startsWith("delete from"))).toEqual([]);
    expect(await fullRefreshDifferences(warehouse)).toEqual({});
  });

  it("refuses to append to a model without loaded_at, which would read everything again", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const root = await tempDir();
    await cp(PROJECT_DIR, root, { recursive: true });
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      {
        name: "187520_2025-11-04_10#0.json.gz",
        lines: [eventLine({ uuid: "a", event_time: "2025-11-04 10:00:00.000000" })],
      },
    ]);
    await load({ lake, warehouse });
    const path = join(root, "models/staging/amplitude/stg_amplitude__event_groups.sql");
    const groups = await readFile(path, "utf8");
    // The same model without its loaded_at column.
    const [config, ...body] = groups.split("\n");
    await writeFile(
      path,
      [config, "select * exclude (loaded_at) from (", ...body, ") as rows_without_load_time", ""].join("\n"),
    );
    const project = await readProject(root);
    // The memberships read the groups' loaded_at: build the groups and what they read only.
    const select = "+stg_amplitude__event_groups";
    expect((await transform({ warehouse, project, select })).failed).toBe(false);
    await uploadWindow(lake, { start: "2025-11-04T11", end: "2025-11-04T11" }, [
      {
        name: "187520_2025-11-04_11#0.json.gz",
        lines: [eventLine({ uuid: "b", event_time: "2025-11-04 11:00:00.000000" })],
      },
    ]);
    await load({ lake, warehouse });
    const result = await transform({ warehouse, project, select });
    expect(result.models.find((m) => m.name === "stg_amplitude__event_groups")).toMatchObject({
      status: "error",
      message: expect.stringMatching(
        /staging\.stg_amplitude__event_groups has no loaded_at column: an append model must carry the loaded_at of what it reads/,
      ),
    });
  });

  it("fails on an error-severity test, warns on a warn-severity one, and names both", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      {
        name: "187520_2025-11-04_10#0.json.gz",
        lines: [
          eventLine({ uuid: "x", event_time: "2025-11-04 10:00:00.000000", event_type: "Checkout Opened" }),
          eventLine({ uuid: "y", event_time: "2025-11-04 10:00:01.000000", amplitude_id: null as never }),
        ],
      },
    ]);
    const { result } = await loadAndTransform(lake, warehouse);
    const status = Object.fromEntries(result.tests.map((t) => [t.name, t]));
    expect(status["accepted_values_stg_amplitude__events__event_type"]).toMatchObject({
      status: "warn",
      failures: 1,
      message: expect.stringContaining("value=Checkout Opened"),
    });
    expect(status["not_null_stg_amplitude__events__amplitude_id"]).toMatchObject({
      status: "fail",
      failures: 1,
    });
    expect(result.figures.tests_failed).toBeGreaterThanOrEqual(1);
    expect(result.figures.tests_warned).toBeGreaterThanOrEqual(1);
    expect(result.failed).toBe(true);
  });

  it("shows a failing test's sample rows once each, though one id fails on many rows", async () => {
    const { warehouse } = await testWarehouse();
    await warehouse.execute(
      "create table members as select * from (values (7, 'a'), (7, 'b'), (7, 'c'), (7, 'd'), (8, 'e'), (9, 'f')) as t(amplitude_id, cohort)",
    );
    await warehouse.execute("create table users as select 1 as amplitude_id");
    const result = await runTest(
      warehouse,
      {
        name: "relationships_members__amplitude_id",
        on: ["members"],
        severity: "warn",
        declaredIn: "members.yml",
        sql:
          "select child.amplitude_id from members as child left join users as parent " +
          "on child.amplitude_id = parent.amplitude_id where parent.amplitude_id is null",
      },
      new Set(),
      () => 0,
    );
    expect(result).toMatchObject({ status: "warn", failures: 6 });
    const shown = result.message!.replace(/^e\.g\. /, "").split("; ");
    expect(shown).toHaveLength(3);
    expect(new Set(shown).size).toBe(3);
  });

  it("relationships finds each child whose key no parent holds, on the new rows alone after an increment", async () => {
    const { warehouse } = await testWarehouse();
    await warehouse.execute("create table parents as select * from (values (1), (1), (2)) as t(id)");
    await warehouse.execute(
      "create table children as select * from (values (1, 1, 'old'), (3, 2, 'old'), (null, 3, 'new'), (2, 4, 'new'), (4, 5, 'new'), (4, 6, 'new'), (1, 7, 'new')) as t(parent_id, n, batch)",
    );
    const test = {
      kind: "relationships",
      column: "parent_id",
      to: "ref('parents')",
      field: "id",
      file: "children.yml",
    };
    const failing = async (newRows?: string) =>
      (
        await warehouse.query<{ parent_id: number }>(
          genericTestSql(test as DeclaredTest, "children", () => "parents", newRows),
        )
      )
        .map((row) => Number(row.parent_id))
        .sort();
    // A parent held twice is no failure, a null key is none either; each orphan row is one.
    expect(await failing()).toEqual([3, 4, 4]);
    expect(await failing("batch = 'new'")).toEqual([4, 4]);
    expect(await failing("batch = 'none'")).toEqual([]);
  });

  it("asks for a full refresh when a model no longer makes a column its table has, instead of merging", async () => {
    const { lake } = await simulatedLake([["2025-11-04T09", "2025-11-04T10"]]);
    const { warehouse } = await testWarehouse();
    await loadAndTransform(lake, warehouse);
    await simulatedLake([["2025-11-04T11", "2025-11-04T11"]], { lake });
    await load({ lake, warehouse });
    const root = await tempDir();
    await cp(PROJECT_DIR, root, { recursive: true });
    const path = join(root, "models/core/devices.sql");
    const sql = await readFile(path, "utf8");
    const without = sql.replace("'os_version', 'platform']", "'os_version']");
    expect(without).not.toBe(sql);
    await writeFile(path, without);
    const result = await transform({ warehouse, project: await readProject(root) });
    expect(result.models.find((m) => m.name === "devices")).toMatchObject({
      status: "error",
      message: expect.stringMatching(
        /core\.devices has column\(s\) platform that the model no longer makes: run transform --full-refresh --select devices/,
      ),
    });
    const refreshed = await transform({
      warehouse,
      project: await readProject(root),
      fullRefresh: true,
      select: "devices",
    });
    expect(refreshed.failed).toBe(false);
  });

  it("reports a model that does not compile in SQL, skips what depends on it, and builds the rest", async () => {
    const { lake } = await simulatedLake([["2025-11-04T09", "2025-11-04T10"]]);
    const { warehouse } = await testWarehouse();
    await load({ lake, warehouse });
    const root = await tempDir();
    await cp(PROJECT_DIR, root, { recursive: true });
    const path = join(root, "models/core/users.sql");
    await writeFile(
      path,
      (await readFile(path, "utf8")).replace(
        "count(*) as event_count",
        "count(*) as event_count, no_such_column",
      ),
    );
    const result = await transform({ warehouse, project: await readProject(root) });
    const byName = Object.fromEntries(result.models.map((m) => [m.name, m]));
    expect(byName.users).toMatchObject({
      status: "error",
      message: expect.stringMatching(/^models\/core\/users\.sql: .*no_such_column/s),
    });
    expect(byName.company_traffic).toMatchObject({ status: "skipped", message: "skipped: users failed" });
    expect(byName.sessions!.status).toBe("success");
    expect(result.tests.find((t) => t.name === "unique_users__amplitude_id")!.status).toBe("skipped");
    expect(result.failed).toBe(true);
    expect(result.figures.models).toBe(20);
  });

  it("builds only the selection, and warns when the source has not been loaded for a day", async () => {
    const { lake } = await simulatedLake([["2025-11-04T09", "2025-11-04T10"]]);
    const { warehouse } = await testWarehouse();
    await load({ lake, warehouse, now: () => new Date("2025-11-04T12:00:00Z") });
    const result = await transform({ warehouse, project: await readProject(PROJECT_DIR), select: "+events" });
    expect(result.models.map((m) => m.name)).toEqual([
      "stg_amplitude__event_deliveries",
      "stg_amplitude__events",
      "events",
    ]);
    const freshness = result.tests.find((t) => t.name === "freshness_source_amplitude_events")!;
    expect(freshness).toMatchObject({ status: "warn", severity: "warn", failures: 1 });
    expect(result.failed).toBe(false);
    expect(result.tests.find((t) => t.name === "not_null_events__uuid")!.status).toBe("pass");
    // events.amplitude_id refers to users, which this selection did not build.
    expect(result.tests.find((t) => t.name === "relationships_events__amplitude_id")).toMatchObject({
      status: "skipped",
      message: "skipped: it reads core.users, which has not been built (add it to --select)",
    });
  });

  it("replaces a view with a table and a table with a view when a model's materialization changes", async () => {
    const { lake } = await simulatedLake([["2025-11-04T09", "2025-11-04T10"]]);
    const { warehouse } = await testWarehouse();
    await load({ lake, warehouse });
    const root = await tempDir();
    await cp(PROJECT_DIR, root, { recursive: true });
    const file = join(root, "models/marts/company_traffic.sql");
    const sql = await readFile(file, "utf8");
    const materialize = async (as: string) => {
      await writeFile(file, sql.replace("materialized='table'", `materialized='${as}'`));
      const result = await transform({ warehouse, project: await readProject(root) });
      expect(result.models.filter((m) => m.status !== "success")).toEqual([]);
      const [kind] = await warehouse.query<{ kind: string }>(
        "select table_type as kind from information_schema.tables where table_schema = 'marts' and table_name = 'company_traffic'",
      );
      return {
        kind: kind!.kind,
        rows: await warehouse.query("select * from marts.company_traffic order by all"),
      };
    };
    const table = await materialize("table");
    expect(table.kind).toBe("BASE TABLE");
    expect(table.rows.length).toBeGreaterThan(0);
    expect(await materialize("view")).toEqual({ kind: "VIEW", rows: table.rows });
    expect(await materialize("table")).toEqual(table);
  });
});

describe("restricted.locations", () => {
  /** One delivery of an event sent from `ip`, at a place named after it. */
  const sent = (uuid: string, ip: string, processed: string | null) =>
    eventLine({
      uuid,
      event_time: "2025-11-04 10:00:00.000000",
      processed_time: processed as string,
      server_upload_time: "2025-11-04 10:00:01.000000",
      ip_address: ip,
      city: `city of ${ip}`,
      region: `region of ${ip}`,
      country: `country of ${ip}`,
      dma: null,
      location_lat: Number(ip.split(".").at(-1)),
      location_lng: -1.5,
    });

  it("holds the location of the delivery staging keeps, incrementally as on a full refresh", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const project = await readProject(PROJECT_DIR);
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      {
        name: "187520_2025-11-04_10#0.json.gz",
        lines: [
          sent("later-wins", "10.0.0.1", "2025-11-04 10:00:02.000000"),
          sent("older-loses", "10.0.0.3", "2025-11-04 10:00:02.000000"),
          sent("tie-first-load", "10.0.0.4", "2025-11-04 10:00:02.000000"),
          sent("null-loses", "10.0.0.11", "2025-11-04 10:00:02.000000"),
        ],
      },
    ]);
    await load({ lake, warehouse });
    expect((await transform({ warehouse, project })).failed).toBe(false);

    // The next hour re-delivers all of them, and two more uuids twice each within the hour.
    await uploadWindow(lake, { start: "2025-11-04T11", end: "2025-11-04T11" }, [
      {
        name: "187520_2025-11-04_11#0.json.gz",
        lines: [
          sent("later-wins", "10.0.0.2", "2025-11-04 11:30:00.000000"),
          sent("older-loses", "10.0.0.9", "2025-11-04 09:00:00.000000"),
          sent("tie-first-load", "10.0.0.5", "2025-11-04 10:00:02.000000"),
          sent("null-loses", "10.0.0.12", null),
          sent("tie-first-row", "10.0.0.6", "2025-11-04 11:00:00.000000"),
          sent("tie-first-row", "10.0.0.7", "2025-11-04 11:00:00.000000"),
          sent("tie-first-file", "10.0.0.8", "2025-11-04 11:00:00.000000"),
        ],
      },
      {
        name: "187520_2025-11-04_11#1.json.gz",
        lines: [sent("tie-first-file", "10.0.0.10", "2025-11-04 11:00:00.000000")],
      },
    ]);
    await load({ lake, warehouse });
    const incremental = await transform({ warehouse, project });
    expect(incremental.failed).toBe(false);
    expect(incremental.models.find((m) => m.name === "locations")).toMatchObject({ incremental: true });

    const locations = () =>
      warehouse.query(
        `select uuid, ip_address, city, region, country, dma, location_lat, location_lng, amplitude_id
         from restricted.locations order by uuid`,
      );
    const expected = [
      ["later-wins", "10.0.0.2"],
      ["null-loses", "10.0.0.11"],
      ["older-loses", "10.0.0.3"],
      // Processed at the same time: the first delivery stays (loaded first, then the first file and line).
      ["tie-first-file", "10.0.0.8"],
      ["tie-first-load", "10.0.0.4"],
      ["tie-first-row", "10.0.0.6"],
    ].map(([uuid, ip]) => ({
      uuid,
      ip_address: ip,
      city: `city of ${ip}`,
      region: `region of ${ip}`,
      country: `country of ${ip}`,
      dma: null,
      location_lat: Number(ip!.split(".").at(-1)),
      location_lng: -1.5,
      amplitude_id: 1001n,
    }));
    expect(await locations()).toEqual(expected);
    // Each row is the delivery staging keeps: the same file and line.
    expect(
      await scalar(
        warehouse,
        `select count(*) from restricted.locations as locations
         inner join staging.stg_amplitude__events as staging using (uuid)
         inner join raw.amplitude_events as raw
           on raw.source_file = staging.source_file and raw.file_row_number = staging.file_row_number
         where raw.json_data->>'ip_address' = locations.ip_address and staging.loaded_at = locations.loaded_at`,
      ),
    ).toBe(BigInt(expected.length));

    const held = await warehouse.query("select * from restricted.locations order by uuid");
    expect((await transform({ warehouse, project, fullRefresh: true })).failed).toBe(false);
    expect(await warehouse.query("select * from restricted.locations order by uuid")).toEqual(held);
    expect((await personalDataOutsideRestricted(warehouse)).findings).toEqual([]);
  });
});

describe("tests after an incremental build", () => {
  it("check the rows the run wrote; --full-tests checks whole tables", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const project = await readProject(PROJECT_DIR);
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      {
        name: "187520_2025-11-04_10#0.json.gz",
        lines: [eventLine({ uuid: "ok-1", event_time: "2025-11-04 10:00:00.000000" })],
      },
    ]);
    await load({ lake, warehouse });
    expect((await transform({ warehouse, project })).failed).toBe(false);

    // The next hour brings an event without an amplitude_id.
    await uploadWindow(lake, { start: "2025-11-04T11", end: "2025-11-04T11" }, [
      {
        name: "187520_2025-11-04_11#0.json.gz",
        lines: [
          eventLine({ uuid: "bad-1", event_time: "2025-11-04 11:00:00.000000", amplitude_id: null as never }),
        ],
      },
    ]);
    await load({ lake, warehouse });
    const incremental = await transform({ warehouse, project });
    const notNull = (result: TransformResult) =>
      result.tests.find((t) => t.name === "not_null_stg_amplitude__events__amplitude_id")!;
    expect(incremental.models.find((m) => m.name === "stg_amplitude__events")).toMatchObject({
      incremental: true,
      processed: 1,
    });
    expect(notNull(incremental)).toMatchObject({ status: "fail", failures: 1 });
    expect(incremental.tests.find((t) => t.name === "core_events_match_raw_uuids")!.status).toBe("pass");

    // Nothing new: the bad row is not new either, so the scoped test passes; a full test still fails.
    const quiet = await transform({ warehouse, project });
    expect(quiet.models.filter((m) => m.incremental).every((m) => m.processed === 0)).toBe(true);
    expect(notNull(quiet).status).toBe("pass");
    const full = await transform({ warehouse, project, fullTests: true });
    expect(notNull(full)).toMatchObject({ status: "fail", failures: 1 });
    expect(full.tests.find((t) => t.name === "core_events_match_raw_uuids")!.status).toBe("pass");
    expect(incremental.testsScope).toMatchObject({ scope: "increment", reason: "scheduled", everyHours: 24 });
    expect(full.testsScope).toMatchObject({ scope: "whole", reason: "full-tests" });

    // The whole pass is recorded in the warehouse: once it is 25 hours old, the next run tests whole tables.
    const wholeAt = Date.parse(`${full.testsScope!.startedAt.replace(" ", "T")}Z`);
    const later = (hours: number) => () => new Date(wholeAt + hours * 3_600_000);
    const due = await transform({ warehouse, project, now: later(25) });
    expect(due.testsScope).toMatchObject({ scope: "whole", reason: "due" });
    expect(notNull(due)).toMatchObject({ status: "fail", failures: 1 });
    expect(resultTable(due, "target")).toContain("tests: whole tables (due: last whole pass 25 h ago)");
    // An hour after that pass, the rows the run wrote again (--full-tests-every 0: cli.test.ts).
    const next = await transform({ warehouse, project, now: later(26) });
    expect(notNull(next).status).toBe("pass");
    expect(describeTestsScope(next.testsScope!)).toBe(
      "tests: on the rows this run wrote (whole tables last tested 1 h ago, again after 24 h)",
    );
    // tests: false builds the models only, though a whole pass is due and would fail, and records no pass.
    const untested = await transform({ warehouse, project, now: later(60), tests: false });
    expect(untested).toMatchObject({ tests: [], failed: false, testsScope: undefined });
    expect(untested.models.every((m) => m.status === "success")).toBe(true);
    const after = await transform({ warehouse, project, now: later(61) });
    expect(describeTestsScope(after.testsScope!)).toBe("tests: whole tables (due: last whole pass 36 h ago)");
  });

  it("catch a key an increment brings again beside an old row: raw's key, core.events' uuid, reconciliation", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const project = await readProject(PROJECT_DIR);
    const hour = (h: number, uuids: string[]) =>
      uploadWindow(lake, { start: `2025-11-04T${h}`, end: `2025-11-04T${h}` }, [
        {
          name: `187520_2025-11-04_${h}#0.json.gz`,
          lines: uuids.map((uuid) => eventLine({ uuid, event_time: `2025-11-04 ${h}:00:00.000000` })),
        },
      ]);
    await hour(10, ["old-1", "old-2"]);
    await load({ lake, warehouse });
    expect((await transform({ warehouse, project })).failed).toBe(false);

    // core.events: the increment wrote a row (loaded after the run's start) whose uuid an old row holds.
    const since = timestampText(await scalar<Date>(warehouse, "select max(loaded_at) from core.events"));
    await warehouse.execute(
      "insert into core.events select * replace (loaded_at + interval 1 minute as loaded_at) from core.events where uuid = 'old-2'",
    );
    const { compiled, selected } = planProject(project, "duckdb");
    const scoped = planTests(
      project,
      compiled,
      selected,
      "duckdb",
      new Map([["events", timestampLiteral(since)]]),
    );
    const clock = () => 0;
    for (const name of ["unique_events__uuid", "core_events_match_raw_uuids"]) {
      const test = scoped.find((t) => t.name === name)!;
      expect(test.sql).toContain(since);
      expect(await runTest(warehouse, test, new Set(), clock), name).toMatchObject({ failures: 1 });
    }
    await warehouse.execute(
      "delete from core.events where uuid = 'old-2' and loaded_at > " + timestampLiteral(since),
    );

    // raw: the first file is loaded again (its rows under a new loaded_at), beside the next hour's file.
    await hour(11, ["new-1"]);
    await load({ lake, warehouse });
    await warehouse.execute(
      "insert into raw.amplitude_events select * replace (loaded_at + interval 1 hour as loaded_at) from raw.amplitude_events where source_file like '%_10#0.%'",
    );
    const result = await transform({ warehouse, project });
    expect(result.testsScope).toMatchObject({ scope: "increment", reason: "scheduled" });
    const status = (name: string) => result.tests.find((t) => t.name === name);
    expect(
      status("unique_combination_of_columns_source_amplitude_events__source_file__file_row_number"),
    ).toMatchObject({ status: "fail", failures: 2 });
    expect(status("raw_rows_match_manifests")).toMatchObject({ status: "fail", failures: 1 });
    // Staging keeps one delivery per uuid: core.events has no duplicate to report.
    expect(status("unique_events__uuid")!.status).toBe("pass");

    // The scoped reconciliation reads the uuids of raw's new lines from their deliveries: a new line with
    // no delivery is caught (a row with no uuid), and so is the core.events row nothing new in raw explains.
    const reconciliation = scoped.find((t) => t.name === "core_events_match_raw_uuids")!;
    expect(reconciliation.sql).toContain("stg_amplitude__event_deliveries");
    expect(await runTest(warehouse, reconciliation, new Set(), clock)).toMatchObject({ failures: 0 });
    await warehouse.execute(
      "delete from staging.stg_amplitude__event_deliveries where source_file like '%_11#0.%'",
    );
    expect(await runTest(warehouse, reconciliation, new Set(), clock)).toMatchObject({ failures: 2 });
  });
});

describe("pages whose events carry a URL but no [Amplitude] Page Path", () => {
  const SESSION = 1_762_250_400_000;
  /** One session's events a minute apart, as older SDKs and hand-made tracking send them. */
  function session(
    amplitudeId: number,
    steps: Array<{ type?: string; url?: string; path?: string; title?: string }>,
  ): string[] {
    return steps.map((step, i) => {
      const properties: Record<string, unknown> = {};
      if (step.title !== undefined) properties["[Amplitude] Page Title"] = step.title;
      if (step.url !== undefined) properties["[Amplitude] Page URL"] = step.url;
      if (step.path !== undefined) properties["[Amplitude] Page Path"] = step.path;
      return eventLine({
        uuid: `${amplitudeId}-${String(i + 1).padStart(2, "0")}`,
        event_type: step.type ?? "[Amplitude] Page Viewed",
        event_time: `2025-11-04 10:${String(i + 1).padStart(2, "0")}:00.000000`,
        amplitude_id: amplitudeId,
        session_id: SESSION,
        event_id: i + 1,
        device_id: `device-${amplitudeId}`,
        event_properties: properties,
      });
    });
  }

  it("derive the path from the URL, carry it forward, and flag only real returns and loops", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const site = "https://learn.example.com";
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      {
        name: "187520_2025-11-04_10#0.json.gz",
        lines: [
          ...session(1, [
            { url: `${site}/courses/sql?x=1#top`, title: "SQL" }, // 01 /courses/sql
            { type: "[Amplitude] Element Clicked", url: `${site}/courses/sql?x=1#top` }, // 02
            { url: `${site}/blog`, title: "Blog" }, // 03 /blog
            { url: site, title: "Home" }, // 04 / (a URL with no path)
            { url: `${site}/courses/sql?x=2`, title: "SQL" }, // 05 back on /courses/sql: a real return
            { path: "/", url: `${site}/?utm_source=mail`, title: "Home" }, // 06 the property wins: / again, a loop
            { title: "Untitled" }, // 07 neither path nor URL
            { type: "video_started" }, // 08 on the page of 07: unknown
            { title: "Untitled" }, // 09 neither path nor URL
            { url: `${site}/blog#comments`, title: "Blog" }, // 10 /blog again: a real return
            { title: "Untitled" }, // 11 neither path nor URL
            { url: `${site}/blog`, title: "Blog" }, // 12 /blog again; /blog -> ? -> /blog is no known loop
          ]),
          // The reported case: every page view with a URL and a title, each page once.
          ...session(2, [
            { url: `${site}/`, title: "Home" },
            { url: `${site}/courses`, title: "Courses" },
            { url: `${site}/courses/sql`, title: "SQL" },
            { url: `${site}/apply?from=sql`, title: "Apply" },
          ]),
          // Page views with a title only are no known pages, however many there are.
          ...session(3, [{ title: "A" }, { title: "B" }, { title: "A" }, { title: "C" }]),
        ],
      },
    ]);
    const { result } = await loadAndTransform(lake, warehouse);
    expect(failedTests(result)).toEqual([]);

    const paths = async (table: string) =>
      Object.fromEntries(
        (
          await warehouse.query<{ uuid: string; page_path: string | null }>(
            `select uuid, page_path from ${table} where amplitude_id = 1 order by uuid`,
          )
        ).map((row) => [row.uuid, row.page_path]),
      );
    const expectedPaths = {
      "1-01": "/courses/sql",
      "1-02": "/courses/sql",
      "1-03": "/blog",
      "1-04": "/",
      "1-05": "/courses/sql",
      "1-06": "/",
      "1-07": null,
      "1-08": null,
      "1-09": null,
      "1-10": "/blog",
      "1-11": null,
      "1-12": "/blog",
    };
    expect(await paths("core.events")).toEqual(expectedPaths);
    // page_paths carries a page view's path to the events after it, and a page view with no path
    // starts an unknown page rather than inheriting the one before.
    expect(await paths("marts.page_paths")).toEqual(expectedPaths);
    expect(
      await warehouse.query(
        `select amplitude_id, uuid, issue_type, page_path, detail from marts.web_issues
         order by amplitude_id, uuid, issue_type`,
      ),
    ).toEqual([
      {
        amplitude_id: 1n,
        uuid: "1-05",
        issue_type: "page_return",
        page_path: "/courses/sql",
        detail: "visit 2 of this page",
      },
      {
        amplitude_id: 1n,
        uuid: "1-06",
        issue_type: "page_loop",
        page_path: "/",
        detail: "back from /courses/sql",
      },
      {
        amplitude_id: 1n,
        uuid: "1-06",
        issue_type: "page_return",
        page_path: "/",
        detail: "visit 2 of this page",
      },
      {
        amplitude_id: 1n,
        uuid: "1-10",
        issue_type: "page_return",
        page_path: "/blog",
        detail: "visit 2 of this page",
      },
      {
        amplitude_id: 1n,
        uuid: "1-12",
        issue_type: "page_return",
        page_path: "/blog",
        detail: "visit 3 of this page",
      },
    ]);
  });
});
