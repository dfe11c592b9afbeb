import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { MANIFEST_FILE, parseWindowFolder, type WindowManifest } from "../amplitude/extract.ts";
import { eventKey, manifestKey, type Lake } from "./lake.ts";

export interface UploadOptions {
  lake: Lake;
  /** The backup folder (`data/exports`) or a downloaded run artifact holding the same layout. */
  from: string;
  /** Replace lake files whose content differs instead of failing. */
  overwrite?: boolean;
  concurrency?: number;
  reporter?: UploadReporter;
  /** Stops starting new files once aborted; files already under way finish. */
  signal?: AbortSignal;
}

export interface UploadReporter {
  fileStarted?(key: string, bytes: number): void;
  fileProgress?(key: string, sent: number, bytes: number): void;
  fileFinished?(key: string, outcome: "uploaded" | "skipped" | "failed", bytes: number): void;
}

export interface UploadSummary {
  /** Data files written to the lake by this run. */
  files: number;
  bytes: number;
  /** Data files the lake already held, byte for byte. */
  skipped: number;
  /** Windows whose files are all in the lake (their manifests were written). */
  windows: number;
  failures: Array<{ key: string; error: string }>;
}

interface WindowBackup {
  folder: string;
  manifest: WindowManifest;
  manifestPath: string;
}

/**
 * Copies every backed-up window into the lake under the partitioned key layout, then its manifest.
 * Idempotent: a file already there with the same size and checksum is skipped; a different one is an
 * error unless `overwrite`. Re-running after a crash finishes the job without duplicates.
 */
export async function upload(options: UploadOptions): Promise<UploadSummary> {
  const { lake } = options;
  await lake.check();
  const windows = await findWindows(options.from);
  const summary: UploadSummary = { files: 0, bytes: 0, skipped: 0, windows: 0, failures: [] };
  const limit = pLimit(options.concurrency ?? 4);
  // A backfill can hold hundreds of windows: list a few at a time, not all at once.
  const listing = pLimit(4);
  await Promise.all(
    windows.map(async (backup) => {
      const { manifest } = backup;
      const keys = manifest.files.map((file) => eventKey(manifest.app_id, file.name, manifest.window.start));
      // One listing per window tells which keys exist; only those need a closer look.
      const present = await listing(() => presentKeys(lake, keys));
      const results = await Promise.all(
        manifest.files.map((file, index) =>
          limit(async () => {
            const key = keys[index]!;
            if (options.signal?.aborted) return false;
            try {
              const outcome = await putIfNeeded(
                lake,
                key,
                present.has(key),
                join(backup.folder, file.name),
                file,
                options,
              );
              if (outcome === "uploaded") {
                summary.files += 1;
                summary.bytes += file.bytes;
              } else {
                summary.skipped += 1;
              }
              options.reporter?.fileFinished?.(key, outcome, file.bytes);
              return true;
            } catch (error) {
              // Only the user can fix a configuration error, and it would fail every file alike: stop.
              if (error instanceof ConfigurationError) throw error;
              summary.failures.push({ key, error: errorMessage(error) });
              options.reporter?.fileFinished?.(key, "failed", file.bytes);
              return false;
            }
          }),
        ),
      );
      // The manifest goes last: its presence in the lake says the whole window is there.
      if (!results.every(Boolean)) return;
      const key = manifestKey(manifest.app_id, `${manifest.window.start}_${manifest.window.end}`);
      const content = await readFile(backup.manifestPath);
      const bytes = content.length;
      const sha256 = createHash("sha256").update(content).digest("hex");
      const existing = await lake.head(key);
      // A manifest describes the latest extraction of its window, so a newer one replaces an older one.
      if (!existing || existing.size !== bytes || (existing.sha256 !== null && existing.sha256 !== sha256)) {
        await lake.put(key, backup.manifestPath, { size: bytes, sha256 });
      }
      summary.windows += 1;
    }),
  );
  return summary;
}

async function putIfNeeded(
  lake: Lake,
  key: string,
  listed: boolean,
  path: string,
  file: WindowManifest["files"][number],
  options: UploadOptions,
): Promise<"uploaded" | "skipped"> {
  const existing = listed ? await lake.head(key) : null;
  if (existing) {
    const same =
      existing.size === file.bytes && (existing.sha256 === null || existing.sha256 === file.sha256);
    if (same) return "skipped";
    if (!options.overwrite) {
      throw new ConflictError(
        `${lake.describe(key)} already holds different content (${existing.size} bytes, sha256 ${existing.sha256 ?? "unknown"}) ` +
          `than ${path} (${file.bytes} bytes, sha256 ${file.sha256}): Amplitude re-delivered that hour differently; ` +
          "run upload with --overwrite to replace it",
      );
    }
  }
  options.reporter?.fileStarted?.(key, file.bytes);
  await lake.put(key, path, {
    size: file.bytes,
    sha256: file.sha256,
    onProgress: (sent) => options.reporter?.fileProgress?.(key, sent, file.bytes),
  });
  return "uploaded";
}

/** The keys among `keys` that the lake holds, found with one listing per partition folder. */
async function presentKeys(lake: Lake, keys: string[]): Promise<Set<string>> {
  const wanted = new Set(keys);
  const folders = new Set(
    keys.map((key) => key.slice(0, key.lastIndexOf("/") + 1).replace(/hour=\d+\/$/, "")),
  );
  const present = new Set<string>();
  for (const folder of folders) {
    for await (const object of lake.list(folder)) if (wanted.has(object.key)) present.add(object.key);
  }
  return present;
}

export class ConflictError extends Error {
  override readonly name = "ConflictError";
}

/** Every `<appId>/<window>/manifest.json` below `from`, oldest window first. */
export async function findWindows(from: string): Promise<WindowBackup[]> {
  let apps: string[];
  try {
    apps = (await readdir(from, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
      .map((e) => e.name);
  } catch {
    throw new ConfigurationError(
      `${from} is not a backup folder: run extract first, or point --from at a downloaded run artifact`,
    );
  }
  const windows: WindowBackup[] = [];
  for (const app of apps.sort()) {
    const names = (await readdir(join(from, app))).filter((n) => parseWindowFolder(n) !== null).sort();
    for (const name of names) {
      const folder = join(from, app, name);
      const manifestPath = join(folder, MANIFEST_FILE);
      let manifest: WindowManifest;
      try {
        manifest = JSON.parse(await readFile(manifestPath, "utf8")) as WindowManifest;
      } catch (error) {
        throw new ConfigurationError(
          `${manifestPath} cannot be read (${errorMessage(error)}): the backup of that window is incomplete, extract it again`,
        );
      }
      windows.push({ folder, manifest, manifestPath });
    }
  }
  return windows;
}
