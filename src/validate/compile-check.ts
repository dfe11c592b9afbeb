import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { errorMessage } from "../errors.ts";
import {
  compileModel,
  compileSingularTest,
  schemaOfModel,
  type CompiledModel,
  type CompileOptions,
} from "../models/compile.ts";
import { plannedGenericTests, type PlannedTest } from "../models/data-tests.ts";
import { graphOrder } from "../models/graph.ts";
import type { ModelFile, Project } from "../models/project.ts";
import type { Dialect } from "../warehouse/warehouse.ts";
import { displayPath, type CheckSummary, type Diagnostic, type Diagnostics } from "./report.ts";

export const DIALECTS: readonly Dialect[] = ["duckdb", "snowflake"];

export type StatementKind = "model" | "incremental" | "scope" | "test";

/** One rendered statement, written under `target/compiled/<dialect>/` where its line numbers make sense. */
export interface RenderedStatement {
  dialect: Dialect;
  kind: StatementKind;
  /** `core.events`, `core.events (incremental build)`, `not_null_events__uuid`. */
  name: string;
  /** The compiled file, as shown to the user. */
  file: string;
  sql: string;
  /** The template (model, yml or singular test) it was rendered from, for mapping findings back to it. */
  source: { file: string; text: string };
  /** The relations it reads (`core.events`): it can be checked against a schema that has them all. */
  reads: string[];
  /** The model a model statement renders. */
  model?: string;
}

export interface CompileCheck {
  statements: RenderedStatement[];
  /** Every model and test compiled for DuckDB: the sample run can build them. */
  runnable: boolean;
  summary: CheckSummary;
}

const VARIANTS: Array<{
  kind: Exclude<StatementKind, "test">;
  suffix: string;
  options: Partial<CompileOptions>;
}> = [
  { kind: "model", suffix: ".sql", options: {} },
  { kind: "incremental", suffix: ".incremental.sql", options: { incremental: true } },
  { kind: "scope", suffix: ".scope.sql", options: { incremental: true, scope: true } },
];

/**
 * Renders every model for both engines as `compile` does (the full build; for an incremental model the
 * incremental build and, when it has one, its scope query) and every test, writing each statement under
 * `<targetDir>/compiled/<dialect>/`. A statement that does not compile is an error naming its file and line.
 */
export async function compileEverything(
  project: Project,
  options: { targetDir: string; diagnostics: Diagnostics; clock: () => number },
): Promise<CompileCheck> {
  const started = options.clock();
  const statements: RenderedStatement[] = [];
  let failed = 0;
  let runnable = true;
  const templates = new Map<string, string>();
  const templateText = async (path: string) => {
    if (!templates.has(path)) templates.set(path, await readFile(join(project.root, path), "utf8"));
    return templates.get(path)!;
  };
  const source = (path: string, text: string) => ({ file: shown(project, path), text });
  const fail = (error: unknown, dialect: Dialect, what?: string) => {
    failed += 1;
    if (dialect === "duckdb") runnable = false;
    options.diagnostics.add({ ...compileDiagnostic(project, error, what), context: dialect });
  };

  for (const dialect of DIALECTS) {
    const root = join(options.targetDir, "compiled", dialect);
    const write = async (path: string, sql: string) => {
      const file = join(root, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, sql.endsWith("\n") ? sql : sql + "\n");
      return displayPath(resolve(file));
    };
    const compiled = new Map<string, CompiledModel>();
    for (const model of project.models.values()) {
      for (const variant of VARIANTS) {
        const full = compiled.get(model.name);
        if (variant.kind !== "model" && full?.config.materialized !== "incremental") break;
        if (variant.kind === "scope" && !full!.config.scope) break;
        let rendered: CompiledModel;
        try {
          rendered = compileModel(project, model, { dialect, ...variant.options });
        } catch (error) {
          fail(error, dialect, variant.kind === "model" ? undefined : `${variant.kind} build`);
          break;
        }
        if (variant.kind === "model") compiled.set(model.name, rendered);
        const reads = relationsRead(project, rendered.refs, rendered.sources);
        statements.push({
          dialect,
          kind: variant.kind,
          name: variant.kind === "model" ? rendered.relation : `${rendered.relation} (${variant.kind})`,
          file: await write(model.path.replace(/\.sql$/, variant.suffix), rendered.sql),
          sql: rendered.sql,
          source: source(model.path, model.sql),
          // An incremental build also reads the table it adds to.
          reads: variant.kind === "model" ? reads : [...reads, rendered.relation],
          model: model.name,
        });
      }
    }
    try {
      graphOrder(project, resolvable(compiled));
    } catch (error) {
      fail(error, dialect);
    }

    const planning = withStubs(project, compiled);
    const planned = new Map<string, PlannedTest>();
    for (const name of [...compiled.keys()].sort()) {
      try {
        for (const test of plannedGenericTests(project, planning, new Set([name])))
          planned.set(test.name, test);
      } catch (error) {
        fail(error, dialect);
      }
    }
    for (const test of planned.values()) {
      statements.push({
        dialect,
        kind: "test",
        name: test.name,
        file: await write(`tests/${test.name}.sql`, test.sql),
        sql: test.sql,
        source: source(test.declaredIn, await templateText(test.declaredIn)),
        reads: [
          ...relationsRead(
            project,
            test.on.filter((on) => project.models.has(on)),
            test.on.filter((on) => project.sources.has(on)),
          ),
          ...(test.needs ?? []),
        ],
      });
    }
    for (const test of project.singularTests) {
      try {
        const rendered = compileSingularTest(project, test, dialect);
        statements.push({
          dialect,
          kind: "test",
          name: rendered.name,
          file: await write(test.path, rendered.sql),
          sql: rendered.sql,
          source: source(test.path, test.sql),
          reads: relationsRead(project, rendered.refs, rendered.sources),
        });
      } catch (error) {
        fail(error, dialect);
      }
    }
  }
  return {
    statements,
    runnable,
    summary: {
      check: "compile",
      passed: statements.length,
      failed,
      warnings: 0,
      skipped: 0,
      seconds: (options.clock() - started) / 1000,
      note: "statements for duckdb and snowflake: full, incremental and scope builds, tests",
    },
  };
}

/** A project path (`models/core/events.sql`) as the user sees it. */
export function shown(project: Project, path: string): string {
  return displayPath(resolve(project.root, path));
}

/**
 * A compile error's message leads with `path:line:` (project-relative) when it knows them: the
 * diagnostic takes them as its location.
 */
export function compileDiagnostic(project: Project, error: unknown, what?: string): Diagnostic {
  const message = errorMessage(error);
  const prefix = what ? `${what}: ` : "";
  const leading = /^([^\s:]+\.(?:sql|ya?ml))(?::(\d+))?: ([\s\S]*)$/.exec(message);
  if (leading) {
    return {
      check: "compile",
      severity: "error",
      file: shown(project, leading[1]!),
      line: leading[2] === undefined ? undefined : Number(leading[2]),
      message: prefix + leading[3]!,
    };
  }
  // A cycle names every step; the first one is where to start reading.
  const inside = /([^\s:]+\.(?:sql|ya?ml)):(\d+)/.exec(message);
  return {
    check: "compile",
    severity: "error",
    file: inside ? shown(project, inside[1]!) : undefined,
    line: inside ? Number(inside[2]) : undefined,
    message: prefix + message,
  };
}

function relationsRead(project: Project, refs: string[], sources: string[]): string[] {
  return [
    ...refs.flatMap((ref) => {
      const model = project.models.get(ref);
      return model ? [`${schemaOfModel(model)}.${ref}`] : [];
    }),
    ...sources.flatMap((key) => {
      const declared = project.sources.get(key);
      return declared ? [`${declared.schema}.${declared.identifier}`] : [];
    }),
  ];
}

/** The models whose refs all compiled: graphOrder reads the refs of every model it is given. */
function resolvable(compiled: Map<string, CompiledModel>): Map<string, CompiledModel> {
  const kept = new Map(compiled);
  let changed = true;
  while (changed) {
    changed = false;
    for (const [name, model] of kept) {
      if (model.refs.every((ref) => kept.has(ref))) continue;
      kept.delete(name);
      changed = true;
    }
  }
  return kept;
}

/**
 * A relationships test names its parent by ref: a parent that failed to compile is still a model, so
 * the test is planned against its relation instead of failing as a ref to no model.
 */
function withStubs(project: Project, compiled: Map<string, CompiledModel>): Map<string, CompiledModel> {
  const planning = new Map(compiled);
  for (const model of project.models.values()) {
    if (!planning.has(model.name)) planning.set(model.name, stub(model));
  }
  return planning;
}

function stub(model: ModelFile): CompiledModel {
  const schema = schemaOfModel(model);
  return {
    name: model.name,
    path: model.path,
    relation: `${schema}.${model.name}`,
    config: { materialized: "view", schema, uniqueKey: [], strategy: "merge", tags: [] },
    refs: [],
    sources: [],
    seeds: [],
    sql: "",
  };
}
