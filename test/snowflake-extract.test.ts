import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatWindow, parseHour } from "../src/amplitude/hours.ts";
import { planExtract, type ExtractStepOptions as ExtractCommandOptions } from "../src/pipeline/extract.ts";
import { manifestKey, type Lake } from "../src/lake/lake.ts";
import { LocalLake } from "../src/lake/local-lake.ts";
import { runCli } from "./support/cli.ts";
import type { FakeSnowflake } from "./support/fake-snowflake.ts";
import { startScriptedSnowflake } from "./support/fake-snowflake-tasks.ts";
import { tempDir } from "./support/files.ts";

const APP = "187520";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** A lake whose manifest keys are all the watermark needs: their windows and upload times. */
async function lakeOf(manifests: Array<{ window: string; uploadedAt: string }>): Promise<string> {
  const root = await tempDir();
  for (const [i, m] of manifests.entries()) {
    const key = manifestKey(APP, new Date(m.uploadedAt), m.window, `${i}`.padStart(12, "0"));
    await mkdir(dirname(join(root, key)), { recursive: true });
    await writeFile(join(root, key), "{}");
  }
  return root;
}

/** raw.extract_windows as Snowpipe left it: the windows it holds and the newest upload among them. */
function scriptExtractWindows(fake: FakeSnowflake, windows: Array<{ window: string; uploadedAt: string }>) {
  const hour = (text: string) => new Date(parseHour(text, "start") * 3_600_000);
  fake.on(/information_schema\.tables/i, { columns: [{ name: "FOUND", type: "fixed" }], rows: [[1]] });
  fake.on(/^select distinct window_start, window_end from raw\.extract_windows where app_id = \?$/i, {
    columns: [
      { name: "WINDOW_START", type: "timestamp_ntz", scale: 3 },
      { name: "WINDOW_END", type: "timestamp_ntz", scale: 3 },
    ],
    rows: windows.map((w) => [hour(w.window.split("_")[0]!), hour(w.window.split("_")[1]!)]),
  });
  fake.on(/^select max\(uploaded_at\) as newest from raw\.extract_windows where app_id = \?$/i, {
    columns: [{ name: "NEWEST", type: "timestamp_ntz", scale: 3 }],
    rows: [
      [
        new Date(
          windows
            .map((w) => w.uploadedAt)
            .sort()
            .at(-1)!,
        ),
      ],
    ],
  });
}

const LOADED = [
  { window: "2025-11-01T00_2025-11-03T23", uploadedAt: "2025-11-04T02:00:00.000Z" },
  { window: "2025-11-04T00_2025-11-04T23", uploadedAt: "2025-11-05T02:00:00.000Z" },
];
/** Uploaded after the newest delivery raw.extract_windows holds: Snowpipe has not loaded it yet. */
const NOT_YET_LOADED = { window: "2025-11-05T00_2025-11-05T23", uploadedAt: "2025-11-06T02:00:00.000Z" };

describe("extract --warehouse snowflake: the watermark from raw.extract_windows", () => {
  it("resumes after the warehouse's windows and the lake's deliveries since the newest it holds", async () => {
    const { fake, open } = await startScriptedSnowflake();
    cleanup.push(() => fake.close());
    scriptExtractWindows(fake, LOADED);
    const warehouse = await open();
    cleanup.push(() => warehouse.close());
    const root = await lakeOf([...LOADED, NOT_YET_LOADED]);
    const local = new LocalLake(root);
    const listings: Array<string | undefined> = [];
    // The local lake, recording where each listing of manifests starts.
    const lake = Object.create(local) as Lake;
    lake.list = (prefix, options) => {
      if (prefix.startsWith("amplitude/_manifests/")) listings.push(options?.startAfter);
      return local.list(prefix, options);
    };
    const options: ExtractCommandOptions = {
      out: await tempDir(),
      windowHours: 24,
      concurrency: 1,
      maxLineBytes: 1_000_000,
      settleHours: 2,
    };
    const plan = await planExtract(
      options,
      { env: { AMPLITUDE_APP_ID: APP }, now: () => new Date("2025-11-06T10:30:00.000Z") },
      lake,
      warehouse,
    );
    // Up to the last hour Amplitude has settled (2 h after its end) at 10:30.
    expect(plan.ranges.map(formatWindow)).toEqual(["2025-11-06T00_2025-11-06T07"]);
    expect(plan.reason).toBe(
      `resumed from the watermark at 2025-11-06T00, the first hour not covered by a completed window in ` +
        `${warehouse.url} (raw.extract_windows), ${local.url} and ${options.out}`,
    );
    // One listing of the lake's manifests, from an hour before the newest delivery Snowflake holds.
    expect(listings).toEqual([`amplitude/_manifests/app=${APP}/20251105T010000.000Z`]);
  });

  it("from the CLI: says every hour is done when Snowflake and the lake cover them", async () => {
    const { fake, env } = await startScriptedSnowflake();
    cleanup.push(() => fake.close());
    scriptExtractWindows(fake, [...LOADED, NOT_YET_LOADED]);
    const root = await lakeOf([]);
    await mkdir(join(root, "amplitude", "_manifests"), { recursive: true });
    const cli = await runCli(
      [
        "extract",
        // No Amplitude keys here: the events' watermark needs none, the object snapshots would.
        "--objects",
        "events",
        "--warehouse",
        "snowflake",
        "--lake",
        `file://${root}`,
        "--end",
        "2025-11-05T23",
        "--out",
        await tempDir(),
        "--json",
      ],
      { cwd: await tempDir(), env: { ...env, AMPLITUDE_APP_ID: APP } },
    );
    expect(cli.code).toBe(0);
    expect(cli.stderr).toMatch(
      /^Nothing to export: resumed from the watermark at 2025-11-06T00, the first hour not covered by a completed window in snowflake:\/\/acme-test\/analytics \(raw\.extract_windows\), file:\/\/.* and .*; every hour to 2025-11-05T23 is done$/m,
    );
    expect(cli.json()).toMatchObject({ watermark: "2025-11-06T00", windows: 0 });
  });
});
