import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.ts";
import { defaultMemoryLimit } from "../src/warehouse/duckdb.ts";
import { processDuckDbSettings } from "../src/warehouse/duckdb-process-settings.ts";
import { openWarehouse, parseDuckDbUrl } from "../src/warehouse/open-warehouse.ts";
import type { Warehouse } from "../src/warehouse/warehouse.ts";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/files.ts";

const opened: Warehouse[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((w) => w.close()));
});

async function settingsOf(url: string) {
  const warehouse = await openWarehouse(url, { create: true });
  opened.push(warehouse);
  const [row] = await warehouse.query<{ memory: string; threads: bigint }>(
    "select current_setting('memory_limit') as memory, current_setting('threads') as threads",
  );
  return { memory: row!.memory, threads: Number(row!.threads) };
}

const UNITS: Record<string, number> = { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };
const bytesOf = (shown: string) => {
  const [value, unit] = shown.split(" ");
  return Number(value) * UNITS[unit!]!;
};

describe("DuckDB settings in --warehouse duckdb:PATH?…", () => {
  it("take effect: memory_limit and threads", async () => {
    const dir = await tempDir();
    const settings = await settingsOf(`duckdb:${dir}/w.duckdb?memory_limit=1GB&threads=2`);
    expect(settings).toEqual({ memory: "953.6 MiB", threads: 2 });
  });

  it("limit the buffer pool to 4 GB by default (DuckDB's own is 80% of memory), threads as DuckDB chooses", async () => {
    const dir = await tempDir();
    const { memory } = await settingsOf(`duckdb:${dir}/w.duckdb`);
    expect(bytesOf(memory)).toBeLessThanOrEqual(4e9);
    expect(defaultMemoryLimit()).toMatch(/^(4GB|\d+MB)$/);
    // The suite runs DuckDB on one thread (test/support/setup-duckdb.ts): put DuckDB's own choice back.
    const suite = processDuckDbSettings.threads;
    delete processDuckDbSettings.threads;
    try {
      const { threads } = await settingsOf(`duckdb:${dir}/other.duckdb?memory_limit=2GiB`);
      expect(threads).toBe(Math.min(availableParallelism(), 1024));
    } finally {
      if (suite !== undefined) processDuckDbSettings.threads = suite;
    }
  });

  it("sit above the process's own settings, which sit above the defaults", async () => {
    const dir = await tempDir();
    const suite = processDuckDbSettings.threads;
    processDuckDbSettings.threads = "3";
    try {
      expect(await settingsOf(`duckdb:${dir}/a.duckdb`)).toMatchObject({ threads: 3 });
      expect(await settingsOf(`duckdb:${dir}/b.duckdb?threads=2`)).toMatchObject({ threads: 2 });
      expect(bytesOf((await settingsOf(`duckdb:${dir}/c.duckdb`)).memory)).toBeLessThanOrEqual(4e9);
    } finally {
      if (suite === undefined) delete processDuckDbSettings.threads;
      else processDuckDbSettings.threads = suite;
    }
  });

  it("apply to an in-memory warehouse too", async () => {
    expect(await settingsOf("duckdb::memory:?threads=2")).toMatchObject({ threads: 2 });
  });

  it("keep the path apart from the settings", () => {
    expect(parseDuckDbUrl("duckdb:data/w.duckdb?memory_limit=4GB&threads=2")).toEqual({
      path: "data/w.duckdb",
      settings: { memory_limit: "4GB", threads: "2" },
    });
    expect(parseDuckDbUrl("duckdb:data/w.duckdb")).toEqual({ path: "data/w.duckdb", settings: {} });
  });

  it.each([
    [
      "duckdb:w.duckdb?memory=4GB",
      /"memory" is not a DuckDB setting this accepts: use memory_limit, threads/,
    ],
    ["duckdb:w.duckdb?memory_limit=lots", /memory_limit="lots" is not valid: use a size such as 4GB/],
    ["duckdb:w.duckdb?memory_limit=80%25", /memory_limit="80%" is not valid/],
    ["duckdb:w.duckdb?threads=0", /threads="0" is not valid: use a whole number of threads from 1 to 1024/],
    ["duckdb:w.duckdb?threads=two", /threads="two" is not valid/],
    ["duckdb:w.duckdb?threads=1&threads=2", /threads is given twice/],
    ["duckdb:?threads=1", /names no file: use duckdb:PATH/],
  ])("refuse %s with a configuration error naming --warehouse", (url, message) => {
    expect(() => parseDuckDbUrl(url)).toThrow(ConfigurationError);
    expect(() => parseDuckDbUrl(url)).toThrow(message);
    expect(() => parseDuckDbUrl(url)).toThrow(`--warehouse ${url}`);
  });

  it("a bad setting on the command line is exit 2, and no warehouse file is created", async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, "lake"));
    const result = await runCli(
      ["load", "--lake", "file://lake", "--warehouse", "duckdb:w.duckdb?memory_limit=4 gigs"],
      { cwd },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /configuration error: --warehouse duckdb:w\.duckdb\?memory_limit=4 gigs: memory_limit="4 gigs" is not valid/,
    );
    expect(existsSync(join(cwd, "w.duckdb"))).toBe(false);
  });

  it("a good setting on the command line loads as before", async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, "lake"));
    const result = await runCli(
      [
        "load",
        "--lake",
        "file://lake",
        "--warehouse",
        "duckdb:w.duckdb?memory_limit=512MB&threads=1",
        "--json",
      ],
      { cwd },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Loading .* into duckdb:w\.duckdb\n/);
    expect(existsSync(join(cwd, "w.duckdb"))).toBe(true);
  });
});

describe("the columns of a table", () => {
  it("are listed in order, for tables and views alike, and none for a table or schema that does not exist, also inside a transaction", async () => {
    const warehouse = await openWarehouse("duckdb::memory:", { create: true });
    opened.push(warehouse);
    await warehouse.execute("create schema s");
    await warehouse.execute('create table s."Odd ""name""" (b varchar, a bigint)');
    await warehouse.execute('create view s.v as select a from s."Odd ""name"""');
    expect(await warehouse.columns("s", 'Odd "name"')).toEqual([
      { name: "b", type: "VARCHAR" },
      { name: "a", type: "BIGINT" },
    ]);
    expect(await warehouse.columns("s", "v")).toEqual([{ name: "a", type: "BIGINT" }]);
    expect(await warehouse.columns("s", "missing")).toEqual([]);
    expect(await warehouse.columns("no_schema", "missing")).toEqual([]);
    // A lookup of a missing table fails inside DuckDB: the transaction around it still commits.
    await warehouse.transaction(async () => {
      expect(await warehouse.tableExists("s", "missing")).toBe(false);
      expect(await warehouse.columns("s", "v")).toEqual([{ name: "a", type: "BIGINT" }]);
      await warehouse.execute('insert into s."Odd ""name""" values (\'x\', 1)');
    });
    expect(await warehouse.query('select count(*) as n from s."Odd ""name"""')).toEqual([{ n: 1n }]);
  });
});
