import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  MANIFESTS_PREFIX,
  appFolder,
  compactTime,
  damagedBackup,
  parseManifestKey
} from "./chunk-24GUI5YC.js";
import {
  makeFolder
} from "./chunk-MWCMZDA4.js";
import {
  copyWithSha256,
  sha256OfFile
} from "./chunk-OYBGSQDJ.js";
import {
  ConfigurationError,
  errorMessage
} from "./chunk-Z6P62WD7.js";

// src/lake/manifest.ts
import { createHash } from "node:crypto";
function deliveryId(manifest) {
  const files = manifest.files.map((file) => `${file.name}:${file.sha256}`).sort();
  const text = JSON.stringify([manifest.app_id, manifest.window.start, manifest.window.end, files]);
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}
async function listManifestKeys(lake, appId, startAfter) {
  const keys = [];
  for await (const object of lake.list(appFolder(MANIFESTS_PREFIX, appId), { startAfter })) {
    const parts = parseManifestKey(object.key);
    if (parts) keys.push({ ...parts, key: object.key });
  }
  return keys;
}
async function lakeApps(lake) {
  return (await lake.folders(MANIFESTS_PREFIX)).map((name) => /^app=(\d+)$/.exec(name)?.[1]).filter((id) => id !== void 0);
}
async function readLakeManifest(lake, key) {
  try {
    const chunks = [];
    for await (const chunk of await lake.read(key)) chunks.push(chunk);
    const manifest = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (manifest.manifest_version !== 2 || !Array.isArray(manifest.files)) {
      throw new Error("not a manifest this version understands");
    }
    return manifest;
  } catch (error) {
    throw new Error(
      `${lake.describe(key)} cannot be read as a window manifest (${errorMessage(error)}): upload that window again`
    );
  }
}

// src/lake/local-lake.ts
import { createReadStream } from "node:fs";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
var LocalLake = class {
  root;
  url;
  constructor(root) {
    this.root = resolve(root);
    this.url = pathToFileURL(this.root).href;
  }
  /**
   * Fails with a configuration error when the lake folder cannot be used. `create` (the default, for
   * upload) makes the folder when it is missing; readers pass `create: false`, since a missing folder
   * there is a mistyped --lake, not an empty lake.
   */
  async check(options = {}) {
    if (options.create === false) {
      const info = await stat(this.root).catch(() => null);
      if (!info) {
        throw new ConfigurationError(
          `--lake ${this.url}: the lake folder ${this.root} does not exist: run upload first, or point --lake at the folder upload wrote (file://DIR)`
        );
      }
      if (!info.isDirectory()) {
        throw new ConfigurationError(
          `--lake ${this.url}: ${this.root} is a file, not a lake folder: point --lake at a folder (file://DIR)`
        );
      }
      return;
    }
    try {
      await makeFolder(this.root);
    } catch (error) {
      throw new ConfigurationError(
        `--lake ${this.url}: the lake folder ${this.root} cannot be created (${error.message}): point --lake at a folder you can write, or one whose parent exists (file://DIR)`
      );
    }
  }
  describe(key) {
    return this.path(key);
  }
  async head(key) {
    const path = this.path(key);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    return { key, size: info.size, sha256: await sha256OfFile(path) };
  }
  async put(key, localPath, options) {
    const target = this.path(key);
    await makeFolder(dirname(target));
    const temp = `${target}.tmp-${randomBytes(4).toString("hex")}`;
    try {
      const { size, sha256 } = await copyWithSha256(
        createReadStream(localPath, { highWaterMark: 1 << 20 }),
        temp
      );
      if (size !== options.size || sha256 !== options.sha256) {
        throw damagedBackup(localPath, { size, sha256 }, options);
      }
      await rename(temp, target);
      options.onProgress?.(options.size);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
  async *list(prefix, options = {}) {
    const folder = prefix.endsWith("/") || prefix === "" ? prefix : prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const base = this.path(folder);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    const keys = entries.filter((e) => e.isFile() && !/\.tmp-[0-9a-f]{8}$/.test(e.name)).map((e) => relative(this.root, join(e.parentPath, e.name)).split(sep).join("/")).filter(
      (key) => key.startsWith(prefix) && (options.startAfter === void 0 || key > options.startAfter)
    ).sort();
    for (const key of keys) {
      const info = await stat(this.path(key));
      yield { key, size: info.size, sha256: null };
    }
  }
  async folders(prefix) {
    const entries = await readdir(this.path(prefix), { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }
  localPath(key) {
    return this.path(key);
  }
  async read(key) {
    return createReadStream(this.path(key));
  }
  path(key) {
    const path = resolve(this.root, ...key.split("/"));
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new ConfigurationError(`lake key ${JSON.stringify(key)} leaves the lake folder`);
    }
    return path;
  }
};

// src/lake/snapshot-keys.ts
import { readdir as readdir2, readFile } from "node:fs/promises";
import { join as join2 } from "node:path";
var SNAPSHOT_OBJECTS = [
  "event_types",
  "event_categories",
  "cohorts",
  "cohort_members"
];
var SNAPSHOT_GROUP = {
  event_types: "taxonomy",
  event_categories: "taxonomy",
  cohorts: "cohorts",
  cohort_members: "cohorts"
};
var OBJECTS_FOLDER = "_objects";
var SNAPSHOT_MANIFEST_FILE = "manifest.json";
var SNAPSHOT_DELIVERY_DIGITS = 12;
var SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
var TAKEN_AT = String.raw`\d{8}T\d{6}\.\d{3}Z`;
var DELIVERY = String.raw`[0-9a-f]{${SNAPSHOT_DELIVERY_DIGITS}}`;
var OBJECT = "event_types|event_categories|cohorts|cohort_members";
var FILE_KEY = new RegExp(
  String.raw`^amplitude\/(${OBJECT})\/app=(\d+)\/(?:cohort=([^/]+)\/)?(${TAKEN_AT})_(${DELIVERY})\.json\.gz$`
);
var MANIFEST_KEY = new RegExp(
  String.raw`^amplitude\/_manifests\/(${OBJECT})\/app=(\d+)\/(?:cohort=([^/]+)\/)?(${TAKEN_AT})_(${DELIVERY})\.json$`
);
var FOLDER_NAME = new RegExp(String.raw`^(${TAKEN_AT})_(${DELIVERY})$`);
function isSnapshotObject(name) {
  return SNAPSHOT_OBJECTS.includes(name);
}
function checkCohortId(cohortId) {
  if (!SAFE_ID.test(cohortId) || cohortId.length > 200) {
    throw new Error(
      `cohort id ${JSON.stringify(cohortId)} cannot be part of a lake key (only letters, digits, _ . -): report it as a bug with the cohort's id`
    );
  }
  return cohortId;
}
function cohortSegment(object, cohortId) {
  if (object !== "cohort_members") return "";
  if (cohortId === void 0) throw new Error("a cohort_members snapshot needs its cohort id");
  return `cohort=${checkCohortId(cohortId)}/`;
}
function snapshotFolderKey(object, appId, cohortId) {
  return `amplitude/${object}/app=${appId}/${cohortSegment(object, cohortId)}`;
}
function snapshotFileKey(id) {
  return `${snapshotFolderKey(id.object, id.appId, id.cohortId)}${id.takenAt}_${id.delivery}.json.gz`;
}
function snapshotManifestFolderKey(object, appId, cohortId) {
  return `${MANIFESTS_PREFIX}${object}/app=${appId}/${cohortSegment(object, cohortId)}`;
}
function snapshotManifestKey(id) {
  return `${snapshotManifestFolderKey(id.object, id.appId, id.cohortId)}${id.takenAt}_${id.delivery}.json`;
}
function parse(match) {
  if (!match) return null;
  const object = match[1];
  const cohortId = match[3];
  if (object === "cohort_members" !== (cohortId !== void 0)) return null;
  return {
    object,
    appId: match[2],
    ...cohortId === void 0 ? {} : { cohortId },
    takenAt: match[4],
    delivery: match[5]
  };
}
function parseSnapshotFileKey(key) {
  return parse(FILE_KEY.exec(key));
}
function parseSnapshotManifestKey(key) {
  return parse(MANIFEST_KEY.exec(key));
}
function snapshotFileName(object) {
  return object === "cohort_members" ? "members.json.gz" : `${object}.json.gz`;
}
function snapshotFolderName(takenAt, delivery) {
  return `${typeof takenAt === "string" ? takenAt : compactTime(takenAt)}_${delivery}`;
}
function parseSnapshotFolderName(name) {
  const match = FOLDER_NAME.exec(name);
  return match ? { takenAt: match[1], delivery: match[2] } : null;
}
function backupObjectFolder(outDir, appId, object, cohortId) {
  const cohort = cohortSegment(object, cohortId);
  return join2(outDir, appId, OBJECTS_FOLDER, object, ...cohort ? [cohort.slice(0, -1)] : []);
}
function backupSnapshotFolder(outDir, id) {
  return join2(
    backupObjectFolder(outDir, id.appId, id.object, id.cohortId),
    snapshotFolderName(id.takenAt, id.delivery)
  );
}
function snapshotSlot(object, appId, cohortId) {
  return snapshotFolderKey(object, appId, cohortId);
}
async function latestSnapshots(lake, appId) {
  const greatest = /* @__PURE__ */ new Map();
  for (const object of SNAPSHOT_OBJECTS) {
    const prefix = appId ? `${MANIFESTS_PREFIX}${object}/app=${appId}/` : `${MANIFESTS_PREFIX}${object}/`;
    for await (const entry of lake.list(prefix)) {
      const id = parseSnapshotManifestKey(entry.key);
      if (!id) continue;
      const slot = snapshotSlot(id.object, id.appId, id.cohortId);
      const known = greatest.get(slot);
      if (!known || entry.key > known.key) greatest.set(slot, { id, key: entry.key });
    }
  }
  const latest = /* @__PURE__ */ new Map();
  for (const [slot, { id, key }] of greatest) {
    const manifest = await readLakeSnapshotManifest(lake, key);
    latest.set(slot, { ...id, location: key, manifest });
  }
  return latest;
}
async function readLakeSnapshotManifest(lake, key) {
  try {
    const chunks = [];
    for await (const chunk of await lake.read(key)) chunks.push(chunk);
    return checkManifest(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch (error) {
    throw new Error(
      `${lake.describe(key)} cannot be read as a snapshot manifest (${errorMessage(error)}): upload that snapshot again from a backup that holds it, or remove the manifest so the next run takes a new one`
    );
  }
}
async function readBackupSnapshotManifest(folder) {
  const path = join2(folder, SNAPSHOT_MANIFEST_FILE);
  try {
    return checkManifest(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    throw new Error(
      `${path} cannot be read as a snapshot manifest (${errorMessage(error)}): the backup of that snapshot is damaged; remove its folder and extract again`
    );
  }
}
function checkManifest(value) {
  const manifest = value;
  if (!manifest || manifest.manifest_version !== 2 || manifest.kind !== "snapshot" || !isSnapshotObject(manifest.object) || !Array.isArray(manifest.files)) {
    throw new Error("not a snapshot manifest this version understands");
  }
  return manifest;
}
async function backupSnapshots(outDir, appId) {
  const found = [];
  const root = join2(outDir, appId, OBJECTS_FOLDER);
  const names = async (dir) => (await readdir2(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const object of SNAPSHOT_OBJECTS) {
    const objectDir = join2(root, object);
    const folders = object === "cohort_members" ? (await names(objectDir)).map((name) => /^cohort=(.+)$/.exec(name)?.[1]).filter((id) => id !== void 0 && SAFE_ID.test(id)).sort().map((cohortId) => ({ dir: join2(objectDir, `cohort=${cohortId}`), cohortId })) : [{ dir: objectDir }];
    for (const { dir, cohortId } of folders) {
      for (const name of (await names(dir)).sort()) {
        const parts = parseSnapshotFolderName(name);
        if (!parts) continue;
        found.push({ object, appId, ...cohortId === void 0 ? {} : { cohortId }, ...parts });
      }
    }
  }
  return found;
}
async function latestBackupSnapshots(outDir, appId) {
  const greatest = /* @__PURE__ */ new Map();
  for (const id of await backupSnapshots(outDir, appId)) {
    greatest.set(snapshotSlot(id.object, id.appId, id.cohortId), id);
  }
  const latest = /* @__PURE__ */ new Map();
  for (const [slot, id] of greatest) {
    const folder = backupSnapshotFolder(outDir, id);
    latest.set(slot, {
      ...id,
      location: join2(folder, SNAPSHOT_MANIFEST_FILE),
      manifest: await readBackupSnapshotManifest(folder)
    });
  }
  return latest;
}
function snapshotDelivery(ndjsonSha256) {
  return ndjsonSha256.slice(0, SNAPSHOT_DELIVERY_DIGITS);
}

export {
  deliveryId,
  listManifestKeys,
  lakeApps,
  readLakeManifest,
  LocalLake,
  SNAPSHOT_OBJECTS,
  SNAPSHOT_GROUP,
  SNAPSHOT_MANIFEST_FILE,
  checkCohortId,
  snapshotFileKey,
  snapshotManifestFolderKey,
  snapshotManifestKey,
  parseSnapshotFileKey,
  parseSnapshotManifestKey,
  snapshotFileName,
  backupSnapshotFolder,
  snapshotSlot,
  latestSnapshots,
  readLakeSnapshotManifest,
  readBackupSnapshotManifest,
  backupSnapshots,
  latestBackupSnapshots,
  snapshotDelivery
};
