import { describe, expect, it } from "vitest";
import { LocalLake } from "../src/lake/local-lake.ts";
import { tempDir } from "./support/files.ts";
import { eventLine, loadAndTransform, testWarehouse, uploadWindow } from "./support/warehouse.ts";

describe("the reconciliation tests between manifests and raw", () => {
  it("check only files whose manifest has arrived, and report a listed file that never loaded", async () => {
    const lake = new LocalLake(await tempDir());
    const { warehouse } = await testWarehouse();
    const lines = [
      eventLine({ uuid: "a-1", event_time: "2026-12-01 10:00:00.000000" }),
      eventLine({ uuid: "a-2", event_time: "2026-12-01 10:05:00.000000" }),
    ];
    await uploadWindow(lake, { start: "2026-12-01T10", end: "2026-12-01T11" }, [
      { name: "e.json.gz", lines },
    ]);
    const first = await loadAndTransform(lake, warehouse, { select: "stg_amplitude__event_deliveries" });
    const status = (tests: typeof first.result.tests, name: string) =>
      tests.find((test) => test.name === name)?.status;
    expect(status(first.result.tests, "raw_rows_match_manifests")).toBe("pass");
    expect(status(first.result.tests, "manifest_files_loaded")).toBe("pass");

    // As on Snowflake: a file's rows loaded before its manifest, and a file a manifest lists that
    // never loaded.
    await warehouse.execute(
      `insert into raw.amplitude_events values ('{"uuid":"late-1"}', 'amplitude/events/app=187520/late.json.gz', 1, now()::timestamp)`,
    );
    await warehouse.execute(
      `insert into raw.load_history (file, checksum, size, rows, manifest_events, manifest_rejected, app_id, extract_window, loaded_at, object)
      values ('amplitude/events/app=187520/missing.json.gz', 'x', 10, 0, 3, 0, '187520', '2026-12-01T11_2026-12-01T12', now()::timestamp, 'events')`,
    );
    const { result } = await loadAndTransform(lake, warehouse, {
      select: "stg_amplitude__event_deliveries",
      fullRefresh: true,
    });
    expect(status(result.tests, "raw_rows_match_manifests")).toBe("pass");
    const missing = result.tests.find((test) => test.name === "manifest_files_loaded");
    expect(missing).toMatchObject({ status: "fail", severity: "error", failures: 1 });
  });
});
