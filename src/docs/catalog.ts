import type { CompiledModel } from "../models/compile.ts";
import { testName } from "../models/data-tests.ts";
import { SEED_SCHEMA, type ColumnDoc, type DeclaredTest, type Project } from "../models/project.ts";
import {
  DEFAULT_FRESHNESS_WARN_HOURS,
  planProject,
  planTests,
  type ModelResult,
  type TestResult,
} from "../models/runner.ts";
import type { Dialect, SqlValue, Warehouse } from "../warehouse/warehouse.ts";
import { readDocBlocks, resolveDocReferences } from "./doc-blocks.ts";
import { latestRunResults, recordedResults, type LastResults } from "./test-results.ts";
import { readYmlDetails, type ColumnDetail } from "./yml-details.ts";

export type NodeKind = "model" | "source" | "seed";

export interface CatalogTest {
  name: string;
  /** not_null, unique, …, freshness, or singular (a query in tests/). */
  kind: string;
  column?: string;
  severity: string;
  declaredIn: string;
  /** The last result; undefined when the last run did not run it (or no run has). */
  result?: TestResult;
}

export interface CatalogColumn {
  name: string;
  type?: string;
  /** Where the type comes from: the built relation, or the yml's `data_type`. */
  typeFrom?: "warehouse" | "yml";
  description?: string;
  /** False: documented in yml but not in the built relation. Undefined: no warehouse to ask. */
  inWarehouse?: boolean;
  /** Marked `meta: { pii: true }` in the yml: personal data, with `meta.pii_reason` when given. */
  personal?: { reason?: string };
  tests: CatalogTest[];
}

export type FreshnessStatus = "fresh" | "warn" | "error" | "empty" | "unknown";

export interface Freshness {
  loadedAtField: string;
  warnAfterHours: number;
  errorAfterHours?: number;
  /** The newest loaded_at, ISO; null when the table is empty; undefined when unknown (not built, no warehouse). */
  latest?: string | null;
  ageHours?: number;
  status: FreshnessStatus;
}

export interface CatalogNode {
  /** `model.events`, `source.amplitude.events`, `seed.free_email_domains`. */
  id: string;
  kind: NodeKind;
  /** The model or seed name; `amplitude.events` for a source. */
  name: string;
  schema: string;
  relation: string;
  description?: string;
  /** The file that defines it (the .sql, the sources .yml, the .csv), relative to the project. */
  file: string;
  ymlFile?: string;
  sql?: string;
  materialized?: string;
  uniqueKey?: string[];
  tags?: string[];
  columns: CatalogColumn[];
  /** Tests not on one column: model tests, singular tests that read it, source freshness. */
  tests: CatalogTest[];
  /** Null: the warehouse was asked and it is not built; undefined: no warehouse to ask. */
  built?: boolean;
  lastRun?: ModelResult;
  parents: string[];
  children: string[];
  freshness?: Freshness;
}

export interface Catalog {
  generatedAt: string;
  projectRoot: string;
  /** The warehouse read for types and freshness; undefined when there was none. */
  warehouseUrl?: string;
  /** Why the warehouse was not read (not built yet, say). */
  warehouseNote?: string;
  results?: LastResults;
  /** Said when no results could be shown: how to get them. */
  resultsNote?: string;
  nodes: Map<string, CatalogNode>;
  /** Schema → node ids, both sorted. */
  schemas: Map<string, string[]>;
}

export interface CatalogOptions {
  project: Project;
  /** Open warehouse to read types, freshness and (Snowflake) test results from; none: yml only. */
  warehouse?: Warehouse;
  warehouseNote?: string;
  targetDir: string;
  now: Date;
  warn: (message: string) => void;
}

export const modelId = (name: string) => `model.${name}`;
export const sourceId = (key: string) => `source.${key}`;
export const seedId = (name: string) => `seed.${name}`;

/**
 * Everything the site shows, gathered once: the project's models, sources and seeds with their docs
 * (doc blocks resolved), the warehouse's column types and newest loads, the last test results, and
 * the graph between them.
 */
export async function buildCatalog(options: CatalogOptions): Promise<Catalog> {
  const { project, warehouse } = options;
  const blocks = await readDocBlocks(project.root);
  const details = await readYmlDetails(project.root);
  const dialect: Dialect = warehouse?.dialect ?? "duckdb";
  const { compiled, selected, singular } = planProject(project, dialect);
  const planned = planTests(project, compiled, selected, dialect);
  const describe = (text: string | undefined, where: string) => resolveDocReferences(text, blocks, where);

  const results = await lastResults(options, planned);
  const nodes = new Map<string, CatalogNode>();

  for (const [key, source] of project.sources) {
    const declared = mergeColumns(source.columns, details.sourceColumns.get(key) ?? []);
    nodes.set(sourceId(key), {
      id: sourceId(key),
      kind: "source",
      name: key,
      schema: source.schema,
      relation: `${source.schema}.${source.identifier}`,
      description:
        describe(source.description, `${source.file}: source ${key}`) ??
        describe(details.sourceDescriptions.get(source.source), `${source.file}: source ${source.source}`),
      file: source.file,
      ymlFile: source.file,
      columns: columnsFrom(
        declared,
        source.tests,
        `source_${source.source}_${source.name}`,
        source.file,
        describe,
      ),
      tests: tableTests(source.tests, `source_${source.source}_${source.name}`),
      parents: [],
      children: [],
      freshness: source.loadedAtField
        ? {
            loadedAtField: source.loadedAtField,
            warnAfterHours: source.freshness?.warnAfterHours ?? DEFAULT_FRESHNESS_WARN_HOURS,
            errorAfterHours: source.freshness?.errorAfterHours,
            status: "unknown",
          }
        : undefined,
    });
  }
  for (const seed of project.seeds.values()) {
    const documented = new Map(seed.columns.map((c) => [c.name, c]));
    const columns = [
      ...seed.columnNames.map((name) => documented.get(name) ?? { name }),
      ...seed.columns.filter((c) => !seed.columnNames.includes(c.name)),
    ];
    const where = seed.ymlFile ?? seed.path;
    nodes.set(seedId(seed.name), {
      id: seedId(seed.name),
      kind: "seed",
      name: seed.name,
      schema: SEED_SCHEMA,
      relation: `${SEED_SCHEMA}.${seed.name}`,
      description: describe(seed.description, `${where}: seed ${seed.name}`),
      file: seed.path,
      ymlFile: seed.ymlFile,
      columns: columnsFrom(columns, seed.tests, seed.name, where, describe),
      tests: tableTests(seed.tests, seed.name),
      parents: [],
      children: [],
    });
  }
  for (const model of project.models.values()) {
    const planned = compiled.get(model.name)!;
    const declared = mergeColumns(model.columns, details.modelColumns.get(model.name) ?? []);
    nodes.set(modelId(model.name), {
      id: modelId(model.name),
      kind: "model",
      name: model.name,
      schema: planned.config.schema,
      relation: planned.relation,
      description: describe(model.description, `${model.ymlFile ?? model.path}: model ${model.name}`),
      file: model.path,
      ymlFile: model.ymlFile,
      sql: model.sql,
      materialized: planned.config.materialized,
      uniqueKey: planned.config.uniqueKey,
      tags: planned.config.tags,
      columns: columnsFrom(declared, model.tests, model.name, model.ymlFile ?? model.path, describe),
      tests: tableTests(model.tests, model.name),
      parents: parentsOf(planned),
      children: [],
    });
  }
  for (const node of nodes.values()) {
    for (const parent of node.parents) nodes.get(parent)?.children.push(node.id);
  }
  for (const node of nodes.values()) node.children.sort();

  for (const test of singular) {
    const on = [...test.refs.map(modelId), ...test.sources.map(sourceId)];
    for (const id of on) {
      nodes.get(id)?.tests.push({
        name: test.name,
        kind: "singular",
        severity: test.severity,
        declaredIn: test.path,
      });
    }
  }
  for (const test of planned.filter((t) => t.freshness)) {
    nodes.get(sourceId(test.on[0]!))?.tests.unshift({
      name: test.name,
      kind: "freshness",
      severity: test.severity,
      declaredIn: test.declaredIn,
    });
  }
  for (const node of nodes.values()) {
    for (const test of [...node.tests, ...node.columns.flatMap((c) => c.tests)]) {
      test.result = results.results?.tests.get(test.name.toLowerCase());
    }
  }

  const runs = new Map<string, ModelResult>();
  if (results.models) for (const model of results.models) runs.set(model.name, model);
  for (const node of nodes.values()) if (node.kind === "model") node.lastRun = runs.get(node.name);

  if (warehouse) await readWarehouse(warehouse, nodes, options.now);

  const schemas = new Map<string, string[]>();
  for (const node of [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    schemas.set(node.schema, [...(schemas.get(node.schema) ?? []), node.id]);
  }
  return {
    generatedAt: options.now.toISOString(),
    projectRoot: project.root,
    warehouseUrl: warehouse?.url,
    warehouseNote: options.warehouseNote,
    results: results.results,
    resultsNote: results.note,
    nodes,
    schemas: new Map([...schemas].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** A column as the yml declares it: its docs and meta from the project, its type from the yml details. */
type DeclaredColumn = ColumnDetail & Pick<ColumnDoc, "meta">;

/** The yml columns the runner read, with the `data_type` only this reader keeps. */
function mergeColumns(read: ColumnDoc[], details: ColumnDetail[]): DeclaredColumn[] {
  const byName = new Map(details.map((c) => [c.name, c]));
  return read.map((c) => ({ ...c, dataType: byName.get(c.name)?.dataType }));
}

function columnsFrom(
  declared: DeclaredColumn[],
  tests: DeclaredTest[],
  on: string,
  file: string,
  describe: (text: string | undefined, where: string) => string | undefined,
): CatalogColumn[] {
  const columns: CatalogColumn[] = declared.map((c) => ({
    name: c.name,
    description: describe(c.description, `${file}: column ${c.name}`),
    ...(c.dataType ? { type: c.dataType, typeFrom: "yml" as const } : {}),
    ...(c.meta?.pii === true
      ? { personal: typeof c.meta.pii_reason === "string" ? { reason: c.meta.pii_reason.trim() } : {} }
      : {}),
    tests: [],
  }));
  for (const test of tests.filter((t) => t.column !== undefined)) {
    let column = columns.find((c) => c.name === test.column);
    if (!column) {
      column = { name: test.column!, tests: [] };
      columns.push(column);
    }
    column.tests.push(catalogTest(test, on));
  }
  return columns;
}

function tableTests(tests: DeclaredTest[], on: string): CatalogTest[] {
  return tests.filter((t) => t.column === undefined).map((t) => catalogTest(t, on));
}

function catalogTest(test: DeclaredTest, on: string): CatalogTest {
  return {
    name: testName(test, on),
    kind: test.kind,
    column: test.column,
    severity: test.severity,
    declaredIn: test.file,
  };
}

function parentsOf(model: CompiledModel): string[] {
  return [...model.refs.map(modelId), ...model.seeds.map(seedId), ...model.sources.map(sourceId)].sort();
}

async function lastResults(
  options: CatalogOptions,
  planned: Parameters<typeof recordedResults>[1],
): Promise<{ results?: LastResults; models?: ModelResult[]; note?: string }> {
  const file = await latestRunResults(options.targetDir, options.warn);
  let recorded: LastResults | undefined;
  if (options.warehouse?.dialect === "snowflake")
    recorded = await recordedResults(options.warehouse, planned);
  // Snowflake's finalizer records every graph run's tests; a full refresh tests from the CLI and only
  // its run_results.json has them: the newer of the two is the last run.
  if (recorded && !(file?.at && recorded.at && file.at > recorded.at)) return { results: recorded };
  if (file) return { results: file, models: file.models };
  return {
    note:
      options.warehouse?.dialect === "snowflake"
        ? `Tests have not run yet: pipeline.test_results holds no results and there is no run_results.json under ${options.targetDir}. Run \`transform --warehouse snowflake\`, then build the docs again.`
        : `Tests have not run yet: there is no run_results.json under ${options.targetDir}. Run \`transform\` (or pass --target DIR where it wrote its results), then build the docs again.`,
  };
}

/** Column types from the built relations, and each source's newest load. */
async function readWarehouse(
  warehouse: Warehouse,
  nodes: Map<string, CatalogNode>,
  now: Date,
): Promise<void> {
  for (const node of nodes.values()) {
    const [schema, name] = node.relation.split(".");
    const columns = await warehouse.columns(schema!, name!);
    node.built = columns.length > 0;
    if (!node.built) continue;
    const documented = new Map(node.columns.map((c) => [c.name.toLowerCase(), c]));
    const ordered: CatalogColumn[] = [];
    for (const column of columns) {
      const name = column.name.toLowerCase();
      const doc = documented.get(name);
      documented.delete(name);
      ordered.push({
        ...(doc ?? { name, tests: [] }),
        type: column.type,
        typeFrom: "warehouse",
        inWarehouse: true,
      });
    }
    for (const doc of documented.values()) ordered.push({ ...doc, inWarehouse: false });
    node.columns = ordered;
    if (node.freshness) {
      const field = node.freshness.loadedAtField;
      const [row] = await warehouse.query<{ latest: SqlValue }>(
        `select max(${field}) as latest from ${node.relation}`,
      );
      const latest = row?.latest instanceof Date ? row.latest : null;
      node.freshness.latest = latest?.toISOString() ?? null;
      if (latest) node.freshness.ageHours = (now.getTime() - latest.getTime()) / 3_600_000;
      node.freshness.status = freshnessStatus(node.freshness);
    }
  }
  for (const node of nodes.values()) {
    if (node.freshness && node.built === false) node.freshness.status = "unknown";
  }
}

/** As the runner's freshness test judges it: past error_after fails, past warn_after warns. */
export function freshnessStatus(freshness: Freshness): FreshnessStatus {
  if (freshness.latest === undefined) return "unknown";
  if (freshness.latest === null || freshness.ageHours === undefined) return "empty";
  if (freshness.errorAfterHours !== undefined && freshness.ageHours > freshness.errorAfterHours)
    return "error";
  if (freshness.ageHours > freshness.warnAfterHours) return "warn";
  return "fresh";
}
