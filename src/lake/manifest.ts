import { createHash } from "node:crypto";
import type { WindowManifest } from "../amplitude/extract.ts";
import { errorMessage } from "../errors.ts";
import { appFolder, MANIFESTS_PREFIX, parseManifestKey, type Lake, type ManifestKeyParts } from "./lake.ts";

/**
 * A window manifest as the lake holds it: the backup's manifest plus where each file went, which delivery
 * of the window this is, and which earlier deliveries of overlapping windows it supersedes. Written after
 * all its files, so its presence means the delivery is complete. A manifest with no files records an
 * empty (404) window: its hours are done too.
 */
export interface LakeManifest extends Omit<WindowManifest, "manifest_version" | "files"> {
  manifest_version: 2;
  delivery: string;
  uploaded_at: string;
  /** Keys of the latest earlier delivery of each window this one overlaps. */
  supersedes: string[];
  files: Array<WindowManifest["files"][number] & { key: string }>;
}

/**
 * The id of a window's delivery: a hash of the window and of its files' contents. An identical re-export
 * has the same id and is skipped whole; a re-export whose bytes changed is a delivery of its own.
 */
export function deliveryId(manifest: Pick<WindowManifest, "app_id" | "window" | "files">): string {
  const files = manifest.files.map((file) => `${file.name}:${file.sha256}`).sort();
  const text = JSON.stringify([manifest.app_id, manifest.window.start, manifest.window.end, files]);
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/**
 * Every manifest key of one app (or only those after `startAfter`), in the order they arrived; with
 * `limit`, the listing stops after that many.
 */
export async function listManifestKeys(
  lake: Lake,
  appId: string,
  startAfter?: string,
  limit = Infinity,
): Promise<Array<ManifestKeyParts & { key: string }>> {
  const keys: Array<ManifestKeyParts & { key: string }> = [];
  for await (const object of lake.list(appFolder(MANIFESTS_PREFIX, appId), { startAfter })) {
    const parts = parseManifestKey(object.key);
    if (parts) keys.push({ ...parts, key: object.key });
    if (keys.length >= limit) break;
  }
  return keys;
}

/** The apps the lake holds manifests for (`app=<id>` folders). */
export async function lakeApps(lake: Lake): Promise<string[]> {
  return (await lake.folders(MANIFESTS_PREFIX))
    .map((name) => /^app=(\d+)$/.exec(name)?.[1])
    .filter((id): id is string => id !== undefined);
}

/**
 * A manifest as the lake stores it: one compact JSON line. The manifests pipe reads each file as JSON
 * documents (raw.amplitude_manifest_json, one row per document): a single line is one document whatever
 * a reader splits on, and smaller.
 */
export function manifestText(manifest: unknown): string {
  return JSON.stringify(manifest) + "\n";
}

/** Reads one manifest, small enough to hold whole; a file that is not one is an error naming it. */
export async function readLakeManifest(lake: Lake, key: string): Promise<LakeManifest> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await lake.read(key)) chunks.push(chunk as Buffer);
    const manifest = JSON.parse(Buffer.concat(chunks).toString("utf8")) as LakeManifest;
    if (manifest.manifest_version !== 2 || !Array.isArray(manifest.files)) {
      throw new Error("not a manifest this version understands");
    }
    return manifest;
  } catch (error) {
    throw new Error(
      `${lake.describe(key)} cannot be read as a window manifest (${errorMessage(error)}): upload that window again`,
    );
  }
}
