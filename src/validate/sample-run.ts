import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExportClient } from "../amplitude/export-client.ts";
import { extract } from "../amplitude/extract.ts";
import { parseHour, type HourWindow } from "../amplitude/hours.ts";
import { AmplitudeSimulator } from "../amplitude/simulator/server.ts";
import { LocalLake } from "../lake/local-lake.ts";
import { upload } from "../lake/upload.ts";
import { testName } from "../models/data-tests.ts";
import type { Project } from "../models/project.ts";
import { transform, type TestResult, type TransformResult } from "../models/runner.ts";
import { DuckDbWarehouse } from "../warehouse/duckdb.ts";
import { load } from "../warehouse/load.ts";
import type { Column } from "../warehouse/warehouse.ts";
import { shown, type RenderedStatement } from "./compile-check.ts";
import type { CheckSummary, Diagnostics } from "./report.ts";
import { templateLine } from "./template-lines.ts";

/** Small traffic: every model gets rows (sessions, web issues, company traffic) in about a second. */
export const SAMPLE_EVENTS_PER_HOUR = 40;
const SAMPLE_USERS = 30;

export interface SampleRun {
  /** The full build over the first delivery, then the incremental run after the second. */
  runs: Array<{ label: string; result: TransformResult }>;
  /** Each built model's columns as DuckDB made them, by relation (`core.events`). */
  columns: Map<string, Column[]>;
  events: number;
}

const window = (start: string, end: string): HourWindow => ({
  start: parseHour(start, "start"),
  end: parseHour(end, "end"),
});

/**
 * The embedded pipeline on a temporary warehouse, in-process: the simulator on 127.0.0.1:0, one day
 * extracted into a temporary backup folder, uploaded into a temporary local lake, loaded, and every model
 * built with every test on whole tables. Then a second delivery (the next hours, and the last hours of
 * the day again as Amplitude re-processed them) and an incremental run with its tests on the rows it
 * wrote, so the incremental SQL and the tests' incremental branches execute too.
 */
export async function runOnSampleData(
  project: Project,
  options: { signal?: AbortSignal; eventsPerHour?: number } = {},
): Promise<SampleRun> {
  const work = await mkdtemp(join(tmpdir(), "amplitude-pipeline-validate-"));
  const simulator = await new AmplitudeSimulator({
    eventsPerHour: options.eventsPerHour ?? SAMPLE_EVENTS_PER_HOUR,
    users: SAMPLE_USERS,
  }).start();
  let warehouse: DuckDbWarehouse | undefined;
  try {
    const client = new ExportClient({
      baseUrl: simulator.url,
      apiKey: simulator.apiKey,
      secretKey: simulator.secretKey,
    });
    const outDir = join(work, "exports");
    const lake = new LocalLake(join(work, "lake"));
    let events = 0;
    const deliver = async (windows: HourWindow[]) => {
      const summary = await extract({
        client,
        range: windows,
        outDir,
        validationThreads: 0,
        signal: options.signal,
      });
      if (summary.failed.length > 0) {
        throw new Error(`the simulator's export failed: ${summary.failed.map((f) => f.error).join("; ")}`);
      }
      events += summary.events;
      const uploaded = await upload({ lake, from: outDir, signal: options.signal });
      if (uploaded.failures.length > 0) {
        throw new Error(
          `upload to the sample lake failed: ${uploaded.failures.map((f) => f.error).join("; ")}`,
        );
      }
      const loaded = await load({ lake, warehouse: warehouse!, signal: options.signal });
      if (loaded.failed.length > 0) {
        throw new Error(`load of the sample lake failed: ${loaded.failed.map((f) => f.message).join("; ")}`);
      }
    };
    warehouse = await DuckDbWarehouse.open(join(work, "warehouse.duckdb"), { create: true });
    const runs: SampleRun["runs"] = [];

    await deliver([window("2025-11-04T00", "2025-11-04T23")]);
    runs.push({
      label: "full build",
      result: await transform({ warehouse, project, fullTests: true, signal: options.signal }),
    });

    await deliver([window("2025-11-05T00", "2025-11-05T05")]);
    simulator.reprocess = { round: 1 };
    await deliver([window("2025-11-04T18", "2025-11-04T23")]);
    runs.push({
      label: "incremental run",
      result: await transform({ warehouse, project, signal: options.signal }),
    });

    const columns = new Map<string, Column[]>();
    // Seeds too: polyglot checks the names models read from them.
    for (const model of [...(runs[0]!.result.seeds ?? []), ...runs[0]!.result.models]) {
      const [schema, name] = model.relation.split(".");
      const found = await warehouse.columns(schema!, name!);
      if (found.length > 0) columns.set(model.relation, found);
    }
    return { runs, columns, events };
  } finally {
    await warehouse?.close();
    await simulator.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A model DuckDB could not build is an error naming the model's file; an error-severity test that failed
 * (or could not run) is an error, a warn test that found rows a warning, at the yml line declaring it.
 */
export async function sampleRunDiagnostics(
  project: Project,
  run: SampleRun,
  rendered: RenderedStatement[],
  diagnostics: Diagnostics,
): Promise<{ execute: Omit<CheckSummary, "seconds">; tests: Omit<CheckSummary, "seconds"> }> {
  const execute = { check: "execute" as const, passed: 0, failed: 0, warnings: 0, skipped: 0 };
  const tests = { check: "tests" as const, passed: 0, failed: 0, warnings: 0, skipped: 0 };
  const locate = testLocator(project);
  for (const { label, result } of run.runs) {
    for (const model of result.models) {
      if (model.status === "success") execute.passed += 1;
      else if (model.status === "skipped") execute.skipped += 1;
      else {
        execute.failed += 1;
        const template = project.models.get(model.name)!;
        const kind = model.incremental ? "incremental" : "model";
        const statement = rendered.find((r) => r.model === model.name && r.kind === kind);
        const { text, line } = duckdbError((model.message ?? "failed").replace(`${template.path}: `, ""));
        // The runner puts one line (`create … as`) before the compiled statement.
        const compiledLine = line === undefined ? undefined : Math.max(1, line - 1);
        const templateAt =
          statement && compiledLine !== undefined
            ? templateLine(template.sql, statement.sql, compiledLine)
            : undefined;
        diagnostics.add({
          check: "execute",
          severity: "error",
          file: shown(project, template.path),
          line: templateAt,
          message:
            `DuckDB could not build ${model.relation}: ${text}` +
            (statement && compiledLine !== undefined
              ? ` (rendered at ${statement.file}:${compiledLine})`
              : ""),
          context: label,
        });
      }
    }
    for (const test of result.tests) {
      if (test.status === "pass") {
        tests.passed += 1;
        continue;
      }
      if (test.status === "skipped") {
        tests.skipped += 1;
        continue;
      }
      const where = await locate(test);
      if (test.status === "warn") {
        tests.warnings += 1;
        diagnostics.add({
          check: "tests",
          severity: "warning",
          ...where,
          message:
            `test ${test.name} (severity warn) found ${test.failures} row(s): ${test.message ?? ""}`.trim(),
          context: label,
        });
      } else {
        tests.failed += 1;
        const message =
          test.status === "fail"
            ? `test ${test.name} failed: ${test.failures} failing row(s), ${test.message ?? ""}`
            : `test ${test.name} could not run: ${(test.message ?? "").replace(`${test.declaredIn}: `, "")}`;
        diagnostics.add({
          check: "tests",
          severity: "error",
          ...where,
          message: message.trim(),
          context: label,
        });
      }
    }
  }
  return { execute, tests };
}

/**
 * What the sample run did not build: the models that failed, and the models and tests it skipped because of
 * them (by name, across both runs), with the relations of both kinds of model.
 */
export function notBuilt(run: SampleRun): {
  failed: string[];
  models: string[];
  tests: string[];
  relations: Set<string>;
} {
  const failed = new Set<string>();
  const models = new Set<string>();
  const tests = new Set<string>();
  const relations = new Set<string>();
  for (const { result } of run.runs) {
    for (const model of result.models) {
      if (model.status === "success") continue;
      (model.status === "error" ? failed : models).add(model.relation);
      relations.add(model.relation);
    }
    for (const test of result.tests) if (test.status === "skipped") tests.add(test.name);
  }
  // A model that failed in one run and was skipped in the other is a failure.
  for (const relation of failed) models.delete(relation);
  return { failed: [...failed], models: [...models], tests: [...tests], relations };
}

/**
 * DuckDB's message on one line, without the warehouse's name, the statement the adapter appends, or its
 * `LINE n:` excerpt: the line, counted in the statement DuckDB ran, is returned apart.
 */
function duckdbError(message: string): { text: string; line?: number } {
  const line = /\bLINE (\d+):/.exec(message);
  const text = message
    .replace(/^duckdb:\S*?: /, "")
    .replace(/\n\s*in: [\s\S]*$/, "")
    .replace(/\n\s*LINE \d+:[\s\S]*$/, "")
    .replace(/\s+/g, " ")
    .trim();
  return { text, line: line ? Number(line[1]) : undefined };
}

/**
 * Where a test was declared: its singular test file, or the line of its column (else of its model or
 * source table) in the yml that declares it.
 */
function testLocator(project: Project) {
  const texts = new Map<string, Promise<string>>();
  return async (test: TestResult): Promise<{ file: string; line?: number }> => {
    const file = shown(project, test.declaredIn);
    if (!/\.ya?ml$/.test(test.declaredIn)) return { file };
    if (!texts.has(test.declaredIn)) {
      texts.set(
        test.declaredIn,
        readFile(join(project.root, test.declaredIn), "utf8").catch(() => ""),
      );
    }
    const lines = (await texts.get(test.declaredIn)!).split("\n");
    const on = test.on[0] ?? "";
    const model = project.models.get(on);
    const source = project.sources.get(on);
    const owner = model?.name ?? source?.name ?? on;
    const declared = model
      ? model.tests.find((t) => testName(t, model.name) === test.name)
      : source?.tests.find((t) => testName(t, `source_${source.source}_${source.name}`) === test.name);
    const nameLine = (name: string, from: number) => {
      const pattern = new RegExp(
        `^\\s*-?\\s*name:\\s*['"]?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}['"]?\\s*$`,
      );
      const index = lines.findIndex((text, i) => i >= from && pattern.test(text));
      return index === -1 ? undefined : index;
    };
    const ownerLine = nameLine(owner, 0);
    const columnLine = declared?.column ? nameLine(declared.column, (ownerLine ?? -1) + 1) : undefined;
    const index = columnLine ?? ownerLine;
    return { file, line: index === undefined ? undefined : index + 1 };
  };
}
