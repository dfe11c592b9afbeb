import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

/** What a yml file says of a column beyond what the model runner reads: its declared type. */
export interface ColumnDetail {
  name: string;
  description?: string;
  /** dbt's `data_type`: shown when the warehouse has not built the relation. */
  dataType?: string;
}

export interface YmlDetails {
  /** Model name → its columns as the yml declares them. */
  modelColumns: Map<string, ColumnDetail[]>;
  /** `source.table` → its columns (the runner reads only their tests). */
  sourceColumns: Map<string, ColumnDetail[]>;
  /** Source name → the source's own description. */
  sourceDescriptions: Map<string, string>;
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
 * The column types and source column docs of `models/**.yml`, which the project reader does not keep (seeds and
 * their docs it does: see `Project.seeds`). The project reader has already checked these files; what it cannot
 * parse is skipped here rather than reported twice.
 */
export async function readYmlDetails(root: string): Promise<YmlDetails> {
  const details: YmlDetails = {
    modelColumns: new Map(),
    sourceColumns: new Map(),
    sourceDescriptions: new Map(),
  };
  const ymlFiles = (await filesUnder(join(root, "models"))).filter((f) => /\.ya?ml$/.test(f));
  for (const path of ymlFiles) {
    let doc: unknown;
    try {
      doc = parseYaml(await readFile(path, "utf8"));
    } catch {
      continue;
    }
    if (doc === null || typeof doc !== "object") continue;
    const { models, sources } = doc as Entry;
    for (const model of asList(models)) details.modelColumns.set(String(model.name), columns(model.columns));
    for (const source of asList(sources)) {
      const description = text(source.description);
      if (description) details.sourceDescriptions.set(String(source.name), description);
      for (const table of asList(source.tables)) {
        details.sourceColumns.set(`${String(source.name)}.${String(table.name)}`, columns(table.columns));
      }
    }
  }
  return details;
}
