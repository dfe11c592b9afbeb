import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterEach } from "vitest";
import { DEFAULT_MAX_LINE_BYTES, type WindowManifest } from "../../src/amplitude/extract.ts";
import type { SimulatorOptions } from "../../src/amplitude/simulator/server.ts";
import { LocalLake } from "../../src/lake/local-lake.ts";
import { upload } from "../../src/lake/upload.ts";
import {
  isPersonal,
  readProject,
  SEED_SCHEMA,
  type ColumnDoc,
  type Project,
} from "../../src/models/project.ts";
import { transform, type TransformOptions } from "../../src/models/runner.ts";
import { DuckDbWarehouse } from "../../src/warehouse/duckdb.ts";
import { load } from "../../src/warehouse/load.ts";
import { sqlString, type Warehouse } from "../../src/warehouse/warehouse.ts";
import { tempDir } from "./files.ts";
import { extractFrom, hourOf, simulator } from "./simulator.ts";

export const PROJECT_DIR = fileURLToPath(new URL("../../sql", import.meta.url));
export const APP = "187520";

const open: Warehouse[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
});

/** A new DuckDB file in a temporary folder, closed after the test. */
export async function testWarehouse(dir?: string): Promise<{ warehouse: DuckDbWarehouse; path: string }> {
  const path = join(dir ?? (await tempDir()), "warehouse.duckdb");
  const warehouse = await DuckDbWarehouse.open(path, { create: true });
  open.push(warehouse);
  return { warehouse, path };
}

/** Extracts days from a simulator into a backup folder and uploads them to a local lake. */
export async function simulatedLake(
  days: Array<[string, string]>,
  options: { simulator?: SimulatorOptions; out?: string; lake?: LocalLake } = {},
) {
  const sim = await simulator(options.simulator);
  const out = options.out ?? (await tempDir());
  const lake = options.lake ?? new LocalLake(await tempDir());
  let events = 0;
  for (const [start, end] of days) {
    const { summary } = await extractFrom(sim, {
      range: { start: hourOf(start), end: hourOf(end) },
      outDir: out,
      validationThreads: 0,
    });
    events += summary.events;
  }
  await upload({ lake, from: out });
  return { lake, out, events, sim };
}

export interface TestEvent {
  uuid: string;
  event_type?: string;
  event_time: string;
  processed_time?: string;
  amplitude_id?: number;
  session_id?: number;
  event_id?: number;
  user_id?: string | null;
  device_id?: string;
  event_properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A complete event line from a few chosen fields. */
export function eventLine(event: TestEvent): string {
  return JSON.stringify({
    event_type: "[Amplitude] Page Viewed",
    amplitude_id: 1001,
    session_id: 1_762_214_400_000,
    event_id: 1,
    user_id: null,
    device_id: "device-1",
    event_properties: {},
    server_upload_time: event.event_time,
    processed_time: event.event_time,
    ...event,
  });
}

/**
 * Writes a backup window the way extract does (gzip members and a manifest counting their lines), for
 * tests that need exact events, then uploads it to the lake. `rejected` lines are counted as extract
 * would have set them aside.
 */
export async function uploadWindow(
  lake: LocalLake,
  window: { start: string; end: string },
  files: Array<{ name: string; lines: string[]; rejected?: number; body?: Buffer }>,
  extractedAt = new Date().toISOString(),
) {
  const out = await tempDir();
  const folder = join(out, APP, `${window.start}_${window.end}`);
  await mkdir(folder, { recursive: true });
  const entries: WindowManifest["files"] = [];
  for (const file of files) {
    const body = file.body ?? gzipSync(file.lines.map((l) => l + "\n").join(""));
    await writeFile(join(folder, file.name), body);
    const rejected = file.rejected ?? 0;
    entries.push({
      name: file.name,
      member: `${APP}/${file.name}`,
      bytes: body.length,
      sha256: createHash("sha256").update(body).digest("hex"),
      lines: file.lines.length,
      events: file.lines.length - rejected,
      rejected,
      min_server_upload_time: null,
      max_server_upload_time: null,
    });
  }
  const sum = (key: "bytes" | "lines" | "events" | "rejected") => entries.reduce((a, f) => a + f[key], 0);
  const manifest: WindowManifest = {
    manifest_version: 1,
    app_id: APP,
    window,
    status: entries.length > 0 ? "exported" : "empty",
    max_line_bytes: DEFAULT_MAX_LINE_BYTES,
    run_id: `test-${extractedAt}`,
    extracted_at: extractedAt,
    request: "test",
    totals: {
      files: entries.length,
      bytes: sum("bytes"),
      lines: sum("lines"),
      events: sum("events"),
      rejected: sum("rejected"),
    },
    files: entries,
    ignored_members: [],
    timings: { attempts: 1, request_ms: 0, download_ms: 0, unpack_ms: 0, downloaded_bytes: 0 },
  };
  await writeFile(join(folder, "manifest.json"), JSON.stringify(manifest));
  const summary = await upload({ lake, from: out });
  if (summary.failures.length > 0) throw new Error(summary.failures.map((f) => f.error).join("; "));
}

/**
 * Loads what the lake has and transforms. Unless `rebuildShare` says otherwise, no incremental model is
 * rebuilt whole: a test's few rows would often put half a model in scope, and the incremental SQL is what
 * these tests check.
 */
export async function loadAndTransform(
  lake: LocalLake,
  warehouse: Warehouse,
  options: Omit<TransformOptions, "warehouse" | "project"> = {},
) {
  const loaded = await load({ lake, warehouse });
  const result = await transform({
    warehouse,
    project: await readProject(PROJECT_DIR),
    rebuildShare: Infinity,
    ...options,
  });
  return { loaded, result };
}

export const CORE_TABLES = [
  "staging.stg_amplitude__events",
  "staging.stg_amplitude__event_properties",
  "core.events",
  "core.sessions",
  "core.users",
  "core.devices",
  "restricted.locations",
  "marts.page_paths",
  "marts.web_issues",
  "marts.company_traffic",
];

export async function rowCounts(warehouse: Warehouse, tables = CORE_TABLES): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await warehouse.query<{ n: bigint }>(`select count(*) as n from ${table}`);
    counts[table] = Number(row!.n);
  }
  return counts;
}

export async function scalar<T = unknown>(warehouse: Warehouse, sql: string): Promise<T> {
  const [row] = await warehouse.query(sql);
  return Object.values(row!)[0] as T;
}

/**
 * Every row of every table the models build (staging, core, restricted, marts: found in the catalog, so a
 * new model is covered too), as sorted JSON text per table, to compare two states of a warehouse.
 */
export async function snapshotModels(warehouse: Warehouse): Promise<Record<string, string[]>> {
  const relations = await warehouse.query<{ relation: string }>(
    `select table_schema || '.' || table_name as relation from information_schema.tables
     where table_schema in ('staging', 'core', 'restricted', 'marts')
       and table_name not like '%\\_\\_increment' escape '\\' and table_name not like '%\\_\\_scope' escape '\\'
     order by relation`,
  );
  const tables: Record<string, string[]> = {};
  for (const { relation } of relations) {
    const rows = await warehouse.query(`select * from ${relation}`);
    tables[relation] = rows
      .map((row) => JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)))
      .sort();
  }
  return tables;
}

/** What a full refresh changes in the model tables: nothing, when the incremental models were right. */
export async function fullRefreshDifferences(warehouse: Warehouse) {
  const incremental = await snapshotModels(warehouse);
  await transform({ warehouse, project: await readProject(PROJECT_DIR), fullRefresh: true });
  const refreshed = await snapshotModels(warehouse);
  const differences: Record<string, { onlyIncremental: string[]; onlyFullRefresh: string[] }> = {};
  for (const table of new Set([...Object.keys(incremental), ...Object.keys(refreshed)])) {
    const a = incremental[table] ?? [];
    const b = refreshed[table] ?? [];
    const onlyIncremental = multisetMinus(a, b);
    const onlyFullRefresh = multisetMinus(b, a);
    if (onlyIncremental.length > 0 || onlyFullRefresh.length > 0) {
      differences[table] = { onlyIncremental, onlyFullRefresh };
    }
  }
  return differences;
}

/** The rows of `a` left after taking away one copy for each row of `b` (an `except all`). */
function multisetMinus(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const row of b) counts.set(row, (counts.get(row) ?? 0) + 1);
  return a.filter((row) => {
    const n = counts.get(row) ?? 0;
    if (n === 0) return true;
    counts.set(row, n - 1);
    return false;
  });
}

/** Column names that hold personal location data: allowed only in raw and restricted. */
export const PII_COLUMNS = ["ip_address", "city", "country", "region", "dma", "location_lat", "location_lng"];
const PII_SCHEMAS = ["raw", "restricted"];

/** What looks like an email address anywhere in a value (a JSON document included). */
const EMAIL_PATTERN = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}";

/** `schema.table` → column → its yml `meta`, for every model and seed of the project. */
function declaredColumns(project: Project): Map<string, Map<string, ColumnDoc>> {
  const relations = new Map<string, Map<string, ColumnDoc>>();
  const add = (relation: string, columns: ColumnDoc[]) =>
    relations.set(relation, new Map(columns.map((column) => [column.name.toLowerCase(), column])));
  for (const model of project.models.values()) {
    const schema = typeof model.ymlConfig.schema === "string" ? model.ymlConfig.schema : model.folderSchema;
    add(`${schema}.${model.name}`, model.columns);
  }
  for (const seed of project.seeds.values()) add(`${SEED_SCHEMA}.${seed.name}`, seed.columns);
  return relations;
}

/**
 * The rule for personal data, checked on what the warehouse holds: location data (a column named like
 * one, or a value holding an IP address restricted.locations holds) lives only in raw and restricted; any
 * other column whose values look like emails must be declared `meta: { pii: true }` in its model's yml,
 * and no mart may hold a personal column at all (marked, or found by its values). Relations are
 * discovered from information_schema, so a model added later is checked too. Returns one line per
 * finding, and what was checked, so a caller can tell an empty finding from an empty search.
 */
export async function personalDataOutsideRestricted(
  warehouse: Warehouse,
  allowedSchemas: readonly string[] = PII_SCHEMAS,
  project?: Project,
): Promise<{
  findings: string[];
  relations: string[];
  columns: number;
  addresses: number;
  emailColumns: string[];
}> {
  const declared = declaredColumns(project ?? (await readProject(PROJECT_DIR)));
  const columns = await warehouse.query<{ table_schema: string; table_name: string; column_name: string }>(
    `select table_schema, table_name, column_name from information_schema.columns
     where table_catalog = current_database()
       and lower(table_schema) not in ('information_schema', 'pg_catalog', ${allowedSchemas.map((s) => `'${s}'`).join(", ")})
     order by table_schema, table_name, ordinal_position`,
  );
  const findings: string[] = [];
  const isMart = (schema: string) => schema.toLowerCase() === "marts";
  const meta = (schema: string, table: string, column: string) =>
    declared.get(`${schema}.${table}`.toLowerCase())?.get(column.toLowerCase());
  for (const { table_schema, table_name, column_name } of columns) {
    if (PII_COLUMNS.includes(column_name.toLowerCase())) {
      findings.push(`${table_schema}.${table_name}.${column_name}: a personal data column`);
    }
    const doc = meta(table_schema, table_name, column_name);
    if (doc && isPersonal(doc) && isMart(table_schema)) {
      findings.push(
        `${table_schema}.${table_name}.${column_name}: marked pii: true, and a mart holds no personal column`,
      );
    }
  }
  const ips = await warehouse.query<{ ip_address: string }>(
    "select distinct ip_address from restricted.locations where ip_address is not null order by ip_address",
  );
  // Any address as a whole token (1.2.3.4 is not found inside 11.2.3.45, but is inside a URL or JSON):
  // one constant pattern, one scan per relation with a count per column.
  const ipPattern =
    ips.length > 0
      ? sqlString(
          `(^|[^0-9.])(${ips.map((ip) => ip.ip_address.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})($|[^0-9.])`,
        )
      : undefined;
  const emailPattern = sqlString(EMAIL_PATTERN);
  const byRelation = new Map<string, typeof columns>();
  for (const column of columns) {
    const relation = `"${column.table_schema}"."${column.table_name}"`;
    byRelation.set(relation, [...(byRelation.get(relation) ?? []), column]);
  }
  const emailColumns: string[] = [];
  for (const [relation, its] of byRelation) {
    const text = (column: string) => `cast("${column}" as varchar)`;
    const [counts] = await warehouse.query<Record<string, bigint>>(
      `select ${its
        .flatMap((c, i) => [
          `count(*) filter (where regexp_matches(${text(c.column_name)}, ${emailPattern})) as e${i}`,
          ...(ipPattern
            ? [`count(*) filter (where regexp_matches(${text(c.column_name)}, ${ipPattern})) as c${i}`]
            : []),
        ])
        .join(", ")} from ${relation}`,
    );
    for (const [i, { table_schema, table_name, column_name }] of its.entries()) {
      const name = `${table_schema}.${table_name}.${column_name}`;
      const example = async (pattern: string) => {
        const [row] = await warehouse.query<{ value: string }>(
          `select ${text(column_name)} as value from ${relation} where regexp_matches(${text(column_name)}, ${pattern}) limit 1`,
        );
        return row!.value.slice(0, 80);
      };
      const emails = Number(counts![`e${i}`]);
      if (emails > 0) {
        emailColumns.push(name);
        const doc = meta(table_schema, table_name, column_name);
        if (isMart(table_schema)) {
          findings.push(
            `${name} holds emails in ${emails} row(s), and a mart holds no personal column, e.g. ${await example(emailPattern)}`,
          );
        } else if (!doc || !isPersonal(doc)) {
          findings.push(
            `${name} holds emails in ${emails} row(s) but is not marked meta: { pii: true } in its yml, e.g. ${await example(emailPattern)}`,
          );
        }
      }
      if (!ipPattern || Number(counts![`c${i}`]) === 0) continue;
      findings.push(
        `${name} holds an IP address of restricted.locations in ${counts![`c${i}`]} row(s), e.g. ${await example(ipPattern)}`,
      );
    }
  }
  const relations = [...new Set(columns.map((c) => `${c.table_schema}.${c.table_name}`))];
  return { findings, relations, columns: columns.length, addresses: ips.length, emailColumns };
}
