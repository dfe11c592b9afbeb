import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MANIFEST_FILE, parseWindowFolder, type WindowManifest } from "../amplitude/extract.ts";
import { ConfigurationError } from "../errors.ts";
import type { Lake } from "../lake/lake.ts";
import { lakeApps, listManifestKeys, readLakeManifest } from "../lake/manifest.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { DEMO_DATA_DIR } from "./defaults.ts";

/**
 * The demo's data is marked where it is written: its window manifests (in the backup folder, and copied
 * into the lake's) carry `demo: true`, and its run ids start with `demo-` (kept in raw.extract_windows).
 * The app id alone would not do: the simulator's app id could be anyone's, and a second simulator can have
 * another.
 */
export const DEMO_RUN_ID_PREFIX = "demo-";

/** What one place holds: the demo's data or a project's, per app. */
export interface PlaceFinding {
  /** The flag that names the place, for the remedy: `--out`, `--lake`, `--warehouse`. */
  flag: string;
  /** As the user gave it: a folder, a lake URL, a warehouse URL. */
  place: string;
  demoApps: string[];
  projectApps: string[];
}

/**
 * Which apps a backup folder holds, and whether each is the demo's: one manifest per app is read (the
 * first window folder that has one), not every window.
 */
export async function backupOrigin(out: string, flag = "--out"): Promise<PlaceFinding> {
  const finding: PlaceFinding = { flag, place: out, demoApps: [], projectApps: [] };
  const entries = await readdir(out, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
    const windows = (await readdir(join(out, entry.name)).catch(() => [] as string[])).filter(
      (name) => parseWindowFolder(name) !== null,
    );
    for (const window of windows) {
      const text = await readFile(join(out, entry.name, window, MANIFEST_FILE), "utf8").catch(
        () => undefined,
      );
      if (text === undefined) continue;
      let manifest: Partial<Pick<WindowManifest, "demo" | "run_id">>;
      try {
        manifest = JSON.parse(text) as typeof manifest;
      } catch {
        continue;
      }
      (isDemo(manifest) ? finding.demoApps : finding.projectApps).push(entry.name);
      break;
    }
  }
  return finding;
}

/**
 * Which apps a lake holds, and whether each is the demo's: one folder listing, then per app one manifest,
 * a key from `listed` (a listing the caller made already) or the first key (the listing stops there: one
 * request on S3).
 */
export async function lakeOrigin(
  lake: Lake,
  place = lake.url,
  listed: Record<string, string> = {},
): Promise<PlaceFinding> {
  const finding: PlaceFinding = { flag: "--lake", place, demoApps: [], projectApps: [] };
  for (const appId of await lakeApps(lake)) {
    const key = listed[appId] ?? (await listManifestKeys(lake, appId, undefined, 1))[0]?.key;
    if (!key) continue;
    // One that cannot be read carries no mark; load and upload say what is wrong with it.
    const manifest = await readLakeManifest(lake, key).catch(() => undefined);
    if (!manifest) continue;
    (isDemo(manifest) ? finding.demoApps : finding.projectApps).push(appId);
  }
  return finding;
}

/**
 * Which apps an embedded warehouse holds, from raw.extract_windows' run ids (one small table, a row per
 * delivery). A Snowflake warehouse is not looked at: the demo builds an embedded one.
 */
export async function warehouseOrigin(warehouse: Warehouse, place = warehouse.url): Promise<PlaceFinding> {
  const finding: PlaceFinding = { flag: "--warehouse", place, demoApps: [], projectApps: [] };
  if (warehouse.dialect !== "duckdb" || !(await warehouse.tableExists("raw", "extract_windows")))
    return finding;
  const rows = await warehouse.query<{ app_id: string; demo: boolean }>(
    `select app_id, bool_or(starts_with(run_id, '${DEMO_RUN_ID_PREFIX}')) as demo
     from raw.extract_windows group by app_id order by app_id`,
  );
  for (const row of rows) (row.demo ? finding.demoApps : finding.projectApps).push(row.app_id);
  return finding;
}

function isDemo(manifest: { demo?: unknown; run_id?: unknown } | null): boolean {
  const runId = manifest?.run_id;
  return manifest?.demo === true || (typeof runId === "string" && runId.startsWith(DEMO_RUN_ID_PREFIX));
}

/**
 * The check every step makes before it writes: a real project's command refuses the demo's data
 * (`expect: "project"`), the demo refuses a real project's (`"demo"`), and a step that only moves data
 * (upload, load) refuses to mix the two (`"either"`).
 */
export function checkOrigins(findings: readonly PlaceFinding[], expect: "project" | "demo" | "either"): void {
  const demo = findings.filter((f) => f.demoApps.length > 0);
  const project = findings.filter((f) => f.projectApps.length > 0);
  if (expect === "demo" && project.length > 0) {
    const found = project[0]!;
    throw new ConfigurationError(
      `${found.place} holds Amplitude app ${found.projectApps.join(", ")}'s data, not the demo's: the demo ` +
        `writes only into folders of its own (by default under ${DEMO_DATA_DIR}/). Point ${found.flag} at ` +
        "another folder, or leave it out",
    );
  }
  if (expect === "project" || (expect === "either" && project.length > 0)) {
    const found = demo[0];
    if (!found) return;
    throw new ConfigurationError(
      `${found.place} holds the demo's simulator data (app ${found.demoApps.join(", ")}), not a real ` +
        `Amplitude project's: nothing was written. The demo keeps its data under ${DEMO_DATA_DIR}/; ` +
        `${removal(found.place)}, or point ${found.flag} at another ${found.flag === "--warehouse" ? "warehouse" : "folder"}`,
    );
  }
}

function removal(place: string): string {
  if (place.startsWith("file:///")) return `remove it (rm -rf ${fileURLToPath(place)})`;
  if (place.startsWith("file://")) return `remove it (rm -rf ${place.slice("file://".length)})`;
  if (place.startsWith("duckdb:"))
    return `remove it (rm ${place.slice("duckdb:".length).replace(/\?.*$/, "")})`;
  if (place.startsWith("s3://")) return "empty that prefix";
  return `remove it (rm -rf ${place})`;
}
