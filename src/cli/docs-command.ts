import type { Env } from "../config.ts";
import { buildDocs, type DocsOptions, type DocsResult } from "../docs/build-docs.ts";
import { printJson, type Output } from "./output.ts";

export interface DocsCommandOptions extends DocsOptions {
  json?: boolean;
}

/**
 * Builds the data dictionary and says where its index is: the path as given and as a file:// URL, which
 * opens in a browser with no server. Notes (no warehouse yet, tests not run yet) go to stderr.
 */
export async function runDocs(
  options: DocsCommandOptions,
  deps: { env?: Env; output: Output; now?: () => Date },
): Promise<DocsResult> {
  const { output } = deps;
  const result = await buildDocs(options, {
    env: deps.env,
    now: deps.now,
    warn: (message) => output.err(`warning: ${message}`),
  });
  for (const note of result.notes) output.err(`note: ${note}`);
  printDocs(output, result);
  if (options.json) {
    printJson(output, {
      pages: result.pages,
      models: result.models,
      sources: result.sources,
      seeds: result.seeds,
      tests: result.tests,
      tests_with_results: result.testsWithResults,
      index: result.index,
    });
  }
  return result;
}

/** The lines that say where the site is; the demo prints the same. */
export function printDocs(output: Output, result: DocsResult): void {
  output.out(
    `Data dictionary: ${result.pages} page(s) for ${result.models} model(s), ${result.sources} source(s), ` +
      `${result.seeds} seed(s); ${result.testsWithResults} of ${result.tests} test(s) with a last result.`,
  );
  output.out(`Open ${result.index} (${result.indexUrl})`);
}
