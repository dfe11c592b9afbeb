import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "../errors.ts";
import { compactTime, MANIFESTS_PREFIX, type Lake } from "./lake.ts";

/**
 * Objects other than events, as the lake and the warehouse name them: a full snapshot of each per run
 * (cohort members: one per cohort), under `amplitude/<object>/app=<appId>/[cohort=<id>/]`.
 */
export type SnapshotObject = "event_types" | "event_categories" | "cohorts" | "cohort_members";
export const SNAPSHOT_OBJECTS: readonly SnapshotObject[] = [
  "event_types",
  "event_categories",
  "cohorts",
  "cohort_members",
];

/** The group of `extract --objects` that takes a new snapshot of each object. */
export const SNAPSHOT_GROUP: Record<SnapshotObject, "taxonomy" | "cohorts"> = {
  event_types: "taxonomy",
  event_categories: "taxonomy",
  cohorts: "cohorts",
  cohort_members: "cohorts",
};

/** `<out>/<appId>/_objects/`: the backup folder's snapshots, beside the event windows. */
export const OBJECTS_FOLDER = "_objects";
export const SNAPSHOT_MANIFEST_FILE = "manifest.json";
/** Hex digits of the SHA-256 of a snapshot's uncompressed NDJSON: the same content, the same delivery. */
export const SNAPSHOT_DELIVERY_DIGITS = 12;

/** One snapshot, as its keys and folder names say: enough to place its file and its manifest. */
export interface SnapshotId {
  object: SnapshotObject;
  appId: string;
  /** cohort_members only. */
  cohortId?: string;
  /** `compactTime(date)`: `20261201T183005.123Z`. */
  takenAt: string;
  /** 12 hex digits. */
  delivery: string;
}

/** The manifest of one snapshot: in the backup folder beside its file, and in the lake after it. */
export interface SnapshotManifest {
  manifest_version: 2;
  kind: "snapshot";
  object: SnapshotObject;
  app_id: string;
  /** ISO time the snapshot was taken (the run's clock). */
  taken_at: string;
  run_id: string;
  /** `GET /api/2/taxonomy/event`, …: where the records came from. */
  request: string;
  delivery: string;
  /** cohort_members only. */
  cohort?: { id: string; name: string; last_computed: string | null };
  totals: { files: number; bytes: number; lines: number; records: number };
  files: Array<{
    name: string;
    /** Lake manifests only. */
    key?: string;
    bytes: number;
    /** SHA-256 of the gzip file as stored. */
    sha256: string;
    lines: number;
    records: number;
  }>;
  /** Lake manifests only. */
  uploaded_at?: string;
}

/** The latest snapshot of one folder (object + app [+ cohort]), with where its manifest is. */
export interface LatestSnapshot extends SnapshotId {
  /** The lake key of the manifest, or its path in the backup folder. */
  location: string;
  manifest: SnapshotManifest;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const TAKEN_AT = String.raw`\d{8}T\d{6}\.\d{3}Z`;
const DELIVERY = String.raw`[0-9a-f]{${SNAPSHOT_DELIVERY_DIGITS}}`;
const OBJECT = "event_types|event_categories|cohorts|cohort_members";
const FILE_KEY = new RegExp(
  String.raw`^amplitude\/(${OBJECT})\/app=(\d+)\/(?:cohort=([^/]+)\/)?(${TAKEN_AT})_(${DELIVERY})\.json\.gz$`,
);
const MANIFEST_KEY = new RegExp(
  String.raw`^amplitude\/_manifests\/(${OBJECT})\/app=(\d+)\/(?:cohort=([^/]+)\/)?(${TAKEN_AT})_(${DELIVERY})\.json$`,
);
const FOLDER_NAME = new RegExp(String.raw`^(${TAKEN_AT})_(${DELIVERY})$`);

export function isSnapshotObject(name: string): name is SnapshotObject {
  return (SNAPSHOT_OBJECTS as readonly string[]).includes(name);
}

/**
 * A cohort id goes into keys and folder names: anything but letters, digits, `_`, `.` and `-` (Amplitude's
 * ids are short alphanumerics) would make a key that means something else, so it is refused.
 */
export function checkCohortId(cohortId: string): string {
  if (!SAFE_ID.test(cohortId) || cohortId.length > 200) {
    throw new Error(
      `cohort id ${JSON.stringify(cohortId)} cannot be part of a lake key (only letters, digits, _ . -): ` +
        "report it as a bug with the cohort's id",
    );
  }
  return cohortId;
}

function cohortSegment(object: SnapshotObject, cohortId: string | undefined): string {
  if (object !== "cohort_members") return "";
  if (cohortId === undefined) throw new Error("a cohort_members snapshot needs its cohort id");
  return `cohort=${checkCohortId(cohortId)}/`;
}

/** `amplitude/<object>/app=<appId>/[cohort=<id>/]`: the folder whose greatest key is the latest snapshot. */
export function snapshotFolderKey(object: SnapshotObject, appId: string, cohortId?: string): string {
  return `amplitude/${object}/app=${appId}/${cohortSegment(object, cohortId)}`;
}

/** `amplitude/<object>/app=<appId>/[cohort=<id>/]<takenAt>_<delivery>.json.gz`. */
export function snapshotFileKey(id: SnapshotId): string {
  return `${snapshotFolderKey(id.object, id.appId, id.cohortId)}${id.takenAt}_${id.delivery}.json.gz`;
}

/** `amplitude/_manifests/<object>/app=<appId>/[cohort=<id>/]`. */
export function snapshotManifestFolderKey(object: SnapshotObject, appId: string, cohortId?: string): string {
  return `${MANIFESTS_PREFIX}${object}/app=${appId}/${cohortSegment(object, cohortId)}`;
}

/** `amplitude/_manifests/<object>/app=<appId>/[cohort=<id>/]<takenAt>_<delivery>.json`. */
export function snapshotManifestKey(id: SnapshotId): string {
  return `${snapshotManifestFolderKey(id.object, id.appId, id.cohortId)}${id.takenAt}_${id.delivery}.json`;
}

function parse(match: RegExpExecArray | null): SnapshotId | null {
  if (!match) return null;
  const object = match[1] as SnapshotObject;
  const cohortId = match[3];
  // A cohort folder belongs to cohort_members only, and cohort_members always has one.
  if ((object === "cohort_members") !== (cohortId !== undefined)) return null;
  return {
    object,
    appId: match[2]!,
    ...(cohortId === undefined ? {} : { cohortId }),
    takenAt: match[4]!,
    delivery: match[5]!,
  };
}

/** What a snapshot file's key says of it; null for any other key (event files among them). */
export function parseSnapshotFileKey(key: string): SnapshotId | null {
  return parse(FILE_KEY.exec(key));
}

/** What a snapshot manifest's key says of it; null for any other key (window manifests among them). */
export function parseSnapshotManifestKey(key: string): SnapshotId | null {
  return parse(MANIFEST_KEY.exec(key));
}

/** The snapshot's file name in the backup folder and in its manifest's `files[].name`. */
export function snapshotFileName(object: SnapshotObject): string {
  return object === "cohort_members" ? "members.json.gz" : `${object}.json.gz`;
}

/** `<takenAt>_<delivery>`: a snapshot's folder name in the backup. */
export function snapshotFolderName(takenAt: Date | string, delivery: string): string {
  return `${typeof takenAt === "string" ? takenAt : compactTime(takenAt)}_${delivery}`;
}

export function parseSnapshotFolderName(name: string): { takenAt: string; delivery: string } | null {
  const match = FOLDER_NAME.exec(name);
  return match ? { takenAt: match[1]!, delivery: match[2]! } : null;
}

/** `<out>/<appId>/_objects/<object>/[cohort=<id>/]`: the folder holding an object's snapshot folders. */
export function backupObjectFolder(
  outDir: string,
  appId: string,
  object: SnapshotObject,
  cohortId?: string,
): string {
  const cohort = cohortSegment(object, cohortId);
  return join(outDir, appId, OBJECTS_FOLDER, object, ...(cohort ? [cohort.slice(0, -1)] : []));
}

/** `<out>/<appId>/_objects/<object>/[cohort=<id>/]<takenAt>_<delivery>/`. */
export function backupSnapshotFolder(outDir: string, id: SnapshotId): string {
  return join(
    backupObjectFolder(outDir, id.appId, id.object, id.cohortId),
    snapshotFolderName(id.takenAt, id.delivery),
  );
}

/** The id a latest-snapshot map is keyed by: the lake folder of the object (and cohort). */
export function snapshotSlot(object: SnapshotObject, appId: string, cohortId?: string): string {
  return snapshotFolderKey(object, appId, cohortId);
}

/**
 * The latest snapshot manifest of every object (and of every cohort's members) the lake holds, keyed by
 * `snapshotSlot(...)`; one app's only when `appId` is given. One listing per object, then one read per
 * folder: the greatest key of a folder is its latest snapshot.
 */
export async function latestSnapshots(lake: Lake, appId?: string): Promise<Map<string, LatestSnapshot>> {
  const greatest = new Map<string, { id: SnapshotId; key: string }>();
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
  const latest = new Map<string, LatestSnapshot>();
  for (const [slot, { id, key }] of greatest) {
    const manifest = await readLakeSnapshotManifest(lake, key);
    latest.set(slot, { ...id, location: key, manifest });
  }
  return latest;
}

/** Reads one snapshot manifest from the lake; a file that is not one is an error naming it. */
export async function readLakeSnapshotManifest(lake: Lake, key: string): Promise<SnapshotManifest> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await lake.read(key)) chunks.push(chunk as Buffer);
    return checkManifest(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch (error) {
    throw new Error(
      `${lake.describe(key)} cannot be read as a snapshot manifest (${errorMessage(error)}): ` +
        "upload that snapshot again from a backup that holds it, or remove the manifest so the next run takes a new one",
    );
  }
}

/** Reads one snapshot manifest from the backup folder. */
export async function readBackupSnapshotManifest(folder: string): Promise<SnapshotManifest> {
  const path = join(folder, SNAPSHOT_MANIFEST_FILE);
  try {
    return checkManifest(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    throw new Error(
      `${path} cannot be read as a snapshot manifest (${errorMessage(error)}): the backup of that snapshot is ` +
        "damaged; remove its folder and extract again",
    );
  }
}

function checkManifest(value: unknown): SnapshotManifest {
  const manifest = value as SnapshotManifest;
  if (
    !manifest ||
    manifest.manifest_version !== 2 ||
    manifest.kind !== "snapshot" ||
    !isSnapshotObject(manifest.object) ||
    !Array.isArray(manifest.files)
  ) {
    throw new Error("not a snapshot manifest this version understands");
  }
  return manifest;
}

/**
 * Every snapshot folder of one app in the backup folder, oldest first within each object (and cohort).
 * Only complete ones: a snapshot folder is renamed into place with its manifest already inside.
 */
export async function backupSnapshots(outDir: string, appId: string): Promise<SnapshotId[]> {
  const found: SnapshotId[] = [];
  const root = join(outDir, appId, OBJECTS_FOLDER);
  const names = async (dir: string) =>
    (await readdir(dir, { withFileTypes: true }).catch(() => []))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  for (const object of SNAPSHOT_OBJECTS) {
    const objectDir = join(root, object);
    const folders: Array<{ dir: string; cohortId?: string }> =
      object === "cohort_members"
        ? (await names(objectDir))
            .map((name) => /^cohort=(.+)$/.exec(name)?.[1])
            .filter((id): id is string => id !== undefined && SAFE_ID.test(id))
            .sort()
            .map((cohortId) => ({ dir: join(objectDir, `cohort=${cohortId}`), cohortId }))
        : [{ dir: objectDir }];
    for (const { dir, cohortId } of folders) {
      for (const name of (await names(dir)).sort()) {
        const parts = parseSnapshotFolderName(name);
        if (!parts) continue;
        found.push({ object, appId, ...(cohortId === undefined ? {} : { cohortId }), ...parts });
      }
    }
  }
  return found;
}

/**
 * The latest snapshot of every object (and every cohort's members) in one app's backup folder, keyed by
 * `snapshotSlot(...)`: the greatest folder name of each.
 */
export async function latestBackupSnapshots(
  outDir: string,
  appId: string,
): Promise<Map<string, LatestSnapshot>> {
  const greatest = new Map<string, SnapshotId>();
  for (const id of await backupSnapshots(outDir, appId)) {
    greatest.set(snapshotSlot(id.object, id.appId, id.cohortId), id);
  }
  const latest = new Map<string, LatestSnapshot>();
  for (const [slot, id] of greatest) {
    const folder = backupSnapshotFolder(outDir, id);
    latest.set(slot, {
      ...id,
      location: join(folder, SNAPSHOT_MANIFEST_FILE),
      manifest: await readBackupSnapshotManifest(folder),
    });
  }
  return latest;
}

/** A snapshot's delivery from the SHA-256 (hex) of its uncompressed NDJSON text. */
export function snapshotDelivery(ndjsonSha256: string): string {
  return ndjsonSha256.slice(0, SNAPSHOT_DELIVERY_DIGITS);
}

/** The objects whose snapshots say when a group was last taken: every object of the group but the members. */
export const GROUP_OBJECTS: Record<"taxonomy" | "cohorts", readonly SnapshotObject[]> = {
  taxonomy: ["event_types", "event_categories"],
  cohorts: ["cohorts"],
};

/**
 * When each object's latest snapshot was taken (`compactTime`), from the keys alone: the lake's manifest
 * names (one listing per object) and the backup folder's snapshot folders, the later of the two. A snapshot
 * that failed or was skipped left no manifest and does not count. Cohort members are not listed: a group is
 * dated by its cohort list, taken whole each time.
 */
export async function latestSnapshotTimes(
  outDir: string,
  appId: string,
  lake?: Lake,
): Promise<Map<SnapshotObject, string>> {
  const latest = new Map<SnapshotObject, string>();
  const see = (object: SnapshotObject, takenAt: string) => {
    if (object === "cohort_members") return;
    if (takenAt > (latest.get(object) ?? "")) latest.set(object, takenAt);
  };
  if (lake) {
    for (const object of [...GROUP_OBJECTS.taxonomy, ...GROUP_OBJECTS.cohorts]) {
      for await (const entry of lake.list(snapshotManifestFolderKey(object, appId))) {
        const id = parseSnapshotManifestKey(entry.key);
        if (id && id.object === object) see(object, id.takenAt);
      }
    }
  }
  for (const id of await backupSnapshots(outDir, appId)) see(id.object, id.takenAt);
  return latest;
}
