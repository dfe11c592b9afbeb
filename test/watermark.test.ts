import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatHour } from "../src/amplitude/hours.ts";
import { ConfigurationError } from "../src/errors.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import { upload } from "../src/lake/upload.ts";
import {
  firstUncovered,
  historyStart,
  planResume,
  uncovered,
  watermark,
  windowsFromLake,
  windowsFromWarehouse,
} from "../src/pipeline/watermark.ts";
import { load } from "../src/warehouse/load.ts";
import { runCli } from "./support/cli.ts";
import { readJson, tempDir } from "./support/files.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";
import { APP, testWarehouse } from "./support/warehouse.ts";

const w = (start: string, end: string) => ({ start: hourOf(start), end: hourOf(end) });

describe("the watermark's rules", () => {
  it("is the first hour no completed window covers, whatever their sizes, overlaps and order", () => {
    const windows = [
      w("2025-11-05T00", "2025-11-05T04"),
      w("2025-11-04T00", "2025-11-04T23"),
      w("2025-11-05T03", "2025-11-05T09"),
    ];
    expect(formatHour(watermark(windows)!)).toBe("2025-11-05T10");
    expect(formatHour(firstUncovered(windows, hourOf("2025-11-04T05")))).toBe("2025-11-05T10");
    // A hole (a failed hour has no manifest) holds it back, even with later hours done.
    const holed = [w("2025-11-04T00", "2025-11-04T04"), w("2025-11-04T06", "2025-11-04T23")];
    expect(formatHour(watermark(holed)!)).toBe("2025-11-04T05");
    expect(watermark([])).toBeUndefined();
    expect(
      uncovered(holed, w("2025-11-04T00", "2025-11-05T01")).map((g) => [
        formatHour(g.start),
        formatHour(g.end),
      ]),
    ).toEqual([
      ["2025-11-04T05", "2025-11-04T05"],
      ["2025-11-05T00", "2025-11-05T01"],
    ]);
  });

  it("plans the gaps from the watermark to the end, at most max-hours, the failed hour first", () => {
    const windows = [w("2025-11-04T00", "2025-11-04T04"), w("2025-11-04T06", "2025-11-04T23")];
    const plan = planResume({
      windows,
      end: hourOf("2025-11-06T23"),
      history: "3m",
      maxHours: 10,
      source: "the lake",
    });
    expect(plan.ranges.map((r) => [formatHour(r.start), formatHour(r.end)])).toEqual([
      ["2025-11-04T05", "2025-11-04T05"],
      ["2025-11-05T00", "2025-11-05T08"],
    ]);
    expect(plan.deferredHours).toBe(48 - 9);
    expect(plan.reason).toMatch(/resumed from the watermark at 2025-11-04T05/);

    const fresh = planResume({
      windows: [],
      end: hourOf("2025-11-06T23"),
      history: "2d",
      maxHours: 168,
      source: "the lake",
    });
    expect(fresh.ranges.map((r) => [formatHour(r.start), formatHour(r.end)])).toEqual([
      ["2025-11-05T00", "2025-11-06T23"],
    ]);
    expect(fresh.reason).toMatch(/no completed window .* --history 2d/);

    const done = planResume({
      windows,
      end: hourOf("2025-11-04T03"),
      history: "3m",
      maxHours: 168,
      source: "the lake",
    });
    expect(done.ranges).toEqual([]);
  });

  it("reads --history as a span before the end, or all", () => {
    const end = hourOf("2026-11-30T23");
    expect(formatHour(historyStart("3m", end))).toBe("2026-09-01T00");
    expect(formatHour(historyStart("90d", end))).toBe("2026-09-02T00");
    expect(formatHour(historyStart("1w", end))).toBe("2026-11-24T00");
    expect(formatHour(historyStart("all", end))).toBe("2012-01-01T00");
    expect(() => historyStart("three months", end)).toThrow(ConfigurationError);
    expect(() => historyStart("0d", end)).toThrow(/not a span/);
  });
});

describe("resuming from the watermark", () => {
  it("extracts with no --start: a fresh project starts --history back, each run takes --max-hours, then nothing is left", async () => {
    const sim = await simulator();
    const cwd = await tempDir();
    const env = { AMPLITUDE_API_URL: sim.url, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey };
    const args = ["extract", "--end", "2025-11-05T23", "--history", "2d", "--max-hours", "24", "--json"];
    const first = await runCli(args, { env, cwd });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(
      /Exporting 2025-11-04T00_2025-11-04T23 .*no completed window .*--history 2d/,
    );
    expect(first.stderr).toMatch(/24 more hour\(s\) to 2025-11-05T23 are left for the next run/);
    expect(first.json()).toMatchObject({ windows: 1, failed_hours: [], watermark: "2025-11-05T00" });

    const second = await runCli(args, { env, cwd });
    expect(second.stderr).toMatch(
      /Exporting 2025-11-05T00_2025-11-05T23 .*resumed from the watermark at 2025-11-05T00/,
    );
    expect(second.json()).toMatchObject({ windows: 1, watermark: "2025-11-06T00" });

    const third = await runCli(args, { env, cwd });
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/Nothing to export: .*every hour to 2025-11-05T23 is done/);
    expect(third.json()).toMatchObject({ windows: 0, watermark: "2025-11-06T00" });
    expect(sim.requests).toHaveLength(2);
  });

  it("records a quiet (404) hour as complete, so it moves the watermark; lake and warehouse agree", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const { summary } = await extractFrom(sim, {
      range: w("2025-11-04T02", "2025-11-04T04"),
      outDir: out,
      hoursPerWindow: 1,
      validationThreads: 0,
    });
    expect(summary.outcomes.map((o) => o.status)).toEqual(["exported", "empty", "exported"]);
    const quiet = await readJson<{ status: string; files: unknown[] }>(
      join(out, APP, "2025-11-04T03_2025-11-04T03", "manifest.json"),
    );
    expect(quiet).toMatchObject({ status: "empty", files: [] });

    const lake = new LocalLake(await tempDir());
    expect(await upload({ lake, from: out })).toMatchObject({ windows: 3, deliveries: 3, failures: [] });
    const { warehouse } = await testWarehouse();
    await load({ lake, warehouse });
    const rows = await warehouse.query("select status, files from raw.extract_windows order by window_start");
    expect(rows).toEqual([
      { status: "exported", files: 1n },
      { status: "empty", files: 0n },
      { status: "exported", files: 1n },
    ]);
    const fromLake = watermark(await windowsFromLake(lake, APP));
    const fromWarehouse = watermark(await windowsFromWarehouse(warehouse, APP));
    expect(formatHour(fromLake!)).toBe("2025-11-04T05");
    expect(fromWarehouse).toBe(fromLake);
  });

  it("holds the watermark at a failed hour, retries it first without exporting the rest again, and says since when", async () => {
    const sim = await simulator({ faults: { failingHours: [hourOf("2025-11-04T05")] } });
    const cwd = await tempDir();
    const env = { AMPLITUDE_API_URL: sim.url, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey };
    const first = await runCli(
      ["run", "--start", "2025-11-04T04", "--end", "2025-11-04T07", "--window-hours", "1", "--json"],
      { env, cwd },
    );
    expect(first.code).toBe(1);
    expect(first.json()).toMatchObject({ failed_hours: ["2025-11-04T05"], watermark: "2025-11-04T05" });
    expect(await readdir(join(cwd, "data", "lake", "amplitude", "_failures", `app=${APP}`))).toHaveLength(1);

    // The next scheduled run (no dates) asks only for the failed hour, and names when it first failed.
    const requestsBefore = sim.requests.length;
    const second = await runCli(["run", "--end", "2025-11-04T07", "--window-hours", "1", "--json"], {
      env,
      cwd,
    });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /Exporting 2025-11-04T05_2025-11-04T05 .*resumed from the watermark at 2025-11-04T05/,
    );
    expect(second.stderr).toMatch(
      /retrying 2025-11-04T05_2025-11-04T05 first: it has failed since \d{4}-\d{2}-\d{2}T/,
    );
    expect(second.stderr).toMatch(/hour 2025-11-04T05 could not be exported: .*\(failing since /);
    expect(new Set(sim.requests.slice(requestsBefore))).toEqual(new Set(["20251104T05-20251104T05"]));

    sim.faults = {};
    const third = await runCli(["run", "--end", "2025-11-04T07", "--window-hours", "1", "--json"], {
      env,
      cwd,
    });
    expect(third.code).toBe(0);
    expect(third.json()).toMatchObject({ failed_hours: [], watermark: "2025-11-04T08", tests_failed: 0 });
  });

  it("load lists only the manifests uploaded since its last run, however long the history", async () => {
    const sim = await simulator({ eventsPerHour: 5 });
    const out = await tempDir();
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const listed: number[] = [];
    for (let day = 0; day < 8; day += 1) {
      const hour = hourOf("2025-11-04T10") + day * 24;
      await extractFrom(sim, { range: { start: hour, end: hour }, outDir: out, validationThreads: 0 });
      // Each upload happens a day after the one before it.
      await upload({ lake, from: out, now: () => new Date(Date.UTC(2025, 10, 5 + day, 12)) });
      listed.push((await load({ lake, warehouse })).listed);
    }
    // The first load lists its one manifest; each later one the newest and the one before (the margin
    // is an hour, the uploads a day apart): the same on day 8 as on day 2.
    expect(listed).toEqual([1, 2, 2, 2, 2, 2, 2, 2]);
    expect(await warehouse.query("select count(*) as n from raw.extract_windows")).toEqual([{ n: 8n }]);
  });
});
