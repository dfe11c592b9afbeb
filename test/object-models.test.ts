/**
 * The rest of the Amplitude data model (event types and categories, cohorts and their members, groups
 * and user groups), built on DuckDB from a small hand-made world whose right answers are written here:
 * two snapshots of one object (the later wins), an empty latest snapshot, a deleted cohort, events
 * naming groups as a string and as a list, an event type missing from the taxonomy, and a plan with no
 * Taxonomy or Cohorts API at all.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compactTime } from "../src/lake/lake.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import {
  snapshotFileKey,
  snapshotFileName,
  snapshotManifestKey,
  type SnapshotId,
  type SnapshotManifest,
  type SnapshotObject,
} from "../src/lake/snapshot-keys.ts";
import { compileModel } from "../src/models/compile.ts";
import { readProject, type Project } from "../src/models/project.ts";
import { transform, type TransformResult } from "../src/models/runner.ts";
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { load } from "../src/warehouse/load.ts";
import { type Row, type SqlValue, type Warehouse } from "../src/warehouse/warehouse.ts";
import { APP, eventLine, fullRefreshDifferences, PROJECT_DIR, uploadWindow } from "./support/warehouse.ts";

const SNAPSHOT_MODELS = [
  "staging.stg_amplitude__event_types",
  "staging.stg_amplitude__event_categories",
  "staging.stg_amplitude__cohorts",
  "staging.stg_amplitude__cohort_members",
  "core.event_types",
  "core.event_categories",
  "core.cohorts",
  "core.user_cohorts",
];

/**
 * One snapshot in a folder lake as upload lays it out (the contract's keys): the gzip NDJSON file, whose
 * first line is the `$snapshot` header, then its manifest. `load` reads it into raw.amplitude_snapshots.
 */
async function putSnapshot(
  lake: LocalLake,
  snapshot: {
    object: SnapshotObject;
    takenAt: string;
    cohortId?: string;
    records: Array<Record<string, unknown>>;
  },
) {
  const header = {
    $snapshot: {
      object: snapshot.object,
      app_id: APP,
      records: snapshot.records.length,
      ...(snapshot.cohortId ? { cohort_id: snapshot.cohortId, last_computed: null } : {}),
    },
  };
  const text = [header, ...snapshot.records].map((line) => `${JSON.stringify(line)}\n`).join("");
  const id: SnapshotId = {
    object: snapshot.object,
    appId: APP,
    takenAt: compactTime(new Date(snapshot.takenAt)),
    delivery: createHash("sha256").update(text).digest("hex").slice(0, 12),
    ...(snapshot.cohortId ? { cohortId: snapshot.cohortId } : {}),
  };
  const body = gzipSync(text);
  const key = snapshotFileKey(id);
  const manifest: SnapshotManifest = {
    manifest_version: 2,
    kind: "snapshot",
    object: snapshot.object,
    app_id: APP,
    taken_at: snapshot.takenAt,
    run_id: `test-${snapshot.takenAt}`,
    request: "test",
    delivery: id.delivery,
    ...(snapshot.cohortId ? { cohort: { id: snapshot.cohortId, name: "Test", last_computed: null } } : {}),
    totals: {
      files: 1,
      bytes: body.length,
      lines: snapshot.records.length + 1,
      records: snapshot.records.length,
    },
    files: [
      {
        name: snapshotFileName(snapshot.object),
        key,
        bytes: body.length,
        sha256: createHash("sha256").update(body).digest("hex"),
        lines: snapshot.records.length + 1,
        records: snapshot.records.length,
      },
    ],
    uploaded_at: snapshot.takenAt,
  };
  for (const [path, content] of [
    [key, body],
    [snapshotManifestKey(id), JSON.stringify(manifest)],
  ] as const) {
    await mkdir(dirname(lake.localPath(path)), { recursive: true });
    await writeFile(lake.localPath(path), content);
  }
}

const SESSION = 1_762_250_400_000;
function event(uuid: string, amplitudeId: number, eventType: string, time: string, extra = {}) {
  return eventLine({
    uuid,
    amplitude_id: amplitudeId,
    event_type: eventType,
    event_time: `2025-11-04 ${time}:00.000000`,
    session_id: SESSION,
    device_id: `device-${amplitudeId}`,
    ...extra,
  });
}

const PAGE = "[Amplitude] Page Viewed";
const FORM = "[Amplitude] Form Started";
const HOUR_10 = [
  event("u1", 1001, PAGE, "10:00", {
    event_id: 1,
    groups: { company: "acme.com" },
    group_properties: { company: { "acme.com": { industry: "software" } } },
  }),
  event("u2", 1002, FORM, "10:10", {
    event_id: 1,
    groups: { company: ["acme.com", "beta.io"], team: "red" },
    group_properties: { company: { "beta.io": { industry: "retail" } } },
  }),
  event("u3", 1001, "Untracked Thing", "10:20", { event_id: 2, groups: {}, group_properties: {} }),
  event("u4", 1001, PAGE, "10:30", {
    event_id: 3,
    groups: { company: ["acme.com"] },
    group_properties: { company: { "acme.com": { industry: "saas" } } },
  }),
  // No properties: the group keeps the ones sent before.
  event("u5", 1002, PAGE, "10:40", { event_id: 2, groups: { company: "acme.com" } }),
  event("u6", 1003, PAGE, "10:50", { event_id: 1 }),
];

async function loadEvents(lake: LocalLake, warehouse: Warehouse, hour: string, lines: string[]) {
  await uploadWindow(lake, { start: `2025-11-04T${hour}`, end: `2025-11-04T${hour}` }, [
    { name: `${APP}_2025-11-04_${Number(hour)}#0.json.gz`, lines },
  ]);
  const loaded = await load({ lake, warehouse });
  expect(loaded.failed).toEqual([]);
  return loaded;
}

async function putTaxonomyAndCohorts(lake: LocalLake) {
  // Two snapshots of the event types: the later one wins whole ("Old Type" is gone).
  await putSnapshot(lake, {
    object: "event_types",
    takenAt: "2025-11-04T00:00:00.000Z",
    records: [
      { event_type: PAGE, category: { name: "Browsing" }, description: "old text" },
      { event_type: "Old Type", category: null, description: null },
    ],
  });
  await putSnapshot(lake, {
    object: "event_types",
    takenAt: "2025-11-05T00:00:00.000Z",
    records: [
      { event_type: PAGE, category: { name: "Browsing" }, description: "A page was viewed" },
      { event_type: FORM, category: null, description: null },
      { event_type: "Planned Never Seen", category: { name: "Forms" }, description: "Planned" },
    ],
  });
  await putSnapshot(lake, {
    object: "event_categories",
    takenAt: "2025-11-04T00:00:00.000Z",
    records: [{ id: 9, name: "Legacy" }],
  });
  await putSnapshot(lake, {
    object: "event_categories",
    takenAt: "2025-11-05T00:00:00.000Z",
    records: [
      { id: 1, name: "Browsing" },
      { id: 2, name: "Forms" },
      { id: 3, name: "Video" },
    ],
  });
  const cohort = (id: string, name: string, fields: Record<string, unknown> = {}) => ({
    id,
    name,
    description: `${name} cohort`,
    appId: Number(APP),
    archived: false,
    published: true,
    size: 2,
    // Amplitude's epoch seconds; c2 below sends milliseconds, which are read too.
    lastComputed: 1_762_300_800,
    lastMod: 1_762_214_400,
    createdAt: 1_762_128_000,
    hidden: false,
    owners: ["ada@initech.com"],
    type: "redshift",
    definition: { version: 3 },
    ...fields,
  });
  // c0 was deleted between the two snapshots: its members go with it.
  await putSnapshot(lake, {
    object: "cohorts",
    takenAt: "2025-11-04T00:00:00.000Z",
    records: [cohort("c0", "Deleted"), cohort("c1", "Readers")],
  });
  await putSnapshot(lake, {
    object: "cohorts",
    takenAt: "2025-11-05T00:00:00.000Z",
    records: [
      cohort("c1", "Readers"),
      cohort("c2", "Archived", {
        archived: true,
        size: 0,
        lastComputed: null,
        lastMod: 1_762_214_400_000,
        // A time as text, which the cohorts client accepts too.
        createdAt: "2025-11-03T00:00:00.000Z",
        owners: [],
      }),
    ],
  });
  const member = (cohortId: string, amplitudeId: number, userId: string | null = null) => ({
    cohort_id: cohortId,
    amplitude_id: amplitudeId,
    user_id: userId,
  });
  await putSnapshot(lake, {
    object: "cohort_members",
    cohortId: "c0",
    takenAt: "2025-11-04T01:00:00.000Z",
    records: [member("c0", 1001)],
  });
  await putSnapshot(lake, {
    object: "cohort_members",
    cohortId: "c1",
    takenAt: "2025-11-04T01:00:00.000Z",
    records: [member("c1", 1001), member("c1", 1002)],
  });
  // The latest membership of c1: 1002 left, 1009 (no events here: a warning) joined, 1001 listed twice.
  await putSnapshot(lake, {
    object: "cohort_members",
    cohortId: "c1",
    takenAt: "2025-11-05T01:00:00.000Z",
    records: [
      member("c1", 1001, "ada@initech.com"),
      member("c1", 1009),
      member("c1", 1001, "ada@initech.com"),
    ],
  });
  // c2's latest membership is empty: its older member is no member now.
  await putSnapshot(lake, {
    object: "cohort_members",
    cohortId: "c2",
    takenAt: "2025-11-04T01:00:00.000Z",
    records: [member("c2", 1002)],
  });
  await putSnapshot(lake, {
    object: "cohort_members",
    cohortId: "c2",
    takenAt: "2025-11-05T01:00:00.000Z",
    records: [],
  });
}

/** Rows as plain values: timestamps as ISO text, big integers as numbers, JSON as parsed JSON. */
async function rows(warehouse: Warehouse, sql: string): Promise<Row[]> {
  const plain = (value: SqlValue): SqlValue => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === "bigint") return Number(value);
    return value;
  };
  return (await warehouse.query(sql)).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])),
  );
}

function expectBuilt(result: TransformResult) {
  expect(result.models.filter((m) => m.status !== "success").map((m) => `${m.name}: ${m.message}`)).toEqual(
    [],
  );
  expect(result.tests.filter((t) => t.status === "fail" || t.status === "error")).toEqual([]);
}

const at = (time: string) => `2025-11-04T${time}:00.000Z`;

let scratch: string;
let project: Project;
const warehouses: Warehouse[] = [];
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "amplitude-pipeline-objects-"));
  project = await readProject(PROJECT_DIR);
});
afterAll(async () => {
  await Promise.all(warehouses.map((w) => w.close()));
  await rm(scratch, { recursive: true, force: true });
});

async function world(name: string) {
  const warehouse = await DuckDbWarehouse.open(join(scratch, `${name}.duckdb`), { create: true });
  warehouses.push(warehouse);
  const lake = new LocalLake(join(scratch, `${name}-lake`));
  return { warehouse, lake };
}

describe("the object models on a hand-made world", () => {
  let warehouse: Warehouse;
  let lake: LocalLake;
  let first: TransformResult;
  beforeAll(async () => {
    ({ warehouse, lake } = await world("objects"));
    await putTaxonomyAndCohorts(lake);
    const loaded = await loadEvents(lake, warehouse, "10", HOUR_10);
    expect(loaded.snapshots).toMatchObject({ files: 11, failed: 0 });
    first = await transform({ warehouse, project });
  });

  it("builds them, and their yml tests pass but the warning the data explains", () => {
    expectBuilt(first);
    const ours = first.tests.filter((t) =>
      t.on.some((on) => /event_types|event_categories|cohort|groups|snapshots/.test(on)),
    );
    expect(ours.length).toBeGreaterThan(25);
    expect(ours.filter((t) => t.status !== "pass").map((t) => [t.name, t.status, t.failures])).toEqual([
      ["relationships_user_cohorts__amplitude_id", "warn", 1],
    ]);
  });

  it("core.event_types: the latest taxonomy, first and last seen, and a type only seen in events", async () => {
    expect(
      await rows(
        warehouse,
        "select * from core.event_types order by in_taxonomy desc, event_count desc, event_type",
      ),
    ).toEqual([
      {
        event_type: PAGE,
        category_name: "Browsing",
        category_id: 1,
        description: "A page was viewed",
        in_taxonomy: true,
        first_seen_at: at("10:00"),
        last_seen_at: at("10:50"),
        event_count: 4,
      },
      {
        event_type: FORM,
        category_name: null,
        category_id: null,
        description: null,
        in_taxonomy: true,
        first_seen_at: at("10:10"),
        last_seen_at: at("10:10"),
        event_count: 1,
      },
      {
        event_type: "Planned Never Seen",
        category_name: "Forms",
        category_id: 2,
        description: "Planned",
        in_taxonomy: true,
        first_seen_at: null,
        last_seen_at: null,
        event_count: 0,
      },
      {
        event_type: "Untracked Thing",
        category_name: null,
        category_id: null,
        description: null,
        in_taxonomy: false,
        first_seen_at: at("10:20"),
        last_seen_at: at("10:20"),
        event_count: 1,
      },
    ]);
    expect(
      await rows(
        warehouse,
        "select event_type, app_id, snapshot_taken_at, file_row_number from staging.stg_amplitude__event_types order by file_row_number",
      ),
    ).toEqual([
      { event_type: PAGE, app_id: 187520, snapshot_taken_at: "2025-11-05T00:00:00.000Z", file_row_number: 2 },
      { event_type: FORM, app_id: 187520, snapshot_taken_at: "2025-11-05T00:00:00.000Z", file_row_number: 3 },
      {
        event_type: "Planned Never Seen",
        app_id: 187520,
        snapshot_taken_at: "2025-11-05T00:00:00.000Z",
        file_row_number: 4,
      },
    ]);
  });

  it("core.event_categories: the latest snapshot, with its event types counted", async () => {
    expect(await rows(warehouse, "select * from core.event_categories order by category_id")).toEqual([
      { category_id: 1, category_name: "Browsing", event_type_count: 1 },
      { category_id: 2, category_name: "Forms", event_type_count: 1 },
      { category_id: 3, category_name: "Video", event_type_count: 0 },
    ]);
  });

  it("core.cohorts and core.user_cohorts: the latest cohorts, each with its latest membership", async () => {
    expect(
      await rows(
        warehouse,
        `select cohort_id, cohort_name, description, cohort_type, archived, published, size, member_count,
                members_taken_at, last_computed_at, last_modified_at, created_at, hidden, owners::varchar as owners,
                definition::varchar as definition, app_id, snapshot_taken_at
         from core.cohorts order by cohort_id`,
      ),
    ).toEqual([
      {
        cohort_id: "c1",
        cohort_name: "Readers",
        description: "Readers cohort",
        cohort_type: "redshift",
        archived: false,
        published: true,
        size: 2,
        member_count: 2,
        members_taken_at: "2025-11-05T01:00:00.000Z",
        last_computed_at: "2025-11-05T00:00:00.000Z",
        last_modified_at: "2025-11-04T00:00:00.000Z",
        created_at: "2025-11-03T00:00:00.000Z",
        hidden: false,
        owners: '["ada@initech.com"]',
        definition: '{"version":3}',
        app_id: 187520,
        snapshot_taken_at: "2025-11-05T00:00:00.000Z",
      },
      {
        cohort_id: "c2",
        cohort_name: "Archived",
        description: "Archived cohort",
        cohort_type: "redshift",
        archived: true,
        published: true,
        size: 0,
        member_count: 0,
        members_taken_at: null,
        last_computed_at: null,
        last_modified_at: "2025-11-04T00:00:00.000Z",
        created_at: "2025-11-03T00:00:00.000Z",
        hidden: false,
        owners: "[]",
        definition: '{"version":3}',
        app_id: 187520,
        snapshot_taken_at: "2025-11-05T00:00:00.000Z",
      },
    ]);
    expect(await rows(warehouse, "select * from core.user_cohorts order by cohort_id, amplitude_id")).toEqual(
      [
        {
          cohort_id: "c1",
          amplitude_id: 1001,
          user_id: "ada@initech.com",
          membership_taken_at: "2025-11-05T01:00:00.000Z",
        },
        {
          cohort_id: "c1",
          amplitude_id: 1009,
          user_id: null,
          membership_taken_at: "2025-11-05T01:00:00.000Z",
        },
      ],
    );
  });

  it("core.groups and core.user_groups: names as a string or a list, the latest properties sent", async () => {
    expect(
      await rows(
        warehouse,
        `select * exclude (loaded_at, group_properties), group_properties::varchar as group_properties
         from core.groups order by group_type, group_name`,
      ),
    ).toEqual([
      {
        group_type: "company",
        group_name: "acme.com",
        group_properties: '{"industry":"saas"}',
        first_seen_at: at("10:00"),
        last_seen_at: at("10:40"),
        event_count: 4,
        user_count: 2,
      },
      {
        group_type: "company",
        group_name: "beta.io",
        group_properties: '{"industry":"retail"}',
        first_seen_at: at("10:10"),
        last_seen_at: at("10:10"),
        event_count: 1,
        user_count: 1,
      },
      {
        group_type: "team",
        group_name: "red",
        group_properties: null,
        first_seen_at: at("10:10"),
        last_seen_at: at("10:10"),
        event_count: 1,
        user_count: 1,
      },
    ]);
    expect(
      await rows(
        warehouse,
        "select * exclude (loaded_at) from core.user_groups order by amplitude_id, group_type, group_name",
      ),
    ).toEqual([
      // The user's latest properties for the group, which core.groups picks the latest of.
      membership(1001, "company", "acme.com", "10:00", "10:30", 2, ['{"industry":"saas"}', "10:30", "u4"]),
      membership(1002, "company", "acme.com", "10:10", "10:40", 2),
      membership(1002, "company", "beta.io", "10:10", "10:10", 1, ['{"industry":"retail"}', "10:10", "u2"]),
      membership(1002, "team", "red", "10:10", "10:10", 1),
    ]);
  });

  it("follows a re-processed event out of its groups incrementally, as a full refresh would; snapshots rebuild", async () => {
    // A later taxonomy lists the type only events had; c2 gains a member.
    await putSnapshot(lake, {
      object: "event_types",
      takenAt: "2025-11-06T00:00:00.000Z",
      records: [{ event_type: "Untracked Thing", category: { name: "Video" }, description: "Now planned" }],
    });
    await putSnapshot(lake, {
      object: "cohort_members",
      cohortId: "c2",
      takenAt: "2025-11-06T01:00:00.000Z",
      records: [{ cohort_id: "c2", amplitude_id: 1002, user_id: null }],
    });
    await loadEvents(lake, warehouse, "11", [
      // u2 again, processed later: now in acme.com only.
      event("u2", 1002, FORM, "10:10", {
        event_id: 1,
        processed_time: "2025-11-04 11:30:00.000000",
        groups: { company: "acme.com" },
        group_properties: {},
      }),
      // u6 again, now naming a group.
      event("u6", 1003, PAGE, "10:50", {
        event_id: 1,
        processed_time: "2025-11-04 11:30:00.000000",
        groups: { company: ["gamma.org"] },
        group_properties: { company: { "gamma.org": { industry: "media" } } },
      }),
      event("u7", 1001, PAGE, "11:00", { event_id: 4, groups: { team: ["blue"] } }),
      // u4 again, now in a team only: acme.com loses the event its latest properties came from, and no
      // new event sends any for it (u2 sends none): the latest of the events it keeps wins.
      event("u4", 1001, PAGE, "10:30", {
        event_id: 3,
        processed_time: "2025-11-04 11:30:00.000000",
        groups: { team: ["green"] },
        group_properties: {},
      }),
    ]);
    const result = await transform({ warehouse, project });
    expectBuilt(result);
    for (const name of ["stg_amplitude__event_groups", "user_groups"]) {
      expect(
        result.models.find((m) => m.name === name),
        name,
      ).toMatchObject({ incremental: true });
    }
    // Groups are built whole from the memberships, which hold each user's latest properties.
    expect(result.models.find((m) => m.name === "groups")).toMatchObject({ incremental: false });
    expect(
      await rows(
        warehouse,
        `select group_type, group_name, group_properties::varchar as group_properties, event_count, user_count
         from core.groups order by group_type, group_name`,
      ),
    ).toEqual([
      {
        group_type: "company",
        group_name: "acme.com",
        group_properties: '{"industry":"software"}',
        event_count: 3,
        user_count: 2,
      },
      {
        group_type: "company",
        group_name: "gamma.org",
        group_properties: '{"industry":"media"}',
        event_count: 1,
        user_count: 1,
      },
      { group_type: "team", group_name: "blue", group_properties: null, event_count: 1, user_count: 1 },
      { group_type: "team", group_name: "green", group_properties: null, event_count: 1, user_count: 1 },
    ]);
    expect(
      await rows(
        warehouse,
        "select * exclude (loaded_at) from core.user_groups order by amplitude_id, group_type, group_name",
      ),
    ).toEqual([
      membership(1001, "company", "acme.com", "10:00", "10:00", 1, [
        '{"industry":"software"}',
        "10:00",
        "u1",
      ]),
      membership(1001, "team", "blue", "11:00", "11:00", 1),
      membership(1001, "team", "green", "10:30", "10:30", 1),
      membership(1002, "company", "acme.com", "10:10", "10:40", 2),
      membership(1003, "company", "gamma.org", "10:50", "10:50", 1, ['{"industry":"media"}', "10:50", "u6"]),
    ]);
    expect(
      await rows(
        warehouse,
        "select event_type, in_taxonomy, category_id, event_count from core.event_types order by event_type",
      ),
    ).toEqual([
      { event_type: "Untracked Thing", in_taxonomy: true, category_id: 3, event_count: 1 },
      { event_type: FORM, in_taxonomy: false, category_id: null, event_count: 1 },
      { event_type: PAGE, in_taxonomy: false, category_id: null, event_count: 5 },
    ]);
    expect(
      await rows(warehouse, "select cohort_id, amplitude_id from core.user_cohorts order by all"),
    ).toEqual([
      { cohort_id: "c1", amplitude_id: 1001 },
      { cohort_id: "c1", amplitude_id: 1009 },
      { cohort_id: "c2", amplitude_id: 1002 },
    ]);
    expect(await fullRefreshDifferences(warehouse)).toEqual({});

    // Later first deliveries naming acme.com without properties keep the ones sent before: the group's, and
    // those 1001's membership holds (appended to: its new event is later than all it holds).
    await loadEvents(lake, warehouse, "12", [
      event("u8", 1002, PAGE, "12:00", { event_id: 3, groups: { company: "acme.com" } }),
      event("u11", 1001, PAGE, "12:10", { event_id: 5, groups: { company: "acme.com" } }),
    ]);
    expectBuilt(await transform({ warehouse, project }));
    expect(
      await rows(
        warehouse,
        `select group_properties::varchar as group_properties, event_count, user_count, last_seen_at
         from core.groups where group_name = 'acme.com'`,
      ),
    ).toEqual([
      {
        group_properties: '{"industry":"software"}',
        event_count: 5,
        user_count: 2,
        last_seen_at: at("12:10"),
      },
    ]);
    expect(
      await rows(
        warehouse,
        `select * exclude (loaded_at) from core.user_groups
         where group_name = 'acme.com' order by amplitude_id`,
      ),
    ).toEqual([
      membership(1001, "company", "acme.com", "10:00", "12:10", 2, [
        '{"industry":"software"}',
        "10:00",
        "u1",
      ]),
      membership(1002, "company", "acme.com", "10:10", "12:00", 3),
    ]);
    expect(await fullRefreshDifferences(warehouse)).toEqual({});

    // Two users send properties for acme.com in one later hour: the group takes the latest event's,
    // whichever user sent it (each membership holds only its own user's latest).
    await loadEvents(lake, warehouse, "13", [
      event("u9", 1002, PAGE, "12:30", {
        event_id: 4,
        groups: { company: "acme.com" },
        group_properties: { company: { "acme.com": { industry: "fintech" } } },
      }),
      event("u10", 1003, PAGE, "12:20", {
        event_id: 2,
        groups: { company: "acme.com" },
        group_properties: { company: { "acme.com": { industry: "media" } } },
      }),
    ]);
    expectBuilt(await transform({ warehouse, project }));
    expect(
      await rows(
        warehouse,
        `select group_properties::varchar as group_properties, event_count, user_count
         from core.groups where group_name = 'acme.com'`,
      ),
    ).toEqual([{ group_properties: '{"industry":"fintech"}', event_count: 7, user_count: 3 }]);
    expect(await fullRefreshDifferences(warehouse)).toEqual({});
  });
});

function membership(
  amplitudeId: number,
  groupType: string,
  groupName: string,
  first: string,
  last: string,
  events: number,
  properties: [json: string, time: string, uuid: string] | null = null,
) {
  return {
    amplitude_id: amplitudeId,
    group_type: groupType,
    group_name: groupName,
    first_seen_at: at(first),
    last_seen_at: at(last),
    event_count: events,
    group_properties: properties?.[0] ?? null,
    group_properties_event_time: properties ? at(properties[1]) : null,
    group_properties_uuid: properties?.[2] ?? null,
  };
}

describe("a plan without the Taxonomy and Cohorts APIs", () => {
  it("builds every snapshot model as an empty table with its columns; event types come from events", async () => {
    const { warehouse, lake } = await world("no-objects");
    await loadEvents(lake, warehouse, "10", HOUR_10);
    const result = await transform({ warehouse, project });
    expectBuilt(result);
    for (const relation of SNAPSHOT_MODELS.filter((r) => r !== "core.event_types")) {
      expect(await rows(warehouse, `select * from ${relation}`), relation).toEqual([]);
    }
    const [schema, name] = ["core", "cohorts"];
    expect((await warehouse.columns(schema, name)).map((c) => `${c.name} ${c.type}`)).toEqual([
      "cohort_id VARCHAR",
      "cohort_name VARCHAR",
      "description VARCHAR",
      "cohort_type VARCHAR",
      "archived BOOLEAN",
      "published BOOLEAN",
      "hidden BOOLEAN",
      "size BIGINT",
      "member_count BIGINT",
      "members_taken_at TIMESTAMP",
      "last_computed_at TIMESTAMP",
      "last_modified_at TIMESTAMP",
      "created_at TIMESTAMP",
      "owners JSON",
      "definition JSON",
      "app_id BIGINT",
      "snapshot_taken_at TIMESTAMP",
    ]);
    expect((await warehouse.columns("core", "user_cohorts")).map((c) => c.name)).toEqual([
      "cohort_id",
      "amplitude_id",
      "user_id",
      "membership_taken_at",
    ]);
    expect(
      await rows(
        warehouse,
        "select event_type, in_taxonomy, category_name, event_count from core.event_types order by event_count desc, event_type",
      ),
    ).toEqual([
      { event_type: PAGE, in_taxonomy: false, category_name: null, event_count: 4 },
      { event_type: "Untracked Thing", in_taxonomy: false, category_name: null, event_count: 1 },
      { event_type: FORM, in_taxonomy: false, category_name: null, event_count: 1 },
    ]);
  });
});

describe("the object models compiled for Snowflake", () => {
  it("flatten groups, read the header and the key, and convert epochs through the dialect macros", async () => {
    const sql = (name: string) =>
      compileModel(project, project.models.get(name)!, { dialect: "snowflake" }).sql;
    const groups = sql("stg_amplitude__event_groups");
    expect(groups).toContain("from grouped, lateral flatten(input => grouped.event_groups) as type_entry");
    expect(groups).toContain(
      "iff(is_array(type_entry.value), type_entry.value, to_variant(array_construct(type_entry.value))) as group_names",
    );
    expect(groups).toContain("when 'VARCHAR' then name_entry.value::varchar");
    expect(groups).toContain("name_entry.key as group_name");
    const cohorts = sql("stg_amplitude__cohorts");
    expect(cohorts).toContain(`and strip_null_value(snapshot_lines.json_data:"$snapshot") is null`);
    expect(cohorts).toContain(
      "to_timestamp_ntz((case when last_computed_epoch < 100000000000 then last_computed_epoch * 1000 else last_computed_epoch end)::number(38, 0), 3),\n            last_computed_text\n        ) as last_computed_at",
    );
    expect(cohorts).toContain(`'YYYYMMDD"T"HH24MISS.FF3"Z"') as snapshot_taken_at`);
    // An incremental build reads the deliveries staging kept since, computes again the memberships of the
    // events whose kept delivery changed, and appends the new memberships of the other keys to their held rows.
    const increment = compileModel(project, project.models.get("user_groups")!, {
      dialect: "snowflake",
      incremental: true,
      incrementalSince: "cast('2025-11-04 10:00:00' as timestamp)",
    }).sql;
    expect(increment).toContain(
      "uuid in (select uuid from staging.stg_amplitude__events where loaded_at > cast('2025-11-04 10:00:00' as timestamp))",
    );
    expect(increment).toContain(
      "where (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from recomputed)",
    );
    expect(increment).toContain("activity.event_count + coalesce(held.event_count, 0) as event_count");
  });
});
