import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  SNAPSHOT_GROUP,
  SNAPSHOT_OBJECTS,
  parseSnapshotFileKey,
  parseSnapshotManifestKey,
  readLakeSnapshotManifest,
  snapshotFileKey
} from "./chunk-Z6PYDREM.js";
import {
  lakeApps,
  listManifestKeys,
  readLakeManifest
} from "./chunk-JXLVV3XL.js";
import {
  EVENTS_PREFIX,
  MANIFESTS_PREFIX,
  damagedLakeObject,
  isoFromCompactTime,
  manifestKeyBefore,
  parseManifestKey
} from "./chunk-24GUI5YC.js";
import {
  DEFAULT_MAX_LINE_BYTES
} from "./chunk-XV34QLYJ.js";
import {
  copyWithSha256,
  sha256OfFile
} from "./chunk-OYBGSQDJ.js";
import {
  SCHEMAS,
  sqlString,
  timestampLiteral,
  timestampText
} from "./chunk-DLZUFQUX.js";
import {
  ConfigurationError,
  errorMessage
} from "./chunk-Z6P62WD7.js";

// src/warehouse/raw-tables.ts
function rawTableStatements(dialect) {
  const json = dialect === "snowflake" ? "variant" : "json using compression zstd";
  const timestamp = dialect === "snowflake" ? "timestamp_ntz" : "timestamp";
  return [
    ...SCHEMAS.map((schema) => `create schema if not exists ${schema}`),
    `create table if not exists raw.amplitude_events (
      json_data ${json},
      source_file varchar not null,
      file_row_number bigint not null,
      loaded_at ${timestamp} not null
    )`,
    `create table if not exists raw.load_history (
      file varchar not null,
      checksum varchar not null,
      size bigint not null,
      rows bigint not null,
      manifest_events bigint,
      manifest_rejected bigint,
      app_id varchar,
      extract_window varchar,
      loaded_at ${timestamp} not null,
      object varchar default 'events',
      primary key (file, checksum)
    )`,
    // Taxonomy and cohort snapshots, one row per line of a snapshot file: its first line is the
    // snapshot's header ({"$snapshot": …}), the rest are the records as the API returned them.
    `create table if not exists raw.amplitude_snapshots (
      object varchar not null,
      json_data ${json},
      source_file varchar not null,
      file_row_number bigint not null,
      loaded_at ${timestamp} not null
    )`,
    `create table if not exists raw.extract_windows (
      app_id varchar not null,
      window_start ${timestamp} not null,
      window_end ${timestamp} not null,
      status varchar not null,
      files bigint not null,
      events bigint not null,
      rejected bigint not null,
      run_id varchar not null,
      extracted_at ${timestamp},
      delivery varchar not null,
      manifest varchar not null,
      uploaded_at ${timestamp},
      recorded_at ${timestamp} not null,
      primary key (manifest)
    )`,
    `create table if not exists raw.lake_cursor (
      app_id varchar not null,
      manifest varchar not null,
      updated_at ${timestamp} not null,
      primary key (app_id)
    )`
  ];
}
async function ensureRawTables(warehouse) {
  for (const statement of rawTableStatements(warehouse.dialect)) await warehouse.execute(statement);
  await warehouse.execute(
    `alter table raw.load_history add column if not exists object varchar default 'events'`
  );
  const columns = (await warehouse.columns("raw", "extract_windows")).map((c) => c.name.toLowerCase());
  if (!columns.includes("manifest")) {
    throw new ConfigurationError(
      `${warehouse.url} was made by an earlier version (raw.extract_windows has one row per window, not per delivery): move it aside and run upload into a new lake folder and load again; the backup folder holds everything`
    );
  }
}

// src/warehouse/load.ts
import { mkdtemp as mkdtemp2, rm as rm2 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join2 } from "node:path";

// src/warehouse/load-batches.ts
async function loadedKeys(warehouse, keys) {
  const loaded = /* @__PURE__ */ new Set();
  for (let i = 0; i < keys.length; i += 1e3) {
    const chunk = keys.slice(i, i + 1e3);
    const rows = await warehouse.query(
      `select distinct file from raw.load_history where file in (${chunk.map(sqlString).join(", ")})`
    );
    for (const row of rows) loaded.add(row.file);
  }
  return loaded;
}
function batches(files, maxFiles, maxBytes) {
  const cut = [];
  let current = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= maxFiles || bytes + file.bytes > maxBytes)) {
      cut.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.bytes;
  }
  if (current.length > 0) cut.push(current);
  return cut;
}

// src/warehouse/snapshot-load.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
var SNAPSHOTS_TABLE = "raw.amplitude_snapshots";
async function loadSnapshots(options) {
  const { lake, warehouse } = options;
  const summary = {
    files: 0,
    rows: 0,
    bytes: 0,
    skipped: 0,
    listed: 0,
    waiting: 0,
    failed: []
  };
  const manifests = [];
  const stored = [];
  for (const object of SNAPSHOT_OBJECTS) {
    for await (const entry of lake.list(`${MANIFESTS_PREFIX}${object}/`)) {
      const id = parseSnapshotManifestKey(entry.key);
      if (id) manifests.push({ key: entry.key, id });
    }
    for await (const entry of lake.list(`amplitude/${object}/`)) {
      if (parseSnapshotFileKey(entry.key)) stored.push(entry.key);
    }
  }
  summary.listed = manifests.length;
  const complete = new Set(manifests.map(({ id }) => snapshotFileKey(id)));
  summary.waiting = stored.filter((key) => !complete.has(key)).length;
  if (manifests.length === 0) return summary;
  const loaded = await loadedKeys(
    warehouse,
    manifests.map(({ id }) => snapshotFileKey(id))
  );
  const files = /* @__PURE__ */ new Map();
  for (const { key, id } of manifests) {
    if (loaded.has(snapshotFileKey(id))) continue;
    try {
      const manifest = await readLakeSnapshotManifest(lake, key);
      if (manifest.object !== id.object || manifest.app_id !== id.appId) {
        throw new Error(
          `${lake.describe(key)} says it holds a snapshot of ${manifest.object} of app ${manifest.app_id}, its key one of ${id.object} of app ${id.appId}: it was moved or edited by hand; upload that snapshot again`
        );
      }
      for (const file of manifest.files) {
        const fileKey = file.key ?? snapshotFileKey(id);
        files.set(fileKey, {
          key: fileKey,
          manifestKey: key,
          object: id.object,
          appId: id.appId,
          sha256: file.sha256,
          bytes: file.bytes,
          lines: file.lines
        });
      }
    } catch (error) {
      summary.failed.push({ key, message: errorMessage(error) });
    }
  }
  const listedElsewhere = [...files.keys()].filter((key) => !loaded.has(key));
  for (const key of await loadedKeys(warehouse, listedElsewhere)) {
    files.delete(key);
    summary.skipped += 1;
  }
  const toLoad = [...files.values()].sort((a, b) => a.key.localeCompare(b.key));
  const cut = batches(toLoad, options.batchFiles ?? 16, options.batchBytes ?? 256 * 1024 * 1024);
  let done = 0;
  for (const files2 of cut) {
    if (options.signal?.aborted) break;
    let outcomes = [await loadBatch(options, files2)];
    if (outcomes[0].failed.length > 0 && files2.length > 1) {
      outcomes = [];
      for (const file of files2) outcomes.push(await loadBatch(options, [file]));
    }
    for (const outcome of outcomes) {
      summary.files += outcome.files;
      summary.rows += outcome.rows;
      summary.bytes += outcome.bytes;
      summary.failed.push(...outcome.failed);
    }
    done += files2.length;
    options.reporter?.snapshotBatch?.({
      files: summary.files,
      rows: summary.rows,
      done,
      total: toLoad.length
    });
  }
  return summary;
}
function remedy(file, cause = "changed") {
  const retake = `take a new one with \`extract --objects ${SNAPSHOT_GROUP[file.object]}\` and upload it; then load again`;
  return cause === "changed" ? `the lake object is not the file its manifest describes (changed, or cut short, after upload). Restore it with \`upload --repair\` from the backup folder that holds the snapshot, or ${retake}` : `it matches its manifest, so the snapshot was written so: ${retake}`;
}
async function digest(stream) {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest("hex") };
}
var SnapshotFileError = class extends Error {
};
async function loadBatch(options, files) {
  const { lake, warehouse } = options;
  const staging = lake.localPath ? void 0 : await mkdtemp(join(tmpdir(), "amplitude-pipeline-snapshots-"));
  try {
    const local = await Promise.all(
      files.map(async (file, index) => {
        if (lake.localPath) {
          const path2 = lake.localPath(file.key);
          return { path: path2, digest: digest(createReadStream(path2)) };
        }
        const path = join(staging, `${index}.json.gz`);
        return { path, digest: Promise.resolve(await copyWithSha256(await lake.read(file.key), path)) };
      })
    );
    const digests = Promise.all(local.map((file) => file.digest));
    digests.catch(() => void 0);
    const checkDigests = async () => {
      const actual = await digests.catch((error) => {
        const missing = files.find((file) => errorMessage(error).includes(file.key.split("/").pop()));
        if (error.code === "ENOENT" && missing) {
          throw new SnapshotFileError(
            `${lake.describe(missing.key)} is not in the lake, though its manifest ${missing.manifestKey} lists it: ${remedy(missing)}`
          );
        }
        throw error;
      });
      for (const [index, file] of files.entries()) {
        const { size, sha256 } = actual[index];
        if (size !== file.bytes || sha256 !== file.sha256) {
          throw new SnapshotFileError(
            `${lake.describe(file.key)} does not match its manifest ${file.manifestKey} (${size} bytes, sha256 ${sha256}; the manifest says ${file.bytes} bytes, sha256 ${file.sha256}): ${remedy(file)}`
          );
        }
      }
    };
    const loadedAt = await options.clock();
    const rows = await warehouse.transaction(async () => {
      const selects = files.map(
        (file, index) => `select ${sqlString(file.object)} as object, json as json_data, ${sqlString(file.key)} as source_file,
            ordinality as file_row_number
          from read_json_objects(${sqlString(local[index].path)}, format = 'newline_delimited', compression = 'gzip')
            with ordinality`
      );
      try {
        await warehouse.execute(
          `insert into ${SNAPSHOTS_TABLE} (object, json_data, source_file, file_row_number, loaded_at)
           select object, json_data, source_file, file_row_number, ${timestampLiteral(loadedAt)}
           from (${selects.join("\nunion all\n")})`
        );
      } catch (error) {
        await checkDigests();
        throw error;
      }
      await checkDigests();
      const counts = new Map(
        (await warehouse.query(
          `select source_file, count(*) as n from ${SNAPSHOTS_TABLE}
             where loaded_at = ${timestampLiteral(loadedAt)} group by source_file`
        )).map((row) => [row.source_file, Number(row.n)])
      );
      for (const file of files) {
        const got = counts.get(file.key) ?? 0;
        if (got !== file.lines) {
          throw new SnapshotFileError(
            `${lake.describe(file.key)} holds ${got} line(s), its manifest ${file.manifestKey} counts ${file.lines}: ${remedy(file)}`
          );
        }
      }
      const history = files.map(
        (file) => `(${sqlString(file.key)}, ${sqlString(file.sha256)}, ${file.bytes}, ${counts.get(file.key) ?? 0}, ${file.lines}, 0, ${sqlString(file.appId)}, null, ${timestampLiteral(loadedAt)}, ${sqlString(file.object)})`
      );
      await warehouse.execute(
        `insert into raw.load_history
         (file, checksum, size, rows, manifest_events, manifest_rejected, app_id, extract_window, loaded_at, object)
         values ${history.join(",\n")}`
      );
      return counts;
    });
    return {
      files: files.length,
      rows: [...rows.values()].reduce((a, b) => a + b, 0),
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      failed: []
    };
  } catch (error) {
    const what = files.length === 1 ? lake.describe(files[0].key) : `a batch of ${files.length} snapshot files`;
    return {
      files: 0,
      rows: 0,
      bytes: 0,
      failed: files.map((file) => ({
        key: file.key,
        message: error instanceof SnapshotFileError ? `${error.message.split("\n")[0]}` : `${what} was not loaded: ${readerRemedy(error, file)}`
      }))
    };
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
  }
}
function readerRemedy(error, file) {
  const message = errorMessage(error).split("\n")[0];
  if (/gzip|compress|zlib|inflate/i.test(message))
    return `it is not a readable gzip file (${message}); ${remedy(file, "damaged")}`;
  if (/malformed json|json parse|not valid json/i.test(message))
    return `a line of it is not JSON (${message}); ${remedy(file, "damaged")}`;
  return message;
}

// src/warehouse/load.ts
var RESUME_MARGIN_MS = 36e5;
async function load(options) {
  const { warehouse } = options;
  if (warehouse.dialect !== "duckdb") {
    throw new ConfigurationError("load is for the embedded warehouse: on Snowflake, Snowpipe loads the lake");
  }
  await ensureRawTables(warehouse);
  return warehouse.withLoadSettings ? warehouse.withLoadSettings(() => loadAll(options)) : loadAll(options);
}
async function loadAll(options) {
  const { lake, warehouse } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const summary = {
    files: 0,
    rows: 0,
    bytes: 0,
    skipped: 0,
    waiting: 0,
    windows: 0,
    listed: 0,
    failed: [],
    snapshots: { files: 0, rows: 0, bytes: 0, skipped: 0, listed: 0, waiting: 0, failed: 0 }
  };
  const apps = await lakeApps(lake);
  const clock = monotonicClock(warehouse, now);
  for (const appId of apps) {
    if (options.signal?.aborted) break;
    await loadApp(options, appId, summary, clock, now);
  }
  if (!options.signal?.aborted) {
    const snapshots = await loadSnapshots({
      lake,
      warehouse,
      clock,
      signal: options.signal,
      batchFiles: options.batchFiles,
      batchBytes: options.batchBytes,
      reporter: { snapshotBatch: (event) => options.reporter?.snapshotBatch?.(event) }
    });
    summary.snapshots = { ...snapshots, failed: snapshots.failed.length };
    summary.failed.push(...snapshots.failed);
  }
  if (apps.length === 0 && summary.snapshots.listed === 0) {
    options.reporter?.warning?.(
      `${lake.describe(MANIFESTS_PREFIX)} holds no window manifests: nothing to load (run upload first, or check --lake)`
    );
  }
  return summary;
}
async function loadApp(options, appId, summary, clock, now) {
  const { lake, warehouse } = options;
  const startAfter = await resumePoint(warehouse, appId);
  const listed = await listManifestKeys(lake, appId, startAfter);
  summary.listed += listed.length;
  const recorded = new Set(
    (await warehouse.query(
      `select manifest from raw.extract_windows where app_id = ? and manifest > ?`,
      [appId, startAfter ?? ""]
    )).map((row) => row.manifest)
  );
  const pending = [];
  for (const { key } of listed) {
    if (recorded.has(key)) continue;
    try {
      pending.push({ key, manifest: await readLakeManifest(lake, key) });
    } catch (error) {
      summary.failed.push({ key, message: errorMessage(error) });
    }
  }
  if (pending.length === 0) return;
  const files = filesOf(pending, summary);
  const loaded = await loadedKeys(warehouse, [...files.keys()]);
  const toLoad = [...files.values()].filter((file) => !loaded.has(file.key));
  summary.skipped += files.size - toLoad.length;
  summary.waiting += await waitingFiles(lake, warehouse, pending, files);
  const failedKeys = /* @__PURE__ */ new Set();
  const cut = batches(
    toLoad.sort((a, b) => a.key.localeCompare(b.key)),
    options.batchFiles ?? 32,
    options.batchBytes ?? 512 * 1024 * 1024
  );
  let done = 0;
  for (const files2 of cut) {
    if (options.signal?.aborted) {
      for (const file of files2) failedKeys.add(file.key);
      continue;
    }
    let outcomes = [await loadBatch2(lake, warehouse, files2, clock, options.reporter)];
    if (outcomes[0].failed.length > 0 && files2.length > 1) {
      outcomes = [];
      for (const file of files2)
        outcomes.push(await loadBatch2(lake, warehouse, [file], clock, options.reporter));
    }
    for (const outcome of outcomes) {
      addOutcome(summary, outcome);
      for (const failure of outcome.failed) failedKeys.add(failure.key);
    }
    done += files2.length;
    options.reporter?.batch?.({ files: summary.files, rows: summary.rows, done, total: toLoad.length });
  }
  const complete = pending.filter(
    ({ manifest }) => manifest.files.every((file) => !failedKeys.has(file.key))
  );
  const inWarehouse = /* @__PURE__ */ new Set([...recorded, ...complete.map((entry) => entry.key)]);
  let cursor;
  for (const { key } of listed) {
    if (!inWarehouse.has(key)) break;
    cursor = key;
  }
  await recordWindows(warehouse, appId, complete, cursor, now);
  summary.windows += complete.length;
}
async function resumePoint(warehouse, appId) {
  const [row] = await warehouse.query(
    `select manifest from raw.lake_cursor where app_id = ?`,
    [appId]
  );
  const parts = row?.manifest ? parseManifestKey(row.manifest) : null;
  if (!parts) return void 0;
  const uploaded = Date.parse(isoFromCompactTime(parts.uploadedAt));
  return manifestKeyBefore(appId, new Date(uploaded - RESUME_MARGIN_MS));
}
function filesOf(pending, summary) {
  const files = /* @__PURE__ */ new Map();
  for (const { key: manifestKey, manifest } of pending) {
    const window = `${manifest.window.start}_${manifest.window.end}`;
    for (const file of manifest.files) {
      const previous = files.get(file.key);
      if (previous && previous.sha256 !== file.sha256) {
        summary.failed.push({
          key: file.key,
          message: `${manifestKey} lists ${file.key} with sha256 ${file.sha256}, another manifest with ${previous.sha256}: one of them was edited by hand; upload that window again`
        });
        continue;
      }
      files.set(file.key, {
        key: file.key,
        sha256: file.sha256,
        bytes: file.bytes,
        events: file.events,
        rejected: file.rejected,
        maxLineBytes: manifest.max_line_bytes ?? DEFAULT_MAX_LINE_BYTES,
        appId: manifest.app_id,
        window
      });
    }
  }
  return files;
}
async function waitingFiles(lake, warehouse, pending, files) {
  const partitions = /* @__PURE__ */ new Set();
  for (const { manifest } of pending) {
    for (const date of datesOf(manifest.window.start, manifest.window.end)) {
      partitions.add(`${EVENTS_PREFIX}app=${manifest.app_id}/date=${date}/`);
    }
  }
  const unknown = [];
  for (const partition of partitions) {
    for await (const object of lake.list(partition)) if (!files.has(object.key)) unknown.push(object.key);
  }
  const loaded = await loadedKeys(warehouse, unknown);
  return unknown.filter((key) => !loaded.has(key)).length;
}
function datesOf(start, end) {
  const dates = [];
  const last = Date.parse(`${end.slice(0, 10)}T00:00:00Z`);
  for (let day = Date.parse(`${start.slice(0, 10)}T00:00:00Z`); day <= last; day += 864e5) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}
function addOutcome(summary, outcome) {
  summary.files += outcome.files;
  summary.rows += outcome.rows;
  summary.bytes += outcome.bytes;
  summary.failed.push(...outcome.failed);
}
async function recordWindows(warehouse, appId, manifests, cursor, now) {
  const hour = (text) => timestampLiteral(`${text.replace("T", " ")}:00:00`);
  const rows = manifests.map(
    ({ key, manifest: m }) => `(${sqlString(m.app_id)}, ${hour(m.window.start)}, ${hour(m.window.end)}, ${sqlString(m.status ?? "exported")}, ${m.totals.files}, ${m.totals.events}, ${m.totals.rejected}, ${sqlString(m.run_id)}, ${timestampLiteral(timestampText(new Date(m.extracted_at)))}, ${sqlString(m.delivery)}, ${sqlString(key)}, ${timestampLiteral(timestampText(new Date(m.uploaded_at)))}, ${timestampLiteral(timestampText(now()))})`
  );
  await warehouse.transaction(async () => {
    if (rows.length > 0) {
      await warehouse.execute(
        `insert into raw.extract_windows
         (app_id, window_start, window_end, status, files, events, rejected, run_id, extracted_at, delivery, manifest, uploaded_at, recorded_at)
       values ${rows.join(",\n")}
       on conflict (manifest) do nothing`
      );
    }
    if (cursor === void 0) return;
    await warehouse.execute(
      `insert into raw.lake_cursor (app_id, manifest, updated_at)
       values (?, ?, ${timestampLiteral(timestampText(now()))})
       on conflict (app_id) do update set manifest = excluded.manifest, updated_at = excluded.updated_at`,
      [appId, cursor]
    );
  });
}
function monotonicClock(warehouse, now) {
  let last;
  return async () => {
    if (last === void 0) {
      const [row] = await warehouse.query(
        `select max(loaded_at) as latest from raw.load_history`
      );
      last = row?.latest ? row.latest.getTime() : 0;
    }
    last = Math.max(now().getTime(), last + 1);
    return timestampText(new Date(last));
  };
}
async function loadBatch2(lake, warehouse, files, clock, reporter) {
  const staging = lake.localPath ? void 0 : await mkdtemp2(join2(tmpdir2(), "amplitude-pipeline-load-"));
  try {
    const local = await Promise.all(
      files.map(async (file) => {
        if (lake.localPath)
          return { path: lake.localPath(file.key), sha256: sha256OfFile(lake.localPath(file.key)) };
        const path = join2(staging, `${files.indexOf(file)}.json.gz`);
        return {
          path,
          sha256: Promise.resolve((await copyWithSha256(await lake.read(file.key), path)).sha256)
        };
      })
    );
    const checksums = Promise.all(local.map((file) => file.sha256));
    checksums.catch(() => void 0);
    const loadedAt = await clock();
    const attempt = (lineLimit) => warehouse.transaction(async () => {
      const selects = files.map((file, index) => selectFile(file, local[index].path, lineLimit));
      await warehouse.execute(
        `insert into raw.amplitude_events (json_data, source_file, file_row_number, loaded_at)
           select json_data, source_file, file_row_number, ${timestampLiteral(loadedAt)}
           from (${selects.join("\nunion all\n")})`
      );
      const counts = new Map(
        (await warehouse.query(
          `select source_file, count(*) as n from raw.amplitude_events where loaded_at = ${timestampLiteral(loadedAt)} group by source_file`
        )).map((row) => [row.source_file, Number(row.n)])
      );
      const actual = await checksums;
      for (const [index, file] of files.entries()) {
        const sha256 = actual[index];
        if (sha256 !== file.sha256) {
          throw damagedLakeObject(
            lake.describe(file.key),
            { size: file.bytes, sha256 },
            { size: file.bytes, sha256: file.sha256 }
          );
        }
      }
      const history = files.map(
        (file) => `(${sqlString(file.key)}, ${sqlString(file.sha256)}, ${file.bytes}, ${counts.get(file.key) ?? 0}, ${file.events}, ${file.rejected}, ${sqlString(file.appId)}, ${sqlString(file.window)}, ${timestampLiteral(loadedAt)}, 'events')`
      );
      await warehouse.execute(
        `insert into raw.load_history
           (file, checksum, size, rows, manifest_events, manifest_rejected, app_id, extract_window, loaded_at, object)
           values ${history.join(",\n")}`
      );
      return counts;
    });
    const rows = await attempt("duckdb").catch((error) => {
      if (!/maximum_object_size/.test(errorMessage(error))) throw error;
      return attempt("manifest");
    });
    for (const file of files) {
      const got = rows.get(file.key) ?? 0;
      if (got !== file.events) {
        reporter?.warning?.(
          `${lake.describe(file.key)}: loaded ${got} rows, its manifest counts ${file.events} events (the reconciliation test will name it)`
        );
      }
    }
    return {
      files: files.length,
      rows: [...rows.values()].reduce((a, b) => a + b, 0),
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      failed: []
    };
  } catch (error) {
    const what = files.length === 1 ? lake.describe(files[0].key) : `a batch of ${files.length} files`;
    return {
      files: 0,
      rows: 0,
      bytes: 0,
      failed: files.map((file) => ({
        key: file.key,
        message: `${what} was not loaded: ${loadRemedy(error)}`
      }))
    };
  } finally {
    if (staging) await rm2(staging, { recursive: true, force: true });
  }
}
function loadRemedy(error) {
  const message = errorMessage(error);
  if (/gzip|compress|zlib|inflate/i.test(message)) {
    return `it is not a readable gzip file (${firstLine(message)}); extract and upload that window again`;
  }
  return firstLine(message);
}
function firstLine(message) {
  return message.split("\n")[0];
}
function selectFile(file, path, lineLimit) {
  const validOnly = file.rejected === 0 ? `json is not null` : (
    // maximum_object_size alone does not drop a longer object when errors are ignored: filter on length.
    `json is not null and strlen(json) <= ${file.maxLineBytes} and json_type(json) = 'OBJECT' and coalesce(json_extract_string(json, '$.uuid'), '') <> '' and json_extract_string(json, '$.server_upload_time') is not null`
  );
  return `select json as json_data, ${sqlString(file.key)} as source_file, ordinality as file_row_number
    from read_json_objects(${sqlString(path)}, format = 'newline_delimited', compression = 'gzip',
      ignore_errors = true${lineLimit === "manifest" ? `, maximum_object_size = ${file.maxLineBytes}` : ""}) with ordinality
    where ${validOnly}`;
}

export {
  rawTableStatements,
  load
};
