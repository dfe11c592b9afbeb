import { join } from "node:path";
import nunjucks from "nunjucks";
import { ConfigurationError } from "../errors.ts";
import type { Dialect } from "../warehouse/warehouse.ts";
import { DIALECTS } from "./dialects.ts";
import { SEED_SCHEMA, type ModelFile, type Project, type Severity, type SingularTest } from "./project.ts";

export type Materialization = "view" | "table" | "incremental";
/**
 * How an increment goes in: `merge` updates the rows of its keys and inserts the others; `delete+insert`
 * deletes the rows of its keys (and of its scope) and inserts it; `append` inserts it, for a model whose
 * increments only ever bring keys it does not hold (one row per raw line loaded since, say).
 */
export type IncrementalStrategy = "merge" | "delete+insert" | "append";
const STRATEGIES: readonly IncrementalStrategy[] = ["merge", "delete+insert", "append"];

/**
 * An incremental build whose scope's keys reach this share of the model's rows is rebuilt from the model's
 * full query instead (the same rows, for less than deleting and inserting most of them): the embedded
 * runner's default, and the share Snowflake's build procedures are rendered with.
 */
export const REBUILD_SHARE = 0.5;

export interface ModelConfig {
  materialized: Materialization;
  schema: string;
  uniqueKey: string[];
  strategy: IncrementalStrategy;
  tags: string[];
  /**
   * The CTE holding the keys an incremental build replaces, named by `{{ output('final', scope='touched') }}`:
   * every row whose unique key is in it is deleted before the increment goes in, so an entity that lost
   * all its rows (a session whose events moved away) disappears, as it would from a full refresh.
   */
  scope?: string;
}

export interface CompiledModel {
  name: string;
  path: string;
  relation: string;
  config: ModelConfig;
  /** Models it refs: the graph's edges. */
  refs: string[];
  sources: string[];
  /** Seeds it refs: built before every model, so they are no edges of the graph. */
  seeds: string[];
  sql: string;
}

export interface CompiledTest {
  name: string;
  path: string;
  severity: Severity;
  refs: string[];
  sources: string[];
  seeds: string[];
  sql: string;
}

/** A model or test that cannot be compiled: names the file and, when known, the line. */
export class CompileError extends ConfigurationError {}

export interface CompileOptions {
  dialect: Dialect;
  /** Render `is_incremental()` as true: the model's table exists and no full refresh was asked for. */
  incremental?: boolean;
  /**
   * For an incremental build, the newest `loaded_at` the model holds, as a SQL timestamp: templates
   * read it as `incremental_since`. A literal, unlike a subquery on the model, lets the engine skip
   * whole blocks of older rows.
   */
  incrementalSince?: string;
  /** Render the keys an incremental build replaces (the `scope` of `output()`) instead of the model's rows. */
  scope?: boolean;
  /**
   * Relations to read in place of declared sources, by `source.table` key. The Snowflake task graph reads
   * raw events as of its captured batch (`pipeline.captured_events`), so all its steps see the same rows.
   */
  sources?: Record<string, string>;
}

const EPOCH = "cast('1970-01-01' as timestamp)";
const MATERIALIZATIONS: Materialization[] = ["view", "table", "incremental"];

/**
 * Renders one model with Jinja syntax through nunjucks: `ref`, `source`, `config`, `this`,
 * `is_incremental()`, `target` and the dialect macros. Unknown refs and sources are compile errors
 * naming the file and line.
 */
export function compileModel(project: Project, model: ModelFile, options: CompileOptions): CompiledModel {
  const scope = templateScope(project, model, options.dialect, options.sources);
  let replaceScope: string | undefined;
  const sql = render(
    project,
    model.path,
    model.sql,
    {
      ...scope.context,
      this: `${schemaOfModel(model)}.${model.name}`,
      is_incremental: () => options.incremental === true,
      incremental_since: options.incremental ? (options.incrementalSince ?? EPOCH) : null,
      // The model's last statement: its rows, or (for the runner) the keys an incremental build replaces.
      output: (...args: unknown[]) => {
        const rows = String(args[0]);
        const named = keywords(args).scope ?? (typeof args[1] === "string" ? args[1] : undefined);
        replaceScope = named === undefined ? undefined : String(named);
        for (const name of [rows, replaceScope]) {
          if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
            fail(scope.failures, `${model.path}: output() takes CTE names, not ${JSON.stringify(name)}`);
          }
        }
        if (!options.scope) return `select * from ${rows}`;
        const keys = [scope.called.unique_key ?? []].flat().map(String);
        if (!replaceScope || keys.length === 0) {
          fail(scope.failures, `${model.path}: output() names no scope, or config() no unique_key`);
        }
        return `select distinct ${keys.join(", ")} from ${replaceScope}`;
      },
    },
    scope.failures,
  );
  const config = modelConfig(model, scope.called, replaceScope);
  return {
    name: model.name,
    path: model.path,
    relation: `${config.schema}.${model.name}`,
    config,
    refs: [...scope.refs],
    sources: [...scope.sources],
    seeds: [...scope.seeds],
    sql: sql.trim(),
  };
}

/**
 * `incrementalSince` (a SQL timestamp) is set after an incremental run: the test may then check only
 * rows loaded after it, reading `incremental_since` in its template (null on a full run).
 */
export function compileSingularTest(
  project: Project,
  test: SingularTest,
  dialect: Dialect,
  incrementalSince?: string,
  sources?: Record<string, string>,
): CompiledTest {
  const scope = templateScope(project, test, dialect, sources);
  const sql = render(
    project,
    test.path,
    test.sql,
    { ...scope.context, incremental_since: incrementalSince ?? null },
    scope.failures,
  );
  const severity = String(scope.called.severity ?? "error").toLowerCase();
  if (severity !== "warn" && severity !== "error") {
    throw new CompileError(`${test.path}: severity must be warn or error, not ${severity}`);
  }
  return {
    name: test.name,
    path: test.path,
    severity,
    refs: [...scope.refs],
    sources: [...scope.sources],
    seeds: [...scope.seeds],
    sql: sql.trim(),
  };
}

/** What a model or test template can call, and what its calls recorded: refs, sources, config. */
function templateScope(
  project: Project,
  file: { path: string; sql: string },
  dialect: Dialect,
  overrides: Record<string, string> = {},
) {
  const refs = new Set<string>();
  const sources = new Set<string>();
  const seeds = new Set<string>();
  const called: Record<string, unknown> = {};
  const failures: CompileError[] = [];
  const context = {
    ...macros(dialect),
    target: { name: dialect, type: dialect },
    ref: (name: string) => {
      const model = project.models.get(name);
      if (!model && project.seeds.has(name)) {
        seeds.add(name);
        return `${SEED_SCHEMA}.${name}`;
      }
      if (!model) fail(failures, unknownRef(file.path, file.sql, name, project));
      refs.add(name);
      return `${schemaOfModel(model)}.${name}`;
    },
    source: (sourceName: string, table: string) => {
      const declared = project.sources.get(`${sourceName}.${table}`);
      if (!declared) {
        fail(
          failures,
          `${file.path}:${lineOf(file.sql, table)}: source('${sourceName}', '${table}') is not declared in any sources yml`,
        );
      }
      sources.add(`${sourceName}.${table}`);
      return overrides[`${sourceName}.${table}`] ?? `${declared.schema}.${declared.identifier}`;
    },
    config: (...args: unknown[]) => {
      Object.assign(called, keywords(args));
      return "";
    },
  };
  return { context, refs, sources, seeds, called, failures };
}

const environments = new Map<string, nunjucks.Environment>();

/** One template environment per project: `{% from 'x.sql' import m %}` reads the project's `macros/`. */
function environmentFor(project: Project): nunjucks.Environment {
  let environment = environments.get(project.root);
  if (!environment) {
    const loader = new nunjucks.FileSystemLoader(join(project.root, "macros"), { noCache: false });
    environment = new nunjucks.Environment(loader, { autoescape: false, throwOnUndefined: true });
    environments.set(project.root, environment);
  }
  return environment;
}

/**
 * nunjucks wraps what a global throws in a template error of its own; `failures` keeps the first
 * CompileError a global raised, so its message (with the right line) is the one reported.
 */
function render(
  project: Project,
  path: string,
  source: string,
  context: object,
  failures: CompileError[],
): string {
  try {
    return new nunjucks.Template(source, environmentFor(project), path, true).render(context);
  } catch (error) {
    if (failures[0]) throw failures[0];
    throw new CompileError(describeTemplateError(path, error as Error));
  }
}

function fail(failures: CompileError[], message: string): never {
  const error = new CompileError(message);
  failures.push(error);
  throw error;
}

/** nunjucks says `path [Line 3, Column 5]` and wraps errors from globals: bring it to `path:3: message`. */
function describeTemplateError(path: string, error: Error): string {
  const text = error.message.replace(/^\(unknown path\)\s*/, "");
  const where = /\[Line (\d+), Column (\d+)\]/.exec(text);
  const message = text
    .replace(`(${path})`, "")
    .replace(path, "")
    .replace(/\[Line \d+, Column \d+\]/, "")
    .replace(/^\s*Error:\s*/m, "")
    .replace(/\s+/g, " ")
    .trim();
  return where ? `${path}:${where[1]}: ${message}` : `${path}: ${message}`;
}

function macros(dialect: Dialect): Record<string, (...args: never[]) => string> {
  const implementation = DIALECTS[dialect];
  const wrapped: Record<string, (...args: never[]) => string> = {};
  for (const [name, fn] of Object.entries(implementation)) {
    wrapped[name] = (...args: never[]) => (fn as (...a: never[]) => string).apply(implementation, args);
  }
  return wrapped;
}

/** nunjucks passes keyword arguments as a trailing object marked `__keywords`. */
function keywords(args: unknown[]): Record<string, unknown> {
  const last = args.at(-1);
  if (last && typeof last === "object" && (last as { __keywords?: boolean }).__keywords) {
    const { __keywords: _, ...rest } = last as Record<string, unknown>;
    return rest;
  }
  return {};
}

/** Refs need a model's schema before it renders: it comes from its folder or its yml, not its config() call. */
export function schemaOfModel(model: ModelFile): string {
  return String(model.ymlConfig.schema ?? model.folderSchema);
}

function modelConfig(model: ModelFile, called: Record<string, unknown>, scope?: string): ModelConfig {
  const merged = { ...model.ymlConfig, ...called };
  const materialized = String(merged.materialized ?? "view") as Materialization;
  if (!MATERIALIZATIONS.includes(materialized)) {
    throw new CompileError(
      `${model.path}: materialized=${JSON.stringify(materialized)} is not one of ${MATERIALIZATIONS.join(", ")}`,
    );
  }
  const uniqueKey = merged.unique_key === undefined ? [] : [merged.unique_key].flat().map(String);
  if (materialized === "incremental" && uniqueKey.length === 0) {
    throw new CompileError(`${model.path}: an incremental model needs unique_key in its config()`);
  }
  const strategy = String(
    merged.incremental_strategy ?? (scope ? "delete+insert" : "merge"),
  ) as IncrementalStrategy;
  if (!STRATEGIES.includes(strategy)) {
    throw new CompileError(`${model.path}: incremental_strategy must be merge, delete+insert or append`);
  }
  if (scope && strategy !== "delete+insert") {
    throw new CompileError(
      `${model.path}: output() with a scope replaces the rows of its keys: use incremental_strategy='delete+insert'`,
    );
  }
  const tags = merged.tags === undefined ? [] : [merged.tags].flat().map(String);
  const schema = schemaOfModel(model);
  if (called.schema !== undefined && called.schema !== schema) {
    throw new CompileError(
      `${model.path}: set the schema in the model's yml config or by its folder, not in config()`,
    );
  }
  return { materialized, schema, uniqueKey, strategy, tags, scope };
}

function unknownRef(path: string, sql: string, name: string, project: Project): string {
  const known = [...project.models.keys(), ...project.seeds.keys()].sort();
  const close = known.filter((k) => k.includes(name) || name.includes(k)).slice(0, 3);
  const hint = close.length > 0 ? ` (did you mean ${close.join(", ")}?)` : "";
  return `${path}:${lineOf(sql, name)}: ref('${name}') names no model${hint}`;
}

/** The first line mentioning a ref'd name, for messages: template errors from globals carry no line. */
export function lineOf(sql: string, name: string): number {
  const lines = sql.split("\n");
  const quoted = new RegExp(`['"]${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}['"]`);
  const index = lines.findIndex((line) => quoted.test(line));
  return index + 1 || 1;
}
