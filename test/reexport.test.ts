import { describe, expect, it } from "vitest";
import { LocalLake } from "../src/lake/local-lake.ts";
import { upload } from "../src/lake/upload.ts";
import type { Warehouse } from "../src/warehouse/warehouse.ts";
import { tempDir } from "./support/files.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";
import { join } from "node:path";
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { runCli } from "./support/cli.ts";
import {
  fullRefreshDifferences,
  loadAndTransform,
  scalar,
  snapshotModels,
  testWarehouse,
} from "./support/warehouse.ts";

const RANGE = { start: hourOf("2026-11-10T00"), end: hourOf("2026-11-11T23") };

async function uuids(warehouse: Warehouse, sql: string): Promise<string[]> {
  return (await warehouse.query<{ uuid: string }>(sql)).map((row) => row.uuid).sort();
}

/** Every uuid the simulator serves for RANGE, exported once in one-hour windows into a warehouse of its own. */
async function servedUuids(): Promise<string[]> {
  const sim = await simulator();
  const out = await tempDir();
  await extractFrom(sim, { range: RANGE, outDir: out, hoursPerWindow: 1, validationThreads: 0 });
  const lake = new LocalLake(await tempDir());
  await upload({ lake, from: out });
  const { warehouse } = await testWarehouse();
  await loadAndTransform(lake, warehouse);
  return uuids(warehouse, "select uuid from core.events");
}

describe.each([
  ["24 h windows, then 5 h windows over the same hours", [24, 5]],
  ["5 h windows, then 24 h windows", [5, 24]],
])("exporting %s", (_name, sizes) => {
  it("refuses nothing, loses nothing, and loads each delivery once", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    for (const [round, hoursPerWindow] of sizes.entries()) {
      // Each export comes back different, as Amplitude's do: other gzip headers, some events re-processed.
      sim.reprocess = { round };
      const { summary } = await extractFrom(sim, {
        range: RANGE,
        outDir: out,
        hoursPerWindow,
        validationThreads: 0,
      });
      expect(summary.failed).toEqual([]);
      const uploaded = await upload({ lake, from: out });
      expect(uploaded.failures).toEqual([]);
      const { loaded, result } = await loadAndTransform(lake, warehouse);
      expect(loaded.failed).toEqual([]);
      expect(result.tests.filter((t) => t.status === "fail" || t.status === "error")).toEqual([]);
    }
    // Every file of every delivery is in raw exactly once.
    const twice = await warehouse.query(
      "select source_file, file_row_number from raw.amplitude_events group by all having count(*) > 1",
    );
    expect(twice).toEqual([]);
    expect(await scalar(warehouse, "select count(distinct source_file) from raw.amplitude_events")).toBe(
      await scalar(warehouse, "select count(*) from raw.load_history"),
    );
    expect(await uuids(warehouse, "select uuid from core.events")).toEqual(await servedUuids());
    expect(await fullRefreshDifferences(warehouse)).toEqual({});
  });
});

describe("run against a simulator that re-exports", () => {
  it("changes nothing on a second run of the same data, and exactly what changed on a third", async () => {
    const sim = await simulator();
    const cwd = await tempDir();
    const env = { AMPLITUDE_API_URL: sim.url, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey };
    const args = ["run", "--start", "2026-11-10", "--end", "2026-11-10", "--json"];
    const state = async () => {
      const warehouse = await DuckDbWarehouse.open(join(cwd, "data", "warehouse.duckdb"), { create: false });
      try {
        return await snapshotModels(warehouse);
      } finally {
        await warehouse.close();
      }
    };
    sim.reprocess = { round: 1 };
    expect((await runCli(args, { env, cwd })).code).toBe(0);
    const first = await state();
    const second = await runCli(args, { env, cwd });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/delivery [0-9a-f]{12} was complete already/);
    expect(await state()).toEqual(first);

    sim.reprocess = { round: 2 };
    const third = await runCli(args, { env, cwd });
    expect(third.code).toBe(0);
    expect(third.json()).toMatchObject({ tests_failed: 0 });
    expect(await state()).not.toEqual(first);
  });
});
