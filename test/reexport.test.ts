import { describe, expect, it } from "vitest";
import { LocalLake } from "../src/lake/local-lake.ts";
import { upload } from "../src/lake/upload.ts";
import type { Warehouse } from "../src/warehouse/warehouse.ts";
import { tempDir } from "./support/files.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";
import { loadAndTransform, testWarehouse } from "./support/warehouse.ts";

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
  it("refuses nothing, loses nothing and duplicates nothing", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    for (const hoursPerWindow of sizes) {
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
    // The simulator serves the same bytes for an hour whatever the window, so shared files load once.
    const duplicates = await warehouse.query(
      "select json_data->>'uuid' as uuid from raw.amplitude_events group by all having count(*) > 1 and count(distinct source_file) > 1",
    );
    expect(duplicates).toEqual([]);
    expect(await uuids(warehouse, "select uuid from core.events")).toEqual(await servedUuids());
  });
});
