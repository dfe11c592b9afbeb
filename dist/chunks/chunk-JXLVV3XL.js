import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  MANIFESTS_PREFIX,
  appFolder,
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
async function listManifestKeys(lake, appId, startAfter, limit = Infinity) {
  const keys = [];
  for await (const object of lake.list(appFolder(MANIFESTS_PREFIX, appId), { startAfter })) {
    const parts = parseManifestKey(object.key);
    if (parts) keys.push({ ...parts, key: object.key });
    if (keys.length >= limit) break;
  }
  return keys;
}
async function lakeApps(lake) {
  return (await lake.folders(MANIFESTS_PREFIX)).map((name) => /^app=(\d+)$/.exec(name)?.[1]).filter((id) => id !== void 0);
}
function manifestText(manifest) {
  return JSON.stringify(manifest) + "\n";
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
  async delete(key) {
    await rm(this.path(key), { force: true });
  }
  path(key) {
    const path = resolve(this.root, ...key.split("/"));
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new ConfigurationError(`lake key ${JSON.stringify(key)} leaves the lake folder`);
    }
    return path;
  }
};

export {
  deliveryId,
  listManifestKeys,
  lakeApps,
  manifestText,
  readLakeManifest,
  LocalLake
};
