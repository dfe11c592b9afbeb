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
} from "../chunks/chunk-3VJF7HIM.js";
import "../chunks/chunk-BZEPLCDP.js";
import "../chunks/chunk-ZU3FRXDO.js";
import "../chunks/chunk-OQS4VC3D.js";
import {
  deliveryId,
  listManifestKeys,
  openLake
} from "../chunks/chunk-6GQHAREJ.js";
import {
  FAILURES_PREFIX,
  appFolder,
  eventKey,
  manifestKey,
  sha256OfFile
} from "../chunks/chunk-VNF3GDG7.js";
import "../chunks/chunk-6K2WFAIU.js";
import "../chunks/chunk-MWCMZDA4.js";
import "../chunks/chunk-ESWGS5MQ.js";
import {
  ACTION_IO,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  addUploadToSummary,
  error,
  inInputTerms,
  intInput,
  optionalInput,
  requiredInput,
  runAction,
  secretEnv,
  setOutput,
  summary
} from "../chunks/chunk-ZDNHD72G.js";
import "../chunks/chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  errorMessage
} from "../chunks/chunk-Z6P62WD7.js";
import "../chunks/chunk-DDMIIEV4.js";
import "../chunks/chunk-QNAMUATI.js";

// src/lake/upload.ts
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
async function upload(options) {
  const { lake } = options;
  await lake.check();
  const backups = await findWindows(options.from);
  const summary2 = { files: 0, bytes: 0, skipped: 0, windows: 0, deliveries: 0, failures: [] };
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
          summary2.skipped += manifest.files.length;
          summary2.windows += 1;
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
              } catch (error2) {
                if (error2 instanceof ConfigurationError) throw error2;
                summary2.failures.push({ key, error: errorMessage(error2) });
                failed += 1;
                options.reporter?.fileFinished?.(key, "failed", file.bytes);
                return false;
              }
            })
          )
        );
        summary2.files += uploaded;
        summary2.bytes += bytes;
        summary2.skipped += skipped;
        if (!results.every(Boolean) || options.signal?.aborted) {
          report("failed", uploaded, skipped, bytes);
          return;
        }
        if (present.has(delivery)) {
          summary2.windows += 1;
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
        summary2.windows += 1;
        summary2.deliveries += 1;
        report("uploaded", uploaded, skipped, bytes);
      })
    );
    await uploadFailures(lake, options.from, appId);
  }
  return summary2;
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
    const content = JSON.stringify(value, null, 2) + "\n";
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
      } catch (error2) {
        throw new ConfigurationError(
          `${manifestPath} cannot be read (${errorMessage(error2)}): the backup of that window is incomplete, extract it again`
        );
      }
      windows.push({ folder, manifest });
    }
  }
  return windows;
}

// src/pipeline/upload.ts
function uploadFigures(summary2) {
  const { files, bytes, skipped } = summary2;
  return { files, bytes, skipped };
}
async function uploadStep(options, context) {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const lake = await openLake(options.lake, context.env);
  const started = Date.now();
  reporter.started?.({ from: options.from, lakeUrl: lake.url, concurrency: options.concurrency });
  const summary2 = await upload({
    lake,
    from: options.from,
    concurrency: options.concurrency,
    repair: options.repair,
    signal,
    reporter: {
      fileStarted: (key, bytes) => reporter.fileStarted?.(key, bytes),
      fileProgress: (key, sent, bytes) => reporter.fileProgress?.(key, sent, bytes),
      fileFinished: (key, outcome, bytes) => reporter.fileFinished?.({ key, description: lake.describe(key), outcome, bytes }),
      windowFinished: (window) => reporter.windowFinished?.(window)
    }
  });
  return uploadStepResult(summary2, lake.url, Date.now() - started);
}
function uploadStepResult(summary2, lakeUrl, durationMs) {
  return {
    summary: summary2,
    figures: uploadFigures(summary2),
    lakeUrl,
    durationMs,
    failed: summary2.failures.length > 0
  };
}

// src/actions/upload.ts
async function main() {
  const env = { ...process.env, ...secretEnv(AWS_SECRETS) };
  const options = {
    from: optionalInput(INPUTS.from) ?? "data/exports",
    lake: requiredInput(INPUTS.lake),
    concurrency: intInput(INPUTS.concurrency, 4, { min: 1, max: 32 })
  };
  const windows = [];
  const reporter = {
    windowFinished: (w) => windows.push({ ...w, window: `${w.appId}/${w.window}` })
  };
  const result = await uploadStep(options, { env, reporter }).catch((thrown) => {
    const error2 = inInputTerms(thrown, ACTION_IO.upload.inputs);
    addUploadToSummary(summary, void 0, { error: error2, windows });
    throw error2;
  });
  setOutput(OUTPUTS.files, result.figures.files);
  setOutput(OUTPUTS.bytes, result.figures.bytes);
  setOutput(OUTPUTS.skipped, result.figures.skipped);
  addUploadToSummary(summary, result, { windows });
  if (result.failed) {
    for (const failure of result.summary.failures.slice(0, 10)) error(failure.error);
    throw new Error(`${result.summary.failures.length} file(s) could not be uploaded to ${result.lakeUrl}`);
  }
}
void runAction("upload", main);
