import { createReadStream } from "node:fs";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { ConfigurationError } from "../errors.ts";
import { copyWithSha256, sha256OfFile } from "./digest.ts";
import { damagedBackup, type Lake, type LakeObject, type PutOptions } from "./lake.ts";
import { makeFolder } from "../make-folder.ts";

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

  async *list(prefix: string, options: { startAfter?: string } = {}): AsyncIterable<LakeObject> {
    // A key prefix need not end at a folder boundary: list the folder it lies in, keep what matches.
    const folder =
      prefix.endsWith("/") || prefix === "" ? prefix : prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const base = this.path(folder);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    const keys = entries
      .filter((e) => e.isFile() && !/\.tmp-[0-9a-f]{8}$/.test(e.name))
      .map((e) => relative(this.root, join(e.parentPath, e.name)).split(sep).join("/"))
      .filter(
        (key) => key.startsWith(prefix) && (options.startAfter === undefined || key > options.startAfter),
      )
      // S3 lists in byte order of the UTF-8 key; JavaScript compares UTF-16 units, the same for these keys.
      .sort();
    for (const key of keys) {
      const info = await stat(this.path(key));
      yield { key, size: info.size, sha256: null };
    }
  }

  async folders(prefix: string): Promise<string[]> {
    const entries = await readdir(this.path(prefix), { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  }

  localPath(key: string): string {
    return this.path(key);
  }

  async read(key: string): Promise<Readable> {
    return createReadStream(this.path(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    const path = resolve(this.root, ...key.split("/"));
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new ConfigurationError(`lake key ${JSON.stringify(key)} leaves the lake folder`);
    }
    return path;
  }
}
