import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { timestampLiteral, timestampText, type Warehouse } from "../warehouse/warehouse.ts";
import { DIALECTS } from "./dialects.ts";
import {
  compileModel,
  compileSingularTest,
  REBUILD_SHARE,
  type CompiledModel,
  type CompiledTest,
  type Materialization,
} from "./compile.ts";
import { plannedGenericTests, testedSources, type PlannedTest } from "./data-tests.ts";
import { graphOrder, selectModels } from "./graph.ts";
import { BuildLedger } from "./model-builds.ts";
import { buildSeeds, seedsRead, type SeedResult } from "./seeds.ts";
import {
  DEFAULT_FULL_TESTS_EVERY_HOURS,
  lastWholePass,
  recordTestPass,
  wholePassDue,
  type TestsScope,
} from "./test-passes.ts";
import type { Project, Severity } from "./project.ts";
import type { Dialect } from "../warehouse/warehouse.ts";

/** A source nobody configured is stale, with a warning, after a day without new data. */
export const DEFAULT_FRESHNESS_WARN_HOURS = 24;

export interface ModelResult {
  name: string;
  relation: string;
  materialized: Materialization;
  /**
   * True when an incremental model was built from what is new instead of by a full refresh (its tests check
   * the rows it wrote), also when its scope made the runner rebuild it (`rebuilt`).
   */
  incremental: boolean;
  /**
   * True when the model was left as it was: its SQL and everything it reads are the same as at its last
   * build (nothing new since), so building it again would make the same table.
   */
  unchanged?: boolean;
  status: "success" | "error" | "skipped";
  rows: number | null;
  /** Rows the incremental step processed (new or changed); the whole table for a rebuild. */
  processed: number | null;
  seconds: number;
  message?: string;
  /**
   * For an incremental build: the newest `loaded_at` the model held before it; the rows this run wrote
   * are newer. Its tests check only those (unless full tests are asked for).
   */
  newerThan?: string;
  /**
   * For an incremental build whose scope's keys were at least the rebuild share of the model's rows (half by
   * default): the keys in scope and the rows the model held. The model was rebuilt from its full query (the
   * same rows, for less than deleting and inserting most of them).
   */
  rebuilt?: { scope: number; rows: number };
}

export interface TestResult {
  name: string;
  on: string[];
  severity: Severity;
  status: "pass" | "warn" | "fail" | "error" | "skipped";
  failures: number;
  seconds: number;
  message?: string;
  declaredIn: string;
}

export interface TransformFigures {
  models: number;
  tests_passed: number;
  tests_failed: number;
  tests_warned: number;
}

export interface TransformResult {
  target: Dialect;
  selection: string | null;
  fullRefresh: boolean;
  startedAt: string;
  seconds: number;
  /** The seeds the selected models read, built (or found unchanged) before them. */
  seeds?: SeedResult[];
  models: ModelResult[];
  tests: TestResult[];
  /** Which form of the tests ran (the rows the run wrote, or whole tables) and why. */
  testsScope?: TestsScope;
  figures: TransformFigures;
  /** True when a model failed or an error-severity test failed: transform exits 1. */
  failed: boolean;
}

export interface TransformReporter {
  seed?(result: SeedResult): void;
  model?(result: ModelResult): void;
  test?(result: TestResult): void;
}

export interface TransformOptions {
  warehouse: Warehouse;
  project: Project;
  select?: string;
  fullRefresh?: boolean;
  /** Test whole tables even after an incremental build (by default its tests check the rows it wrote). */
  fullTests?: boolean;
  /** `false` builds the models only: no test runs, and no test pass is recorded. Default true. */
  tests?: boolean;
  /**
   * After incremental builds, test whole tables when the last whole pass recorded in the warehouse is
   * this many hours old or older (0: every run). Default 24.
   */
  fullTestsEveryHours?: number;
  /** Where `run_results.json` goes; undefined writes nothing. */
  targetDir?: string;
  reporter?: TransformReporter;
  now?: () => Date;
  clock?: () => number;
  /** Once aborted, no new model starts: each model's build commits or rolls back whole. */
  signal?: AbortSignal;
  /**
   * An incremental build whose scope (the keys it computes again from all their rows) holds at least this
   * share of the model's rows rebuilds the model from its full query: the same rows, for less. Default
   * `REBUILD_SHARE`; `Infinity` never rebuilds (the property test checks the incremental SQL itself).
   */
  rebuildShare?: number;
}

/** Compiles every model for the graph and plans the tests, without touching a warehouse. */
export function planProject(project: Project, dialect: Dialect, select?: string) {
  const compiled = new Map<string, CompiledModel>();
  for (const model of project.models.values())
    compiled.set(model.name, compileModel(project, model, { dialect }));
  const order = graphOrder(project, compiled);
  const selected = selectModels(compiled, select);
  const singular = project.singularTests.map((test) => compileSingularTest(project, test, dialect));
  return { compiled, order, selected, singular };
}

/**
 * The data tests of the selected models, in the order they run: source freshness, yml tests, singular
 * tests. `newerThan` maps an incrementally built model to a SQL timestamp (a literal or a scalar
 * subquery): its tests check only rows loaded after it, and singular tests read the smallest as
 * `incremental_since`. The Snowflake finalizer runs this same list.
 */
export function planTests(
  project: Project,
  compiled: Map<string, CompiledModel>,
  selected: Set<string>,
  dialect: Dialect,
  newerThan: Map<string, string> = new Map(),
  sources?: Record<string, string>,
): PlannedTest[] {
  const newRows = new Map<string, string>();
  for (const [name, since] of newerThan) newRows.set(name, `loaded_at > ${since}`);
  // Literals compare as text (`cast('…' as timestamp)` sorts by its timestamp text); a subquery is the
  // same for every model.
  const runSince = [...newerThan.values()].sort()[0];
  // Singular tests read `incremental_since`: render them with it (models need no second compile).
  const singular = project.singularTests.map((test) =>
    compileSingularTest(project, test, dialect, runSince, sources),
  );
  return [
    ...freshnessTests(project, compiled, selected, dialect),
    ...plannedGenericTests(project, compiled, selected, newRows, runSince),
    ...singular.filter((test) => runsWith(test, selected)).map(singularPlan),
  ];
}

/**
 * Builds the selected models in graph order, then runs their tests: the embedded runner of the same
 * compiled SQL Snowflake runs as procedures. A failed model skips its descendants; the rest go on.
 */
export async function transform(options: TransformOptions): Promise<TransformResult> {
  const { warehouse, project } = options;
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const startedAt = (options.now?.() ?? new Date()).toISOString();
  const { compiled, order, selected } = planProject(project, warehouse.dialect, options.select);
  await checkSources(warehouse, project, compiled, selected);
  for (const schema of new Set([...selected].map((name) => compiled.get(name)!.config.schema))) {
    await warehouse.execute(`create schema if not exists ${schema}`);
  }

  const seeds = await buildSeeds(warehouse, project, seedsRead(compiled, selected), {
    clock,
    reporter: options.reporter,
  });
  const ledger = await BuildLedger.open(warehouse, project, seeds);
  const catalog = await RunCatalog.read(warehouse);
  const models: ModelResult[] = [];
  // A seed that failed to build breaks the models that read it, as a failed model breaks its children.
  const broken = new Set<string>(seeds.filter((s) => s.status === "error").map((s) => s.name));
  for (const name of order.filter((n) => selected.has(n))) {
    options.signal?.throwIfAborted();
    const model = compiled.get(name)!;
    const brokenParent = [...model.refs, ...model.seeds].find((parent) => broken.has(parent));
    let result: ModelResult;
    if (brokenParent) {
      broken.add(name);
      result = {
        name,
        relation: model.relation,
        materialized: model.config.materialized,
        incremental: false,
        status: "skipped",
        rows: null,
        processed: null,
        seconds: 0,
        message: `skipped: ${brokenParent} failed`,
      };
    } else {
      result = await buildModel(warehouse, project, model, {
        fullRefresh: options.fullRefresh === true,
        rebuildShare: options.rebuildShare ?? REBUILD_SHARE,
        clock,
        ledger,
        catalog,
      });
      if (result.status !== "success") broken.add(name);
    }
    models.push(result);
    options.reporter?.model?.(result);
  }

  // After incremental builds, tests look at the rows this run wrote: the hourly run stays small however
  // large the tables grow. A full refresh, --full-tests, or a whole pass that is due checks everything.
  const testsScope =
    options.tests === false ? undefined : await embeddedTestsScope(warehouse, options, models);
  const newerThan = new Map<string, string>();
  if (testsScope?.scope === "increment") {
    for (const model of models) {
      if (model.newerThan) newerThan.set(model.name, timestampLiteral(model.newerThan));
    }
  }
  const planned = testsScope ? planTests(project, compiled, selected, warehouse.dialect, newerThan) : [];
  const tests: TestResult[] = [];
  for (const test of planned) {
    const result = await runTest(warehouse, test, broken, clock);
    tests.push(result);
    options.reporter?.test?.(result);
  }
  await ledger.save(timestampText(options.now?.() ?? new Date()));
  // A selection's tests are not the whole pass (nor the increment's) of the warehouse: not recorded.
  if (testsScope && !options.select?.trim()) {
    await recordTestPass(warehouse, {
      scope: testsScope,
      finishedAt: timestampText(options.now?.() ?? new Date()),
    });
  }

  const figures: TransformFigures = {
    models: models.filter((m) => m.status === "success").length,
    tests_passed: tests.filter((t) => t.status === "pass").length,
    tests_failed: tests.filter((t) => t.status === "fail" || t.status === "error").length,
    tests_warned: tests.filter((t) => t.status === "warn").length,
  };
  const result: TransformResult = {
    target: warehouse.dialect,
    selection: options.select?.trim() || null,
    fullRefresh: options.fullRefresh === true,
    startedAt,
    seconds: (clock() - started) / 1000,
    seeds,
    models,
    tests,
    testsScope,
    figures,
    failed:
      seeds.some((s) => s.status === "error") ||
      models.some((m) => m.status !== "success") ||
      figures.tests_failed > 0,
  };
  if (options.targetDir) {
    const path = join(options.targetDir, "run_results.json");
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}

/** Which form of the tests an embedded run takes, from the options and the last whole pass recorded. */
async function embeddedTestsScope(
  warehouse: Warehouse,
  options: TransformOptions,
  models: ModelResult[],
): Promise<TestsScope> {
  const everyHours = options.fullTestsEveryHours ?? DEFAULT_FULL_TESTS_EVERY_HOURS;
  const startedAt = timestampText(options.now?.() ?? new Date());
  const last = await lastWholePass(warehouse);
  const base = { lastWholePass: last, everyHours, startedAt };
  if (options.fullRefresh) return { ...base, scope: "whole", reason: "full-refresh" };
  if (options.fullTests) return { ...base, scope: "whole", reason: "full-tests" };
  if (!models.some((model) => model.newerThan)) return { ...base, scope: "whole", reason: "rebuilt" };
  if (wholePassDue(last, everyHours, startedAt)) return { ...base, scope: "whole", reason: "due" };
  return { ...base, scope: "increment", reason: "scheduled" };
}

async function checkSources(
  warehouse: Warehouse,
  project: Project,
  compiled: Map<string, CompiledModel>,
  selected: Set<string>,
) {
  const needed = new Set([...selected].flatMap((name) => compiled.get(name)!.sources));
  for (const key of needed) {
    const source = project.sources.get(key)!;
    if (!(await warehouse.tableExists(source.schema, source.identifier))) {
      throw new ConfigurationError(
        `the source ${key} (${source.schema}.${source.identifier}) does not exist in ${warehouse.url}: run \`load\` first`,
      );
    }
  }
}

/**
 * The relations of the warehouse as a run found them, each model's kind and columns, read in one query: a model's
 * relation changes only in its own build, and the runner looks it up only before that build. On DuckDB the
 * lookups were two catalog queries per model, 4–7 ms each: about 0.3 s of a run with nothing new. Elsewhere
 * (Snowflake's full refresh through the runner) each lookup asks the warehouse.
 */
class RunCatalog {
  private constructor(
    private readonly warehouse: Warehouse,
    private readonly relations?: Map<string, { kind: "table" | "view"; columns: string[] }>,
  ) {}

  static async read(warehouse: Warehouse): Promise<RunCatalog> {
    if (warehouse.dialect !== "duckdb") return new RunCatalog(warehouse);
    const rows = await warehouse.query<{ relation: string; is_view: boolean; column_name: string }>(
      `select lower(columns.schema_name || '.' || columns.table_name) as relation,
              views.view_name is not null as is_view, columns.column_name
       from duckdb_columns() as columns
       left join duckdb_views() as views
         on views.database_name = columns.database_name and views.schema_name = columns.schema_name
        and views.view_name = columns.table_name
       where columns.database_name = current_database()
       order by columns.schema_name, columns.table_name, columns.column_index`,
    );
    const relations = new Map<string, { kind: "table" | "view"; columns: string[] }>();
    for (const row of rows) {
      const known = relations.get(row.relation) ?? { kind: row.is_view ? "view" : "table", columns: [] };
      known.columns.push(row.column_name.toLowerCase());
      relations.set(row.relation, known);
    }
    return new RunCatalog(warehouse, relations);
  }

  async kind(relation: string): Promise<"table" | "view" | null> {
    if (this.relations) return this.relations.get(relation.toLowerCase())?.kind ?? null;
    const [schema, name] = relation.split(".");
    const rows = await this.warehouse.query<{ kind: string }>(
      `select table_type as kind from information_schema.tables where lower(table_schema) = ? and lower(table_name) = ?`,
      [schema!, name!],
    );
    if (rows.length === 0) return null;
    return rows[0]!.kind.toUpperCase() === "VIEW" ? "view" : "table";
  }

  /** The relation's columns in order, lower case; none when it does not exist. */
  async columns(relation: string): Promise<string[]> {
    if (this.relations) return this.relations.get(relation.toLowerCase())?.columns ?? [];
    const [schema, name] = relation.split(".");
    return (await this.warehouse.columns(schema!, name!)).map((c) => c.name.toLowerCase());
  }
}

async function buildModel(
  warehouse: Warehouse,
  project: Project,
  planned: CompiledModel,
  build: {
    fullRefresh: boolean;
    rebuildShare: number;
    clock: () => number;
    ledger: BuildLedger;
    catalog: RunCatalog;
  },
): Promise<ModelResult> {
  const { fullRefresh, clock, ledger, catalog } = build;
  const started = clock();
  const { materialized } = planned.config;
  const result: ModelResult = {
    name: planned.name,
    relation: planned.relation,
    materialized,
    incremental: false,
    status: "success",
    rows: null,
    processed: null,
    seconds: 0,
  };
  try {
    const { definition, reads } = ledger.describe(planned);
    const inputs = await ledger.inputs(reads);
    const kind = await catalog.kind(planned.relation);
    const wanted = materialized === "view" ? "view" : "table";
    if (kind && kind !== wanted) await warehouse.execute(`drop ${kind} ${planned.relation}`);
    const exists = kind === wanted;
    const same =
      exists && !fullRefresh && materialized !== "view" && ledger.unchanged(planned, definition, inputs);
    if (materialized === "view") {
      await warehouse.execute(`create or replace view ${planned.relation} as\n${planned.sql}`);
    } else if (same) {
      // Nothing it reads changed since its last build: the same table would come out.
      result.unchanged = true;
      result.processed = 0;
      if (materialized === "incremental") {
        // Its tests look at the rows newer than its newest: none.
        result.incremental = true;
        result.newerThan = (await heldColumns(warehouse, catalog, planned.relation)).newest;
      }
    } else if (materialized === "table" || !exists || fullRefresh) {
      await warehouse.execute(`create or replace table ${planned.relation} as\n${planned.sql}`);
    } else {
      result.incremental = true;
      const { columns, newest } = await heldColumns(warehouse, catalog, planned.relation);
      result.newerThan = newest;
      const model = compileModel(project, project.models.get(planned.name)!, {
        dialect: warehouse.dialect,
        incremental: true,
        incrementalSince: result.newerThan && timestampLiteral(result.newerThan),
      });
      const scopeSql = model.config.scope
        ? compileModel(project, project.models.get(planned.name)!, {
            dialect: warehouse.dialect,
            incremental: true,
            incrementalSince: result.newerThan && timestampLiteral(result.newerThan),
            scope: true,
          }).sql
        : undefined;
      const merged = await mergeIncrement(warehouse, model, columns, scopeSql, {
        sql: planned.sql,
        share: build.rebuildShare,
      });
      result.processed = merged.processed ?? null;
      if (merged.rebuilt) result.rebuilt = merged.rebuilt;
    }
    if (materialized !== "view") {
      const [row] = await warehouse.query<{ n: bigint | number }>(
        `select count(*) as n from ${planned.relation}`,
      );
      result.rows = Number(row!.n);
      result.processed ??= result.rows;
    }
    if (!same) ledger.built(planned, definition, inputs);
  } catch (error) {
    result.status = "error";
    result.message = `${planned.path}: ${errorMessage(error)}`;
  }
  result.seconds = (clock() - started) / 1000;
  return result;
}

/**
 * A model table's columns (lower case) and the newest `loaded_at` it holds, when it has that column (as
 * `YYYY-MM-DD HH:MM:SS.fff`).
 */
async function heldColumns(
  warehouse: Warehouse,
  catalog: RunCatalog,
  relation: string,
): Promise<{ columns: string[]; newest: string | undefined }> {
  const columns = await catalog.columns(relation);
  if (!columns.includes("loaded_at")) return { columns, newest: undefined };
  const [row] = await warehouse.query<{ newest: Date | null }>(
    `select max(loaded_at) as newest from ${relation}`,
  );
  return { columns, newest: row?.newest ? timestampText(row.newest) : undefined };
}

/**
 * Merges the increment on the unique key, or deletes its keys and inserts it, in one transaction. With a
 * scope (the keys the build computed again), every row of those keys is replaced, including keys the
 * increment no longer has: they are gone from a full refresh too. A delete+insert reads the increment twice
 * (its keys, then its rows), so it lands in a table beside the model first; a MERGE reads the model's query
 * as its source, so that its rows are written once, into the model (a re-exported day's 143,000 rows into
 * staging: 4.4–4.6 s instead of 6.2–6.5 s), and only the increment's columns go beside the model. An
 * append model's increment is inserted from its query the same way, nothing deleted. When the scope's
 * keys are at least `rebuild.share` of the model's rows (an increment that computes most entities again
 * from all their rows, as a re-processed day does to the users and devices), the model is rebuilt from
 * its full query instead: the same rows (incremental builds equal full refreshes) for what a full build
 * costs (core.users after a re-processed day: 0.27–0.38 s against 0.40–0.64 s).
 */
async function mergeIncrement(
  warehouse: Warehouse,
  model: CompiledModel,
  target: string[],
  scopeSql: string | undefined,
  rebuild: { sql: string; share: number },
): Promise<{ processed?: number; rebuilt?: { scope: number; rows: number } }> {
  const [schema, name] = model.relation.split(".");
  // Plain tables beside the model, not temporary ones, so both engines find their columns the same way.
  const temp = `${model.relation}__increment`;
  const scope = `${model.relation}__scope`;
  const merge = model.config.strategy === "merge";
  const append = model.config.strategy === "append";
  if (append && !target.includes("loaded_at")) {
    throw new ConfigurationError(
      `${model.relation} has no loaded_at column: an append model must carry the loaded_at of what it reads, so that each run reads only what is newer than its newest row`,
    );
  }
  // One statement straight from the model's query, in a transaction: the rows it wrote, as DuckDB counts
  // them (a MERGE: updated and inserted, every row of the increment; an insert: inserted).
  const written = async (sql: string) => {
    const [counts] = await warehouse.transaction(() => warehouse.query(sql));
    return Object.values(counts ?? {}).reduce<number>((sum, value) => sum + Number(value), 0);
  };
  try {
    let scoped = 0;
    if (scopeSql) {
      await warehouse.execute(`create or replace table ${scope} as\n${scopeSql}`);
      scoped = await count(warehouse, scope);
      const rows = await count(warehouse, model.relation);
      if (scoped > 0 && scoped >= rows * rebuild.share) {
        await warehouse.execute(`create or replace table ${model.relation} as\n${rebuild.sql}`);
        // Processed: the whole table, which the caller counts.
        return { rebuilt: { scope: scoped, rows } };
      }
    }
    await warehouse.execute(
      merge || append
        ? `create or replace table ${temp} as\nselect * from (\n${model.sql}\n) as increment limit 0`
        : `create or replace table ${temp} as\n${model.sql}`,
    );
    const incoming = (await warehouse.columns(schema!, `${name}__increment`)).map((c) =>
      c.name.toLowerCase(),
    );
    const added = incoming.filter((c) => !target.includes(c));
    if (added.length > 0) {
      throw new ConfigurationError(
        `the model now has column(s) ${added.join(", ")} that ${model.relation} lacks: run transform --full-refresh --select ${model.name}`,
      );
    }
    // A column the model no longer makes would keep old values beside nulls (personal data left
    // outside restricted, say): rebuild rather than merge.
    const dropped = target.filter((c) => !incoming.includes(c));
    if (dropped.length > 0) {
      throw new ConfigurationError(
        `${model.relation} has column(s) ${dropped.join(", ")} that the model no longer makes: run transform --full-refresh --select ${model.name}`,
      );
    }
    const columns = incoming.join(", ");
    if (merge) {
      const keys = model.config.uniqueKey;
      const on = keys.map((k) => `target.${k} = source.${k}`).join(" and ");
      const set = incoming
        .filter((c) => !keys.includes(c))
        .map((c) => `${c} = source.${c}`)
        .join(", ");
      return {
        processed: await written(
          `merge into ${model.relation} as target using (\n${model.sql}\n) as source on ${on}
         when matched then update set ${set}
         when not matched then insert (${columns}) values (${incoming.map((c) => `source.${c}`).join(", ")})`,
        ),
      };
    }
    if (append) {
      // Its keys are new (it reads only what was loaded after its newest row): its rows are written once,
      // with no delete that finds nothing.
      return {
        processed: await written(
          `insert into ${model.relation} (${columns}) select ${columns} from (\n${model.sql}\n) as increment`,
        ),
      };
    }
    const processed = await count(warehouse, temp);
    const keyList = model.config.uniqueKey.join(", ");
    if (processed === 0 && scoped === 0) return { processed: 0 };
    await warehouse.transaction(async () => {
      if (scopeSql) {
        await warehouse.execute(
          `delete from ${model.relation} where (${keyList}) in (select ${keyList} from ${scope})`,
        );
      }
      await warehouse.execute(
        `delete from ${model.relation} where (${keyList}) in (select ${keyList} from ${temp})`,
      );
      await warehouse.execute(`insert into ${model.relation} (${columns}) select ${columns} from ${temp}`);
    });
    return { processed };
  } finally {
    await warehouse.execute(`drop table if exists ${temp}`);
    await warehouse.execute(`drop table if exists ${scope}`);
  }
}

async function count(warehouse: Warehouse, relation: string): Promise<number> {
  const [row] = await warehouse.query<{ n: bigint | number }>(`select count(*) as n from ${relation}`);
  return Number(row!.n);
}

function singularPlan(test: CompiledTest): PlannedTest {
  return { name: test.name, on: test.refs, severity: test.severity, sql: test.sql, declaredIn: test.path };
}

/** A singular test runs when a model it reads is selected (or it reads only sources). */
function runsWith(test: CompiledTest, selected: Set<string>): boolean {
  return test.refs.length === 0 || test.refs.some((ref) => selected.has(ref));
}

function freshnessTests(
  project: Project,
  compiled: Map<string, CompiledModel>,
  selected: Set<string>,
  dialect: Dialect,
): PlannedTest[] {
  const macros = DIALECTS[dialect];
  const tests: PlannedTest[] = [];
  for (const key of testedSources(project, compiled, selected)) {
    const source = project.sources.get(key)!;
    if (!source.loadedAtField) continue;
    const warn = source.freshness?.warnAfterHours ?? DEFAULT_FRESHNESS_WARN_HOURS;
    const error = source.freshness?.errorAfterHours;
    const age = macros.hours_between(`max(${source.loadedAtField})`, macros.utc_now());
    tests.push({
      name: `freshness_source_${source.source}_${source.name}`,
      on: [key],
      severity: error === undefined ? "warn" : "error",
      // One row when stale (or empty): its age tells which threshold it crossed.
      sql: `select max(${source.loadedAtField}) as latest, ${age} as age_hours
            from ${source.schema}.${source.identifier}
            having max(${source.loadedAtField}) is null or ${age} > ${warn}`,
      freshness: { warnAfterHours: warn, errorAfterHours: error },
      declaredIn: source.file,
    });
  }
  return tests;
}

export async function runTest(
  warehouse: Warehouse,
  test: PlannedTest,
  broken: Set<string>,
  clock: () => number,
): Promise<TestResult> {
  const started = clock();
  const base = { name: test.name, on: test.on, severity: test.severity, declaredIn: test.declaredIn };
  const brokenModel = test.on.find((name) => broken.has(name));
  if (brokenModel) {
    return {
      ...base,
      status: "skipped",
      failures: 0,
      seconds: 0,
      message: `skipped: ${brokenModel} was not built`,
    };
  }
  for (const relation of test.needs ?? []) {
    const [schema, name] = relation.split(".");
    if (!(await warehouse.tableExists(schema!, name!))) {
      return {
        ...base,
        status: "skipped",
        failures: 0,
        seconds: 0,
        message: `skipped: it reads ${relation}, which has not been built (add it to --select)`,
      };
    }
  }
  try {
    const rows = await warehouse.query(`select * from (\n${test.sql}\n) as failures limit 6`);
    let failures = rows.length;
    if (failures > 5) {
      const [row] = await warehouse.query<{ n: bigint | number }>(
        `select count(*) as n from (\n${test.sql}\n) as failures`,
      );
      failures = Number(row!.n);
    }
    // Rows that repeat one value (a missing parent's id, once per child) would fill the sample with it.
    let shown = rows;
    if (sampleLines(rows).length < Math.min(rows.length, SAMPLE_ROWS)) {
      shown = await warehouse
        .query(`select distinct * from (\n${test.sql}\n) as failures limit ${SAMPLE_ROWS}`)
        .catch(() => rows);
    }
    return testOutcome(test, { failures, sample: shown, seconds: (clock() - started) / 1000 });
  } catch (error) {
    return testOutcome(test, { error: errorMessage(error), seconds: (clock() - started) / 1000 });
  }
}

/**
 * A test's result from what its query gave: the number of failing rows and a few of them, or the error
 * it raised. The embedded runner and the Snowflake finalizer's recorded results both go through here, so
 * both report alike.
 */
export function testOutcome(
  test: PlannedTest,
  outcome: { failures?: number; sample?: Record<string, unknown>[]; error?: string; seconds: number },
): TestResult {
  const base = { name: test.name, on: test.on, severity: test.severity, declaredIn: test.declaredIn };
  if (outcome.error !== undefined) {
    return {
      ...base,
      status: "error",
      failures: 0,
      seconds: outcome.seconds,
      message: `${test.declaredIn}: ${outcome.error}`,
    };
  }
  const rows = outcome.sample ?? [];
  const failures = outcome.failures ?? rows.length;
  const severity =
    test.freshness && rows[0] ? freshnessSeverity(test.freshness, rows[0].age_hours) : test.severity;
  const status = failures === 0 ? "pass" : severity === "warn" ? "warn" : "fail";
  return {
    ...base,
    severity,
    status,
    failures,
    seconds: outcome.seconds,
    message: failures > 0 ? sample(rows) : undefined,
  };
}

/** Past the error threshold (only when one is configured) fails; past the warning threshold warns. */
function freshnessSeverity(limits: { errorAfterHours?: number }, age: unknown): Severity {
  if (limits.errorAfterHours === undefined) return "warn";
  return age === null || Number(age) > limits.errorAfterHours ? "error" : "warn";
}

const SAMPLE_ROWS = 3;

/** Failing rows as `column=value …`, each distinct row once. */
function sampleLines(rows: Record<string, unknown>[]): string[] {
  const lines = rows.map((row) =>
    Object.entries(row)
      .map(([k, v]) => `${k}=${v instanceof Date ? v.toISOString() : String(v)}`)
      .join(" "),
  );
  return [...new Set(lines)];
}

function sample(rows: Record<string, unknown>[]): string {
  return `e.g. ${sampleLines(rows).slice(0, SAMPLE_ROWS).join("; ")}`;
}
