import type { ObjectGroup } from "../amplitude/objects-client.ts";
import { startSimulator } from "../amplitude/simulator/server.ts";
import { formatHour, hourFromDate } from "../amplitude/hours.ts";
import { buildDocs } from "../docs/build-docs.ts";
import type { Env } from "../config.ts";
import {
  DEFAULT_DEMO_DOCS_OUT,
  DEFAULT_EXTRACT_CONCURRENCY,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_SETTLE_HOURS,
  DEFAULT_WINDOW_HOURS,
} from "../pipeline/defaults.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { formatCount, printJson, type Output } from "./output.ts";
import { runPipeline, type RunSummary } from "./run-command.ts";

export interface DemoOptions {
  days: number;
  out: string;
  lake: string;
  warehouse: string;
  project: string;
  targetDir: string;
  /** Where the data dictionary goes (default data/demo/docs). */
  docsOut?: string;
  json?: boolean;
  /** Every data test's result (by default, failures, warnings and one line of counts). */
  verbose?: boolean;
  eventsPerHour: number;
  /** What to extract (default all): events, taxonomy, cohorts. */
  objects?: ObjectGroup[];
}

/** The tables the demo counts, in the order a reader meets them. */
const DEMO_TABLES = [
  "raw.amplitude_events",
  "raw.amplitude_snapshots",
  "raw.load_history",
  "raw.extract_windows",
  "staging.stg_amplitude__events",
  "staging.stg_amplitude__event_properties",
  "core.events",
  "core.sessions",
  "core.users",
  "core.devices",
  "core.event_types",
  "core.event_categories",
  "core.cohorts",
  "core.user_cohorts",
  "core.groups",
  "core.user_groups",
  "restricted.locations",
  "seeds.free_email_domains",
  "marts.page_paths",
  "marts.web_issues",
  "marts.company_traffic",
];

/**
 * The whole pipeline against the built-in simulator, with no account and no network: the last `days`
 * complete UTC days go through extract, upload, load and transform on the embedded defaults, then the
 * demo shows what was built.
 */
export async function runDemo(
  options: DemoOptions,
  deps: { env: Env; output: Output; now?: () => Date; signal?: AbortSignal },
): Promise<RunSummary> {
  deps.signal?.throwIfAborted();
  const now = deps.now?.() ?? new Date();
  // The simulator's cohorts are computed at the start of the demo's day, from the day before it.
  const simulator = await startSimulator({
    eventsPerHour: options.eventsPerHour,
    cache: true,
    now: () => now,
  });
  let summary: RunSummary;
  try {
    const today = Math.floor(hourFromDate(now) / 24) * 24;
    deps.output.err(`Demo: the built-in Amplitude simulator is serving ${simulator.url}`);
    const pipelineDeps = {
      env: deps.env,
      output: deps.output,
      signal: deps.signal,
      amplitude: {
        baseUrl: simulator.url,
        region: "us" as const,
        apiKey: simulator.apiKey,
        secretKey: simulator.secretKey,
      },
    };
    summary = await runPipeline(
      {
        start: formatHour(today - options.days * 24),
        end: formatHour(today - 1),
        out: options.out,
        lake: options.lake,
        warehouse: options.warehouse,
        project: options.project,
        targetDir: options.targetDir,
        json: false,
        windowHours: DEFAULT_WINDOW_HOURS,
        concurrency: DEFAULT_EXTRACT_CONCURRENCY,
        maxLineBytes: DEFAULT_MAX_LINE_BYTES,
        settleHours: DEFAULT_SETTLE_HOURS,
        objects: options.objects,
        verbose: options.verbose,
        // Marks what the demo writes, and refuses folders that hold a real project's data.
        demo: true,
      },
      pipelineDeps,
    );
  } finally {
    await simulator.close();
  }
  // Interrupted: what was built stays, but the showcase would read a half-built warehouse.
  deps.signal?.throwIfAborted();
  const warehouse = await openWarehouse(options.warehouse, { create: false });
  const docsOut = options.docsOut ?? DEFAULT_DEMO_DOCS_OUT;
  let docs: Awaited<ReturnType<typeof buildDocs>>;
  try {
    for (const line of await showcase(warehouse)) deps.output.out(line);
    // The dictionary of what was just built, from the same open warehouse and run_results.json.
    docs = await buildDocs(
      { out: docsOut, warehouse: options.warehouse, project: options.project, targetDir: options.targetDir },
      { warehouse, now: deps.now, warn: (message) => deps.output.err(`warning: ${message}`) },
    );
  } finally {
    await warehouse.close();
  }
  deps.output.out(
    `Backups: ${options.out}/<app>/<window>/ · lake: ${options.lake} · warehouse: ${options.warehouse} · ` +
      `results: ${options.targetDir}/run_results.json`,
  );
  deps.output.out(
    `Data dictionary (${docs.pages} pages, lineage, test results): ${docs.index} · open ${docs.indexUrl}`,
  );
  if (options.json) printJson(deps.output, { ...summary.transform.figures, events: summary.extract.events });
  return summary;
}

async function showcase(warehouse: Warehouse): Promise<string[]> {
  const lines = ["", "Rows per table:"];
  for (const table of DEMO_TABLES) {
    const [row] = await warehouse.query<{ n: bigint }>(`select count(*) as n from ${table}`);
    lines.push(`  ${table.padEnd(42)}${formatCount(Number(row!.n)).padStart(10)}`);
  }
  const show = async (title: string, sql: string) => {
    lines.push("", title);
    for (const row of await warehouse.query(sql)) {
      lines.push(
        "  " +
          Object.values(row)
            .map((v) => (v instanceof Date ? v.toISOString().slice(0, 19).replace("T", " ") : String(v)))
            .join(" | "),
      );
    }
  };
  await show(
    "Most viewed pages (marts.page_paths):",
    `select page_path, count(*) as views from marts.page_paths
     where event_type = '[Amplitude] Page Viewed' group by page_path order by views desc, page_path limit 5`,
  );
  await show(
    "Web issues by type (marts.web_issues):",
    `select issue_type, count(*) as issues, count(distinct session_id) as sessions
     from marts.web_issues group by issue_type order by issues desc`,
  );
  await show(
    "Company traffic (marts.company_traffic):",
    `select suspected_company, reasoning, confidence, count(*) as users from marts.company_traffic
     group by suspected_company, reasoning, confidence
     order by users desc, suspected_company, reasoning limit 6`,
  );
  return lines;
}
