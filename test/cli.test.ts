import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readProject } from "../src/models/project.ts";
import { runCli } from "./support/cli.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { simulator } from "./support/simulator.ts";

/** Every model the shipped project holds: the CLI builds them all. */
const MODELS = (await readProject("sql")).models.size;

const simEnv = (sim: { url: string; apiKey: string; secretKey: string }) => ({
  AMPLITUDE_API_URL: sim.url,
  AMP_API_KEY: sim.apiKey,
  AMP_SECRET_KEY: sim.secretKey,
});

describe("the amplitude-pipeline CLI", () => {
  it.each([[[]], [["--help"]], [["extract", "--help"]], [["demo", "--help"]], [["simulator", "--help"]]])(
    "prints help for %j",
    async (args) => {
      const result = await runCli(args);
      expect(result.stdout + result.stderr).toMatch(/Usage: amplitude-pipeline/);
      // Bare invocation is a usage error; asking for help is not.
      expect(result.code).toBe(args.length === 0 ? 2 : 0);
    },
  );

  it("documents the environment and exit codes in extract's help", async () => {
    const { stdout } = await runCli(["extract", "--help"]);
    expect(stdout).toMatch(/AMP_API_KEY, AMP_SECRET_KEY, AMPLITUDE_REGION/);
    expect(stdout).toMatch(/--start <hour>/);
    expect(stdout).toMatch(/Exit codes: 0 done, 1 .*, 2 usage or configuration error/);
  });

  it("exits 2 on an unknown command or option", async () => {
    expect((await runCli(["launch"])).code).toBe(2);
    const result = await runCli(["extract", "--start", "2025-11-04", "--frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it("exits 2 naming the option when an hour is malformed", async () => {
    const result = await runCli(["extract", "--start", "04/11/2025"], {
      env: { AMP_API_KEY: "k", AMP_SECRET_KEY: "s" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--start "04\/11\/2025" is not an hour: use YYYY-MM-DD, YYYY-MM-DDTHH or YYYYMMDDTHH/,
    );
  });

  it("exits 2 naming the missing variables", async () => {
    const result = await runCli(["extract", "--start", "2025-11-04", "--end", "2025-11-04"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/AMP_API_KEY and AMP_SECRET_KEY are not set/);
  });

  it("exits 2 on a concurrency above Amplitude's limit", async () => {
    const result = await runCli(["extract", "--start", "2025-11-04", "--concurrency", "9"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--concurrency.*from 1 to 5/);
  });

  it("exits 2 with the credentials hint when Amplitude refuses the keys", async () => {
    const sim = await simulator();
    const result = await runCli(
      ["extract", "--start", "2025-11-04", "--end", "2025-11-04", "--out", await tempDir()],
      {
        env: { ...simEnv(sim), AMP_SECRET_KEY: "not-the-secret" },
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /configuration error: Amplitude refused the credentials .*AMPLITUDE_REGION/,
    );
    expect(result.stderr).not.toMatch(/not-the-secret/);
  });

  it("extracts with --json: the last stdout line holds the figures the simulator served", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const result = await runCli(
      ["extract", "--start", "20251104T00", "--end", "2025-11-05T23", "--out", out, "--json"],
      { env: simEnv(sim) },
    );
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({
      windows: 2,
      files: sim.served.files,
      events: sim.served.events,
      bytes: sim.served.bytes,
      rejected: 0,
      failed_hours: [],
      watermark: "2025-11-06T00",
      // --objects defaults to all: taxonomy and cohorts are taken as snapshots too.
      snapshots: {
        written: 3 + sim.objects.cohortIds.length,
        unchanged: 0,
        failed: 0,
        records: expect.any(Number),
      },
      skipped: [],
    });
    expect(Object.keys(result.json()).slice(0, 5)).toEqual([
      "windows",
      "files",
      "events",
      "bytes",
      "rejected",
    ]);
    expect(result.stderr).toMatch(/window 2025-11-04T00_2025-11-04T23: 23 files/);
    expect(await readdir(join(out, "187520"))).toEqual([
      "2025-11-04T00_2025-11-04T23",
      "2025-11-05T00_2025-11-05T23",
      "_objects",
    ]);
  });

  it("counts rejected lines in the figures", async () => {
    const sim = await simulator({ faults: { badLinesPerMember: 2 } });
    const result = await runCli(
      ["extract", "--start", "2025-11-04T10", "--end", "2025-11-04T11", "--out", await tempDir(), "--json"],
      { env: simEnv(sim) },
    );
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ files: 2, rejected: 4, events: sim.served.events });
  });

  it("exits 1 naming the hour and the remedy when an hour cannot be exported, keeping the rest", async () => {
    const sim = await simulator({
      faults: { failingHours: [Date.parse("2025-11-04T05:00:00Z") / 3_600_000] },
    });
    const out = await tempDir();
    const result = await runCli(
      ["extract", "--start", "2025-11-04", "--end", "2025-11-04", "--out", out, "--json"],
      {
        env: simEnv(sim),
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error: hour 2025-11-04T05 could not be exported: .*HTTP 504.*Remedy: re-run/,
    );
    expect(result.json()).toMatchObject({ files: 22 });
    // The event files; the object snapshots sit apart, under _objects/.
    expect(
      (await listFiles(out)).filter((f) => f.endsWith(".json.gz") && !f.includes("_objects")),
    ).toHaveLength(22);
  });

  it("reads the keys from .env in the working directory", async () => {
    const sim = await simulator();
    const cwd = await tempDir();
    await writeFile(
      join(cwd, ".env"),
      `AMP_API_KEY=${sim.apiKey}\nAMP_SECRET_KEY=${sim.secretKey}\nAMPLITUDE_API_URL=${sim.url}\n`,
    );
    const result = await runCli(["extract", "--start", "2025-11-04T10", "--end", "2025-11-04T10", "--json"], {
      cwd,
    });
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ windows: 1, files: 1 });
    expect(await readdir(join(cwd, "data", "exports", "187520"))).toEqual([
      "2025-11-04T10_2025-11-04T10",
      "_objects",
    ]);
  });

  it("exits 2 on an unknown region", async () => {
    const result = await runCli(["extract", "--start", "2025-11-04"], {
      env: { AMP_API_KEY: "k", AMP_SECRET_KEY: "s", AMPLITUDE_REGION: "apac" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/AMPLITUDE_REGION must be "us" or "eu"/);
  });
});

describe("the warehouse commands", () => {
  it("runs extract -> upload -> load -> transform, and a second run of the same hours changes no table", async () => {
    const sim = await simulator();
    const cwd = await tempDir();
    const args = ["run", "--start", "2025-11-04T08", "--end", "2025-11-04T11", "--json"];
    const first = await runCli(args, { cwd, env: simEnv(sim) });
    // The report shares stderr with --json (its tests table has an "error" severity column): no error line.
    expect(first.stderr).not.toMatch(/^(error|ERROR|FAIL)\b/m);
    expect(first.code).toBe(0);
    const figures = first.json<Record<string, number>>();
    expect(figures).toMatchObject({ models: MODELS, tests_failed: 0, events: sim.served.events });
    expect(first.stderr).toMatch(/== extract[\s\S]*== upload[\s\S]*== load[\s\S]*== transform/);
    expect(first.stderr).toMatch(/core\.events +incremental|core\.events +\S+ +[\d,]+/);

    const second = await runCli(args, { cwd, env: simEnv(sim) });
    expect(second.code).toBe(0);
    // 4 event files, and the object snapshots the first run took (the second found them unchanged).
    const snapshots = 3 + sim.objects.cohortIds.length;
    expect(second.json()).toHaveProperty("events");
    expect(second.stderr).toMatch(new RegExp(`Uploaded 0 file\\(s\\).* ${4 + snapshots} already there`));
    expect(second.stderr).toMatch(/Loaded 0 file\(s\), 0 rows/);
    const rows = (report: string) =>
      report
        .split("\n")
        .filter((line) => /^(staging|core|marts|restricted)\.\w+ /.test(line))
        .map((line) => {
          // model, materialized and rows: the build column says full on the first run, increment on the second.
          const [model, materialized, , rows] = line.split(/\s{2,}/);
          return [model, materialized, rows].join(" ");
        });
    expect(rows(second.stderr)).toEqual(rows(first.stderr));
  });

  it("compiles for Snowflake into target/compiled without a warehouse", async () => {
    const cwd = await tempDir();
    const result = await runCli(["compile", "--target", "snowflake"], { cwd });
    expect(result.code).toBe(0);
    const files = await listFiles(join(cwd, "target", "compiled", "snowflake"));
    expect(files).toContain("models/core/events.sql");
    expect(files).toContain("models/core/events.incremental.sql");
    expect(files).toContain("models/core/sessions.scope.sql");
    expect(files).not.toContain("models/core/events.scope.sql");
    expect(files).toContain("tests/core_events_match_raw_uuids.sql");
    expect(files).toContain("tests/unique_events__uuid.sql");
    const { readFile } = await import("node:fs/promises");
    const sql = await readFile(
      join(cwd, "target/compiled/snowflake/models/staging/amplitude/stg_amplitude__events.sql"),
      "utf8",
    );
    expect(sql).toContain(`strip_null_value(record:"uuid")::varchar as uuid`);
    const scope = await readFile(
      join(cwd, "target/compiled/snowflake/models/core/sessions.scope.sql"),
      "utf8",
    );
    expect(scope).toMatch(/select distinct amplitude_id, session_id from touched\s*$/);
  });

  it("exits 2 when transform finds no warehouse, and 2 on a selection naming no model", async () => {
    const cwd = await tempDir();
    const missing = await runCli(["transform"], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/there is no warehouse at .*data\/warehouse\.duckdb: run `load` first/);
    const unknown = await runCli(["compile", "--select", "+sesions"], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--select \+sesions: there is no model sesions/);
  });

  it("exits 1 when an error-severity test fails, after building every model", async () => {
    const sim = await simulator();
    const cwd = await tempDir();
    const run = await runCli(["run", "--start", "2025-11-04T08", "--end", "2025-11-04T08"], {
      cwd,
      env: simEnv(sim),
    });
    expect(run.code).toBe(0);
    // A singular test of the team's own that fails: every session must have 1,000 events.
    const { cp } = await import("node:fs/promises");
    await cp(join(process.cwd(), "sql"), join(cwd, "sql"), { recursive: true });
    await writeFile(
      join(cwd, "sql/tests/sessions_are_long.sql"),
      "select * from {{ ref('sessions') }} where event_count < 1000\n",
    );
    const result = await runCli(["transform", "--full-tests-every", "0", "--json"], { cwd });
    expect(result.code).toBe(1);
    // The run's first build was a whole pass an instant ago; with --full-tests-every 0, whole tables again.
    expect(result.stderr).toContain("tests: whole tables (due: every run)");
    expect(result.stderr).toMatch(/FAIL sessions_are_long: e\.g\. amplitude_id=/);
    expect(result.stderr).toMatch(/sessions_are_long +error +fail +[\d,]+/);
    expect(result.json()).toMatchObject({ models: MODELS, tests_failed: 1, tests_scope: "whole" });
  });
});
