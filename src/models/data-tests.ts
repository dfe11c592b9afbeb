import { CompileError, type CompiledModel } from "./compile.ts";
import { SEED_SCHEMA, type DeclaredTest, type Project, type Severity } from "./project.ts";

/** A test ready to run: a query whose rows are the failures. */
export interface PlannedTest {
  /** `not_null_events__uuid`, `accepted_values_stg_amplitude__events__event_type`, or the singular file's name. */
  name: string;
  /** The model or source it belongs to (singular tests: the models they ref). */
  on: string[];
  severity: Severity;
  sql: string;
  declaredIn: string;
  /** Relations the test reads besides its own model (a relationships parent): skipped when not built. */
  needs?: string[];
  /** Source freshness: the test's row carries `age_hours`, compared with these. */
  freshness?: { warnAfterHours: number; errorAfterHours?: number };
}

function literal(value: string | number | boolean): string {
  return typeof value === "string" ? `'${value.replaceAll("'", "''")}'` : String(value);
}

function identifier(name: string, file: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new CompileError(`${file}: ${JSON.stringify(name)} is not a column name`);
  return name;
}

/**
 * The SQL of a yml test against `relation`. `resolve` turns a relationships `to:` (`ref('x')` or
 * `source('a', 'b')`) into a relation. With `newRows` (a condition such as `loaded_at > …`), only the
 * rows an incremental run wrote are checked; uniqueness is still checked against the whole table.
 */
export function genericTestSql(
  test: DeclaredTest,
  relation: string,
  resolve: (reference: string) => string,
  newRows?: string,
): string {
  const column = test.column ? identifier(test.column, test.file) : "";
  const rows = newRows ? `(select * from ${relation} where ${newRows})` : relation;
  switch (test.kind) {
    case "not_null":
      return `select * from ${rows} as tested where ${column} is null`;
    case "unique":
    case "unique_combination_of_columns": {
      const key =
        test.kind === "unique" ? column : test.columns!.map((c) => identifier(c, test.file)).join(", ");
      const notNull = test.kind === "unique" ? ` and ${column} is not null` : "";
      const touched = newRows ? ` and (${key}) in (select ${key} from ${rows} as fresh)` : "";
      return `select ${key}, count(*) as occurrences from ${relation} where true${notNull}${touched} group by ${key} having count(*) > 1`;
    }
    case "accepted_values":
      return `select ${column} as value, count(*) as occurrences from ${rows} as tested where ${column} is not null and ${column} not in (${test.values!.map(literal).join(", ")}) group by ${column}`;
    case "relationships": {
      const parent = resolve(test.to!);
      const field = identifier(test.field!, test.file);
      // The same failing rows either way (each orphan, never a null key), but DuckDB builds its hash table
      // on the left join's parent and on the anti join's children. On an increment the children are few
      // (or none): at a million events 0.36 s -> 0.15 s for an hour's event properties, 0.53 s -> 0.02 s
      // when a run wrote none. On a whole table the parent is the smaller: 5.6 million event properties
      // took 1.5 s as an anti join, 0.6 s as a left join.
      if (newRows) {
        return `select child.${column} from ${rows} as child where child.${column} is not null and not exists (select 1 from ${parent} as parent where parent.${field} = child.${column})`;
      }
      return `select child.${column} from ${rows} as child left join ${parent} as parent on child.${column} = parent.${field} where child.${column} is not null and parent.${field} is null`;
    }
  }
}

export function testName(test: DeclaredTest, on: string): string {
  const what = test.kind === "unique_combination_of_columns" ? test.columns!.join("__") : test.column;
  return `${test.kind}_${on}__${what}`;
}

/**
 * The sources whose tests run with `selected`: those a selected model reads, and those no model reads
 * (a table only tests read, such as the load history), which, like a singular test that reads only
 * sources, run with every selection.
 */
export function testedSources(
  project: Project,
  compiled: Map<string, CompiledModel>,
  selected: Set<string>,
): string[] {
  const readByAny = new Set([...compiled.values()].flatMap((model) => model.sources));
  const readBySelected = new Set([...selected].flatMap((name) => compiled.get(name)!.sources));
  return [...project.sources.keys()].filter((key) => readBySelected.has(key) || !readByAny.has(key)).sort();
}

/** The yml tests of the selected models, of the seeds they read, and of the sources `testedSources` names. */
export function plannedGenericTests(
  project: Project,
  compiled: Map<string, CompiledModel>,
  selected: Set<string>,
  newRows: Map<string, string> = new Map(),
  sourcesNewerThan?: string,
): PlannedTest[] {
  const resolve = (file: string) => (reference: string) => {
    const ref = /^ref\(\s*['"]([a-z0-9_]+)['"]\s*\)$/.exec(reference.trim());
    if (ref) {
      const model = compiled.get(ref[1]!);
      if (!model) throw new CompileError(`${file}: ${reference} names no model`);
      return model.relation;
    }
    const source = /^source\(\s*['"]([a-z0-9_]+)['"]\s*,\s*['"]([a-z0-9_]+)['"]\s*\)$/.exec(reference.trim());
    const declared = source ? project.sources.get(`${source[1]}.${source[2]}`) : undefined;
    if (!declared)
      throw new CompileError(
        `${file}: relationships to: ${reference} is not ref('model') or a declared source`,
      );
    return `${declared.schema}.${declared.identifier}`;
  };
  const planned: PlannedTest[] = [];
  for (const name of [...selected].sort()) {
    const model = compiled.get(name)!;
    for (const test of project.models.get(name)!.tests) {
      planned.push({
        name: testName(test, name),
        on: [name],
        severity: test.severity,
        sql: genericTestSql(test, model.relation, resolve(test.file), newRows.get(name)),
        declaredIn: test.file,
        needs: test.kind === "relationships" ? [resolve(test.file)(test.to!)] : undefined,
      });
    }
  }
  for (const name of [...new Set([...selected].flatMap((n) => compiled.get(n)!.seeds))].sort()) {
    const seed = project.seeds.get(name)!;
    for (const test of seed.tests) {
      planned.push({
        name: testName(test, name),
        on: [name],
        severity: test.severity,
        sql: genericTestSql(test, `${SEED_SCHEMA}.${name}`, resolve(test.file)),
        declaredIn: test.file,
      });
    }
  }
  for (const key of testedSources(project, compiled, selected)) {
    const source = project.sources.get(key)!;
    for (const test of source.tests) {
      planned.push({
        name: testName(test, `source_${source.source}_${source.name}`),
        on: [key],
        severity: test.severity,
        sql: genericTestSql(
          test,
          `${source.schema}.${source.identifier}`,
          resolve(test.file),
          sourcesNewerThan && source.loadedAtField
            ? `${source.loadedAtField} > ${sourcesNewerThan}`
            : undefined,
        ),
        declaredIn: test.file,
      });
    }
  }
  return planned;
}
