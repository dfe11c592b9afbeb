import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CompileError, compileModel } from "../src/models/compile.ts";
import { DIALECTS } from "../src/models/dialects.ts";
import { graphOrder, selectModels } from "../src/models/graph.ts";
import { readProject } from "../src/models/project.ts";
import { planProject } from "../src/models/runner.ts";
import { tempDir } from "./support/files.ts";
import { PROJECT_DIR, testWarehouse } from "./support/warehouse.ts";

/** A copy of the project to break on purpose. */
async function projectCopy(): Promise<string> {
  const dir = await tempDir();
  await cp(PROJECT_DIR, dir, { recursive: true });
  return dir;
}

async function compileError(root: string): Promise<string> {
  const error = await readProject(root)
    .then((project) => planProject(project, "duckdb"))
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(CompileError);
  return (error as Error).message;
}

describe("the model project", () => {
  it("declares every model of the warehouse contract in its schema, each with a yml", async () => {
    const project = await readProject(PROJECT_DIR);
    const { compiled } = planProject(project, "duckdb");
    expect([...compiled.values()].map((m) => m.relation).sort()).toEqual([
      "core.cohorts",
      "core.devices",
      "core.event_categories",
      "core.event_types",
      "core.events",
      "core.groups",
      "core.sessions",
      "core.user_cohorts",
      "core.user_groups",
      "core.users",
      "marts.company_traffic",
      "marts.page_paths",
      "marts.web_issues",
      "restricted.locations",
      "staging.stg_amplitude__cohort_members",
      "staging.stg_amplitude__cohorts",
      "staging.stg_amplitude__event_categories",
      "staging.stg_amplitude__event_deliveries",
      "staging.stg_amplitude__event_groups",
      "staging.stg_amplitude__event_properties",
      "staging.stg_amplitude__event_types",
      "staging.stg_amplitude__events",
    ]);
    for (const model of project.models.values()) {
      expect(model.ymlFile, model.name).toBeDefined();
      expect(model.description, model.name).toBeTruthy();
    }
    expect(project.singularTests.map((t) => t.name).sort()).toEqual([
      "core_events_match_raw_uuids",
      "duplicate_events",
      "manifest_files_loaded",
      "raw_rows_match_manifests",
      "user_groups_have_groups",
    ]);
  });

  it("renders the dialect macros per target: JSON access, flattening and timestamps", async () => {
    const project = await readProject(PROJECT_DIR);
    const staging = project.models.get("stg_amplitude__events")!;
    const duck = compileModel(project, staging, { dialect: "duckdb" }).sql;
    const snow = compileModel(project, staging, { dialect: "snowflake" }).sql;
    expect(duck).toContain(`json_transform(json_data, '{"uuid":"VARCHAR","$insert_id":"VARCHAR"`);
    expect(duck).toContain(`then try_cast(record."event_time" as timestamp) end as event_time`);
    expect(duck).toContain("from raw.amplitude_events");
    // TRY_ forms on the text of a VARIANT: a plain cast would fail the whole model on one bad value.
    expect(snow).toContain(
      `iff(regexp_like(strip_null_value(record:"amplitude_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"amplitude_id")::varchar), null) as amplitude_id`,
    );
    expect(snow).toContain(`'YYYY-MM-DD HH24:MI:SS.FF6'), null) as event_time`);
    expect(duck).not.toContain("{{");

    const properties = project.models.get("stg_amplitude__event_properties")!;
    expect(compileModel(project, properties, { dialect: "snowflake" }).sql).toContain(
      "from events, lateral flatten(input => events.event_properties) as property",
    );
    expect(compileModel(project, properties, { dialect: "duckdb" }).sql).toContain(
      "from events, json_each(case when json_type(events.event_properties) in ('OBJECT', 'ARRAY') then events.event_properties end) as property",
    );
    const paths = project.models.get("page_paths")!;
    expect(compileModel(project, paths, { dialect: "snowflake" }).sql).toContain(
      "last_value(page_counter) ignore nulls over (",
    );
    expect(compileModel(project, paths, { dialect: "duckdb" }).sql).toContain(
      "last_value(page_counter ignore nulls) over (",
    );
    const events = project.models.get("events")!;
    expect(compileModel(project, events, { dialect: "snowflake" }).sql).toContain(
      `try_to_number(strip_null_value(fields:"[Amplitude] Page Counter")::varchar), null) as page_counter`,
    );
  });

  it("keeps location fields out of staging: restricted.locations reads them from raw for staging's delivery", async () => {
    const project = await readProject(PROJECT_DIR);
    const staging = compileModel(project, project.models.get("stg_amplitude__events")!, {
      dialect: "duckdb",
    });
    for (const field of ["ip_address", "city", "region", "country", "dma", "location_lat", "location_lng"]) {
      expect(staging.sql, field).not.toContain(`"${field}"`);
    }
    const model = project.models.get("locations")!;
    const duck = compileModel(project, model, { dialect: "duckdb" });
    const snow = compileModel(project, model, { dialect: "snowflake" });
    expect(duck.relation).toBe("restricted.locations");
    expect(duck.refs).toEqual(["stg_amplitude__events"]);
    expect(duck.sources).toEqual(["amplitude.events"]);
    // Only the documents staging kept are parsed; the engine holds their keys, not their JSON.
    expect(duck.sql).toContain(
      "where (source_file, file_row_number) in (select source_file, file_row_number from kept_deliveries)",
    );
    expect(duck.sql).toContain(`json_transform(json_data, '{"uuid":"VARCHAR","amplitude_id":"VARCHAR"`);
    expect(snow.sql).toContain(`strip_null_value(record:"ip_address")::varchar as ip_address`);
    expect(snow.sql).toContain(
      `try_to_double(strip_null_value(record:"location_lat")::varchar), null) as location_lat`,
    );
  });

  it("keeps a column's meta from yml, and refuses a pii mark that is not true or false", async () => {
    const project = await readProject(PROJECT_DIR);
    const column = (model: string, name: string) =>
      project.models.get(model)!.columns.find((c) => c.name === name);
    expect(column("users", "user_id")?.meta).toEqual({
      pii: true,
      pii_reason: "an email on this site: identifies a person",
    });
    expect(column("users", "amplitude_id")?.meta).toBeUndefined();
    expect(column("locations", "ip_address")?.meta?.pii).toBe(true);

    const root = await projectCopy();
    const path = join(root, "models/core/users.yml");
    await writeFile(path, (await readFile(path, "utf8")).replace("pii: true", 'pii: "yes"'));
    await expect(readProject(root)).rejects.toThrow(
      'models/core/users.yml: users.user_id: meta.pii must be true or false, not "yes"',
    );
  });

  it("renders url_path per target, and core.events reads a missing page path from the URL", async () => {
    const pattern = "'^(([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*)?([^?#]*)'";
    expect(DIALECTS.duckdb.url_path("page_url")).toBe(
      `case when page_url <> '' then coalesce(nullif(regexp_extract(page_url, ${pattern}, 3), ''), '/') end`,
    );
    expect(DIALECTS.snowflake.url_path("page_url")).toBe(
      `case when page_url <> '' then coalesce(nullif(regexp_substr(page_url, ${pattern}, 1, 1, 'e', 3), ''), '/') end`,
    );
    const project = await readProject(PROJECT_DIR);
    const events = project.models.get("events")!;
    const duck = compileModel(project, events, { dialect: "duckdb" }).sql;
    const snow = compileModel(project, events, { dialect: "snowflake" }).sql;
    expect(duck).toContain(
      `coalesce(\n            nullif(fields."[Amplitude] Page Path", ''),\n            ${DIALECTS.duckdb.url_path('fields."[Amplitude] Page URL"')}\n        ) as page_path,`,
    );
    expect(snow).toContain(
      `coalesce(\n            nullif(strip_null_value(fields:"[Amplitude] Page Path")::varchar, ''),\n            ${DIALECTS.snowflake.url_path('strip_null_value(fields:"[Amplitude] Page URL")::varchar')}\n        ) as page_path,`,
    );
  });

  it("url_path on DuckDB gives what location.pathname would", async () => {
    const { warehouse } = await testWarehouse();
    const cases: Array<[string | null, string | null]> = [
      ["https://learn.example.com/courses/sql?x=1#top", "/courses/sql"],
      ["https://learn.example.com", "/"],
      ["https://learn.example.com?x=1", "/"],
      ["https://learn.example.com/#top", "/"],
      ["HTTP://user:pw@learn.example.com:8080/Blog/Window%20Functions/", "/Blog/Window%20Functions/"],
      ["//cdn.example.com/downloads/syllabus.pdf", "/downloads/syllabus.pdf"],
      ["/courses?page=2", "/courses"],
      ["", null],
      [null, null],
    ];
    for (const [url, path] of cases) {
      const [row] = await warehouse.query<{ path: string | null }>(
        `select ${DIALECTS.duckdb.url_path("cast($1 as varchar)")} as path`,
        [url],
      );
      expect(row!.path, String(url)).toBe(path);
    }
  });

  it("renders is_incremental() only for an incremental run", async () => {
    const project = await readProject(PROJECT_DIR);
    const model = project.models.get("events")!;
    const full = compileModel(project, model, { dialect: "duckdb" });
    const since = "cast('2025-11-04 10:00:00.000' as timestamp)";
    const increment = compileModel(project, model, {
      dialect: "duckdb",
      incremental: true,
      incrementalSince: since,
    });
    expect(full.sql).not.toContain("where loaded_at >");
    expect(increment.sql).toContain(`where loaded_at > ${since}`);
    // An empty model table: everything is newer than the epoch.
    const first = compileModel(project, model, { dialect: "duckdb", incremental: true });
    expect(first.sql).toContain("where loaded_at > cast('1970-01-01' as timestamp)");
    const staging = compileModel(project, project.models.get("stg_amplitude__events")!, {
      dialect: "duckdb",
      incremental: true,
      incrementalSince: since,
    });
    expect(staging.sql).toContain(
      "from staging.stg_amplitude__events\n        where uuid in (select uuid from picked)",
    );
    expect(full.config).toMatchObject({ materialized: "incremental", uniqueKey: ["uuid"], schema: "core" });
  });

  it("orders models after what they ref and selects like dbt", async () => {
    const project = await readProject(PROJECT_DIR);
    const { compiled, order } = planProject(project, "duckdb");
    expect(order.indexOf("stg_amplitude__events")).toBeLessThan(order.indexOf("events"));
    expect(order.indexOf("events")).toBeLessThan(order.indexOf("sessions"));
    expect(order.indexOf("page_paths")).toBeLessThan(order.indexOf("web_issues"));
    expect(graphOrder(project, compiled)).toEqual(order);

    const names = (selection: string) => [...selectModels(compiled, selection)].sort();
    expect(names("events")).toEqual(["events"]);
    expect(names("+events")).toEqual(["events", "stg_amplitude__event_deliveries", "stg_amplitude__events"]);
    expect(names("events+")).toEqual([
      "company_traffic",
      "event_types",
      "events",
      "page_paths",
      "sessions",
      "users",
      "web_issues",
    ]);
    expect(names("tag:marts")).toEqual(["company_traffic", "page_paths", "web_issues"]);
    expect(names("+tag:marts")).toEqual([
      "company_traffic",
      "events",
      "locations",
      "page_paths",
      "stg_amplitude__event_deliveries",
      "stg_amplitude__events",
      "users",
      "web_issues",
    ]);
    expect(names("tag:amplitude")).toHaveLength(22);
    expect(names("users devices")).toEqual(["devices", "users"]);
    expect(() => selectModels(compiled, "tag:nothing")).toThrow(/no model has the tag nothing/);
    expect(() => selectModels(compiled, "+evnts")).toThrow(/there is no model evnts; did you mean events\?/);
    // The schema-qualified name every report prints selects the same model, with the graph operators too.
    expect(names("marts.page_paths")).toEqual(["page_paths"]);
    expect(names("+marts.web_issues")).toEqual(names("+web_issues"));
    expect(names("core.events+")).toEqual(names("events+"));
    expect(() => selectModels(compiled, "core.page_paths")).toThrow(
      /there is no model core\.page_paths; did you mean marts\.page_paths\?/,
    );
    expect(() => selectModels(compiled, "marts.page_pths")).toThrow(/did you mean marts\.page_paths\?/);
  });

  it("names the file and line of an unknown ref", async () => {
    const root = await projectCopy();
    const path = join(root, "models/core/users.sql");
    await writeFile(path, (await readFile(path, "utf8")).replaceAll("ref('events')", "ref('event')"));
    expect(await compileError(root)).toMatch(
      /^models\/core\/users\.sql:6: ref\('event'\) names no model \(did you mean [^)]*\bevents\?\)/,
    );
  });

  it("names the models of a cycle with the lines of their refs", async () => {
    const root = await projectCopy();
    const path = join(root, "models/staging/amplitude/stg_amplitude__events.sql");
    const sql = await readFile(path, "utf8");
    await writeFile(path, sql.replace("select * from final", "select * from final\n-- {{ ref('users') }}"));
    const message = await compileError(root);
    expect(message).toMatch(/the models form a cycle: /);
    expect(message).toMatch(/models\/core\/events\.sql:\d+ refs stg_amplitude__events/);
    expect(message).toMatch(/models\/staging\/amplitude\/stg_amplitude__events\.sql:\d+ refs users/);
    expect(message).toMatch(/models\/core\/users\.sql:\d+ refs events/);
  });

  it("reports a template syntax error with its file and line", async () => {
    const root = await projectCopy();
    await writeFile(
      join(root, "models/core/devices.sql"),
      "{{ config(materialized='table') }}\n\nselect 1 as device_id\n{% if is_incremental() %}\nwhere true\n",
    );
    expect(await compileError(root)).toMatch(
      /^models\/core\/devices\.sql: parseIf: expected elif, else, or endif, got end of file/,
    );
    await writeFile(
      join(root, "models/core/devices.sql"),
      "select 1 as device_id,\n  {{ json_field('a', ) }}\n",
    );
    expect(await compileError(root)).toMatch(/^models\/core\/devices\.sql:2: /);
  });

  it("reads macros from the project's macros folder and names a missing one", async () => {
    const root = await projectCopy();
    const project = await readProject(root);
    const sessions = compileModel(project, project.models.get("sessions")!, {
      dialect: "duckdb",
      incremental: true,
    });
    expect(sessions.sql).toContain(
      "inner join touched\n        on events.amplitude_id = touched.amplitude_id",
    );
    const path = join(root, "models/core/sessions.sql");
    await writeFile(
      path,
      (await readFile(path, "utf8")).replace("'incremental.sql'", "'incremental_helpers.sql'"),
    );
    expect(await compileError(root)).toMatch(
      /^models\/core\/sessions\.sql: .*template not found: incremental_helpers\.sql/,
    );
  });

  it("rejects an unknown materialization, an incremental model without a key and an undeclared source", async () => {
    const root = await projectCopy();
    const path = join(root, "models/core/devices.sql");
    await writeFile(path, "{{ config(materialized='ephemeral') }}\nselect 1 as device_id");
    expect(await compileError(root)).toMatch(
      /devices\.sql: materialized="ephemeral" is not one of view, table, incremental/,
    );
    await writeFile(path, "{{ config(materialized='incremental') }}\nselect 1 as device_id");
    expect(await compileError(root)).toMatch(/devices\.sql: an incremental model needs unique_key/);
    await writeFile(
      path,
      "{{ config(materialized='incremental', unique_key='device_id', incremental_strategy='insert_overwrite') }}\nselect 1 as device_id",
    );
    expect(await compileError(root)).toMatch(
      /devices\.sql: incremental_strategy must be merge, delete\+insert or append/,
    );
    await writeFile(
      path,
      "{{ config(materialized='incremental', unique_key='device_id', incremental_strategy='append') }}\n" +
        "with final as (select 1 as device_id), touched as (select 1 as device_id)\n{{ output('final', scope='touched') }}",
    );
    expect(await compileError(root)).toMatch(
      /devices\.sql: output\(\) with a scope replaces the rows of its keys/,
    );
    await writeFile(path, "select * from {{ source('amplitude', 'cohorts') }}");
    expect(await compileError(root)).toMatch(
      /devices\.sql:1: source\('amplitude', 'cohorts'\) is not declared/,
    );
  });

  it("reports yml mistakes together, each with its file", async () => {
    const root = await projectCopy();
    await writeFile(join(root, "models/core/broken.yml"), "models:\n  - name: users\n    columns: [\n");
    await mkdir(join(root, "models/marts/more"), { recursive: true });
    await writeFile(
      join(root, "models/marts/more/extra.yml"),
      "models:\n  - name: nothing_here\n  - name: devices\n    columns:\n      - name: device_id\n        data_tests: [is_positive]\n",
    );
    const error = await readProject(root).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/models\/core\/broken\.yml:\d+: not valid YAML/);
    expect((error as Error).message).toContain(
      'models/marts/more/extra.yml: declares a model "nothing_here" that has no .sql file',
    );
    expect((error as Error).message).toContain(
      'models/marts/more/extra.yml: unknown test "is_positive" on device_id',
    );
  });
});
