import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runLoad } from "../src/cli/load-command.ts";
import type { Output } from "../src/cli/output.ts";
import { compactTime } from "../src/lake/lake.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import { openLake } from "../src/lake/open-lake.ts";
import {
  snapshotFileKey,
  snapshotFileName,
  snapshotManifestKey,
  type SnapshotId,
  type SnapshotManifest,
  type SnapshotObject,
} from "../src/lake/snapshot-keys.ts";
import { readProject } from "../src/models/project.ts";
import { DRY_RUN_SETTINGS, renderObjects } from "../src/snowflake/render.ts";
import { load } from "../src/warehouse/load.ts";
import type { Warehouse } from "../src/warehouse/warehouse.ts";
import { tempDir } from "./support/files.ts";
import { s3Server } from "./support/s3.ts";
import { APP, eventLine, PROJECT_DIR, scalar, testWarehouse, uploadWindow } from "./support/warehouse.ts";

interface Snapshot {
  object: SnapshotObject;
  takenAt: string;
  records: Array<Record<string, unknown>>;
  cohortId?: string;
  /** Write the file only: an upload that stopped before the manifest. */
  withoutManifest?: boolean;
  /** Bytes to store instead of the gzip of the lines; the manifest still describes them as stored. */
  body?: Buffer;
}

/**
 * Writes one snapshot into a folder lake the way upload lays it out (the contract's keys): the gzip NDJSON
 * file, streamed, whose first line is the `$snapshot` header, then its manifest, written after it.
 */
async function putSnapshot(lake: LocalLake, snapshot: Snapshot) {
  const header = {
    $snapshot: {
      object: snapshot.object,
      app_id: APP,
      records: snapshot.records.length,
      ...(snapshot.cohortId ? { cohort_id: snapshot.cohortId, last_computed: null } : {}),
    },
  };
  const lines = [header, ...snapshot.records].map((record) => `${JSON.stringify(record)}\n`);
  const delivery = createHash("sha256").update(lines.join("")).digest("hex").slice(0, 12);
  const id: SnapshotId = {
    object: snapshot.object,
    appId: APP,
    takenAt: compactTime(new Date(snapshot.takenAt)),
    delivery,
    ...(snapshot.cohortId ? { cohortId: snapshot.cohortId } : {}),
  };
  const key = snapshotFileKey(id);
  const path = lake.localPath(key);
  await mkdir(dirname(path), { recursive: true });
  if (snapshot.body) await writeFile(path, snapshot.body);
  else await pipeline(Readable.from(lines), createGzip(), createWriteStream(path));
  const stored = await readFile(path);
  const file = {
    name: snapshotFileName(snapshot.object),
    key,
    bytes: stored.length,
    sha256: createHash("sha256").update(stored).digest("hex"),
    lines: lines.length,
    records: snapshot.records.length,
  };
  const manifest: SnapshotManifest = {
    manifest_version: 2,
    kind: "snapshot",
    object: snapshot.object,
    app_id: APP,
    taken_at: snapshot.takenAt,
    run_id: `test-${snapshot.takenAt}`,
    request: "test",
    delivery,
    ...(snapshot.cohortId ? { cohort: { id: snapshot.cohortId, name: "Test", last_computed: null } } : {}),
    totals: { files: 1, bytes: file.bytes, lines: file.lines, records: file.records },
    files: [file],
    uploaded_at: snapshot.takenAt,
  };
  const manifestKey = snapshotManifestKey(id);
  if (!snapshot.withoutManifest) {
    await mkdir(dirname(lake.localPath(manifestKey)), { recursive: true });
    await writeFile(lake.localPath(manifestKey), JSON.stringify(manifest));
  }
  return { key, manifestKey, manifest, path };
}

const eventTypes = (names: string[]) =>
  names.map((name) => ({ event_type: name, category: { name: "Web" }, description: null }));

async function snapshotRows(warehouse: Warehouse) {
  return warehouse.query<{
    object: string;
    source_file: string;
    file_row_number: bigint;
    header: string | null;
  }>(
    `select object, source_file, file_row_number, json_extract_string(json_data, '$."$snapshot".object') as header
     from raw.amplitude_snapshots order by source_file, file_row_number`,
  );
}

describe("load: snapshot files into raw.amplitude_snapshots", () => {
  it("loads every complete snapshot once, with its history row; a re-run changes nothing; a later snapshot loads beside the first", async () => {
    const lake = new LocalLake(await tempDir());
    const taxonomy = await putSnapshot(lake, {
      object: "event_types",
      takenAt: "2026-12-01T18:30:05.123Z",
      records: eventTypes(["Page Viewed", "Signed Up"]),
    });
    const members = await putSnapshot(lake, {
      object: "cohort_members",
      cohortId: "abc123x",
      takenAt: "2026-12-01T18:30:06.000Z",
      records: [
        { cohort_id: "abc123x", amplitude_id: 1001, user_id: "a@example.com" },
        { cohort_id: "abc123x", amplitude_id: 1002, user_id: null },
      ],
    });
    // Uploaded without its manifest yet: not complete, not loaded.
    const partial = await putSnapshot(lake, {
      object: "cohorts",
      takenAt: "2026-12-01T18:30:07.000Z",
      records: [{ id: "abc123x", name: "Test" }],
      withoutManifest: true,
    });
    const { warehouse } = await testWarehouse();
    const batches: string[] = [];
    const first = await load({
      lake,
      warehouse,
      reporter: { snapshotBatch: ({ done, total }) => batches.push(`${done}/${total}`) },
    });
    expect(first.failed).toEqual([]);
    expect(first).toMatchObject({ files: 0, rows: 0, windows: 0 });
    expect(first.snapshots).toMatchObject({ files: 2, rows: 6, listed: 2, waiting: 1, failed: 0 });
    expect(batches).toEqual(["2/2"]);

    const rows = await snapshotRows(warehouse);
    expect(rows.map((r) => [r.object, r.source_file, Number(r.file_row_number), r.header])).toEqual([
      ["cohort_members", members.key, 1, "cohort_members"],
      ["cohort_members", members.key, 2, null],
      ["cohort_members", members.key, 3, null],
      ["event_types", taxonomy.key, 1, "event_types"],
      ["event_types", taxonomy.key, 2, null],
      ["event_types", taxonomy.key, 3, null],
    ]);
    expect(rows.some((r) => r.source_file === partial.key)).toBe(false);
    const history = await warehouse.query(
      `select file, object, checksum, size, rows, manifest_events, app_id, extract_window
       from raw.load_history order by file`,
    );
    expect(history).toEqual([
      {
        file: members.key,
        object: "cohort_members",
        checksum: members.manifest.files[0]!.sha256,
        size: BigInt(members.manifest.files[0]!.bytes),
        rows: 3n,
        manifest_events: 3n,
        app_id: APP,
        extract_window: null,
      },
      {
        file: taxonomy.key,
        object: "event_types",
        checksum: taxonomy.manifest.files[0]!.sha256,
        size: BigInt(taxonomy.manifest.files[0]!.bytes),
        rows: 3n,
        manifest_events: 3n,
        app_id: APP,
        extract_window: null,
      },
    ]);

    const again = await load({ lake, warehouse });
    expect(again.failed).toEqual([]);
    expect(again.snapshots).toMatchObject({ files: 0, rows: 0, listed: 2 });
    expect(await snapshotRows(warehouse)).toEqual(rows);
    expect(await scalar(warehouse, "select count(*) from raw.load_history")).toBe(2n);

    // The manifest arrives, and a later snapshot of event types: both load, beside what is there.
    await putSnapshot(lake, {
      object: "cohorts",
      takenAt: "2026-12-01T18:30:07.000Z",
      records: [{ id: "abc123x", name: "Test" }],
    });
    const later = await putSnapshot(lake, {
      object: "event_types",
      takenAt: "2026-12-02T18:30:05.000Z",
      records: eventTypes(["Page Viewed", "Signed Up", "Upgraded"]),
    });
    const third = await load({ lake, warehouse });
    expect(third.snapshots).toMatchObject({ files: 2, rows: 2 + 4, listed: 4, waiting: 0, failed: 0 });
    const files = await warehouse.query<{ object: string; source_file: string; n: bigint }>(
      `select object, source_file, count(*) as n from raw.amplitude_snapshots group by all order by source_file`,
    );
    expect(files).toEqual([
      { object: "cohort_members", source_file: members.key, n: 3n },
      { object: "cohorts", source_file: partial.key, n: 2n },
      { object: "event_types", source_file: taxonomy.key, n: 3n },
      { object: "event_types", source_file: later.key, n: 4n },
    ]);
    expect((await load({ lake, warehouse })).snapshots.files).toBe(0);
  });

  it("refuses a truncated file, a corrupt one and one whose lines differ from its manifest, naming the key and the remedy; nothing loaded is lost", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const good = await putSnapshot(lake, {
      object: "event_categories",
      takenAt: "2026-12-01T18:30:05.000Z",
      records: [{ id: 412931, name: "Web" }],
    });
    await uploadWindow(lake, { start: "2026-12-01T10", end: "2026-12-01T10" }, [
      {
        name: `${APP}_2026-12-01_10#0.json.gz`,
        lines: [eventLine({ uuid: "u-1", event_time: "2026-12-01 10:00:00.000000" })],
      },
    ]);
    expect(await load({ lake, warehouse })).toMatchObject({ files: 1, failed: [], snapshots: { files: 1 } });

    // Cut short after upload: the manifest describes the whole file.
    const truncated = await putSnapshot(lake, {
      object: "event_types",
      takenAt: "2026-12-02T18:30:05.000Z",
      records: eventTypes(Array.from({ length: 200 }, (_, i) => `Event ${i}`)),
    });
    const whole = await readFile(truncated.path);
    await writeFile(truncated.path, whole.subarray(0, Math.floor(whole.length / 2)));
    // Stored as uploaded (the manifest matches the bytes), but the bytes are not gzip, or not JSON.
    const notGzip = await putSnapshot(lake, {
      object: "cohorts",
      takenAt: "2026-12-02T18:30:06.000Z",
      records: [{ id: "c1" }],
      body: Buffer.from("this is not gzip\n"),
    });
    const notJson = await putSnapshot(lake, {
      object: "cohort_members",
      cohortId: "c1",
      takenAt: "2026-12-02T18:30:07.000Z",
      records: [{ cohort_id: "c1", amplitude_id: 1 }],
      body: gzipSync('{"$snapshot":{"object":"cohort_members"}}\n{"cohort_id": "c1", amplitude_id\n'),
    });
    // One record more in the manifest than in the file.
    const short = await putSnapshot(lake, {
      object: "event_categories",
      takenAt: "2026-12-02T18:30:08.000Z",
      records: [{ id: 1, name: "A" }],
      body: gzipSync('{"$snapshot":{"object":"event_categories"}}\n'),
    });

    // Its manifest is there, the file is gone.
    const gone = await putSnapshot(lake, {
      object: "event_types",
      takenAt: "2026-12-02T18:30:09.000Z",
      records: eventTypes(["Gone"]),
    });
    await rm(gone.path);

    const summary = await load({ lake, warehouse });
    expect(summary.snapshots).toMatchObject({ files: 0, failed: 5 });
    const byKey = new Map(summary.failed.map((f) => [f.key, f.message]));
    expect([...byKey.keys()].sort()).toEqual(
      [truncated.key, notGzip.key, notJson.key, short.key, gone.key].sort(),
    );
    expect(byKey.get(gone.key)).toMatch(
      / is not in the lake, though its manifest .* lists it: .*upload --repair/,
    );
    const remedy =
      /take a new one with `extract --objects (taxonomy|cohorts)` and upload it; then load again$/;
    expect(byKey.get(truncated.key)).toMatch(
      new RegExp(
        `^${lake.localPath(truncated.key).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} does not match its manifest ${truncated.manifestKey} \\(${Math.floor(whole.length / 2)} bytes`,
      ),
    );
    expect(byKey.get(truncated.key)).toMatch(
      /Restore it with `upload --repair` from the backup folder that holds the snapshot, or take a new one with `extract --objects taxonomy`/,
    );
    expect(byKey.get(short.key)).toMatch(/upload --repair/);
    expect(byKey.get(notGzip.key)).toMatch(
      /was not loaded: it is not a readable gzip file \(.*\); it matches its manifest, so the snapshot was written so: take a new one with `extract --objects cohorts`/,
    );
    expect(byKey.get(notJson.key)).toMatch(/was not loaded: a line of it is not JSON \(.*Malformed JSON/);
    expect(byKey.get(short.key)).toMatch(/holds 1 line\(s\), its manifest .* counts 2: /);
    for (const message of byKey.values()) expect(message).toMatch(remedy);

    // What was loaded before is all there; nothing of the refused files is.
    expect(await scalar(warehouse, "select count(*) from raw.amplitude_snapshots")).toBe(2n);
    expect(await scalar(warehouse, "select count(distinct source_file) from raw.amplitude_snapshots")).toBe(
      1n,
    );
    expect(await scalar(warehouse, "select count(*) from raw.amplitude_events")).toBe(1n);
    expect(await scalar(warehouse, "select count(*) from raw.load_history")).toBe(2n);
    expect(await scalar(warehouse, `select min(source_file) from raw.amplitude_snapshots`)).toBe(good.key);

    // Put right (what upload --repair does), the file loads, once.
    await writeFile(truncated.path, whole);
    const repaired = await load({ lake, warehouse });
    expect(repaired.snapshots).toMatchObject({ files: 1, rows: 201, failed: 4 });
    expect(await scalar(warehouse, "select count(*) from raw.amplitude_snapshots")).toBe(203n);
  });

  it("rolls a snapshot back whole when the warehouse fails at its history row: the next load loads it once", async () => {
    const lake = new LocalLake(await tempDir());
    await putSnapshot(lake, {
      object: "event_types",
      takenAt: "2026-12-01T18:30:05.000Z",
      records: eventTypes(["Page Viewed", "Signed Up"]),
    });
    const { warehouse } = await testWarehouse();
    let lost = false;
    const failing: Warehouse = Object.create(warehouse, {
      execute: {
        value: async (sql: string, params?: never[]) => {
          if (sql.startsWith("insert into raw.load_history")) lost = true;
          if (lost && !/^(rollback|commit)/.test(sql)) throw new Error("connection lost");
          return warehouse.execute(sql, params);
        },
      },
    });
    const crashed = await load({ lake, warehouse: failing });
    expect(crashed.snapshots).toMatchObject({ files: 0, failed: 1 });
    expect(crashed.failed[0]!.message).toMatch(/was not loaded: connection lost$/);
    expect(await scalar(warehouse, "select count(*) from raw.amplitude_snapshots")).toBe(0n);

    expect((await load({ lake, warehouse })).snapshots).toMatchObject({ files: 1, rows: 3, failed: 0 });
    expect(
      await scalar(
        warehouse,
        "select count(*) from (select source_file, file_row_number from raw.amplitude_snapshots group by all having count(*) > 1)",
      ),
    ).toBe(0n);
  });

  it("adds load_history.object to a warehouse made before snapshots, keeping its rows as event files", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    await warehouse.execute("create schema raw");
    await warehouse.execute(`create table raw.load_history (
      file varchar not null, checksum varchar not null, size bigint not null, rows bigint not null,
      manifest_events bigint, manifest_rejected bigint, app_id varchar, extract_window varchar,
      loaded_at timestamp not null, primary key (file, checksum))`);
    await warehouse.execute(
      `insert into raw.load_history values ('amplitude/events/app=187520/old.json.gz', 'abc', 10, 3, 3, 0, '187520', '2025-11-04T00_2025-11-04T00', timestamp '2025-11-05 00:00:00')`,
    );
    const snapshot = await putSnapshot(lake, {
      object: "event_types",
      takenAt: "2026-12-01T18:30:05.000Z",
      records: eventTypes(["Page Viewed"]),
    });
    expect((await load({ lake, warehouse })).snapshots).toMatchObject({ files: 1, rows: 2 });
    expect(
      await warehouse.query("select file, object, rows from raw.load_history order by loaded_at"),
    ).toEqual([
      { file: "amplitude/events/app=187520/old.json.gz", object: "events", rows: 3n },
      { file: snapshot.key, object: "event_types", rows: 2n },
    ]);
    // A second load finds the column there and adds nothing.
    await load({ lake, warehouse });
    expect((await warehouse.columns("raw", "load_history")).map((c) => c.name)).toEqual([
      "file",
      "checksum",
      "size",
      "rows",
      "manifest_events",
      "manifest_rejected",
      "app_id",
      "extract_window",
      "loaded_at",
      "object",
    ]);
  });

  it("prints snapshot files and rows apart from event files, and counts them apart in --json", async () => {
    const root = await tempDir();
    const lake = new LocalLake(root);
    await uploadWindow(lake, { start: "2026-12-01T10", end: "2026-12-01T10" }, [
      {
        name: `${APP}_2026-12-01_10#0.json.gz`,
        lines: [1, 2].map((n) => eventLine({ uuid: `u-${n}`, event_time: "2026-12-01 10:00:00.000000" })),
      },
    ]);
    await putSnapshot(lake, {
      object: "event_types",
      takenAt: "2026-12-01T18:30:05.000Z",
      records: eventTypes(["Page Viewed", "Signed Up", "Upgraded"]),
    });
    const out: string[] = [];
    const err: string[] = [];
    const output: Output = {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      status: () => {},
      isTTY: false,
    };
    const warehouse = join(await tempDir(), "w.duckdb");
    await runLoad(
      { lake: `file://${root}`, warehouse: `duckdb:${warehouse}`, json: true },
      { env: {}, output },
    );
    expect(out[0]).toMatch(/^Loaded 1 file\(s\), 2 rows, .* into raw\.amplitude_events from 1 new delivery/);
    expect(out[1]).toMatch(/^Loaded 1 snapshot file\(s\), 4 rows, .*, into raw\.amplitude_snapshots$/);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({
      files: 1,
      rows: 2,
      snapshot_files: 1,
      snapshot_rows: 4,
      failed: 0,
    });
    expect(err).toContain("loaded 1/1 snapshot file(s): 4 rows (1 committed)");
    expect((await stat(warehouse)).size).toBeGreaterThan(0);
  });

  it("reads an S3 lake's snapshot through a local copy, verified against its manifest", async () => {
    const local = new LocalLake(await tempDir());
    const written = await putSnapshot(local, {
      object: "cohorts",
      takenAt: "2026-12-01T18:30:05.000Z",
      records: [{ id: "abc123x", name: "Test", size: 2 }],
    });
    const lake = await openLake("s3://lake-bucket/prefix", (await s3Server()).env);
    await lake.check({ create: true });
    for (const key of [written.key, written.manifestKey]) {
      const body = await readFile(local.localPath(key));
      await lake.put(key, local.localPath(key), {
        size: body.length,
        sha256: createHash("sha256").update(body).digest("hex"),
      });
    }
    const { warehouse } = await testWarehouse();
    expect((await load({ lake, warehouse })).snapshots).toMatchObject({ files: 1, rows: 2, failed: 0 });
    expect((await load({ lake, warehouse })).snapshots).toMatchObject({ files: 0, listed: 1 });
    expect(
      await scalar(warehouse, "select count(*) from raw.amplitude_snapshots where object = 'cohorts'"),
    ).toBe(2n);
  });
});

describe("Snowflake: the snapshot objects provision renders", () => {
  it("keeps snapshot manifests out of raw.extract_windows, and gives raw.load_history their files with the object", async () => {
    const objects = renderObjects(await readProject(PROJECT_DIR), DRY_RUN_SETTINGS);
    const statement = (name: string) => objects.find((object) => object.name === name)!.statement;
    expect(objects.find((object) => object.name === "raw.amplitude_snapshots")).toMatchObject({
      kind: "table",
      stateful: true,
      columns: [
        { name: "object", definition: "varchar not null" },
        { name: "json_data", definition: "variant" },
        { name: "source_file", definition: "varchar not null" },
        { name: "file_row_number", definition: "bigint not null" },
        { name: "loaded_at", definition: "timestamp_ntz not null" },
      ],
    });
    expect(objects.find((object) => object.name === "raw.amplitude_snapshots_pipe")).toMatchObject({
      kind: "pipe",
      stateful: true,
      definition: expect.stringContaining(
        "from @raw.amplitude_lake/amplitude/ ) pattern = '.*(event_types|event_categories|cohorts|cohort_members)/app=[0-9]+/.+[.]json[.]gz'",
      ) as unknown,
    });
    expect(statement("raw.extract_windows")).toMatch(
      /from raw\.lake_manifests\nwhere coalesce\(json_data:kind::varchar, 'window'\) <> 'snapshot'\nqualify/,
    );
    const history = statement("raw.load_history");
    // Window manifests for event files, snapshot manifests for snapshot files.
    expect(history).toContain("where coalesce(manifests.json_data:kind::varchar, 'window') <> 'snapshot'");
    expect(history).toContain("where manifests.json_data:kind::varchar = 'snapshot'");
    expect(history).toContain("from raw.amplitude_snapshots\n");
    expect(history).toMatch(/'events' as object\nfrom manifest_files/);
    expect(history).toMatch(/snapshot_files\.object\nfrom snapshot_files/);
    // Tables come before the views and pipes that read them.
    const at = (name: string) => objects.findIndex((object) => object.name === name);
    expect(at("raw.amplitude_snapshots")).toBeLessThan(at("raw.load_history"));
    expect(at("raw.amplitude_snapshots")).toBeLessThan(at("raw.amplitude_snapshots_pipe"));
    expect(at("raw.amplitude_lake")).toBeLessThan(at("raw.amplitude_snapshots_pipe"));
  });
});
