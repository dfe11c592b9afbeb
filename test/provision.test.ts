import { generateKeyPairSync } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runProvision, type ProvisionCommandOptions } from "../src/cli/provision-command.ts";
import type { Output } from "../src/cli/output.ts";
import { ConfigurationError, SqlExecutionError } from "../src/errors.ts";
import type { SnowflakeObject } from "../src/snowflake/render.ts";
import { installCatalog, NOTIFICATION_CHANNEL, type FakeCatalog } from "./support/fake-snowflake-catalog.ts";
import { startFakeSnowflake, type FakeSnowflake } from "./support/fake-snowflake.ts";
import { testClock } from "./support/fake-snowflake-tasks.ts";
import { runCli } from "./support/cli.ts";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const GOLDEN = new URL("golden/provision-dry-run.sql", import.meta.url);

let fake: FakeSnowflake;
let catalog: FakeCatalog;
let work: string;
let project: string;

function env(): Record<string, string> {
  return {
    SNOWFLAKE_ACCOUNT: "TESTACCOUNT",
    SNOWFLAKE_USER: "PIPELINE",
    SNOWFLAKE_PRIVATE_KEY: PEM,
    SNOWFLAKE_ROLE: "AMPLITUDE_PIPELINE",
    SNOWFLAKE_WAREHOUSE: "AMPLITUDE_PIPELINE",
    SNOWFLAKE_DATABASE: "TESTDB",
    SNOWFLAKE_ACCESS_URL: fake.url,
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION: "true",
  };
}

function capture(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    isTTY: false,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    status: () => {},
  };
}

async function provision(options: Partial<ProvisionCommandOptions> = {}) {
  const output = capture();
  // Waits (a pipe's queue, a graph run in flight) pass on this clock, not the machine's.
  const clock = testClock(Date.parse("2025-11-06T09:00:00.000Z"));
  const plan = await runProvision(
    { lake: "s3://amplitude-lake/prod", out: join(work, "dry-run"), project, ...options },
    { env: env(), output, toolVersion: "test", sleep: clock.sleep, now: clock.now },
  );
  return { plan, output };
}

async function edit(path: string, change: (text: string) => string) {
  const file = join(project, path);
  const before = await readFile(file, "utf8");
  const after = change(before);
  expect(after).not.toBe(before);
  await writeFile(file, after);
}

beforeAll(async () => {
  fake = await startFakeSnowflake({
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
  });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "provision-"));
  project = join(work, "sql");
  await cp(new URL("../sql", import.meta.url), project, { recursive: true });
  fake.queries.length = 0;
  catalog = installCatalog(fake);
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("provision on an empty database", () => {
  it("creates every object in dependency order, records each in the change history, and starts the graph last", async () => {
    const { plan, output } = await provision();
    const ddl = catalog.ddl.map((sql) => sql.split("\n")[0]!);
    expect(ddl[0]).toBe("create schema if not exists pipeline");
    expect(ddl[1]).toBe("create table if not exists pipeline.change_history (");
    const position = (start: string) => ddl.findIndex((line) => line.startsWith(start));
    // Each object comes after what it reads.
    expect(position("create stage")).toBeGreaterThan(
      position("create or replace file format raw.amplitude_json_gz"),
    );
    expect(position("create pipe if not exists raw.amplitude_events_pipe")).toBeGreaterThan(
      position("create stage"),
    );
    expect(position("create pipe if not exists raw.amplitude_events_pipe")).toBeGreaterThan(
      position("create table if not exists raw.amplitude_events"),
    );
    expect(position("create stream")).toBeGreaterThan(
      position("create table if not exists raw.amplitude_events"),
    );
    expect(position("create or replace view raw.load_history")).toBeGreaterThan(
      position("create or replace view pipeline.captured_events"),
    );
    // The snapshot pipe after its table and the stage; load_history reads the snapshots table.
    expect(position("create pipe if not exists raw.amplitude_snapshots_pipe")).toBeGreaterThan(
      position("create table if not exists raw.amplitude_snapshots"),
    );
    expect(position("create pipe if not exists raw.amplitude_snapshots_pipe")).toBeGreaterThan(
      position("create stage"),
    );
    expect(position("create or replace view raw.load_history")).toBeGreaterThan(
      position("create table if not exists raw.amplitude_snapshots"),
    );
    expect(catalog.tables.get("RAW.AMPLITUDE_SNAPSHOTS")).toEqual([
      "object",
      "json_data",
      "source_file",
      "file_row_number",
      "loaded_at",
    ]);
    expect(catalog.pipes.get("RAW.AMPLITUDE_SNAPSHOTS_PIPE")?.definition).toMatch(
      /^copy into raw\.amplitude_snapshots \(object, json_data, source_file, file_row_number, loaded_at\)\n\s+from \(\n\s+select\n\s+split_part\(metadata\$filename, '\/', 2\),[\s\S]*from @raw\.amplitude_lake\/amplitude\/\n\s+\)\n\s+pattern = '\.\*\(event_types\|event_categories\|cohorts\|cohort_members\)\/app=\[0-9\]\+\/\.\+\[\.\]json\[\.\]gz'/,
    );
    expect(position("create or replace task pipeline.run_events")).toBeGreaterThan(
      position("create or replace task pipeline.run_stg_amplitude__events"),
    );
    expect(position("create or replace task pipeline.run_sessions")).toBeGreaterThan(
      position("create or replace task pipeline.run_events"),
    );
    expect(ddl.at(-2)).toBe("create or replace task pipeline.amplitude_finalizer");
    expect(ddl.at(-1)).toBe("select system$task_dependents_enable('pipeline.amplitude_root')");
    // Nothing to suspend on a first run: no root existed.
    expect(ddl.some((line) => line.includes("suspend"))).toBe(false);
    // Every task of the graph is started; one procedure and one task per model.
    expect([...catalog.tasks.values()].every((task) => task.state === "started")).toBe(true);
    expect(catalog.procedures.has("PIPELINE.BUILD_SESSIONS")).toBe(true);
    expect(catalog.tasks.get("PIPELINE.RUN_SESSIONS")?.predecessors).toEqual([
      "PIPELINE.RUN_EVENTS",
      "PIPELINE.RUN_STG_AMPLITUDE__EVENT_DELIVERIES",
    ]);
    expect(catalog.tasks.get("PIPELINE.AMPLITUDE_FINALIZER")?.finalize).toBe("PIPELINE.AMPLITUDE_ROOT");
    // One change-history row per object provision created (the integration is an admin's: only checked).
    const created = plan.changes.filter((change) => change.action === "create").length;
    expect(catalog.history).toHaveLength(created);
    expect(new Set(catalog.history.map((row) => row.object_name)).size).toBe(created);
    expect(output.lines.join("\n")).toContain(`Snowpipe listens on ${NOTIFICATION_CHANNEL}`);
    expect(output.lines.join("\n")).toMatch(
      /Plan: 77 to create, 0 to alter, 0 to replace, 0 to drop, 6 unchanged/,
    );
    // The plan came before any DDL, and the stage points at the lake root.
    expect(catalog.stages.get("RAW.AMPLITUDE_LAKE")).toBe("s3://amplitude-lake/prod/");
  });

  it("loads the seeds with bound multi-row inserts in one transaction before the graph resumes, and again only when a CSV changed", async () => {
    await provision();
    const domains = (await readFile(join(project, "seeds", "free_email_domains.csv"), "utf8"))
      .trim()
      .split("\n")
      .slice(1);
    expect(domains).toHaveLength(4462);
    expect(catalog.rows.get("SEEDS.FREE_EMAIL_DOMAINS")).toEqual(domains.map((domain) => [domain]));
    expect(catalog.seedStatements).toEqual([
      "create or replace table seeds.free_email_domains (domain varchar)",
    ]);
    const sent = fake.queries.map((q) => q.sql.split("\n")[0]!);
    const inserts = fake.queries.filter((q) => q.sql.startsWith("insert into seeds.free_email_domains"));
    expect(inserts.map((q) => Object.keys(q.binds ?? {}).length)).toEqual([1000, 1000, 1000, 1000, 462]);
    expect(inserts[0]!.sql).toMatch(
      /^insert into seeds\.free_email_domains \(domain\) values \(\?\), \(\?\), /,
    );
    // Loaded inside one transaction with its record, before the task graph is started.
    expect(catalog.transactions).toHaveLength(1);
    expect(catalog.transactions[0]!.map((sql) => sql.split(" (")[0]!.split(" values")[0])).toEqual([
      "begin",
      "create or replace table seeds.free_email_domains",
      ...inserts.map(() => "insert into seeds.free_email_domains"),
      "insert into raw.seed_loads",
      "commit",
    ]);
    expect(sent.findIndex((sql) => sql === "commit")).toBeLessThan(
      sent.findIndex((sql) => sql.startsWith("select system$task_dependents_enable")),
    );
    const [load] = catalog.rows.get("RAW.SEED_LOADS")!;
    expect(load!.slice(0, 2)).toEqual(["free_email_domains", "seeds/free_email_domains.csv"]);
    expect(load![3]).toBe("4462");

    // Nothing changed: nothing is loaded.
    fake.queries.length = 0;
    await provision();
    expect(fake.queries.some((q) => /^(insert into seeds|delete from seeds|begin)/.test(q.sql))).toBe(false);

    // A changed CSV is loaded again, into the table it has (its columns are the same).
    await writeFile(join(project, "seeds", "free_email_domains.csv"), "domain\ngmail.com\nyahoo.com\n");
    const { output } = await provision();
    expect(output.lines.join("\n")).toContain("Nothing to change");
    expect(catalog.rows.get("SEEDS.FREE_EMAIL_DOMAINS")).toEqual([["gmail.com"], ["yahoo.com"]]);
    expect(catalog.transactions.at(-1)!.map((sql) => sql.split(" (")[0]!.split(" values")[0])).toEqual([
      "begin",
      "delete from seeds.free_email_domains",
      "insert into seeds.free_email_domains",
      "insert into raw.seed_loads",
      "commit",
    ]);
    expect(catalog.rows.get("RAW.SEED_LOADS")).toHaveLength(2);
  });

  it("runs no DDL when nothing changed, and says so", async () => {
    await provision();
    const before = catalog.ddl.length;
    const historyRows = catalog.history.length;
    const { plan, output } = await provision();
    expect(catalog.ddl.length).toBe(before);
    expect(catalog.history.length).toBe(historyRows);
    expect(plan.statements).toEqual([]);
    expect(output.lines.join("\n")).toContain("Nothing to change");
    expect(output.lines.join("\n")).toMatch(
      /Plan: 0 to create, 0 to alter, 0 to replace, 0 to drop, 83 unchanged/,
    );
  });
});

describe("provision after a change", () => {
  beforeEach(async () => {
    await provision();
    catalog.ddl.length = 0;
  });

  it("replaces only the procedure of a model whose SQL changed, once the graph's run in flight has finished, and resumes the graph", async () => {
    await edit("models/core/sessions.sql", (sql) =>
      sql.replace(
        "count(*) as event_count,",
        "count(*) as event_count,\n        min(loaded_at) as first_loaded_at,",
      ),
    );
    // A graph run is executing: it would call the new procedure half-way.
    catalog.graphRuns.push({ id: "1762418000000", startedAt: catalog.serverMs, polls: 2 });
    const { plan } = await provision();
    expect(catalog.ddl.map((sql) => sql.split("\n")[0]!)).toEqual([
      "alter task pipeline.amplitude_root suspend",
      "create or replace procedure pipeline.build_sessions(full_refresh boolean)",
      "select system$task_dependents_enable('pipeline.amplitude_root')",
    ]);
    expect(catalog.changedDuringRun).toEqual([]);
    expect(catalog.graphRuns[0]!.polls).toBe(0);
    expect(plan.suspendsGraph).toBe(false);
    expect(plan.pausesRunningGraph).toBe(true);
    expect(catalog.tasks.get("PIPELINE.AMPLITUDE_ROOT")?.state).toBe("started");
  });

  it("names the run in flight and leaves the graph as it was when the run outlasts the wait", async () => {
    await edit("models/core/sessions.sql", (sql) =>
      sql.replace("count(*) as event_count,", "count(*) as n,"),
    );
    catalog.graphRuns.push({ id: "1762418000000", startedAt: catalog.serverMs, polls: 100_000 });
    const failed = provision();
    await expect(failed).rejects.toThrow(ConfigurationError);
    await expect(failed).rejects.toThrow(
      /run 1762418000000 \(started 2025-11-06T\S+\) was still executing 3600 s after pipeline\.amplitude_root was suspended: provision changed nothing[\s\S]*CURRENT_TASK_GRAPHS/,
    );
    expect(catalog.ddl.map((sql) => sql.split("\n")[0]!)).toEqual([
      "alter task pipeline.amplitude_root suspend",
      "select system$task_dependents_enable('pipeline.amplitude_root')",
    ]);
    expect(catalog.tasks.get("PIPELINE.AMPLITUDE_ROOT")?.state).toBe("started");
  });

  it("resumes the graph it suspended when a later statement fails", async () => {
    await edit("models/core/sessions.sql", (sql) =>
      sql.replace("count(*) as event_count,", "count(*) as n,"),
    );
    fake.on(/^create or replace procedure pipeline\.build_sessions\(/, () => ({
      code: "003001",
      sqlState: "42501",
      message: "SQL access control error: Insufficient privileges to operate on schema 'PIPELINE'",
    }));
    await expect(provision()).rejects.toThrow(SqlExecutionError);
    expect(catalog.ddl.map((sql) => sql.split("\n")[0]!)).toEqual([
      "alter task pipeline.amplitude_root suspend",
      "select system$task_dependents_enable('pipeline.amplitude_root')",
    ]);
    expect(catalog.tasks.get("PIPELINE.AMPLITUDE_ROOT")?.state).toBe("started");
  });

  it("suspends the root before a task changes, replaces that task and its descendants, then resumes the graph", async () => {
    // company_traffic now also reads sessions: its task runs after another task.
    await edit("models/marts/company_traffic.sql", (sql) => `-- reads {{ ref('sessions') }}\n${sql}`);
    await provision();
    const ddl = catalog.ddl.map((sql) => sql.split("\n")[0]!);
    expect(ddl).toEqual([
      "alter task pipeline.amplitude_root suspend",
      "create or replace procedure pipeline.build_company_traffic(full_refresh boolean)",
      "create or replace task pipeline.run_company_traffic",
      "select system$task_dependents_enable('pipeline.amplitude_root')",
    ]);
    expect(catalog.tasks.get("PIPELINE.RUN_COMPANY_TRAFFIC")?.predecessors).toContain(
      "PIPELINE.RUN_SESSIONS",
    );
    expect([...catalog.tasks.values()].every((task) => task.state === "started")).toBe(true);
    // No state-holding object was touched.
    expect(ddl.some((line) => /\b(table|stream|pipe|stage)\b/.test(line))).toBe(false);
  });

  it("is refused with 091421 when a task of a started graph is changed without suspending the root", async () => {
    const { SnowflakeWarehouse } = await import("../src/warehouse/snowflake.ts");
    const { snowflakeConfig } = await import("../src/warehouse/snowflake-config.ts");
    const warehouse = await SnowflakeWarehouse.open(snowflakeConfig(env()));
    try {
      await expect(
        warehouse.execute(
          "create or replace task pipeline.run_events\n    warehouse = x\n    after pipeline.run_stg_amplitude__events\n    as\n    call pipeline.build_events(false)",
        ),
      ).rejects.toThrow(/091421|not suspended/);
    } finally {
      await warehouse.close();
    }
  });

  it("brings an account provisioned before snapshots forward: the snapshot table and pipe are created, the two views replaced, nothing else", async () => {
    await provision();
    // The account as an earlier version left it: no snapshot table or pipe, the views of then.
    catalog.tables.delete("RAW.AMPLITUDE_SNAPSHOTS");
    catalog.pipes.delete("RAW.AMPLITUDE_SNAPSHOTS_PIPE");
    for (const row of catalog.history) {
      if (row.object_name === "raw.extract_windows" || row.object_name === "raw.load_history")
        row.checksum = "0".repeat(64);
    }
    catalog.ddl.length = 0;
    const { plan } = await provision();
    expect(catalog.ddl.map((sql) => sql.split("\n")[0])).toEqual([
      "alter task pipeline.amplitude_root suspend",
      "create table if not exists raw.amplitude_snapshots (",
      "create or replace view raw.extract_windows as",
      "create or replace view raw.load_history as",
      "create pipe if not exists raw.amplitude_snapshots_pipe",
      "select system$task_dependents_enable('pipeline.amplitude_root')",
    ]);
    expect(plan.refusals).toEqual([]);
    expect([...catalog.tasks.values()].every((task) => task.state === "started")).toBe(true);
  });

  it("adds a column a raw table lacks and never drops one", async () => {
    await edit("snowflake/table_amplitude_events.sql", (sql) =>
      sql.replace(
        "loaded_at timestamp_ntz not null",
        "loaded_at timestamp_ntz not null,\n    pipe_name varchar",
      ),
    );
    await provision();
    expect(catalog.ddl).toEqual([
      "alter task pipeline.amplitude_root suspend",
      "alter table raw.amplitude_events add column if not exists pipe_name varchar",
      // The view over raw's columns is made again, so that it has the new one.
      expect.stringMatching(/^create or replace view pipeline\.captured_events/),
      "select system$task_dependents_enable('pipeline.amplitude_root')",
    ]);
    expect(catalog.tables.get("RAW.AMPLITUDE_EVENTS")).toEqual([
      "json_data",
      "source_file",
      "file_row_number",
      "loaded_at",
      "pipe_name",
    ]);
    // A column the template dropped stays in the table.
    await edit("snowflake/table_amplitude_events.sql", (sql) => sql.replace(",\n    pipe_name varchar", ""));
    catalog.ddl.length = 0;
    const { plan } = await provision();
    expect(catalog.ddl.filter((sql) => /table/.test(sql.split("\n")[0]!))).toEqual([]);
    expect(catalog.tables.get("RAW.AMPLITUDE_EVENTS")).toContain("pipe_name");
    expect(plan.changes.find((c) => c.object.name === "raw.amplitude_events")?.detail).toMatch(
      /keeps column\(s\).*pipe_name/,
    );
  });

  it("refuses to replace a pipe whose COPY changed, naming the steps, until --allow-replace says so", async () => {
    await edit("snowflake/pipe_events.sql", (sql) =>
      sql.replace("on_error = continue", "on_error = skip_file"),
    );
    const refused = provision();
    await expect(refused).rejects.toThrow(ConfigurationError);
    await expect(refused).rejects.toThrow(
      /raw\.amplitude_events_pipe: its COPY statement changed[\s\S]*--allow-replace=raw\.amplitude_events_pipe[\s\S]*ALTER PIPE|alter pipe raw\.amplitude_events_pipe set pipe_execution_paused = true/,
    );
    expect(catalog.ddl).toEqual([]);

    // The first two looks are provision reading the account (the refused run, then this one); then the
    // queue drains 3, 1, 0 while the pipe runs.
    catalog.pipePending = [0, 0, 3, 1, 0];
    fake.queries.length = 0;
    // Snowflake's clock is two minutes behind this machine's (the test clock says 09:00).
    catalog.serverMs = Date.parse("2025-11-06T08:58:00.000Z");
    await provision({ allowReplace: ["raw.amplitude_events_pipe"] });
    const ddl = catalog.ddl.map((sql) => sql.split("\n")[0]!);
    expect(ddl).toEqual([
      "alter pipe raw.amplitude_events_pipe set pipe_execution_paused = true",
      "create or replace pipe raw.amplitude_events_pipe",
      "alter pipe raw.amplitude_events_pipe set pipe_execution_paused = false",
      expect.stringMatching(
        /^alter pipe raw\.amplitude_events_pipe refresh modified_after = '2025-11-06T08:58:\d\d\+00:00'$/,
      ),
    ]);
    // It waited, the pipe running, until no file was pending, paused it, and checked it again.
    const statuses = fake.queries.filter((q) =>
      /system\$pipe_status\('raw\.amplitude_events_pipe'\)/i.test(q.sql),
    );
    expect(statuses.length).toBe(1 + 4);
    expect(catalog.pipes.get("RAW.AMPLITUDE_EVENTS_PIPE")?.definition).toContain("on_error = skip_file");
    expect(catalog.pipes.get("RAW.AMPLITUDE_EVENTS_PIPE")?.paused).toBe(false);
    // The stream and the raw table were not touched.
    expect(ddl.some((line) => /stream|table/.test(line))).toBe(false);
  });

  it("refuses a stream whose source changed", async () => {
    await edit("snowflake/stream_events.sql", (sql) =>
      sql.replace("on table raw.amplitude_events", "on table raw.lake_manifests"),
    );
    await expect(provision()).rejects.toThrow(
      /raw\.amplitude_events_stream: its source changed.*resets its offset/,
    );
    expect(catalog.ddl).toEqual([]);
  });

  it("drains a pipe while it runs, then pauses it, although files keep queueing while it is paused", async () => {
    await edit("snowflake/pipe_events.sql", (sql) =>
      sql.replace("on_error = continue", "on_error = skip_file"),
    );
    // Two files queued, loaded while the pipe runs; after the pause, a new file is queued at every look.
    catalog.pipePending = [0, 2, 0];
    catalog.pipeArrivals = 1;
    await provision({ allowReplace: ["raw.amplitude_events_pipe"] });
    // Provision's reading of the account, two looks while it runs, one once paused.
    const states = fake.queries.filter((q) =>
      /system\$pipe_status\('raw\.amplitude_events_pipe'\)/i.test(q.sql),
    );
    expect(states).toHaveLength(1 + 3);
    expect(catalog.ddl.map((sql) => sql.split("\n")[0]!)).toEqual([
      "alter pipe raw.amplitude_events_pipe set pipe_execution_paused = true",
      "create or replace pipe raw.amplitude_events_pipe",
      "alter pipe raw.amplitude_events_pipe set pipe_execution_paused = false",
      expect.stringMatching(
        /^alter pipe raw\.amplitude_events_pipe refresh modified_after = '2025-11-06T08:\d\d:\d\d\+00:00'$/,
      ),
    ]);
    expect(catalog.pipes.get("RAW.AMPLITUDE_EVENTS_PIPE")).toMatchObject({ paused: false });
    expect(catalog.pipes.get("RAW.AMPLITUDE_EVENTS_PIPE")?.definition).toContain("on_error = skip_file");
  });

  it("replaces nothing and leaves the pipe running when its queue does not drain in time", async () => {
    await edit("snowflake/pipe_events.sql", (sql) =>
      sql.replace("on_error = continue", "on_error = skip_file"),
    );
    catalog.pipePending = [4];
    await expect(provision({ allowReplace: ["raw.amplitude_events_pipe"] })).rejects.toThrow(
      /raw\.amplitude_events_pipe still had 4 file\(s\) queued after 600 s: nothing was replaced and the pipe keeps running. Run provision --allow-replace=raw\.amplitude_events_pipe again/,
    );
    expect(catalog.ddl).toEqual([]);
    expect(catalog.pipes.get("RAW.AMPLITUDE_EVENTS_PIPE")).toMatchObject({ paused: false });
    expect(catalog.pipes.get("RAW.AMPLITUDE_EVENTS_PIPE")?.definition).toContain("on_error = continue");
  });

  it("treats a new lake URL as a replacement of every pipe on the stage: refused, then done the documented way", async () => {
    const pipes = ["raw.amplitude_events_pipe", "raw.lake_manifests_pipe", "raw.amplitude_snapshots_pipe"];
    const refused = provision({ lake: "s3://amplitude-lake/v2" });
    await expect(refused).rejects.toThrow(ConfigurationError);
    await expect(refused).rejects.toThrow(
      new RegExp(
        "raw\\.amplitude_lake: its URL changed from s3://amplitude-lake/prod/ to s3://amplitude-lake/v2/[\\s\\S]*" +
          `STOPPED_STAGE_ALTERED[\\s\\S]*--allow-replace=${pipes.join(",").replaceAll(".", "\\.")}`,
      ),
    );
    expect(catalog.ddl).toEqual([]);
    expect(catalog.stages.get("RAW.AMPLITUDE_LAKE")).toBe("s3://amplitude-lake/prod/");

    await provision({ lake: "s3://amplitude-lake/v2", allowReplace: pipes });
    const ddl = catalog.ddl.map((sql) =>
      sql.split("\n")[0]!.replace(/'2025-11-06T08:\d\d:\d\d\+00:00'/, "<t>"),
    );
    expect(ddl).toEqual([
      ...pipes.map((pipe) => `alter pipe ${pipe} set pipe_execution_paused = true`),
      "alter stage raw.amplitude_lake set url = 's3://amplitude-lake/v2/' storage_integration = amplitude_pipeline_s3",
      ...pipes.flatMap((pipe) => [
        `create or replace pipe ${pipe}`,
        `alter pipe ${pipe} set pipe_execution_paused = false`,
        `alter pipe ${pipe} refresh modified_after = <t>`,
      ]),
    ]);
    expect(catalog.stages.get("RAW.AMPLITUDE_LAKE")).toBe("s3://amplitude-lake/v2/");
    // Every pipe runs on the new URL; none is left STOPPED_STAGE_ALTERED.
    for (const pipe of catalog.pipes.values()) {
      expect(pipe.paused).toBe(false);
      expect(pipe.stopped).toBeUndefined();
    }
    catalog.ddl.length = 0;
    expect((await provision({ lake: "s3://amplitude-lake/v2" })).plan.statements).toEqual([]);
  });

  it("recreates a pipe its stage's new URL stopped, refreshing from the last file it loaded", async () => {
    // As a URL altered in place (by hand, or by an earlier version of provision) leaves it.
    const events = catalog.pipes.get("RAW.AMPLITUDE_EVENTS_PIPE")!;
    events.stopped = "STOPPED_STAGE_ALTERED";
    events.lastIngested = Date.parse("2025-11-05T23:10:00.000Z");
    await expect(provision()).rejects.toThrow(
      /raw\.amplitude_events_pipe is STOPPED_STAGE_ALTERED \(SYSTEM\$PIPE_STATUS\)[\s\S]*--allow-replace=raw\.amplitude_events_pipe/,
    );
    expect(catalog.ddl).toEqual([]);
    await provision({ allowReplace: ["raw.amplitude_events_pipe"] });
    expect(catalog.ddl.map((sql) => sql.split("\n")[0]!)).toEqual([
      "create or replace pipe raw.amplitude_events_pipe",
      "alter pipe raw.amplitude_events_pipe set pipe_execution_paused = false",
      "alter pipe raw.amplitude_events_pipe refresh modified_after = '2025-11-05T23:10:00.000Z'",
    ]);
    expect(catalog.pipes.get("RAW.AMPLITUDE_EVENTS_PIPE")?.stopped).toBeUndefined();
  });

  it("refuses a stale stream, naming how to recreate it, and recreates it with --allow-replace", async () => {
    catalog.staleStreams.add("RAW.AMPLITUDE_EVENTS_STREAM");
    const refused = provision();
    await expect(refused).rejects.toThrow(ConfigurationError);
    await expect(refused).rejects.toThrow(
      /raw\.amplitude_events_stream is stale \(SHOW STREAMS\)[\s\S]*--allow-replace=raw\.amplitude_events_stream[\s\S]*create or replace stream raw\.amplitude_events_stream/,
    );
    expect(catalog.ddl).toEqual([]);
    await provision({ allowReplace: ["raw.amplitude_events_stream"] });
    expect(catalog.ddl.map((sql) => sql.split("\n")[0]!)).toEqual([
      "create or replace stream raw.amplitude_events_stream",
    ]);
    expect(catalog.staleStreams.size).toBe(0);
  });

  it("prints the plan and stops with --plan", async () => {
    await edit("snowflake/view_extract_windows.sql", (sql) =>
      sql.replace("as recorded_at", "as recorded_at,\n    1 as marker"),
    );
    const { output } = await provision({ plan: true });
    expect(catalog.ddl).toEqual([]);
    expect(output.lines.join("\n")).toMatch(/replace\s+view\s+raw\.extract_windows\s+definition changed/);
    // The view under the root suspended (and the run in flight waited for), then the graph resumed.
    expect(output.lines.join("\n")).toContain("Plan only (--plan): 4 statement(s) would run");
  });
});

describe("the fake Snowflake's catalog", () => {
  it("refuses a file format, stage, pipe, stream or view outside its documented syntax", async () => {
    const { SnowflakeWarehouse } = await import("../src/warehouse/snowflake.ts");
    const { snowflakeConfig } = await import("../src/warehouse/snowflake-config.ts");
    const warehouse = await SnowflakeWarehouse.open(snowflakeConfig(env()));
    try {
      for (const sql of [
        // FILE_FORMAT takes ( FORMAT_NAME = '…' ), not a bare name.
        "create stage if not exists raw.amplitude_lake\n    url = 's3://amplitude-lake/'\n    file_format = raw.amplitude_json_gz",
        "create or replace file format raw.f\n    compression = gzip",
        "create pipe if not exists raw.p\n    auto_ingest = true\n    as\n    copy into raw.t from @raw.amplitude_lake",
        "create stream if not exists raw.s\n    on table raw.t\n    append_only = yes",
        "create or replace view raw.v\n    select 1",
        "alter pipe raw.p refresh modified_after = 'yesterday'",
      ]) {
        await expect(warehouse.execute(sql), sql).rejects.toThrow(/001003|syntax error/);
      }
      expect(catalog.ddl).toEqual([]);
    } finally {
      await warehouse.close();
    }
  });

  it("stops the auto-ingest pipes on a stage whose URL changes", async () => {
    await provision();
    const { SnowflakeWarehouse } = await import("../src/warehouse/snowflake.ts");
    const { snowflakeConfig } = await import("../src/warehouse/snowflake-config.ts");
    const warehouse = await SnowflakeWarehouse.open(snowflakeConfig(env()));
    try {
      await warehouse.execute(
        "alter stage raw.amplitude_lake set url = 's3://amplitude-lake/elsewhere/' storage_integration = amplitude_pipeline_s3",
      );
      const [row] = await warehouse.query("select system$pipe_status('raw.lake_manifests_pipe')");
      expect(JSON.parse(String(Object.values(row!)[0]))).toMatchObject({
        executionState: "STOPPED_STAGE_ALTERED",
      });
    } finally {
      await warehouse.close();
    }
  });
});

describe("provision refuses what it cannot do safely", () => {
  it("names the missing storage integration and the SQL an admin runs", async () => {
    catalog.integrations.clear();
    await expect(provision()).rejects.toThrow(
      /storage integration amplitude_pipeline_s3 does not exist[\s\S]*CREATE STORAGE INTEGRATION/,
    );
    expect(catalog.ddl).toEqual([]);
  });

  it("creates the integration with --create-integration and an IAM role", async () => {
    catalog.integrations.clear();
    await provision({
      createIntegration: true,
      awsRoleArn: "arn:aws:iam::123456789012:role/snowflake-amplitude",
    });
    expect(
      catalog.ddl.some((sql) =>
        sql.startsWith("create storage integration if not exists amplitude_pipeline_s3"),
      ),
    ).toBe(true);
  });

  it("exits 2 through the CLI with a refusal, and 0 with the figures of a first run", async () => {
    catalog.integrations.clear();
    const refused = await runCli(["provision", "--lake", "s3://amplitude-lake/prod", "--project", project], {
      env: env(),
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("storage integration amplitude_pipeline_s3 does not exist");
    expect(refused.stderr).not.toContain(PEM.slice(40, 80));
    expect(catalog.ddl).toEqual([]);

    catalog.integrations.add("AMPLITUDE_PIPELINE_S3");
    const first = await runCli(
      ["provision", "--lake", "s3://amplitude-lake/prod", "--project", project, "--json"],
      {
        env: env(),
      },
    );
    expect(first.code).toBe(0);
    expect(first.json()).toEqual({
      create: 77,
      alter: 0,
      replace: 0,
      drop: 0,
      unchanged: 6,
      refused: 0,
      statements: 78,
    });
    expect(first.stderr).toContain("create  task");
  });
});

describe("provision when a statement fails", () => {
  it("stops at it with the object, query id and state, keeps what was applied, and the next run goes on from there", async () => {
    let refuse = true;
    fake.on(/^create pipe if not exists raw\.amplitude_events_pipe/, (query) =>
      refuse
        ? {
            code: "003001",
            sqlState: "42501",
            message: "SQL access control error: Insufficient privileges to operate on schema 'RAW'",
          }
        : catalog.answer(query),
    );
    const failed = provision();
    await expect(failed).rejects.toThrow(SqlExecutionError);
    await expect(failed).rejects.toThrow(
      /create pipe if not exists raw\.amplitude_events_pipe.*003001.*Insufficient privileges.*query id/,
    );
    const applied = catalog.history.map((row) => row.object_name);
    expect(applied).toContain("raw.amplitude_events");
    expect(applied).not.toContain("raw.amplitude_events_pipe");
    expect(catalog.tasks.size).toBe(0);

    refuse = false;
    catalog.ddl.length = 0;
    const { plan } = await provision();
    // Only what the failed run did not apply runs now.
    expect(catalog.ddl[0]).toMatch(/^create pipe if not exists raw\.amplitude_events_pipe/);
    expect(catalog.ddl.some((sql) => sql.startsWith("create table if not exists raw.amplitude_events"))).toBe(
      false,
    );
    expect(plan.changes.filter((change) => change.action === "create").length).toBeLessThan(72);
    expect([...catalog.tasks.values()].every((task) => task.state === "started")).toBe(true);
  });
});

describe("provision masks personal columns", () => {
  // Model tables as the task graph's procedures build them (the fake runs no procedure body).
  function buildModelTables() {
    catalog.tables.set("STAGING.STG_AMPLITUDE__EVENTS", ["uuid", "user_id", "user_properties", "event_type"]);
    catalog.columnTypes.set("STAGING.STG_AMPLITUDE__EVENTS.USER_PROPERTIES", "VARIANT");
    catalog.tables.set("CORE.USERS", ["amplitude_id", "user_id", "first_seen_at"]);
    catalog.tables.set("CORE.EVENTS", ["uuid", "amplitude_id", "user_id"]);
    catalog.tables.set("MARTS.COMPANY_TRAFFIC", ["amplitude_id", "email_domain", "suspected_company"]);
    catalog.tables.set("RESTRICTED.LOCATIONS", ["uuid", "ip_address", "city"]);
  }

  it("creates the policies, sets them on exactly the marked columns of the tables that exist, once", async () => {
    const { plan: first } = await provision();
    expect([...catalog.maskingPolicies.keys()]).toEqual([
      "PIPELINE.MASK_PII_STRING",
      "PIPELINE.MASK_PII_VARIANT",
    ]);
    expect(catalog.maskingPolicies.get("PIPELINE.MASK_PII_STRING")).toBe(
      "case\n        when invoker_role() = 'AMPLITUDE_PIPELINE' then value\n        else '***MASKED***'\n    end",
    );
    // No model table yet: their procedures set the policies when they create them.
    expect(catalog.columnPolicies.size).toBe(0);
    const procedure = (model: string) =>
      (
        first.changes.find((change) => change.object.name === `pipeline.build_${model}`)!
          .object as SnowflakeObject
      ).statement;
    expect(procedure("users")).toMatch(
      /create or replace table core\.users as[\s\S]*?;\n\s+declare\n\s+policy varchar;\n\s+begin\n[\s\S]*?table_name = 'USERS' and column_name = 'USER_ID';\n\s+execute immediate 'alter table core\.users modify column user_id set masking policy ' \|\| policy;\n\s+end;\n\s+return 'rebuilt';/,
    );
    expect(procedure("users")).toContain(
      "alter table core.users__increment modify column user_id set masking policy",
    );
    for (const model of ["company_traffic", "sessions", "locations"]) {
      expect(procedure(model)).not.toContain("masking policy");
    }

    // Once the graph built them, provision sets the policies on the tables that have no record of it.
    buildModelTables();
    catalog.ddl.length = 0;
    const { plan } = await provision();
    expect(catalog.ddl.filter((sql) => sql.includes("masking policy"))).toEqual([
      "alter table staging.stg_amplitude__events modify column user_id set masking policy pipeline.mask_pii_string force",
      "alter table staging.stg_amplitude__events modify column user_properties set masking policy pipeline.mask_pii_variant force",
      "alter table core.events modify column user_id set masking policy pipeline.mask_pii_string force",
      "alter table core.users modify column user_id set masking policy pipeline.mask_pii_string force",
    ]);
    expect(Object.fromEntries(catalog.columnPolicies)).toEqual({
      "STAGING.STG_AMPLITUDE__EVENTS.USER_ID": "PIPELINE.MASK_PII_STRING",
      "STAGING.STG_AMPLITUDE__EVENTS.USER_PROPERTIES": "PIPELINE.MASK_PII_VARIANT",
      "CORE.EVENTS.USER_ID": "PIPELINE.MASK_PII_STRING",
      "CORE.USERS.USER_ID": "PIPELINE.MASK_PII_STRING",
    });
    expect(
      plan.changes.filter((change) => change.object.kind === "column masking" && change.action === "alter"),
    ).toHaveLength(3);
    // Recorded: the next run sets nothing again.
    catalog.ddl.length = 0;
    expect((await provision()).plan.statements).toEqual([]);
    expect(catalog.ddl).toEqual([]);
  });

  it("lets SNOWFLAKE_PII_ROLE read personal data by altering the policies' body, never replacing them", async () => {
    await provision();
    catalog.ddl.length = 0;
    const output = capture();
    await runProvision(
      { lake: "s3://amplitude-lake/prod", out: join(work, "dry-run"), project },
      { env: { ...env(), SNOWFLAKE_PII_ROLE: "privacy_analyst" }, output, toolVersion: "test" },
    );
    expect(catalog.ddl).toEqual([
      expect.stringMatching(/^alter masking policy pipeline\.mask_pii_string set body ->\n/),
      expect.stringMatching(/^alter masking policy pipeline\.mask_pii_variant set body ->\n/),
    ]);
    expect(catalog.maskingPolicies.get("PIPELINE.MASK_PII_VARIANT")).toBe(
      "case\n        when invoker_role() = 'AMPLITUDE_PIPELINE' then value\n" +
        "        when is_role_in_session('PRIVACY_ANALYST') then value\n        else to_variant('***MASKED***')\n    end",
    );
  });

  it("lets the session's role read personal data when SNOWFLAKE_ROLE is unset", async () => {
    const { SNOWFLAKE_ROLE: _role, ...withoutRole } = env();
    const output = capture();
    await runProvision(
      { lake: "s3://amplitude-lake/prod", out: join(work, "dry-run"), project },
      { env: withoutRole, output, toolVersion: "test", sleep: async () => {} },
    );
    // The fake signs a user in with PUBLIC when no role is named (the user's default role).
    expect(catalog.maskingPolicies.get("PIPELINE.MASK_PII_STRING")).toContain(
      "when invoker_role() = 'PUBLIC' then value",
    );
  });

  it("names SNOWFLAKE_MASKING=off when the account has no masking policies, and runs without them when told", async () => {
    // Below Enterprise Edition Snowflake refuses masking policies; the message here is illustrative:
    // provision reacts to any refusal of a masking statement the same way.
    fake.on(/^create masking policy/, () => ({
      code: "002002",
      sqlState: "0A000",
      message: "SQL compilation error: Unsupported feature 'MASKING POLICY'.",
    }));
    const refused = provision();
    await expect(refused).rejects.toThrow(ConfigurationError);
    await expect(refused).rejects.toThrow(/Enterprise Edition[\s\S]*set SNOWFLAKE_MASKING=off/);
    expect(catalog.tasks.size).toBe(0);

    const output = capture();
    const plan = await runProvision(
      { lake: "s3://amplitude-lake/prod", out: join(work, "dry-run"), project },
      { env: { ...env(), SNOWFLAKE_MASKING: "off" }, output, toolVersion: "test" },
    );
    expect(plan.statements.some((sql) => /masking policy/.test(sql))).toBe(false);
    expect(catalog.maskingPolicies.size).toBe(0);
    expect(output.errors.join("\n")).toMatch(
      /warning: SNOWFLAKE_MASKING=off: personal columns .* are not masked/,
    );
    expect([...catalog.tasks.values()].every((task) => task.state === "started")).toBe(true);

    await expect(
      runProvision(
        { lake: "s3://amplitude-lake/prod", out: join(work, "dry-run"), project },
        { env: { ...env(), SNOWFLAKE_MASKING: "maybe" }, output, toolVersion: "test" },
      ),
    ).rejects.toThrow(/SNOWFLAKE_MASKING "maybe" is neither on nor off/);
  });
});

describe("provision --dry-run", () => {
  it("writes the default configuration's statements in order, as checked in", async () => {
    const out = join(work, "dry-run");
    const output = capture();
    await runProvision({ dryRun: true, out, project: "sql" }, { env: {}, output, toolVersion: "test" });
    const files = (await readdir(out)).sort();
    expect(files[0]).toBe("001_schema_pipeline.sql");
    expect(files.at(-1)).toMatch(/_resume_task_graph\.sql$/);
    const text = (await Promise.all(files.map((file) => readFile(join(out, file), "utf8")))).join("\n");
    if (process.env.UPDATE_GOLDEN === "1") await writeFile(GOLDEN, text);
    expect(text).toBe(await readFile(GOLDEN, "utf8"));
    expect(fake.queries).toHaveLength(0);
    // Snowflake truncates a statement over 1 MB before it keeps it, and cannot rerun it
    // (https://docs.snowflake.com/en/user-guide/query-size-limits): the finalizer's procedure holds two
    // forms of every test and is the largest; keep every statement well under that.
    const sizes = await Promise.all(files.map(async (file) => (await readFile(join(out, file))).length));
    expect(Math.max(...sizes)).toBeLessThan(512 * 1024);
  });

  it("renders the finalizer's whole-pass schedule from --full-tests-every", async () => {
    const out = join(work, "dry-run-every");
    await runProvision(
      { dryRun: true, out, project: "sql", fullTestsEvery: 6 },
      { env: {}, output: capture(), toolVersion: "test" },
    );
    const file = (await readdir(out)).find((name) =>
      name.endsWith("_procedure_pipeline.run_data_tests.sql"),
    )!;
    const procedure = await readFile(join(out, file), "utf8");
    expect(procedure).toContain("and started_at > dateadd('hour', -6, :pass_started);");
    expect(procedure).toContain("select :run_id, iff(:whole, 'whole', 'increment'), 6, :pass_started;");
  });
});
