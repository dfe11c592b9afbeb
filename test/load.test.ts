import { existsSync, statSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import { openLake } from "../src/lake/open-lake.ts";
import { upload } from "../src/lake/upload.ts";
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { load } from "../src/warehouse/load.ts";
import { openWarehouse } from "../src/warehouse/open-warehouse.ts";
import type { Warehouse } from "../src/warehouse/warehouse.ts";
import { tempDir } from "./support/files.ts";
import { s3Server } from "./support/s3.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";
import { eventLine, scalar, simulatedLake, testWarehouse, uploadWindow } from "./support/warehouse.ts";

const DAY: [string, string] = ["2025-11-04T00", "2025-11-04T23"];

async function listKeys(lake: LocalLake, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of lake.list(prefix)) keys.push(object.key);
  return keys;
}

async function rawCount(warehouse: Warehouse) {
  return Number(await scalar<bigint>(warehouse, "select count(*) from raw.amplitude_events"));
}

describe("load", () => {
  it("reads every lake file into raw once, with its history row, and a second run loads nothing", async () => {
    const { lake, events } = await simulatedLake([DAY]);
    const { warehouse } = await testWarehouse();
    const first = await load({ lake, warehouse });
    expect(first).toMatchObject({ files: 23, rows: events, skipped: 0, waiting: 0, windows: 1, failed: [] });
    expect(await rawCount(warehouse)).toBe(events);

    const history = await warehouse.query<{ file: string; rows: bigint; manifest_events: bigint }>(
      "select file, rows, manifest_events from raw.load_history order by file",
    );
    expect(history).toHaveLength(23);
    for (const row of history) expect(row.rows).toBe(row.manifest_events);
    expect(history[0]!.file).toMatch(/^amplitude\/events\/app=187520\/date=2025-11-04\/hour=00\//);

    const windows = await warehouse.query(
      "select window_start, window_end, status, files, events from raw.extract_windows",
    );
    expect(windows).toEqual([
      {
        window_start: new Date("2025-11-04T00:00:00Z"),
        window_end: new Date("2025-11-04T23:00:00Z"),
        status: "exported",
        files: 23n,
        events: BigInt(events),
      },
    ]);

    // Only manifests uploaded since (and a margin before) the last one read are listed again.
    const second = await load({ lake, warehouse });
    expect(second).toMatchObject({ files: 0, rows: 0, windows: 0, listed: 1, failed: [] });
    expect(await rawCount(warehouse)).toBe(events);
    expect(await scalar(warehouse, "select count(*) from raw.extract_windows")).toBe(1n);
  });

  it("numbers rows by their line in the file and skips the lines extract set aside", async () => {
    const sim = await simulator({ faults: { badLinesPerMember: 2 } });
    const out = await tempDir();
    const { summary } = await extractFrom(sim, {
      range: { start: hourOf("2025-11-04T10"), end: hourOf("2025-11-04T11") },
      outDir: out,
      validationThreads: 0,
    });
    expect(summary.rejected).toBeGreaterThan(0);
    const lake = new LocalLake(await tempDir());
    await upload({ lake, from: out });
    const { warehouse } = await testWarehouse();
    const loaded = await load({ lake, warehouse });
    expect(loaded.rows).toBe(summary.events);
    expect(await rawCount(warehouse)).toBe(summary.events);

    // The rejected lines' numbers are missing from file_row_number; the others keep their place.
    const folder = join(out, "187520", (await readdir(join(out, "187520")))[0]!);
    const reasons = (await readdir(join(folder, "rejected"))).filter((n) => n.endsWith(".reasons.jsonl"));
    expect(reasons.length).toBeGreaterThan(0);
    const numbers = await warehouse.query<{ source_file: string; file_row_number: bigint }>(
      "select source_file, file_row_number from raw.amplitude_events order by source_file, file_row_number",
    );
    const perFile = new Map<string, number[]>();
    for (const row of numbers) {
      perFile.set(row.source_file, [...(perFile.get(row.source_file) ?? []), Number(row.file_row_number)]);
    }
    const gaps = [...perFile.values()].flatMap((rows) => rows.filter((n, i) => n !== i + 1).slice(0, 1));
    expect(gaps.length).toBeGreaterThan(0);
  });

  it("skips the lines longer than the limit extract applied, which its manifest records", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const { summary } = await extractFrom(sim, {
      range: { start: hourOf("2025-11-04T10"), end: hourOf("2025-11-04T10") },
      outDir: out,
      validationThreads: 0,
      maxLineBytes: 2500,
    });
    expect(summary.rejected).toBeGreaterThan(0);
    expect(summary.events).toBeGreaterThan(0);
    const lake = new LocalLake(await tempDir());
    await upload({ lake, from: out });
    const { warehouse } = await testWarehouse();
    expect(await load({ lake, warehouse })).toMatchObject({ rows: summary.events, failed: [] });
    const longest = await scalar<number>(
      warehouse,
      "select max(strlen(json_data::varchar)) from raw.amplitude_events",
    );
    expect(Number(longest)).toBeLessThanOrEqual(2500);
  });

  it("reads a line longer than DuckDB's default object size again with the manifest's limit, keeping every line's place", async () => {
    const lake = new LocalLake(await tempDir());
    const line = (uuid: string, extra = {}) =>
      eventLine({ uuid, event_time: "2025-11-04 10:00:00.000000", ...extra });
    // 40 MB: longer than DuckDB reads by default (its maximum_object_size of 16 MB lets lines of up to 32 MB
    // through), shorter than the manifest's 128 MB.
    const long = line("u-long", { event_properties: { note: "x".repeat(40_000_000) } });
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T11" }, [
      { name: "187520_2025-11-04_10#0.json.gz", lines: [line("u-1"), long, line("u-3")] },
      { name: "187520_2025-11-04_11#0.json.gz", lines: [line("u-4")] },
    ]);
    const { warehouse } = await testWarehouse();
    const inserts: string[] = [];
    const watched: Warehouse = Object.create(warehouse, {
      execute: {
        value: (sql: string, params?: never[]) => {
          if (sql.startsWith("insert into raw.amplitude_events")) inserts.push(sql);
          return warehouse.execute(sql, params);
        },
      },
    });
    expect(await load({ lake, warehouse: watched })).toMatchObject({ files: 2, rows: 4, failed: [] });
    const rows = await warehouse.query<{ uuid: string; line: bigint; length: bigint }>(
      `select json_data->>'uuid' as uuid, file_row_number as line, strlen(json_data::varchar) as length
       from raw.amplitude_events order by source_file, file_row_number`,
    );
    expect(rows.map((row) => [row.uuid, Number(row.line)])).toEqual([
      ["u-1", 1],
      ["u-long", 2],
      ["u-3", 3],
      ["u-4", 1],
    ]);
    expect(Number(rows[1]!.length)).toBe(long.length);
    // Tried first with DuckDB's limit, then once more with the manifest's, in a transaction of its own.
    expect(inserts.map((sql) => /maximum_object_size = 134217728/.test(sql))).toEqual([false, true]);
    expect(await rawCount(warehouse)).toBe(4);
  });

  it("loads a file that is not gzip as an error naming it, and still loads the rest of its batch", async () => {
    const lake = new LocalLake(await tempDir());
    const good = [eventLine({ uuid: "u-1", event_time: "2025-11-04 10:00:00.000000" })];
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      { name: "187520_2025-11-04_10#0.json.gz", lines: good },
      { name: "187520_2025-11-04_10#1.json.gz", lines: ["{}"], body: Buffer.from("this is not gzip\n") },
    ]);
    const { warehouse } = await testWarehouse();
    const summary = await load({ lake, warehouse });
    expect(summary.files).toBe(1);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.key).toMatch(/187520_2025-11-04_10#1\.[0-9a-f]{12}\.json\.gz$/);
    expect(summary.failed[0]!.message).toMatch(
      /10#1\.[0-9a-f]{12}\.json\.gz was not loaded: .*gzip.*extract and upload that window again/,
    );
    // The delivery is not recorded while a file of it is missing: the watermark does not pass it.
    expect(await scalar(warehouse, "select count(*) from raw.extract_windows")).toBe(0n);
    expect(await rawCount(warehouse)).toBe(1);
    expect(await scalar(warehouse, "select count(*) from raw.load_history")).toBe(1n);

    // Running again retries only the broken file; the good one is not loaded twice.
    const again = await load({ lake, warehouse });
    expect(again).toMatchObject({ files: 0, skipped: 1, windows: 0 });
    expect(again.failed).toHaveLength(1);
    expect(await rawCount(warehouse)).toBe(1);
  });

  it("refuses a lake file that no longer matches its manifest, and loads it once it is put right", async () => {
    const lake = new LocalLake(await tempDir());
    const window = { start: "2025-11-04T10", end: "2025-11-04T10" };
    const lines = [1, 2, 3].map((n) =>
      eventLine({ uuid: `u-${n}`, event_time: "2025-11-04 10:00:00.000000" }),
    );
    await uploadWindow(lake, window, [{ name: "187520_2025-11-04_10#0.json.gz", lines }]);
    const key = (await listKeys(lake, "amplitude/events/"))[0]!;
    const original = await readFile(lake.localPath(key));
    const { gzipSync } = await import("node:zlib");
    await writeFile(lake.localPath(key), gzipSync(lines.slice(0, 2).join("\n") + "\n"));

    const { warehouse } = await testWarehouse();
    const summary = await load({ lake, warehouse });
    expect(summary.files).toBe(0);
    expect(summary.failed[0]!.message).toMatch(/does not match its manifest .*upload --repair/);
    expect(await rawCount(warehouse)).toBe(0);

    await writeFile(lake.localPath(key), original); // what upload --repair does, tested with upload
    expect(await load({ lake, warehouse })).toMatchObject({ files: 1, rows: 3, windows: 1, failed: [] });
  });

  it("rolls back a batch when the warehouse fails mid-load: the next run loads it exactly once", async () => {
    const { lake, events } = await simulatedLake([DAY]);
    const { warehouse } = await testWarehouse();
    // The connection is lost at the history insert of the second batch, after its rows went into raw,
    // and stays lost.
    let historyInserts = 0;
    let lost = false;
    const failing: Warehouse = Object.create(warehouse, {
      execute: {
        value: async (sql: string, params?: never[]) => {
          if (sql.startsWith("insert into raw.load_history") && ++historyInserts === 2) lost = true;
          if (lost && !/^(rollback|commit)/.test(sql)) throw new Error("connection lost");
          return warehouse.execute(sql, params);
        },
      },
    });
    const crashed = await load({ lake, warehouse: failing, batchFiles: 5 });
    expect(crashed.failed.length).toBeGreaterThan(0);
    const afterCrash = await rawCount(warehouse);
    expect(afterCrash).toBe(
      Number(await scalar<bigint>(warehouse, "select coalesce(sum(rows), 0) from raw.load_history")),
    );
    expect(afterCrash).toBeLessThan(events);

    const resumed = await load({ lake, warehouse, batchFiles: 5 });
    expect(resumed.failed).toEqual([]);
    expect(await rawCount(warehouse)).toBe(events);
    const duplicates = await scalar<bigint>(
      warehouse,
      "select count(*) from (select source_file, file_row_number from raw.amplitude_events group by all having count(*) > 1)",
    );
    expect(duplicates).toBe(0n);
  });

  it("keeps one row per delivery in raw.extract_windows: an identical re-export adds none, a changed one its own", async () => {
    const lake = new LocalLake(await tempDir());
    const window = { start: "2025-11-04T10", end: "2025-11-04T10" };
    const line = (processed: string) =>
      eventLine({ uuid: "u-1", event_time: "2025-11-04 10:00:00.000000", processed_time: processed });
    const file = { name: "187520_2025-11-04_10#0.json.gz", lines: [line("2025-11-04 10:00:01.000000")] };
    await uploadWindow(lake, window, [file], "2025-11-05T08:00:00.000Z");
    const { warehouse } = await testWarehouse();
    await load({ lake, warehouse });
    await uploadWindow(lake, window, [file], "2025-11-06T08:00:00.000Z");
    expect(await load({ lake, warehouse })).toMatchObject({ files: 0, windows: 0 });
    const changed = { ...file, lines: [line("2025-11-06 07:00:00.000000")] };
    await uploadWindow(lake, window, [changed], "2025-11-07T08:00:00.000Z");
    expect(await load({ lake, warehouse })).toMatchObject({ files: 1, rows: 1, windows: 1 });
    expect(
      await warehouse.query("select window_start, run_id, events from raw.extract_windows order by run_id"),
    ).toEqual([
      { window_start: new Date("2025-11-04T10:00:00Z"), run_id: "test-2025-11-05T08:00:00.000Z", events: 1n },
      { window_start: new Date("2025-11-04T10:00:00Z"), run_id: "test-2025-11-07T08:00:00.000Z", events: 1n },
    ]);
    expect(await rawCount(warehouse)).toBe(2);
  });

  it("counts lake files that no manifest lists yet as waiting, and leaves them alone", async () => {
    const { lake, events } = await simulatedLake([DAY]);
    // A file of another delivery whose upload stopped before its manifest, in a partition being loaded.
    const stray =
      "amplitude/events/app=187520/date=2025-11-04/hour=05/187520_2025-11-04_5#0.0123456789ab.json.gz";
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(lake.localPath(stray), ".."), { recursive: true });
    await writeFile(lake.localPath(stray), "partial");
    const { warehouse } = await testWarehouse();
    expect(await load({ lake, warehouse })).toMatchObject({ rows: events, waiting: 1, failed: [] });
  });

  it("reads an S3 lake through a local copy, verified against the manifest", async () => {
    const { out, events } = await simulatedLake([["2025-11-04T09", "2025-11-04T11"]]);
    const lake = await openLake("s3://lake-bucket/prefix", (await s3Server()).env);
    await upload({ lake, from: out });
    const { warehouse } = await testWarehouse();
    expect(await load({ lake, warehouse })).toMatchObject({ files: 3, rows: events, failed: [] });
    expect(await load({ lake, warehouse })).toMatchObject({ files: 0, windows: 0, failed: [] });
  });
});

describe("the warehouse URL", () => {
  it("refuses a missing DuckDB file when it must exist, naming the file and the remedy", async () => {
    const path = join(await tempDir(), "nowhere.duckdb");
    const error = await openWarehouse(`duckdb:${path}`, { create: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`there is no warehouse at ${path}: run \`load\` first`);
  });

  it("opens Snowflake only from its variables, and rejects unknown schemes", async () => {
    await expect(openWarehouse("snowflake", { create: false, env: {} })).rejects.toThrow(
      /^--warehouse snowflake: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE, SNOWFLAKE_WAREHOUSE and SNOWFLAKE_PRIVATE_KEY/,
    );
    await expect(openWarehouse("snowflake:prod", { create: false, env: {} })).rejects.toThrow(
      /write --warehouse snowflake, with nothing after it/,
    );
    await expect(openWarehouse("postgres://x", { create: false })).rejects.toThrow(
      /use duckdb:PATH or snowflake/,
    );
  });

  it("loads with settings of its own, keeps those the URL chose, and puts the others back", async () => {
    const lake = new LocalLake(await tempDir());
    const line = (uuid: string) => eventLine({ uuid, event_time: "2025-11-04 10:00:00.000000" });
    await uploadWindow(lake, { start: "2025-11-04T10", end: "2025-11-04T10" }, [
      { name: "187520_2025-11-04_10#0.json.gz", lines: [line("u-1")] },
      { name: "187520_2025-11-04_10#1.json.gz", lines: [line("u-2")] },
    ]);
    const dir = await tempDir();
    const settings = async (warehouse: Warehouse) =>
      (
        await warehouse.query<{ memory: string; ordered: boolean }>(
          "select current_setting('memory_limit') as memory, current_setting('preserve_insertion_order') as ordered",
        )
      )[0]!;
    const choices: Array<Record<string, string>> = [{ threads: "2" }, { threads: "2", memory_limit: "3GB" }];
    for (const [index, chosen] of choices.entries()) {
      const warehouse = await DuckDbWarehouse.open(join(dir, `${index}.duckdb`), {
        create: true,
        settings: chosen,
      });
      try {
        const before = await settings(warehouse);
        const during: unknown[] = [];
        const watched: Warehouse = Object.create(warehouse, {
          execute: {
            value: async (sql: string, params?: never[]) => {
              if (sql.startsWith("insert into raw.amplitude_events")) during.push(await settings(warehouse));
              return warehouse.execute(sql, params);
            },
          },
        });
        expect(await load({ lake, warehouse: watched })).toMatchObject({ files: 2, rows: 2, failed: [] });
        // Two threads: the load's buffer pool is 1 GB, unless the URL gave one; the files' order is not kept.
        const memory = "memory_limit" in chosen ? before.memory : "953.6 MiB";
        expect(during).toEqual([{ memory, ordered: false }]);
        expect(await settings(warehouse)).toEqual(before);
        // Checkpointed under the load's settings: nothing is left in the WAL for the close to write.
        const wal = join(dir, `${index}.duckdb.wal`);
        expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
      } finally {
        await warehouse.close();
      }
    }
  });

  it("creates the file and the contract's schemas on load", async () => {
    const dir = await tempDir();
    const warehouse = await DuckDbWarehouse.open(join(dir, "sub", "w.duckdb"), { create: true });
    try {
      const warnings: string[] = [];
      await load({
        lake: new LocalLake(await tempDir()),
        warehouse,
        reporter: { warning: (w) => warnings.push(w) },
      });
      expect(warnings).toEqual([
        expect.stringMatching(
          /holds no window manifests: nothing to load \(run upload first, or check --lake\)$/,
        ),
      ]);
      const schemas = await warehouse.query<{ schema_name: string }>(
        "select schema_name from information_schema.schemata where catalog_name = current_database() order by 1",
      );
      expect(schemas.map((s) => s.schema_name)).toEqual(
        expect.arrayContaining(["raw", "staging", "core", "marts", "restricted"]),
      );
      expect((await warehouse.columns("raw", "amplitude_events")).map((c) => `${c.name} ${c.type}`)).toEqual([
        "json_data JSON",
        "source_file VARCHAR",
        "file_row_number BIGINT",
        "loaded_at TIMESTAMP",
      ]);
    } finally {
      await warehouse.close();
    }
  });

  it("stores raw's JSON in zstd in a new warehouse, and loads a warehouse made before it in its plain form", async () => {
    const { lake, events } = await simulatedLake([["2025-11-04T10", "2025-11-04T11"]]);
    const dir = await tempDir();
    // A warehouse file DuckDB created in its default storage format, as every warehouse was before.
    const older = join(dir, "older.duckdb");
    const instance = await DuckDBInstance.create(older);
    (await instance.connect()).closeSync();
    instance.closeSync();
    const stored = async (path: string) => {
      const warehouse = await DuckDbWarehouse.open(path, { create: true });
      try {
        expect(await load({ lake, warehouse })).toMatchObject({ rows: events, failed: [] });
        const [format] = await warehouse.query<{ version: string }>(
          `select tags['storage_version'] as version from duckdb_databases() where database_name = current_database()`,
        );
        const compression = await warehouse.query<{ compression: string }>(
          `select distinct compression from pragma_storage_info('raw.amplitude_events')
           where column_name = 'json_data' and segment_type <> 'VALIDITY' order by 1`,
        );
        return { version: format!.version, compression: compression.map((row) => row.compression) };
      } finally {
        await warehouse.close();
      }
    };
    expect(await stored(join(dir, "new.duckdb"))).toEqual({ version: "v1.2.0+", compression: ["ZSTD"] });
    expect(await stored(older)).toEqual({ version: "v1.0.0+", compression: ["Uncompressed"] });
  });
});
