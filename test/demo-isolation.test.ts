import { cp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDemo } from "../src/cli/demo-command.ts";
import { resultTable } from "../src/cli/transform-command.ts";
import type { Output } from "../src/cli/output.ts";
import { ConfigurationError } from "../src/errors.ts";
import { readProject } from "../src/models/project.ts";
import type { TestResult, TransformResult } from "../src/models/runner.ts";
import { extractStep, type ExtractStepOptions } from "../src/pipeline/extract.ts";
import { loadStep } from "../src/pipeline/load.ts";
import { runPipeline } from "../src/pipeline/run.ts";
import { uploadStep } from "../src/pipeline/upload.ts";
import { runCli } from "./support/cli.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { simulator } from "./support/simulator.ts";

const simEnv = (sim: { url: string; apiKey: string; secretKey: string }) => ({
  AMPLITUDE_API_URL: sim.url,
  AMP_API_KEY: sim.apiKey,
  AMP_SECRET_KEY: sim.secretKey,
});

function captureOutput() {
  const out: string[] = [];
  const output: Output = { out: (line) => out.push(line), err: () => {}, status: () => {}, isTTY: false };
  return { output, stdout: () => out.join("\n") };
}

const extractOptions = (cwd: string, overrides: Partial<ExtractStepOptions> = {}): ExtractStepOptions => ({
  out: join(cwd, "data", "exports"),
  lake: `file://${join(cwd, "data", "lake")}`,
  objects: ["events"],
  windowHours: 24,
  concurrency: 2,
  maxLineBytes: 1_000_000,
  settleHours: 2,
  ...overrides,
});

describe("the demo's own folders", () => {
  it("runs with no account and no network, keeps the demo under data/demo, shows test counts, re-runs changing nothing, and its data is refused where a real project's is expected", async () => {
    const cwd = await tempDir();
    const demo = await runCli(["demo", "--days", "1", "--json"], { cwd });
    // The report shares stderr with --json: no error line in it.
    expect(demo.stderr).not.toMatch(/^(error|ERROR|FAIL)\b/m);
    expect(demo.code).toBe(0);
    // With --json, stdout holds the figures alone and the report goes to stderr.
    const figures = demo.json<Record<string, number>>();
    expect(Object.keys(figures).sort()).toEqual([
      "events",
      "models",
      "tests_failed",
      "tests_passed",
      "tests_warned",
    ]);
    expect(figures).toMatchObject({ models: (await readProject("sql")).models.size, tests_failed: 0 });
    expect(figures.events).toBeGreaterThan(1_000);
    expect(figures.tests_passed).toBeGreaterThan(40);
    expect(demo.stderr).toMatch(/core\.events +[\d,]+\n/);
    expect(demo.stderr).toMatch(
      /Web issues by type \(marts\.web_issues\):\n {2}(repeated_click|rage_click|form_abandoned|page_return|page_loop) \| \d+ \| \d+\n/,
    );
    const firstWindow = (await readdir(join(cwd, "data", "demo", "exports", "187520")))[0]!;
    expect(await listFiles(join(cwd, "data", "demo", "lake"))).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^amplitude/_manifests/app=187520/\\d{8}T\\d{6}\\.\\d{3}Z_${firstWindow}_[0-9a-f]{12}\\.json$`,
        ),
      ),
    );
    expect(await listFiles(join(cwd, "data", "demo", "target"))).toEqual(["run_results.json"]);
    // It ends by saying where the data dictionary of what it built is, as a path and a file:// URL.
    expect(demo.stderr).toMatch(
      /Data dictionary \(\d+ pages, lineage, test results\): data\/demo\/docs\/index\.html · open file:\/\/\/.+\/data\/demo\/docs\/index\.html\n/,
    );
    const index = await readFile(join(cwd, "data", "demo", "docs", "index.html"), "utf8");
    expect(index).toContain('href="models/events.html"');
    expect(index).not.toContain("Tests have not run yet");
    // Everything under data/demo; the real commands' defaults are left untouched.
    expect(await readdir(join(cwd, "data"))).toEqual(["demo"]);
    expect((await readdir(join(cwd, "data", "demo"))).sort()).toEqual([
      "docs",
      "exports",
      "lake",
      "target",
      "warehouse.duckdb",
    ]);
    expect(demo.stderr).toMatch(
      /Backups: data\/demo\/exports\/<app>\/<window>\/ · lake: file:\/\/data\/demo\/lake · warehouse: duckdb:data\/demo\/warehouse\.duckdb · results: data\/demo\/target\/run_results\.json/,
    );
    // The terminal shows the result: one line of test counts, no table of a hundred passing tests.
    const counts =
      /^Data tests: (\d+) passed, 0 failed, (\d+) warned \(every test's result: --verbose\)$/m.exec(
        demo.stderr,
      );
    expect(counts).not.toBeNull();
    expect(Number(counts![1])).toBeGreaterThan(40);
    expect(demo.stderr).not.toMatch(/ pass +0$/m);

    // The demo's second run (here with --verbose) exports the same windows: nothing new is uploaded or loaded.
    const demoDir = join(cwd, "data", "demo");
    const again = captureOutput();
    const summary = await runDemo(
      {
        days: 1,
        eventsPerHour: 250,
        out: join(demoDir, "exports"),
        lake: `file://${join(demoDir, "lake")}`,
        warehouse: `duckdb:${join(demoDir, "warehouse.duckdb")}`,
        project: "sql",
        targetDir: join(demoDir, "target"),
        docsOut: join(demoDir, "docs"),
        verbose: true,
      },
      { env: {}, output: again.output },
    );
    expect(summary.failed).toBe(false);
    expect(summary.upload.files).toBe(0);
    expect(summary.load.files).toBe(0);
    // --verbose: every test, passed ones included, in place of the line of counts.
    expect(again.stdout().match(/ pass +0$/gm)?.length).toBe(Number(counts![1]));
    expect(again.stdout()).not.toMatch(/^Data tests: /m);

    // A real project, standing in: a second simulator, another app, its data not the demo's. A fresh
    // extract on the real defaults does not resume from the demo's windows.
    const real = await simulator({ appId: 424242 });
    const fresh = await runCli(["extract", "--history", "3h", "--objects", "events"], {
      cwd,
      env: simEnv(real),
    });
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).not.toMatch(/resumed from the watermark/);
    expect(fresh.stderr).toMatch(/no completed window in file:\/\/\S*data\/lake and data\/exports yet/);
    expect(await readdir(join(cwd, "data", "exports"))).toEqual(["424242"]);
    const requests = real.requests.length;

    // The demo's folders where the old defaults put them: refused, naming the place and the remedy.
    const old = await tempDir();
    await cp(join(demoDir, "exports"), join(old, "data", "exports"), { recursive: true });
    await cp(join(demoDir, "lake"), join(old, "data", "lake"), { recursive: true });
    const before = await listFiles(join(old, "data"));
    const extract = await runCli(["extract", "--objects", "events"], { cwd: old, env: simEnv(real) });
    expect(extract.code).toBe(2);
    expect(extract.stderr).toMatch(
      /data\/exports holds the demo's simulator data \(app 187520\), not a real Amplitude project's: nothing was written\. The demo keeps its data under data\/demo\/; remove it \(rm -rf data\/exports\), or point --out at another folder/,
    );
    expect(extract.stderr).not.toMatch(/resumed from the watermark/);
    const amplitude = {
      baseUrl: real.url,
      region: "us" as const,
      apiKey: real.apiKey,
      secretKey: real.secretKey,
    };
    // The lake alone, and a whole run (before its warehouse is created).
    const lakeOnly = extractStep(extractOptions(old, { out: join(old, "backups") }), { env: {}, amplitude });
    await expect(lakeOnly).rejects.toThrow(ConfigurationError);
    await expect(lakeOnly).rejects.toThrow(/data\/lake holds the demo's simulator data .*, or point --lake/);
    const run = runPipeline(
      {
        ...extractOptions(old),
        lake: `file://${join(old, "data", "lake")}`,
        warehouse: `duckdb:${join(old, "data", "warehouse.duckdb")}`,
        project: "sql",
        targetDir: join(old, "target"),
      },
      { env: {}, amplitude },
    );
    await expect(run).rejects.toThrow(/data\/exports holds the demo's simulator data/);
    // Refused before the first request to Amplitude, and nothing written or removed.
    expect(real.requests).toHaveLength(requests);
    expect(await listFiles(join(old, "data"))).toEqual(before);

    // upload and load do not mix the two: the demo's backups into a project's lake, its lake into a
    // project's warehouse.
    const realLake = `file://${join(cwd, "data", "lake")}`;
    const realWarehouse = `duckdb:${join(cwd, "data", "warehouse.duckdb")}`;
    await uploadStep({ from: join(cwd, "data", "exports"), lake: realLake, concurrency: 2 }, { env: {} });
    await loadStep({ lake: realLake, warehouse: realWarehouse }, { env: {} });
    const lakeFiles = await listFiles(join(cwd, "data", "lake"));
    const mixUpload = uploadStep(
      { from: join(demoDir, "exports"), lake: realLake, concurrency: 2 },
      { env: {} },
    );
    await expect(mixUpload).rejects.toThrow(ConfigurationError);
    await expect(mixUpload).rejects.toThrow(
      /data\/demo\/exports holds the demo's simulator data .*point --from/,
    );
    expect(await listFiles(join(cwd, "data", "lake"))).toEqual(lakeFiles);
    const demoLake = `file://${join(demoDir, "lake")}`;
    const mixLoad = loadStep({ lake: demoLake, warehouse: realWarehouse }, { env: {} });
    await expect(mixLoad).rejects.toThrow(/data\/demo\/lake holds the demo's simulator data .*point --lake/);
  }, 240_000);
});

describe("an app id other than the keys'", () => {
  it("is refused before anything is written; the same project's re-run is not", async () => {
    const cwd = await tempDir();
    const ours = await simulator();
    const amplitudeOf = (sim: typeof ours) => ({
      baseUrl: sim.url,
      region: "us" as const,
      apiKey: sim.apiKey,
      secretKey: sim.secretKey,
    });
    const hours = (start: string, end: string) => extractOptions(cwd, { start, end });
    await extractStep(hours("2025-11-04T08", "2025-11-04T09"), { env: {}, amplitude: amplitudeOf(ours) });
    const before = await listFiles(join(cwd, "data"));

    const other = await simulator({ appId: 424242 });
    const next = ["extract", "--start", "2025-11-04T10", "--end", "2025-11-04T11", "--objects", "events"];
    const guessed = await runCli(next, { cwd, env: simEnv(other) });
    expect(guessed.code).toBe(2);
    expect(guessed.stderr).toMatch(
      /the Amplitude keys answer for app 424242, but the data in data\/exports and file:\/\/data\/lake says app 187520: nothing was written\..*AMPLITUDE_APP_ID=424242/,
    );
    const configured = extractStep(hours("2025-11-04T10", "2025-11-04T11"), {
      env: { AMPLITUDE_APP_ID: "187520" },
      amplitude: amplitudeOf(other),
    });
    await expect(configured).rejects.toThrow(ConfigurationError);
    await expect(configured).rejects.toThrow(/answer for app 424242, but AMPLITUDE_APP_ID says app 187520/);
    expect(await listFiles(join(cwd, "data"))).toEqual(before);

    // The project's own keys carry on where they were.
    const rerun = await extractStep(hours("2025-11-04T10", "2025-11-04T11"), {
      env: {},
      amplitude: amplitudeOf(ours),
    });
    expect(rerun.failed).toBe(false);
    expect(rerun.summary.appId).toBe("187520");
    expect((await listFiles(join(cwd, "data"))).length).toBeGreaterThan(before.length);
  });
});

describe("transform's table of data tests", () => {
  const test = (name: string, status: TestResult["status"], failures = 0): TestResult => ({
    name,
    on: ["core.events"],
    severity: status === "warn" ? "warn" : "error",
    status,
    failures,
    seconds: 0.01,
    declaredIn: "models/core/events.yml",
  });
  const result: TransformResult = {
    target: "duckdb",
    selection: null,
    fullRefresh: false,
    startedAt: "2025-11-04T00:00:00.000Z",
    seconds: 1,
    models: [],
    tests: [
      ...Array.from({ length: 120 }, (_, i) => test(`passing_${i}`, "pass")),
      test("sessions_are_long", "fail", 3),
      test("few_bounces", "warn", 7),
    ],
    figures: { models: 0, tests_passed: 120, tests_failed: 1, tests_warned: 1 },
    failed: true,
  };

  it("shows failures and warnings in full and one line of counts; every test only with --verbose", () => {
    const lines = resultTable(result, "target");
    expect(lines.filter((line) => / (pass|fail|warn) +[\d,]+$/.test(line))).toEqual([
      expect.stringMatching(/^sessions_are_long +error +fail +3$/),
      expect.stringMatching(/^few_bounces +warn +warn +7$/),
    ]);
    expect(lines).toContain("Data tests: 120 passed, 1 failed, 1 warned (every test's result: --verbose)");
    const verbose = resultTable(result, "target", { verbose: true });
    expect(verbose.filter((line) => / pass +0$/.test(line))).toHaveLength(120);
    expect(verbose.join("\n")).not.toMatch(/^Data tests: /m);
  });
});
