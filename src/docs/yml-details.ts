import { open, readdir, readFile } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { parse as parseYaml } from "yaml";

/** What a yml file says of a column beyond what the model runner reads: its declared type. */
export interface ColumnDetail {
  name: string;
  description?: string;
  /** dbt's `data_type`: shown when the warehouse has not built the relation. */
  dataType?: string;
}

export interface SeedFile {
  name: string;
  /** Relative to the project root: `seeds/free_email_domains.csv`. */
  path: string;
  /** The CSV header's column names, in order. */
  header: string[];
  description?: string;
  columns: ColumnDetail[];
  ymlFile?: string;
}

export interface YmlDetails {
  /** Model name → its columns as the yml declares them. */
  modelColumns: Map<string, ColumnDetail[]>;
  /** `source.table` → its columns (the runner reads only their tests). */
  sourceColumns: Map<string, ColumnDetail[]>;
  /** Source name → the source's own description. */
  sourceDescriptions: Map<string, string>;
  seeds: Map<string, SeedFile>;
}

type Entry = Record<string, unknown>;

function asList(value: unknown): Entry[] {
  return Array.isArray(value) ? value.filter((v): v is Entry => v !== null && typeof v === "object") : [];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value.trim() : undefined;
}

function columns(value: unknown): ColumnDetail[] {
  return asList(value).map((column) => ({
    name: String(column.name),
    description: text(column.description),
    dataType: text(column.data_type),
  }));
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * The column types and source column docs of `models/**.yml`, and the seeds (`seeds/*.csv` with their
 * `seeds:` docs in `seeds/*.yml`). The project reader has already checked these files; what it cannot
 * parse is skipped here rather than reported twice.
 */
export async function readYmlDetails(root: string): Promise<YmlDetails> {
  const details: YmlDetails = {
    modelColumns: new Map(),
    sourceColumns: new Map(),
    sourceDescriptions: new Map(),
    seeds: new Map(),
  };
  const seedDocs = new Map<string, { entry: Entry; file: string }>();
  const ymlFiles = [
    ...(await filesUnder(join(root, "models"))),
    ...(await filesUnder(join(root, "seeds"))),
  ].filter((f) => /\.ya?ml$/.test(f));
  for (const path of ymlFiles) {
    let doc: unknown;
    try {
      doc = parseYaml(await readFile(path, "utf8"));
    } catch {
      continue;
    }
    if (doc === null || typeof doc !== "object") continue;
    const file = relative(root, path).split(sep).join("/");
    const { models, sources, seeds } = doc as Entry;
    for (const model of asList(models)) details.modelColumns.set(String(model.name), columns(model.columns));
    for (const source of asList(sources)) {
      const description = text(source.description);
      if (description) details.sourceDescriptions.set(String(source.name), description);
      for (const table of asList(source.tables)) {
        details.sourceColumns.set(`${String(source.name)}.${String(table.name)}`, columns(table.columns));
      }
    }
    for (const seed of asList(seeds)) seedDocs.set(String(seed.name), { entry: seed, file });
  }
  for (const path of (await filesUnder(join(root, "seeds"))).filter((f) => f.endsWith(".csv"))) {
    const name = basename(path, ".csv");
    const doc = seedDocs.get(name);
    details.seeds.set(name, {
      name,
      path: relative(root, path).split(sep).join("/"),
      header: await csvHeader(path),
      description: text(doc?.entry.description),
      columns: columns(doc?.entry.columns),
      ymlFile: doc?.file,
    });
  }
  return details;
}

/** The first line of a CSV file, split on commas outside double quotes. */
async function csvHeader(path: string): Promise<string[]> {
  const handle = await open(path);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const first =
      buffer
        .subarray(0, bytesRead)
        .toString("utf8")
        .replace(/^\uFEFF/, "")
        .split(/\r?\n/)[0] ?? "";
    const cells: string[] = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < first.length; i += 1) {
      const c = first[i]!;
      if (quoted) {
        if (c === '"' && first[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") {
        cells.push(cell.trim());
        cell = "";
      } else cell += c;
    }
    if (first !== "") cells.push(cell.trim());
    return cells;
  } finally {
    await handle.close();
  }
}
