import { createHash } from "node:crypto";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { posix, join } from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import pLimit from "p-limit";
import * as yauzl from "yauzl-promise";
import type { LineStats } from "./line-validator.ts";
import { parseMemberName } from "./member-name.ts";
import type { ValidationPool } from "./validation-pool.ts";

export interface MemberFile extends LineStats {
  appId: string;
  /** File name in the window folder (the member's base name). */
  name: string;
  /** Path inside the ZIP, as Amplitude named it. */
  member: string;
  bytes: number;
  sha256: string;
}

export interface UnpackResult {
  files: MemberFile[];
  /** ZIP entries that are not event files, listed so nothing disappears unremarked. */
  ignored: string[];
}

export interface UnpackOptions {
  maxLineBytes: number;
  /** Where members are decompressed and validated. */
  validation: ValidationPool;
  /** Members read from the ZIP at once. */
  memberConcurrency?: number;
}

/** A ZIP or member that cannot be read: the download was damaged or Amplitude produced a bad file. */
export class CorruptExportError extends Error {
  override readonly name = "CorruptExportError";
}

/**
 * Writes every event member of the export ZIP to `<stagingDir>/<appId>/<name>` byte for byte and,
 * in the same pass, decompresses and validates its lines. Rejected lines go to
 * `<stagingDir>/<appId>/rejected/`.
 */
export async function unpackExport(
  zipPath: string,
  stagingDir: string,
  options: UnpackOptions,
): Promise<UnpackResult> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.open(zipPath);
  } catch (error) {
    throw new CorruptExportError(`the export ZIP cannot be read (${(error as Error).message})`, {
      cause: error,
    });
  }
  const limit = pLimit(options.memberConcurrency ?? 2);
  const pending: Array<Promise<MemberFile>> = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  try {
    try {
      for await (const entry of zip) {
        if (entry.filename.endsWith("/")) continue;
        const target = memberTarget(entry.filename);
        if (!target) {
          ignored.push(entry.filename);
          continue;
        }
        const key = `${target.appId}/${target.name}`;
        if (seen.has(key)) throw new CorruptExportError(`the export ZIP holds ${key} twice`);
        seen.add(key);
        const unpacking = limit(() =>
          unpackMember(entry.filename, () => entry.openReadStream(), target, stagingDir, options),
        );
        // Handled by settleAll below; without this a member failing mid-iteration counts as unhandled.
        unpacking.catch(() => {});
        pending.push(unpacking);
      }
    } catch (error) {
      if (error instanceof CorruptExportError) throw error;
      throw new CorruptExportError(`the export ZIP is damaged (${(error as Error).message})`, {
        cause: error,
      });
    }
    const files = await settleAll(pending);
    return { files: files.sort((a, b) => a.name.localeCompare(b.name)), ignored };
  } finally {
    await Promise.allSettled(pending);
    await zip.close();
  }
}

/** Waits for every promise, then rethrows the first failure: no member keeps writing after we return. */
export async function settleAll<T>(promises: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

export function memberTarget(filename: string): { appId: string; name: string } | null {
  const name = posix.basename(filename);
  const parsed = parseMemberName(name);
  if (parsed) return { appId: parsed.appId, name };
  const folder = filename.split("/")[0] ?? "";
  if (name.endsWith(".json.gz") && /^\d+$/.test(folder)) return { appId: folder, name };
  return null;
}

/**
 * Writes one member to `<stagingDir>/<appId>/<name>` byte for byte while it is decompressed and validated
 * in the same pass. `member` names it in messages and the manifest.
 */
export async function unpackMember(
  member: string,
  openSource: () => Promise<Readable>,
  target: { appId: string; name: string },
  stagingDir: string,
  options: UnpackOptions,
): Promise<MemberFile> {
  const appDir = join(stagingDir, target.appId);
  await mkdir(appDir, { recursive: true });
  const base = target.name.replace(/\.json\.gz$/, "");
  // Errors opening the source (S3 access, a missing key) pass through as they are; only damage to the
  // bytes themselves makes the member corrupt.
  const source = await openSource();
  const file = await open(join(appDir, target.name), "w").catch((error: unknown) => {
    source.destroy();
    throw error;
  });
  const copy = new CopyToFile(file);
  let stats: LineStats;
  try {
    const validation = options.validation.validate({
      file: target.name,
      rejectedLinesPath: join(appDir, "rejected", `${base}.lines`),
      rejectedReasonsPath: join(appDir, "rejected", `${base}.reasons.jsonl`),
      maxLineBytes: options.maxLineBytes,
    });
    await pipeline(source, copy, validation.sink);
    stats = await validation.done;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOSPC") throw error;
    throw new CorruptExportError(`member ${member} is damaged (${(error as Error).message})`, {
      cause: error,
    });
  } finally {
    await file.close();
  }
  return {
    appId: target.appId,
    name: target.name,
    member,
    bytes: copy.bytes,
    sha256: copy.digest(),
    ...stats,
  };
}

/** Passes chunks through unchanged after writing them to a file and a running SHA-256. */
class CopyToFile extends Transform {
  bytes = 0;
  private readonly hash = createHash("sha256");
  constructor(private readonly file: FileHandle) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    writeAll(this.file, chunk).then(() => {
      this.hash.update(chunk);
      this.bytes += chunk.length;
      callback(null, chunk);
    }, callback);
  }
  digest(): string {
    return this.hash.digest("hex");
  }
}

async function writeAll(file: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}
