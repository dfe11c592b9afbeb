import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { ConfigurationError, errorMessage } from "../errors.ts";
import {
  FAILURES_FOLDER,
  MANIFEST_FILE,
  parseWindowFolder,
  type WindowManifest,
} from "../amplitude/extract.ts";
import { sha256OfFile } from "./digest.ts";
import { appFolder, eventKey, FAILURES_PREFIX, manifestKey, type Lake } from "./lake.ts";
import { deliveryId, listManifestKeys, manifestText, type LakeManifest } from "./manifest.ts";

export interface UploadOptions {
  lake: Lake;
  /** The backup folder (`data/exports`) or a downloaded run artifact holding the same layout. */
  from: string;
  concurrency?: number;
  /**
   * A repair tool, not part of the normal path: look at every file of every window, deliveries already
   * complete included, and put back the backup's bytes where a lake object does not hold what its
   * content-addressed key says (someone changed it by hand, or a disk damaged it).
   */
  repair?: boolean;
  reporter?: UploadReporter;
  /** Stops starting new files once aborted; files already under way finish. */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface UploadReporter {
  fileStarted?(key: string, bytes: number): void;
  fileProgress?(key: string, sent: number, bytes: number): void;
  fileFinished?(key: string, outcome: "uploaded" | "skipped" | "failed", bytes: number): void;
  /** A window's delivery: `uploaded` wrote its manifest, `present` found it in the lake already. */
  windowFinished?(event: {
    appId: string;
    window: string;
    delivery: string;
    outcome: "uploaded" | "present" | "failed";
    /** Files in the delivery; of them, uploaded (`files`), already there, and failed. */
    total: number;
    files: number;
    skipped: number;
    failed: number;
    bytes: number;
  }): void;
}

export interface UploadSummary {
  /** Data files written to the lake by this run. */
  files: number;
  bytes: number;
  /** Data files the lake already held, byte for byte. */
  skipped: number;
  /** Window deliveries whose files are all in the lake (their manifests are there). */
  windows: number;
  /** Of those, the deliveries this run completed (it wrote their manifests). */
  deliveries: number;
  failures: Array<{ key: string; error: string }>;
}

interface WindowBackup {
  folder: string;
  manifest: WindowManifest;
}

/**
 * Copies every backed-up window into the lake, its files under content-addressed keys, then its manifest.
 * A re-export is normal: files with the same bytes are the same keys and are skipped; files that changed
 * get keys of their own, as does the new delivery's manifest. Nothing in the lake is overwritten or
 * deleted. Re-running after a crash finishes the job without duplicates.
 */
export async function upload(options: UploadOptions): Promise<UploadSummary> {
  const { lake } = options;
  await lake.check();
  const backups = await findWindows(options.from);
  const summary: UploadSummary = { files: 0, bytes: 0, skipped: 0, windows: 0, deliveries: 0, failures: [] };
  const limit = pLimit(options.concurrency ?? 4);
  // A backfill can hold hundreds of windows: list a few at a time, not all at once.
  const listing = pLimit(4);
  const now = options.now ?? (() => new Date());
  const byApp = new Map<string, WindowBackup[]>();
  for (const backup of backups) {
    const list = byApp.get(backup.manifest.app_id) ?? [];
    list.push(backup);
    byApp.set(backup.manifest.app_id, list);
  }
  for (const [appId, windows] of byApp) {
    // One listing of the app's manifests says which deliveries are complete and what each supersedes.
    const existing = await listManifestKeys(lake, appId);
    const present = new Set(existing.map((key) => key.delivery));
    await Promise.all(
      windows.map(async ({ folder, manifest }) => {
        const delivery = deliveryId(manifest);
        const window = `${manifest.window.start}_${manifest.window.end}`;
        let failed = 0;
        const report = (
          outcome: "uploaded" | "present" | "failed",
          files: number,
          skipped: number,
          bytes: number,
        ) =>
          options.reporter?.windowFinished?.({
            appId,
            window,
            delivery,
            outcome,
            total: manifest.files.length,
            files,
            skipped,
            failed,
            bytes,
          });
        if (present.has(delivery) && !options.repair) {
          summary.skipped += manifest.files.length;
          summary.windows += 1;
          report("present", 0, manifest.files.length, 0);
          return;
        }
        const keys = manifest.files.map((file) =>
          eventKey(appId, file.name, file.sha256, manifest.window.start),
        );
        const inLake = await listing(() => presentKeys(lake, keys));
        let uploaded = 0;
        let skipped = 0;
        let bytes = 0;
        const results = await Promise.all(
          manifest.files.map((file, index) =>
            limit(async () => {
              const key = keys[index]!;
              if (options.signal?.aborted) return false;
              try {
                const outcome = await putIfNeeded(
                  lake,
                  key,
                  inLake.has(key),
                  join(folder, file.name),
                  file,
                  options,
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
                // Only the user can fix a configuration error, and it would fail every file alike: stop.
                if (error instanceof ConfigurationError) throw error;
                summary.failures.push({ key, error: errorMessage(error) });
                failed += 1;
                options.reporter?.fileFinished?.(key, "failed", file.bytes);
                return false;
              }
            }),
          ),
        );
        summary.files += uploaded;
        summary.bytes += bytes;
        summary.skipped += skipped;
        // The manifest goes last: its presence in the lake says the whole delivery is there.
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
        const lakeManifest: LakeManifest = {
          ...manifest,
          manifest_version: 2,
          delivery,
          uploaded_at: uploadedAt.toISOString(),
          supersedes: supersededBy(manifest, existing),
          files: manifest.files.map((file, index) => ({ ...file, key: keys[index]! })),
        };
        await putJson(lake, manifestKey(appId, uploadedAt, window, delivery), lakeManifest);
        summary.windows += 1;
        summary.deliveries += 1;
        report("uploaded", uploaded, skipped, bytes);
      }),
    );
    await uploadFailures(lake, options.from, appId);
  }
  return summary;
}

/** The latest earlier delivery of each window that overlaps this one. */
function supersededBy(
  manifest: WindowManifest,
  existing: Awaited<ReturnType<typeof listManifestKeys>>,
): string[] {
  const latest = new Map<string, string>();
  for (const earlier of existing) {
    const overlaps = earlier.start <= manifest.window.end && earlier.end >= manifest.window.start;
    // Keys list in upload order: a later one of the same window replaces an earlier one.
    if (overlaps) latest.set(`${earlier.start}_${earlier.end}`, earlier.key);
  }
  return [...latest.values()];
}

export async function putJson(lake: Lake, key: string, value: unknown): Promise<void> {
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

/**
 * Failure records say since when an hour has failed; the lake keeps them for the runs that come after,
 * on other machines. Their names are unique per failure, so one already there is the same record.
 */
async function uploadFailures(lake: Lake, from: string, appId: string): Promise<void> {
  const names = await readdir(join(from, appId, FAILURES_FOLDER)).catch(() => []);
  const folder = appFolder(FAILURES_PREFIX, appId);
  const present = new Set<string>();
  for await (const object of lake.list(folder)) present.add(object.key);
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    const key = `${folder}${name}`;
    if (present.has(key)) continue;
    const path = join(from, appId, FAILURES_FOLDER, name);
    await lake.put(key, path, { size: (await stat(path)).size, sha256: await sha256OfFile(path) });
  }
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
    if (!options.repair) {
      // The key holds the content's own hash: a different object under it was damaged or written by hand.
      throw new ConflictError(
        `${lake.describe(key)} holds ${existing.size} bytes (sha256 ${existing.sha256 ?? "unknown"}), not the ` +
          `${file.bytes} bytes (sha256 ${file.sha256}) its name promises: something other than upload changed it. ` +
          "Run `upload --repair` to put the backup's bytes back under that name",
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
      windows.push({ folder, manifest });
    }
  }
  return windows;
}
