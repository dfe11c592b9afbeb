import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  MANIFEST_FILE,
  parseWindowFolder
} from "./chunk-Z6PYDREM.js";
import {
  lakeApps,
  listManifestKeys,
  readLakeManifest
} from "./chunk-JXLVV3XL.js";
import {
  DEMO_DATA_DIR
} from "./chunk-UPPOIW6S.js";
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";

// src/pipeline/demo-data.ts
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
var DEMO_RUN_ID_PREFIX = "demo-";
async function backupOrigin(out, flag = "--out") {
  const finding = { flag, place: out, demoApps: [], projectApps: [] };
  const entries = await readdir(out, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
    const windows = (await readdir(join(out, entry.name)).catch(() => [])).filter(
      (name) => parseWindowFolder(name) !== null
    );
    for (const window of windows) {
      const text = await readFile(join(out, entry.name, window, MANIFEST_FILE), "utf8").catch(
        () => void 0
      );
      if (text === void 0) continue;
      let manifest;
      try {
        manifest = JSON.parse(text);
      } catch {
        continue;
      }
      (isDemo(manifest) ? finding.demoApps : finding.projectApps).push(entry.name);
      break;
    }
  }
  return finding;
}
async function lakeOrigin(lake, place = lake.url, listed = {}) {
  const finding = { flag: "--lake", place, demoApps: [], projectApps: [] };
  for (const appId of await lakeApps(lake)) {
    const key = listed[appId] ?? (await listManifestKeys(lake, appId, void 0, 1))[0]?.key;
    if (!key) continue;
    const manifest = await readLakeManifest(lake, key).catch(() => void 0);
    if (!manifest) continue;
    (isDemo(manifest) ? finding.demoApps : finding.projectApps).push(appId);
  }
  return finding;
}
async function warehouseOrigin(warehouse, place = warehouse.url) {
  const finding = { flag: "--warehouse", place, demoApps: [], projectApps: [] };
  if (warehouse.dialect !== "duckdb" || !await warehouse.tableExists("raw", "extract_windows"))
    return finding;
  const rows = await warehouse.query(
    `select app_id, bool_or(starts_with(run_id, '${DEMO_RUN_ID_PREFIX}')) as demo
     from raw.extract_windows group by app_id order by app_id`
  );
  for (const row of rows) (row.demo ? finding.demoApps : finding.projectApps).push(row.app_id);
  return finding;
}
function isDemo(manifest) {
  const runId = manifest?.run_id;
  return manifest?.demo === true || typeof runId === "string" && runId.startsWith(DEMO_RUN_ID_PREFIX);
}
function checkOrigins(findings, expect) {
  const demo = findings.filter((f) => f.demoApps.length > 0);
  const project = findings.filter((f) => f.projectApps.length > 0);
  if (expect === "demo" && project.length > 0) {
    const found = project[0];
    throw new ConfigurationError(
      `${found.place} holds Amplitude app ${found.projectApps.join(", ")}'s data, not the demo's: the demo writes only into folders of its own (by default under ${DEMO_DATA_DIR}/). Point ${found.flag} at another folder, or leave it out`
    );
  }
  if (expect === "project" || expect === "either" && project.length > 0) {
    const found = demo[0];
    if (!found) return;
    throw new ConfigurationError(
      `${found.place} holds the demo's simulator data (app ${found.demoApps.join(", ")}), not a real Amplitude project's: nothing was written. The demo keeps its data under ${DEMO_DATA_DIR}/; ${removal(found.place)}, or point ${found.flag} at another ${found.flag === "--warehouse" ? "warehouse" : "folder"}`
    );
  }
}
function removal(place) {
  if (place.startsWith("file:///")) return `remove it (rm -rf ${fileURLToPath(place)})`;
  if (place.startsWith("file://")) return `remove it (rm -rf ${place.slice("file://".length)})`;
  if (place.startsWith("duckdb:"))
    return `remove it (rm ${place.slice("duckdb:".length).replace(/\?.*$/, "")})`;
  if (place.startsWith("s3://")) return "empty that prefix";
  return `remove it (rm -rf ${place})`;
}

export {
  backupOrigin,
  lakeOrigin,
  warehouseOrigin,
  checkOrigins
};
