// Taxonomy and cohort snapshots at most once per interval: dated by the newest snapshot in the lake (or the
// backup folder), a failed one not counting; the CLI's and the extract action's defaults, and what they say.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { extractMain } from "../src/actions/extract-main.ts";
import { runActionInProcess } from "./support/run-action-in-process.ts";
import type { AmplitudeSimulator } from "../src/amplitude/simulator/server.ts";
import { printExtract } from "../src/cli/extract-command.ts";
import type { Output } from "../src/cli/output.ts";
import { extractStep, type ExtractStepOptions } from "../src/pipeline/extract.ts";
import { cliSnapshotEvery, parseSnapshotEvery } from "../src/pipeline/snapshot-every.ts";
import { uploadStep } from "../src/pipeline/upload.ts";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/files.ts";
import { simulator } from "./support/simulator.ts";

const APP = "187520";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date("2025-11-06T12:00:00.000Z");
const hoursBefore = (hours: number) => new Date(NOW.getTime() - hours * HOUR);

function amplitudeOf(sim: AmplitudeSimulator) {
  return { baseUrl: sim.url, region: "us" as const, apiKey: sim.apiKey, secretKey: sim.secretKey };
}

/** extract of the snapshots alone, as the scheduled run's default objects would take them, at `at`. */
async function snapshots(
  sim: AmplitudeSimulator,
  at: Date,
  options: Partial<ExtractStepOptions> & { out: string },
) {
  return extractStep(
    {
      objects: ["taxonomy", "cohorts"],
      windowHours: 24,
      concurrency: 1,
      maxLineBytes: 1_000_000,
      settleHours: 2,
      ...options,
    },
    {
      env: { AMPLITUDE_APP_ID: APP },
      amplitude: amplitudeOf(sim),
      now: () => at,
      sleep: async () => {},
    },
  );
}

/** A lake holding the snapshots a run took at `at`, uploaded from a backup folder of their own. */
async function lakeWithSnapshotsTaken(sim: AmplitudeSimulator, at: Date): Promise<string> {
  const first = await tempDir();
  const taken = await snapshots(sim, at, { out: first, snapshotEvery: 0 });
  expect(taken.snapshots?.written).toBeGreaterThan(0);
  const lake = `file://${await tempDir()}`;
  await uploadStep({ from: first, lake, concurrency: 2 }, { env: {} });
  return lake;
}

function report(result: Awaited<ReturnType<typeof extractStep>>): string[] {
  const lines: string[] = [];
  const output: Output = { out: (l) => lines.push(l), err: () => {}, status: () => {}, isTTY: false };
  printExtract(output, result);
  return lines;
}

describe("snapshots at most once per interval", () => {
  it("with a snapshot taken 2 h ago in the lake, the default interval takes none and says when the next is due", async () => {
    const sim = await simulator({ now: () => NOW });
    const lake = await lakeWithSnapshotsTaken(sim, hoursBefore(2));
    const requests = sim.requests.length;

    const result = await snapshots(sim, NOW, {
      out: await tempDir(),
      lake,
      snapshotEvery: parseSnapshotEvery("24h"),
    });

    expect(sim.requests.length).toBe(requests);
    expect(result.snapshots).toBeUndefined();
    expect(result.failed).toBe(false);
    expect(result.snapshotsDeferred).toEqual([
      { group: "taxonomy", lastTaken: "2025-11-06T10:00:00.000Z", nextAfter: "2025-11-07T10:00:00.000Z" },
      { group: "cohorts", lastTaken: "2025-11-06T10:00:00.000Z", nextAfter: "2025-11-07T10:00:00.000Z" },
    ]);
    expect(report(result)).toEqual([
      "Snapshots of taxonomy: skipped, last taken 2025-11-06T10:00:00.000Z, next after 2025-11-07T10:00:00.000Z (--snapshot-every)",
      "Snapshots of cohorts: skipped, last taken 2025-11-06T10:00:00.000Z, next after 2025-11-07T10:00:00.000Z (--snapshot-every)",
    ]);
  });

  it("with the latest taken 25 h ago, takes them", async () => {
    const sim = await simulator({ now: () => NOW });
    const lake = await lakeWithSnapshotsTaken(sim, hoursBefore(25));

    const result = await snapshots(sim, NOW, { out: await tempDir(), lake, snapshotEvery: DAY });

    expect(result.snapshotsDeferred).toBeUndefined();
    expect(result.snapshots?.outcomes.map((o) => o.object)).toEqual(
      expect.arrayContaining(["event_types", "event_categories", "cohorts"]),
    );
    expect(result.snapshots?.failed).toBe(0);
  });

  it("--snapshot-every 0 takes them on every run, also minutes after the last", async () => {
    const sim = await simulator({ now: () => NOW });
    const out = await tempDir();
    await snapshots(sim, hoursBefore(0.1), { out, snapshotEvery: 0 });
    // A day's interval would put them off now.
    const daily = await snapshots(sim, NOW, { out, snapshotEvery: DAY });
    expect(daily.snapshotsDeferred?.map((d) => d.group)).toEqual(["taxonomy", "cohorts"]);

    const result = await snapshots(sim, NOW, { out, snapshotEvery: parseSnapshotEvery("0") });

    expect(result.snapshotsDeferred).toBeUndefined();
    expect(result.snapshots?.outcomes.filter((o) => o.object !== "cohort_members")).toHaveLength(3);
  });

  it("a snapshot that failed does not count: a run 2 h after a success takes none, 2 h after a failure it takes them", async () => {
    const sim = await simulator({ now: () => NOW });
    const succeeded = await tempDir();
    await snapshots(sim, hoursBefore(2), { out: succeeded, snapshotEvery: 0 });
    const afterSuccess = await snapshots(sim, NOW, { out: succeeded, snapshotEvery: DAY });
    expect(afterSuccess.snapshots).toBeUndefined();
    expect(afterSuccess.snapshotsDeferred?.map((d) => d.group)).toEqual(["taxonomy", "cohorts"]);

    const out = await tempDir();
    await snapshots(sim, hoursBefore(30), { out, snapshotEvery: 0 });
    // 2 h ago every request failed: nothing was taken then.
    sim.faults = { serverError: { times: 10_000, status: 500 } };
    const failed = await snapshots(sim, hoursBefore(2), { out, snapshotEvery: DAY });
    expect(failed.snapshots?.failed).toBeGreaterThan(0);
    sim.faults = {};

    const result = await snapshots(sim, NOW, { out, snapshotEvery: DAY });

    expect(result.snapshotsDeferred).toBeUndefined();
    expect(result.snapshots?.failed).toBe(0);
    expect(result.snapshots?.outcomes.map((o) => o.object)).toEqual(
      expect.arrayContaining(["event_types", "event_categories", "cohorts"]),
    );
  });
});

describe("the CLI's interval", () => {
  it("is a day for the default objects, every run for an explicit --objects list, and the one given otherwise", () => {
    expect(cliSnapshotEvery({})).toBe(DAY);
    expect(cliSnapshotEvery({ objects: ["taxonomy"] })).toBe(0);
    expect(cliSnapshotEvery({ objects: ["taxonomy"], snapshotEvery: HOUR })).toBe(HOUR);
    expect(parseSnapshotEvery("7d")).toBe(7 * DAY);
    expect(() => parseSnapshotEvery("30m")).toThrow(/--snapshot-every "30m" is not an interval/);
    expect(() => parseSnapshotEvery("24")).toThrow(/is not an interval/);
  });
});

describe("extract --snapshot-every from the CLI", () => {
  it("keeps the interval with an --objects list when given, says when the next is due, and refuses a bad interval as a usage error", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const env = {
      AMPLITUDE_API_URL: sim.url,
      AMP_API_KEY: sim.apiKey,
      AMP_SECRET_KEY: sim.secretKey,
      AMPLITUDE_APP_ID: APP,
    };
    const args = ["extract", "--objects", "taxonomy", "--out", out];
    const first = await runCli(args, { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Snapshots: 2 written");

    const second = await runCli([...args, "--snapshot-every", "24h"], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /^Snapshots of taxonomy: skipped, last taken \S+Z, next after \S+Z \(--snapshot-every\)$/m,
    );

    const bad = await runCli([...args, "--snapshot-every", "30m"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--snapshot-every "30m" is not an interval');
  });
});

describe("the extract action's snapshot-every input", () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await tempDir("snapshot-cadence-action-");
  });
  afterEach(() => vi.unstubAllEnvs());

  async function runExtractAction(inputs: Record<string, string>, env: Record<string, string>) {
    const outputFile = join(scratch, "output");
    const summaryFile = join(scratch, "summary.md");
    await writeFile(outputFile, "");
    await writeFile(summaryFile, "");
    vi.stubEnv("GITHUB_OUTPUT", outputFile);
    vi.stubEnv("GITHUB_STEP_SUMMARY", summaryFile);
    vi.stubEnv("RUNNER_TEMP", scratch);
    for (const [input, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${input.toUpperCase()}`, value);
    const { code, stdout } = await runActionInProcess("extract", (run) => extractMain(run, () => NOW), env);
    return { code, stdout, summary: await readFile(summaryFile, "utf8") };
  }

  it("reaches the step: 24h puts off a snapshot taken 2 h ago and the summary says when the next is due; 0 takes it", async () => {
    const sim = await simulator({ now: () => NOW });
    const lake = await lakeWithSnapshotsTaken(sim, hoursBefore(2));
    const env = {
      AMPLITUDE_API_URL: sim.url,
      AMPLITUDE_APP_ID: APP,
      AMP_API_KEY: sim.apiKey,
      AMP_SECRET_KEY: sim.secretKey,
    };
    const inputs = { objects: "taxonomy,cohorts", out: join(scratch, "exports"), lake, cache: "false" };

    const daily = await runExtractAction({ ...inputs, "snapshot-every": "24h" }, env);
    expect(daily.stdout).not.toContain("::error::");
    expect(daily.code).toBe(0);
    expect(daily.summary).toContain(
      "skipped, last taken 2025-11-06T10:00:00.000Z, next after 2025-11-07T10:00:00.000Z",
    );
    expect(daily.stdout).not.toMatch(/snapshot event_types/);

    const always = await runExtractAction({ ...inputs, "snapshot-every": "0" }, env);
    expect(always.code).toBe(0);
    expect(always.stdout).toMatch(/snapshot event_types: (written|unchanged)/);
    expect(always.summary).not.toContain("next after");
  });
});
