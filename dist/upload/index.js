import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  ConflictError,
  putJson,
  upload
} from "../chunks/chunk-ZLWHUGGJ.js";
import {
  backupOrigin,
  checkOrigins,
  lakeOrigin
} from "../chunks/chunk-VV5XJCK3.js";
import {
  SNAPSHOT_OBJECTS,
  backupSnapshotFolder,
  backupSnapshots,
  latestSnapshots,
  readBackupSnapshotManifest,
  snapshotFileKey,
  snapshotManifestFolderKey,
  snapshotManifestKey,
  snapshotSlot
} from "../chunks/chunk-Z6PYDREM.js";
import {
  openLake
} from "../chunks/chunk-ONIFMAA2.js";
import "../chunks/chunk-JXLVV3XL.js";
import "../chunks/chunk-SZTBGUUW.js";
import "../chunks/chunk-24GUI5YC.js";
import "../chunks/chunk-6K2WFAIU.js";
import "../chunks/chunk-DDMIIEV4.js";
import "../chunks/chunk-ZCLQKLML.js";
import "../chunks/chunk-RMPWZSCO.js";
import "../chunks/chunk-MWCMZDA4.js";
import {
  DEFAULT_OUT,
  DEFAULT_UPLOAD_CONCURRENCY
} from "../chunks/chunk-UPPOIW6S.js";
import "../chunks/chunk-XV34QLYJ.js";
import "../chunks/chunk-X6Q3NHRZ.js";
import "../chunks/chunk-OYBGSQDJ.js";
import {
  runAction
} from "../chunks/chunk-WEI66VQV.js";
import {
  ACTION_IO,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  addUploadToSummary,
  inInputTerms,
  intInput,
  optionalInput,
  requiredInput,
  secretEnv,
  setOutput,
  summary
} from "../chunks/chunk-2ZKHZUYU.js";
import "../chunks/chunk-R47Z7GPO.js";
import "../chunks/chunk-DLZUFQUX.js";
import "../chunks/chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  errorMessage
} from "../chunks/chunk-Z6P62WD7.js";
import "../chunks/chunk-QNAMUATI.js";

// src/pipeline/upload.ts
import { stat } from "node:fs/promises";

// src/lake/snapshot-upload.ts
import { readdir } from "node:fs/promises";
import { join } from "node:path";
async function uploadSnapshots(options) {
  const { lake } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const summary2 = { files: 0, bytes: 0, skipped: 0, snapshots: 0, failures: [] };
  const apps = (await readdir(options.from, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && /^\d+$/.test(e.name)).map((e) => e.name).sort();
  for (const appId of apps) {
    const snapshots = await backupSnapshots(options.from, appId);
    if (snapshots.length === 0) continue;
    summary2.snapshots += snapshots.length;
    const latest = await latestSnapshots(lake, appId);
    const present = await presentManifests(lake, appId);
    for (const id of snapshots) {
      const slot = snapshotSlot(id.object, id.appId, id.cohortId);
      const fileKey = snapshotFileKey(id);
      const manifestKey = snapshotManifestKey(id);
      const report = (outcome, manifest2, error) => options.reporter?.snapshotFinished?.({
        id,
        outcome,
        key: fileKey,
        bytes: manifest2?.totals.bytes ?? 0,
        records: manifest2?.totals.records ?? 0,
        ...error === void 0 ? {} : { error }
      });
      if (options.signal?.aborted) break;
      const complete = present.has(manifestKey);
      const sameAsLatest = !complete && latest.get(slot)?.delivery === id.delivery;
      if (complete && !options.repair || sameAsLatest) {
        summary2.skipped += 1;
        report("present");
        continue;
      }
      const folder = backupSnapshotFolder(options.from, id);
      let manifest;
      try {
        manifest = await readBackupSnapshotManifest(folder);
        const file = manifest.files[0];
        if (!file || manifest.files.length !== 1 || manifest.delivery !== id.delivery) {
          throw new Error(
            `${join(folder, "manifest.json")} does not describe the one file of snapshot ${id.takenAt}_${id.delivery}: the backup of that snapshot is damaged; remove its folder and extract again`
          );
        }
        const existing = await lake.head(fileKey);
        let uploaded = false;
        if (existing) {
          const same = existing.size === file.bytes && (existing.sha256 === null || existing.sha256 === file.sha256);
          if (!same && !options.repair) {
            throw new ConflictError(
              `${lake.describe(fileKey)} holds ${existing.size} bytes (sha256 ${existing.sha256 ?? "unknown"}), not the ${file.bytes} bytes (sha256 ${file.sha256}) of the snapshot its name promises: something other than upload changed it. Run \`upload --repair\` to put the backup's bytes back under that name`
            );
          }
          uploaded = !same;
        } else uploaded = true;
        if (uploaded)
          await lake.put(fileKey, join(folder, file.name), { size: file.bytes, sha256: file.sha256 });
        const lakeManifest = {
          ...manifest,
          files: [{ ...file, key: fileKey }],
          uploaded_at: now().toISOString()
        };
        if (!complete) await putJson(lake, manifestKey, lakeManifest);
        if (uploaded) {
          summary2.files += 1;
          summary2.bytes += file.bytes;
        } else summary2.skipped += 1;
        latest.set(slot, { ...id, location: manifestKey, manifest: lakeManifest });
        report("uploaded", manifest);
      } catch (error) {
        if (error instanceof ConfigurationError) throw error;
        summary2.failures.push({ key: fileKey, error: errorMessage(error) });
        report("failed", manifest, errorMessage(error));
      }
    }
  }
  return summary2;
}
async function presentManifests(lake, appId) {
  const keys = /* @__PURE__ */ new Set();
  for (const object of SNAPSHOT_OBJECTS) {
    const prefix = object === "cohort_members" ? `amplitude/_manifests/cohort_members/app=${appId}/` : snapshotManifestFolderKey(object, appId);
    for await (const entry of lake.list(prefix)) keys.add(entry.key);
  }
  return keys;
}

// src/pipeline/upload.ts
function uploadFigures(summary2, snapshots) {
  const { files, bytes, skipped } = summary2;
  return {
    files,
    bytes,
    skipped,
    ...snapshots && snapshots.snapshots > 0 ? { snapshots: snapshots.files } : {}
  };
}
async function uploadStep(options, context) {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const from = await stat(options.from).catch(() => null);
  if (!from?.isDirectory()) {
    throw new ConfigurationError(
      `${options.from} is not a backup folder: run extract first, or point --from at a downloaded run artifact`
    );
  }
  const lake = await openLake(options.lake, context.env);
  await lake.check();
  checkOrigins([await backupOrigin(options.from, "--from"), await lakeOrigin(lake, options.lake)], "either");
  const started = Date.now();
  reporter.started?.({ from: options.from, lakeUrl: lake.url, concurrency: options.concurrency });
  const events = await upload({
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
  const snapshots = await uploadSnapshots({
    lake,
    from: options.from,
    repair: options.repair,
    signal,
    reporter: { snapshotFinished: (event) => reporter.snapshotFinished?.(event) }
  });
  const summary2 = {
    ...events,
    files: events.files + snapshots.files,
    bytes: events.bytes + snapshots.bytes,
    skipped: events.skipped + snapshots.skipped,
    failures: [...events.failures, ...snapshots.failures]
  };
  return {
    summary: summary2,
    snapshots,
    figures: uploadFigures(summary2, snapshots),
    lakeUrl: lake.url,
    durationMs: Date.now() - started,
    failed: summary2.failures.length > 0
  };
}

// src/actions/upload.ts
async function main(run) {
  const env = { ...process.env, ...secretEnv(AWS_SECRETS) };
  const options = {
    from: optionalInput(INPUTS.from) ?? DEFAULT_OUT,
    lake: requiredInput(INPUTS.lake),
    concurrency: intInput(INPUTS.concurrency, DEFAULT_UPLOAD_CONCURRENCY, { min: 1, max: 32 })
  };
  const windows = [];
  const reporter = {
    windowFinished: (w) => windows.push({ ...w, window: `${w.appId}/${w.window}` })
  };
  const result = await uploadStep(options, { env, reporter }).catch((thrown) => {
    const error = inInputTerms(thrown, ACTION_IO.upload.inputs);
    addUploadToSummary(summary, void 0, { error, windows });
    throw run.shownInSummary(error);
  });
  setOutput(OUTPUTS.files, result.figures.files);
  setOutput(OUTPUTS.bytes, result.figures.bytes);
  setOutput(OUTPUTS.skipped, result.figures.skipped);
  addUploadToSummary(summary, result, { windows });
  if (result.failed) {
    for (const failure of result.summary.failures) run.annotations.error(failure.error);
    throw new Error(`${result.summary.failures.length} file(s) could not be uploaded to ${result.lakeUrl}`);
  }
}
void runAction("upload", main);
