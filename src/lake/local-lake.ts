import { createReadStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { ConfigurationError } from "../errors.ts";
import { copyWithSha256, sha256OfFile } from "./digest.ts";
import { damagedBackup, type Lake, type LakeObject, type PutOptions } from "./lake.ts";

/** A folder as a lake: the embedded default, `file://data/lake`. Writes go to a temp file, then rename. */
export class LocalLake implements Lake {
  readonly root: string;
  readonly url: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.url = pathToFileURL(this.root).href;
  }

  /**
   * Fails with a configuration error when the lake folder cannot be used. `create` (the default, for
   * upload) makes the folder when it is missing; readers pass `create: false`, since a missing folder
   * there is a mistyped --lake, not an empty lake.
   */
  async check(options: { create?: boolean } = {}): Promise<void> {
    if (options.create === false) {
      const info = await stat(this.root).catch(() => null);
      if (!info) {
        throw new ConfigurationError(
          `--lake ${this.url}: the lake folder ${this.root} does not exist: run upload first, ` +
            "or point --lake at the folder upload wrote (file://DIR)",
        );
      }
      if (!info.isDirectory()) {
        throw new ConfigurationError(
          `--lake ${this.url}: ${this.root} is a file, not a lake folder: point --lake at a folder (file://DIR)`,
        );
      }
      return;
    }
    try {
      await makeFolder(this.root);
    } catch (error) {
      throw new ConfigurationError(
        `--lake ${this.url}: the lake folder ${this.root} cannot be created (${(error as Error).message}): ` +
          "point --lake at a folder you can write, or one whose parent exists (file://DIR)",
      );
    }
  }

  describe(key: string): string {
    return this.path(key);
  }

  async head(key: string): Promise<LakeObject | null> {
    const path = this.path(key);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    // A folder keeps no metadata: hash the file. Only files already in the lake pay this, on re-runs.
    return { key, size: info.size, sha256: await sha256OfFile(path) };
  }

  async put(key: string, localPath: string, options: PutOptions): Promise<void> {
    const target = this.path(key);
    await makeFolder(dirname(target));
    const temp = `${target}.tmp-${randomBytes(4).toString("hex")}`;
    try {
      const { size, sha256 } = await copyWithSha256(
        createReadStream(localPath, { highWaterMark: 1 << 20 }),
        temp,
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

  async *list(prefix: string): AsyncIterable<LakeObject> {
    const base = this.path(prefix);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    const files = entries
      .filter((e) => e.isFile() && !/\.tmp-[0-9a-f]{8}$/.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .sort();
    for (const path of files) {
      const info = await stat(path);
      yield { key: relative(this.root, path).split(sep).join("/"), size: info.size, sha256: null };
    }
  }

  localPath(key: string): string {
    return this.path(key);
  }

  async read(key: string): Promise<Readable> {
    return createReadStream(this.path(key));
  }

  private path(key: string): string {
    const path = resolve(this.root, ...key.split("/"));
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new ConfigurationError(`lake key ${JSON.stringify(key)} leaves the lake folder`);
    }
    return path;
  }
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdir retries for ever when mkdir answers ENOENT
 * under a parent that exists (any path below /proc, say), spinning a core; here each level is tried at
 * most twice, and the error names the level that failed.
 */
export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return existingFolder(path, error);
    const parent = dirname(path);
    if (code !== "ENOENT" || parent === path) throw error;
  }
  await makeFolder(dirname(path));
  try {
    await mkdir(path);
  } catch (error) {
    // Another upload of the same lake may have made it meanwhile.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return existingFolder(path, error);
    throw error;
  }
}

async function existingFolder(path: string, error: unknown): Promise<void> {
  if (!(await stat(path)).isDirectory()) throw error;
}
