import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Env } from "../config.ts";
import { readProject } from "../models/project.ts";
import { openLockedWarehouse } from "../pipeline/locked-warehouse.ts";
import { parseDuckDbUrl } from "../warehouse/open-warehouse.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { buildCatalog, type Catalog } from "./catalog.ts";
import { distinctTests, renderSite } from "./site.ts";
import { writeSiteAtomically } from "./write-site.ts";

export interface DocsOptions {
  out: string;
  /** duckdb:PATH or snowflake; a DuckDB file that does not exist yet is not an error (yml types only). */
  warehouse?: string;
  project: string;
  /** Where transform wrote run_results.json. */
  targetDir: string;
}

export interface DocsResult {
  outDir: string;
  /** The index page, as `out` was given (relative paths stay relative), and as a file:// URL. */
  index: string;
  indexUrl: string;
  pages: number;
  models: number;
  sources: number;
  seeds: number;
  tests: number;
  /** Tests with a last result shown. */
  testsWithResults: number;
  warehouseRead: boolean;
  resultsFrom?: string;
  /** Sentences worth saying: why the warehouse was not read, why no test results are shown. */
  notes: string[];
}

/**
 * The data dictionary: reads the project (yml docs, doc blocks, seeds), the warehouse when it is built
 * (column types, newest source loads; on Snowflake the finalizer's test results), and the last
 * run_results.json, then writes the static site into `out` in one rename.
 */
export async function buildDocs(
  options: DocsOptions,
  deps: { env?: Env; warn?: (message: string) => void; now?: () => Date; warehouse?: Warehouse } = {},
): Promise<DocsResult> {
  const warn = deps.warn ?? (() => {});
  const project = await readProject(options.project);
  const now = deps.now?.() ?? new Date();
  let catalog: Catalog;
  if (deps.warehouse) {
    catalog = await buildCatalog({
      project,
      warehouse: deps.warehouse,
      targetDir: options.targetDir,
      now,
      warn,
    });
  } else {
    const note = await unbuiltWarehouse(options.warehouse);
    if (note !== undefined || !options.warehouse) {
      catalog = await buildCatalog({ project, warehouseNote: note, targetDir: options.targetDir, now, warn });
    } else {
      const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
        command: "docs",
        create: false,
        env: deps.env,
        warn,
      });
      try {
        catalog = await buildCatalog({ project, warehouse, targetDir: options.targetDir, now, warn });
      } finally {
        await release();
      }
    }
  }
  const pages = renderSite(catalog);
  const nodes = [...catalog.nodes.values()];
  const tests = distinctTests(nodes);
  await writeSiteAtomically(options.out, pages, {
    generated_at: catalog.generatedAt,
    warehouse: catalog.warehouseUrl ?? null,
    results_from: catalog.results?.from ?? null,
  });
  const index = join(options.out, "index.html");
  return {
    outDir: options.out,
    index,
    indexUrl: pathToFileURL(resolve(index)).href,
    pages: pages.size,
    models: nodes.filter((n) => n.kind === "model").length,
    sources: nodes.filter((n) => n.kind === "source").length,
    seeds: nodes.filter((n) => n.kind === "seed").length,
    tests: tests.length,
    testsWithResults: tests.filter((t) => t.result).length,
    warehouseRead: catalog.warehouseUrl !== undefined,
    resultsFrom: catalog.results?.from,
    notes: [catalog.warehouseNote, catalog.resultsNote].filter((n): n is string => n !== undefined),
  };
}

/** Why a DuckDB warehouse cannot be read yet (its file does not exist), or undefined when it can be opened. */
async function unbuiltWarehouse(url: string | undefined): Promise<string | undefined> {
  if (!url) return "No warehouse was given: column types come from the yml's data_type.";
  if (!url.startsWith("duckdb:")) return undefined;
  const { path } = parseDuckDbUrl(url);
  if (path === ":memory:") return `--warehouse ${url} holds nothing to read: column types come from the yml.`;
  const exists = await access(resolve(path)).then(
    () => true,
    () => false,
  );
  return exists
    ? undefined
    : `The warehouse ${url} is not built yet (no file at ${path}): column types come from the yml, and ` +
        "source freshness is unknown. Run `load` and `transform` (or `demo`), then docs again.";
}
