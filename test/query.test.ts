import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.ts";
import type { Output } from "../src/cli/output.ts";
import type { Env } from "../src/config.ts";
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { startScriptedSnowflake } from "./support/fake-snowflake-tasks.ts";
import type { FakeSnowflake } from "./support/fake-snowflake.ts";
import { tempDir } from "./support/files.ts";

/** The CLI in this process, stdout and stderr apart. */
async function cli(args: string[], env: Env = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output: Output = {
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    status: () => {},
    isTTY: false,
  };
  const code = await main(args, { output, env });
  return { code, stdout, stderr: stderr.join("\n") };
}

let dir: string;
let path: string;

// A warehouse of 250 rows for each test (temporary folders are removed after each).
beforeEach(async () => {
  dir = await tempDir();
  path = join(dir, "warehouse.duckdb");
  const warehouse = await DuckDbWarehouse.open(path, { create: true });
  await warehouse.execute("create schema marts");
  await warehouse.execute(
    "create table marts.page_paths as select i as id, 'page ' || i as page, " +
      "case when i % 2 = 0 then null else i * 1.5 end as score from range(1, 251) as t(i)",
  );
  await warehouse.close();
});

describe("query on the embedded warehouse", () => {
  it("prints an aligned table of the first rows, and says when there are more", async () => {
    const result = await cli([
      "query",
      "select * from marts.page_paths order by id",
      "--warehouse",
      `duckdb:${path}`,
    ]);
    expect(result.code).toBe(0);
    const [header, rule, first, second] = result.stdout;
    expect(header).toMatch(/^ id +page +score$/);
    expect(rule).toMatch(/^-+ +-+ +-+$/);
    expect(first).toMatch(/^ +1 +page 1 +1\.5$/);
    expect(second).toMatch(/^ +2 +page 2 +NULL$/);
    // Every row lines up under its header.
    const rows = result.stdout.filter((_, i) => i !== 1);
    expect(new Set(rows.map((line) => line.indexOf("page")))).toEqual(new Set([header!.indexOf("page")]));
    expect(result.stdout).toHaveLength(2 + 100);
    expect(result.stderr).toMatch(/the first 100 row\(s\); more exist: raise --limit/);

    const all = await cli([
      "query",
      "select count(*) as n from marts.page_paths;",
      "--warehouse",
      `duckdb:${path}`,
    ]);
    expect(all.stdout).toEqual(["  n", "---", "250"]);
    expect(all.stderr).toBe("1 row(s)");
  });

  it("prints one JSON object per row with --json, and nothing else on stdout", async () => {
    const result = await cli([
      "query",
      "select id, page, score from marts.page_paths order by id",
      ...["--warehouse", `duckdb:${path}`, "--limit", "3", "--json"],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.map((line) => JSON.parse(line) as unknown)).toEqual([
      { id: 1, page: "page 1", score: 1.5 },
      { id: 2, page: "page 2", score: null },
      { id: 3, page: "page 3", score: 4.5 },
    ]);
    expect(result.stderr).toMatch(/the first 3 row\(s\); more exist/);
  });

  it("exits 1 with DuckDB's error, naming the object and where it is, on bad SQL", async () => {
    const missing = await cli(["query", "select * from marts.page_pathz", "--warehouse", `duckdb:${path}`]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toEqual([]);
    expect(missing.stderr).toMatch(/page_pathz/);
    expect(missing.stderr).toMatch(/LINE 1: select \* from marts\.page_pathz/);

    const typo = await cli(["query", "selec 1", "--warehouse", `duckdb:${path}`]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/syntax error at or near "selec"/);
  });

  it("writes nothing: the file is opened read-only", async () => {
    const result = await cli(["query", "drop table marts.page_paths", "--warehouse", `duckdb:${path}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/read-only/i);
    const still = await cli([
      "query",
      "select count(*) as n from marts.page_paths",
      "--warehouse",
      `duckdb:${path}`,
    ]);
    expect(still.stdout.at(-1)).toBe("250");
  });

  it("exits 2 naming the file when there is no warehouse there, and says how to build one", async () => {
    const nowhere = join(dir, "missing", "warehouse.duckdb");
    const result = await cli(["query", "select 1", "--warehouse", `duckdb:${nowhere}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`there is no warehouse at ${nowhere}`);
    expect(result.stderr).toMatch(
      /--warehouse duckdb:data\/demo\/warehouse\.duckdb \(build it with `npm run demo`\)/,
    );
  });

  it("says which run holds the warehouse instead of fighting it for DuckDB's file lock", async () => {
    const copy = join(await tempDir(), "warehouse.duckdb");
    await writeFile(copy, "");
    // A running process (this test's parent) that took the lock for a transform.
    await writeFile(
      `${copy}.lock`,
      JSON.stringify({ pid: process.ppid, started_at: "2025-11-06T08:00:00.000Z", command: "transform" }) +
        "\n",
    );
    const result = await cli(["query", "select 1", "--warehouse", `duckdb:${copy}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `another run (pid ${process.ppid}, started at 2025-11-06T08:00:00.000Z, \`transform\`)`,
    );
    expect(result.stderr).toContain("--wait");
  });
});

describe("query on Snowflake", () => {
  let fake: FakeSnowflake;
  let env: Env;
  beforeAll(async () => {
    ({ fake, env } = await startScriptedSnowflake());
  });
  afterAll(async () => {
    await fake.close();
  });

  it("runs the statement through the driver and prints the first rows", async () => {
    fake.on(/from marts\.page_paths/i, {
      columns: [
        { name: "ID", type: "fixed", scale: 0 },
        { name: "PAGE", type: "text" },
      ],
      rows: Array.from({ length: 7 }, (_, i) => [i + 1, `page ${i + 1}`]),
    });
    const result = await cli(
      ["query", "select id, page from marts.page_paths", "--warehouse", "snowflake", "--limit", "5"],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout[0]).toMatch(/^id +page$/);
    expect(result.stdout.slice(2)).toEqual([
      " 1  page 1",
      " 2  page 2",
      " 3  page 3",
      " 4  page 4",
      " 5  page 5",
    ]);
    expect(result.stderr).toMatch(/the first 5 row\(s\); more exist/);

    fake.on(/from marts\.nope/i, {
      code: "002003",
      sqlState: "42S02",
      message: "Object 'MARTS.NOPE' does not exist or not authorized.",
    });
    const bad = await cli(["query", "select * from marts.nope", "--warehouse", "snowflake"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /Snowflake error 002003 \(SQL state 42S02\): Object 'MARTS\.NOPE' does not exist/,
    );
  });
});
