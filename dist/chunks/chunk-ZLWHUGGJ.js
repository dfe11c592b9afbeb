import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  FAILURES_FOLDER,
  MANIFEST_FILE,
  pLimit,
  parseWindowFolder
} from "./chunk-Z6PYDREM.js";
import {
  deliveryId,
  listManifestKeys,
  manifestText
} from "./chunk-JXLVV3XL.js";
import {
  FAILURES_PREFIX,
  appFolder,
  eventKey,
  manifestKey
} from "./chunk-24GUI5YC.js";
import {
  sha256OfFile
} from "./chunk-OYBGSQDJ.js";
import {
  ConfigurationError,
  errorMessage
} from "./chunk-Z6P62WD7.js";

// src/lake/upload.ts
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
async function upload(options) {
  const { lake } = options;
  await lake.check();
  const backups = await findWindows(options.from);
  const summary = { files: 0, bytes: 0, skipped: 0, windows: 0, deliveries: 0, failures: [] };
  const limit = pLimit(options.concurrency ?? 4);
  const listing = pLimit(4);
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const byApp = /* @__PURE__ */ new Map();
  for (const backup of backups) {
    const list = byApp.get(backup.manifest.app_id) ?? [];
    list.push(backup);
    byApp.set(backup.manifest.app_id, list);
  }
  for (const [appId, windows] of byApp) {
    const existing = await listManifestKeys(lake, appId);
    const present = new Set(existing.map((key) => key.delivery));
    await Promise.all(
      windows.map(async ({ folder, manifest }) => {
        const delivery = deliveryId(manifest);
        const window = `${manifest.window.start}_${manifest.window.end}`;
        let failed = 0;
        const report = (outcome, files, skipped2, bytes2) => options.reporter?.windowFinished?.({
          appId,
          window,
          delivery,
          outcome,
          total: manifest.files.length,
          files,
          skipped: skipped2,
          failed,
          bytes: bytes2
        });
        if (present.has(delivery) && !options.repair) {
          summary.skipped += manifest.files.length;
          summary.windows += 1;
          report("present", 0, manifest.files.length, 0);
          return;
        }
        const keys = manifest.files.map(
          (file) => eventKey(appId, file.name, file.sha256, manifest.window.start)
        );
        const inLake = await listing(() => presentKeys(lake, keys));
        let uploaded = 0;
        let skipped = 0;
        let bytes = 0;
        const results = await Promise.all(
          manifest.files.map(
            (file, index) => limit(async () => {
              const key = keys[index];
              if (options.signal?.aborted) return false;
              try {
                const outcome = await putIfNeeded(
                  lake,
                  key,
                  inLake.has(key),
                  join(folder, file.name),
                  file,
                  options
                );
                if (outcome === "uploaded") {
                  uploaded += 1;
                  bytes += file.bytes;
                } else {
                  skipped += 1;
                }
                options.reporter?.fileFinished?.(key, outcome, file.bytes);
                return true;
              } catch (error) {
                if (error instanceof ConfigurationError) throw error;
                summary.failures.push({ key, error: errorMessage(error) });
                failed += 1;
                options.reporter?.fileFinished?.(key, "failed", file.bytes);
                return false;
              }
            })
          )
        );
        summary.files += uploaded;
        summary.bytes += bytes;
        summary.skipped += skipped;
        if (!results.every(Boolean) || options.signal?.aborted) {
          report("failed", uploaded, skipped, bytes);
          return;
        }
        if (present.has(delivery)) {
          summary.windows += 1;
          report("present", uploaded, skipped, bytes);
          return;
        }
        const uploadedAt = now();
        const lakeManifest = {
          ...manifest,
          manifest_version: 2,
          delivery,
          uploaded_at: uploadedAt.toISOString(),
          supersedes: supersededBy(manifest, existing),
          files: manifest.files.map((file, index) => ({ ...file, key: keys[index] }))
        };
        await putJson(lake, manifestKey(appId, uploadedAt, window, delivery), lakeManifest);
        summary.windows += 1;
        summary.deliveries += 1;
        report("uploaded", uploaded, skipped, bytes);
      })
    );
    await uploadFailures(lake, options.from, appId);
  }
  return summary;
}
function supersededBy(manifest, existing) {
  const latest = /* @__PURE__ */ new Map();
  for (const earlier of existing) {
    const overlaps = earlier.start <= manifest.window.end && earlier.end >= manifest.window.start;
    if (overlaps) latest.set(`${earlier.start}_${earlier.end}`, earlier.key);
  }
  return [...latest.values()];
}
async function putJson(lake, key, value) {
  const dir = await mkdtemp(join(tmpdir(), "amplitude-pipeline-upload-"));
  try {
    const path = join(dir, "object.json");
    const content = manifestText(value);
    await writeFile(path, content);
    await lake.put(key, path, { size: Buffer.byteLength(content), sha256: await sha256OfFile(path) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
async function uploadFailures(lake, from, appId) {
  const names = await readdir(join(from, appId, FAILURES_FOLDER)).catch(() => []);
  const folder = appFolder(FAILURES_PREFIX, appId);
  const present = /* @__PURE__ */ new Set();
  for await (const object of lake.list(folder)) present.add(object.key);
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    const key = `${folder}${name}`;
    if (present.has(key)) continue;
    const path = join(from, appId, FAILURES_FOLDER, name);
    await lake.put(key, path, { size: (await stat(path)).size, sha256: await sha256OfFile(path) });
  }
}
async function putIfNeeded(lake, key, listed, path, file, options) {
  const existing = listed ? await lake.head(key) : null;
  if (existing) {
    const same = existing.size === file.bytes && (existing.sha256 === null || existing.sha256 === file.sha256);
    if (same) return "skipped";
    if (!options.repair) {
      throw new ConflictError(
        `${lake.describe(key)} holds ${existing.size} bytes (sha256 ${existing.sha256 ?? "unknown"}), not the ${file.bytes} bytes (sha256 ${file.sha256}) its name promises: something other than upload changed it. Run \`upload --repair\` to put the backup's bytes back under that name`
      );
    }
  }
  options.reporter?.fileStarted?.(key, file.bytes);
  await lake.put(key, path, {
    size: file.bytes,
    sha256: file.sha256,
    onProgress: (sent) => options.reporter?.fileProgress?.(key, sent, file.bytes)
  });
  return "uploaded";
}
async function presentKeys(lake, keys) {
  const wanted = new Set(keys);
  const folders = new Set(
    keys.map((key) => key.slice(0, key.lastIndexOf("/") + 1).replace(/hour=\d+\/$/, ""))
  );
  const present = /* @__PURE__ */ new Set();
  for (const folder of folders) {
    for await (const object of lake.list(folder)) if (wanted.has(object.key)) present.add(object.key);
  }
  return present;
}
var ConflictError = class extends Error {
  name = "ConflictError";
};
async function findWindows(from) {
  let apps;
  try {
    apps = (await readdir(from, { withFileTypes: true })).filter((e) => e.isDirectory() && /^\d+$/.test(e.name)).map((e) => e.name);
  } catch {
    throw new ConfigurationError(
      `${from} is not a backup folder: run extract first, or point --from at a downloaded run artifact`
    );
  }
  const windows = [];
  for (const app of apps.sort()) {
    const names = (await readdir(join(from, app))).filter((n) => parseWindowFolder(n) !== null).sort();
    for (const name of names) {
      const folder = join(from, app, name);
      const manifestPath = join(folder, MANIFEST_FILE);
      let manifest;
      try {
        manifest = JSON.parse(await readFile(manifestPath, "utf8"));
      } catch (error) {
        throw new ConfigurationError(
          `${manifestPath} cannot be read (${errorMessage(error)}): the backup of that window is incomplete, extract it again`
        );
      }
      windows.push({ folder, manifest });
    }
  }
  return windows;
}

export {
  upload,
  putJson,
  ConflictError
};
