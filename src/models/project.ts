import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { basename, join, relative, sep } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigurationError } from "../errors.ts";
import { DEFAULT_PROJECT } from "./defaults.ts";

export type Severity = "warn" | "error";

/** A data test declared in yml, attached to a model or source (and a column, for column tests). */
export interface DeclaredTest {
  kind: "not_null" | "unique" | "accepted_values" | "relationships" | "unique_combination_of_columns";
  column?: string;
  severity: Severity;
  /** accepted_values: the list; relationships: `to` (a ref or source call) and `field`; combination: columns. */
  values?: Array<string | number | boolean>;
  to?: string;
  field?: string;
  columns?: string[];
  /** Where it was declared, for messages. */
  file: string;
}

export interface ColumnDoc {
  name: string;
  description?: string;
  /**
   * The column's `meta:` block (or dbt 1.10's `config: { meta: }`), as written (`{ pii: true, pii_reason: "…" }`). `pii: true` marks
   * personal data: Snowflake masks such a column outside restricted, and no mart may hold one.
   */
  meta?: Record<string, unknown>;
}

/** Whether a column is declared personal data (`meta: { pii: true }`). */
export function isPersonal(column: ColumnDoc): boolean {
  return column.meta?.pii === true;
}

export interface ModelFile {
  name: string;
  /** Relative to the project root, `/`-separated: `models/core/events.sql`. */
  path: string;
  sql: string;
  /** From the folder: staging, core, marts or restricted (a `schema` config overrides it). */
  folderSchema: string;
  description?: string;
  columns: ColumnDoc[];
  tests: DeclaredTest[];
  /** Config from yml (`config:` block); the model's own `config()` call wins. */
  ymlConfig: Record<string, unknown>;
  ymlFile?: string;
}

export interface SourceTable {
  source: string;
  name: string;
  schema: string;
  identifier: string;
  description?: string;
  loadedAtField?: string;
  freshness?: { warnAfterHours?: number; errorAfterHours?: number };
  tests: DeclaredTest[];
  /** The columns the yml documents. */
  columns: ColumnDoc[];
  file: string;
}

export interface SingularTest {
  name: string;
  path: string;
  sql: string;
}

/**
 * A CSV under `seeds/`, built into the `seeds` schema as a table of the same name before the models
 * (`{{ ref('free_email_domains') }}` → `seeds.free_email_domains`). Every column is text.
 */
export interface SeedFile {
  name: string;
  /** Relative to the project root: `seeds/free_email_domains.csv`. */
  path: string;
  /** Absolute path of the CSV, for the engines that read it. */
  file: string;
  /** From the CSV's header line, in order. */
  columnNames: string[];
  description?: string;
  columns: ColumnDoc[];
  tests: DeclaredTest[];
  ymlFile?: string;
}

export interface Project {
  root: string;
  models: Map<string, ModelFile>;
  sources: Map<string, SourceTable>;
  seeds: Map<string, SeedFile>;
  singularTests: SingularTest[];
}

/** The schema every seed is built in. */
export const SEED_SCHEMA = "seeds";

const MODEL_SCHEMAS = ["staging", "core", "marts", "restricted"];

/**
 * Reads `models/**` (`.sql` models and `.yml` files declaring them and the sources), `seeds/*.csv` (with
 * their `.yml` docs) and `tests/*.sql` under the project root. Everything wrong with the files is reported at once, each with its file.
 */
export async function readProject(dir: string = DEFAULT_PROJECT): Promise<Project> {
  const problems: string[] = [];
  const root = await projectRoot(dir);
  const modelsDir = join(root, "models");
  const files = await listFiles(modelsDir).catch(() => {
    throw new ConfigurationError(
      `there is no model folder at ${modelsDir}: run from the project root or pass --project`,
    );
  });
  const models = new Map<string, ModelFile>();
  for (const file of files.filter((f) => f.endsWith(".sql"))) {
    const path = relative(root, file).split(sep).join("/");
    const name = basename(file, ".sql");
    const folder = path.split("/")[1] ?? "";
    if (models.has(name)) {
      problems.push(`${path}: a second model named ${name} (the first is ${models.get(name)!.path})`);
      continue;
    }
    models.set(name, {
      name,
      path,
      sql: await readFile(file, "utf8"),
      folderSchema: MODEL_SCHEMAS.includes(folder) ? folder : "core",
      columns: [],
      tests: [],
      ymlConfig: {},
    });
  }
  const sources = new Map<string, SourceTable>();
  for (const file of files.filter((f) => /\.ya?ml$/.test(f))) {
    const path = relative(root, file).split(sep).join("/");
    const doc = await readYml(file, path, problems);
    if (doc === null) continue;
    const { models: declared = [], sources: sourceList = [] } = doc as {
      models?: unknown[];
      sources?: unknown[];
    };
    for (const entry of asList(declared)) {
      const model = models.get(String(entry.name));
      if (!model) {
        problems.push(`${path}: declares a model ${JSON.stringify(entry.name)} that has no .sql file`);
        continue;
      }
      model.ymlFile = path;
      model.description = optionalString(entry.description);
      model.ymlConfig = (entry.config as Record<string, unknown>) ?? {};
      model.tests.push(...readTests(entry.data_tests ?? entry.tests, path, undefined, problems));
      for (const column of asList(entry.columns)) {
        model.columns.push(
          columnDoc(column, `${path}: ${String(entry.name)}.${String(column.name)}`, problems),
        );
        model.tests.push(
          ...readTests(column.data_tests ?? column.tests, path, String(column.name), problems),
        );
      }
    }
    for (const source of asList(sourceList)) {
      for (const table of asList(source.tables)) {
        const key = `${source.name}.${table.name}`;
        const freshness = (table.freshness ?? source.freshness) as Record<string, unknown> | undefined;
        const tests: DeclaredTest[] = [
          ...readTests(table.data_tests ?? table.tests, path, undefined, problems),
        ];
        const columns: ColumnDoc[] = [];
        for (const column of asList(table.columns)) {
          columns.push(columnDoc(column, `${path}: ${key}.${String(column.name)}`, problems));
          tests.push(...readTests(column.data_tests ?? column.tests, path, String(column.name), problems));
        }
        sources.set(key, {
          source: String(source.name),
          name: String(table.name),
          schema: String(source.schema ?? source.name),
          identifier: String(table.identifier ?? table.name),
          description: optionalString(table.description),
          loadedAtField: optionalString(table.loaded_at_field ?? source.loaded_at_field),
          freshness: freshness
            ? {
                warnAfterHours: hours(freshness.warn_after, `${path}: ${key} warn_after`, problems),
                errorAfterHours: hours(freshness.error_after, `${path}: ${key} error_after`, problems),
              }
            : undefined,
          tests,
          columns,
          file: path,
        });
      }
    }
  }
  const seeds = await readSeeds(root, models, problems);
  const testsDir = join(root, "tests");
  const singularTests: SingularTest[] = [];
  for (const file of (await listFiles(testsDir).catch(() => [])).filter((f) => f.endsWith(".sql"))) {
    singularTests.push({
      name: basename(file, ".sql"),
      path: relative(root, file).split(sep).join("/"),
      sql: await readFile(file, "utf8"),
    });
  }
  if (problems.length > 0)
    throw new ConfigurationError(`the model project has errors:\n  ${problems.join("\n  ")}`);
  return { root, models, sources, seeds, singularTests };
}

/**
 * `seeds/*.csv` (a header line of column names, then rows) and the `seeds:` entries of `seeds/*.yml`
 * documenting them. Only the header is read here: the engines stream the rows when they build a seed.
 */
async function readSeeds(
  root: string,
  models: Map<string, ModelFile>,
  problems: string[],
): Promise<Map<string, SeedFile>> {
  const seeds = new Map<string, SeedFile>();
  const files = await listFiles(join(root, "seeds")).catch(() => []);
  for (const file of files.filter((f) => f.endsWith(".csv"))) {
    const path = relative(root, file).split(sep).join("/");
    const name = basename(file, ".csv");
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
      problems.push(`${path}: a seed's file name must be a lowercase identifier (it names the table)`);
      continue;
    }
    if (models.has(name)) {
      problems.push(`${path}: a seed and a model (${models.get(name)!.path}) are both named ${name}`);
      continue;
    }
    const header = (await firstLine(file)).replace(/^\uFEFF/, "");
    const columnNames = header.split(",").map((c) => c.trim().toLowerCase());
    const bad = columnNames.filter((c) => !/^[a-z_][a-z0-9_]*$/.test(c));
    if (header === "" || bad.length > 0) {
      problems.push(
        `${path}: the first line must name the columns (lowercase identifiers, comma-separated), not ${JSON.stringify(header)}`,
      );
      continue;
    }
    seeds.set(name, { name, path, file, columnNames, columns: [], tests: [] });
  }
  for (const file of files.filter((f) => /\.ya?ml$/.test(f))) {
    const path = relative(root, file).split(sep).join("/");
    const doc = await readYml(file, path, problems);
    if (doc === null) continue;
    for (const entry of asList((doc as { seeds?: unknown }).seeds)) {
      const seed = seeds.get(String(entry.name));
      if (!seed) {
        problems.push(`${path}: declares a seed ${JSON.stringify(entry.name)} that has no .csv file`);
        continue;
      }
      seed.ymlFile = path;
      seed.description = optionalString(entry.description);
      seed.tests.push(...readTests(entry.data_tests ?? entry.tests, path, undefined, problems));
      for (const column of asList(entry.columns)) {
        const name = String(column.name);
        if (!seed.columnNames.includes(name)) {
          problems.push(`${path}: documents a column ${name} that ${seed.path} does not have`);
        }
        seed.columns.push(columnDoc(column, `${path}: ${seed.name}.${name}`, problems));
        seed.tests.push(...readTests(column.data_tests ?? column.tests, path, name, problems));
      }
    }
  }
  return seeds;
}

/** The first line of a file, read a chunk at a time: a seed's rows are left for the engine. */
async function firstLine(file: string): Promise<string> {
  let text = "";
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 4096 })) {
    text += chunk as string;
    const end = text.indexOf("\n");
    if (end !== -1) return text.slice(0, end).replace(/\r$/, "");
  }
  return text.replace(/\r$/, "");
}

/**
 * The default project is `sql/` in the working directory when there is one (a clone of this repository,
 * or a team's own models), else the models shipped with the package.
 */
async function projectRoot(dir: string): Promise<string> {
  if (dir !== DEFAULT_PROJECT) return dir;
  const local = await stat(join(dir, "models")).then(
    (info) => info.isDirectory(),
    () => false,
  );
  return local ? dir : fileURLToPath(new URL("../../sql", import.meta.url));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

type Entry = Record<string, unknown>;

function asList(value: unknown): Entry[] {
  return Array.isArray(value) ? value.filter((v): v is Entry => v !== null && typeof v === "object") : [];
}

function columnDoc(column: Entry, where: string, problems: string[]): ColumnDoc {
  const doc: ColumnDoc = { name: String(column.name), description: optionalString(column.description) };
  const config = columnMeta((column.config as Entry | undefined)?.meta, `${where} (config.meta)`, problems);
  const own = columnMeta(column.meta, where, problems);
  const meta = { ...config.meta, ...own.meta };
  if (Object.keys(meta).length > 0) doc.meta = meta;
  return doc;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value.trim() : undefined;
}

const GENERIC_TESTS = new Set([
  "not_null",
  "unique",
  "accepted_values",
  "relationships",
  "unique_combination_of_columns",
]);

function readTests(
  list: unknown,
  file: string,
  column: string | undefined,
  problems: string[],
): DeclaredTest[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    problems.push(`${file}: data_tests${column ? ` of ${column}` : ""} must be a list`);
    return [];
  }
  const tests: DeclaredTest[] = [];
  for (const item of list) {
    const [kind, rawArgs] =
      typeof item === "string" ? [item, {}] : (Object.entries(item as object)[0] ?? ["", {}]);
    if (!GENERIC_TESTS.has(kind)) {
      problems.push(`${file}: unknown test ${JSON.stringify(kind)}${column ? ` on ${column}` : ""}`);
      continue;
    }
    const args = { ...(rawArgs as Entry), ...((rawArgs as Entry)?.arguments as Entry) };
    const severity = String((args.config as Entry)?.severity ?? args.severity ?? "error").toLowerCase();
    if (severity !== "warn" && severity !== "error") {
      problems.push(
        `${file}: ${kind}${column ? ` on ${column}` : ""} has severity ${severity}: use warn or error`,
      );
      continue;
    }
    const test: DeclaredTest = { kind: kind as DeclaredTest["kind"], column, severity, file };
    if (kind === "accepted_values") {
      if (!Array.isArray(args.values))
        problems.push(`${file}: accepted_values on ${column} needs a values list`);
      test.values = args.values as DeclaredTest["values"];
    }
    if (kind === "relationships") {
      if (typeof args.to !== "string" || typeof args.field !== "string") {
        problems.push(`${file}: relationships on ${column} needs to: ref('model') and field: column`);
      }
      test.to = String(args.to);
      test.field = String(args.field);
    }
    if (kind === "unique_combination_of_columns") {
      const columns = args.combination_of_columns ?? args.columns;
      if (!Array.isArray(columns))
        problems.push(`${file}: unique_combination_of_columns needs combination_of_columns`);
      test.columns = (columns as string[]) ?? [];
    }
    if (
      (kind !== "unique_combination_of_columns" && column === undefined) ||
      (kind === "unique_combination_of_columns" && column)
    ) {
      problems.push(`${file}: ${kind} belongs ${column ? "to the model" : "to a column"}`);
      continue;
    }
    tests.push(test);
  }
  return tests;
}

function hours(value: unknown, what: string, problems: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const { count, period } = value as { count?: unknown; period?: unknown };
  const per: Record<string, number> = { minute: 1 / 60, hour: 1, day: 24 };
  if (typeof count !== "number" || !(String(period) in per)) {
    problems.push(`${what} must be {count: N, period: minute|hour|day}`);
    return undefined;
  }
  return count * per[String(period)]!;
}

/** A yml file's document; null for an empty one, or one that is not YAML (a problem naming its line). */
async function readYml(file: string, path: string, problems: string[]): Promise<object | null> {
  try {
    const doc: unknown = parseYaml(await readFile(file, "utf8"));
    return doc !== null && typeof doc === "object" ? doc : null;
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? `:${error.linePos[0].line}` : "";
    problems.push(`${path}${where}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
    return null;
  }
}

/** A column's `meta:` (a mapping), with `pii` a boolean when given: `pii: "yes"` would silently mask nothing. */
function columnMeta(meta: unknown, where: string, problems: string[]): { meta?: Record<string, unknown> } {
  if (meta === undefined || meta === null) return {};
  if (typeof meta !== "object" || Array.isArray(meta)) {
    problems.push(`${where}: meta must be a mapping, such as { pii: true }`);
    return {};
  }
  const record = meta as Record<string, unknown>;
  if (record.pii !== undefined && typeof record.pii !== "boolean") {
    problems.push(`${where}: meta.pii must be true or false, not ${JSON.stringify(record.pii)}`);
  }
  return { meta: record };
}
