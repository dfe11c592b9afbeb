import type { Readable } from "node:stream";
import { parseMemberName } from "../amplitude/member-name.ts";

/** What the lake knows of an object: enough to decide whether an upload is already done. */
export interface LakeObject {
  key: string;
  size: number;
  /** The SHA-256 (hex) recorded when it was written; null when written by something else. */
  sha256: string | null;
}

export interface PutOptions {
  size: number;
  sha256: string;
  /** Bytes sent so far, for progress. */
  onProgress?: (bytes: number) => void;
}

/**
 * Where exported files land: an S3 bucket or a local folder. Keys are `/`-separated and relative to
 * the lake's prefix; every write is verified and atomic for readers.
 */
export interface Lake {
  /** `s3://bucket/prefix` or `file:///abs/dir`, for messages. */
  readonly url: string;
  /** Fails with a configuration error when the lake cannot be reached or written (missing bucket, no access). */
  check(options?: { create?: boolean }): Promise<void>;
  head(key: string): Promise<LakeObject | null>;
  put(key: string, localPath: string, options: PutOptions): Promise<void>;
  /** Objects under `prefix` in key order; `startAfter` (a full key) skips every key up to and including it. */
  list(prefix: string, options?: { startAfter?: string }): AsyncIterable<LakeObject>;
  /** The names of the folders directly under `prefix` (`app=187520`, …), in order. */
  folders(prefix: string): Promise<string[]>;
  read(key: string): Promise<Readable>;
  /** Removes one object; a key that is not there is no error (doctor removes its probe with it). */
  delete(key: string): Promise<void>;
  /** Where a key lives, for messages: `s3://bucket/prefix/key` or a file path. */
  describe(key: string): string;
  /** The key's file on this machine, when the lake is a folder: readers can open it in place. */
  localPath?(key: string): string;
}

export const EVENTS_PREFIX = "amplitude/events/";
export const MANIFESTS_PREFIX = "amplitude/_manifests/";
export const FAILURES_PREFIX = "amplitude/_failures/";

/** Hex digits of a file's SHA-256 that tell its deliveries apart: 48 bits, so two never collide in practice. */
const DELIVERY_DIGITS = 12;

/**
 * `amplitude/events/app=<appId>/date=<YYYY-MM-DD>/hour=<HH>/<member stem>.<delivery>.json.gz`, where
 * `<delivery>` is the start of the file's SHA-256: partitions Snowflake can prune and people can read, and
 * a key of its own for every different delivery of a member. Snowpipe never loads a name twice, so a
 * re-export that changed must arrive under a new name; one that did not is the same key and is skipped.
 * `fallbackHour` (`YYYY-MM-DDTHH`) places a member whose name does not say its hour.
 */
export function eventKey(appId: string, memberName: string, sha256: string, fallbackHour: string): string {
  const parsed = parseMemberName(memberName);
  const date = parsed ? parsed.date : fallbackHour.slice(0, 10);
  const hour = parsed ? parsed.hourOfDay : fallbackHour.slice(11, 13);
  const stem = memberName.replace(/\.json\.gz$/, "");
  return `${EVENTS_PREFIX}app=${appId}/date=${date}/hour=${hour}/${stem}.${sha256.slice(0, DELIVERY_DIGITS)}.json.gz`;
}

/** The folder holding one app's manifests (or failure records). */
export function appFolder(prefix: string, appId: string): string {
  return `${prefix}app=${appId}/`;
}

/**
 * `amplitude/_manifests/app=<appId>/<uploaded>_<window start>_<window end>_<delivery>.json`, one per
 * delivery of a window. Keys begin with the upload time (`YYYYMMDDTHHMMSS.mmmZ`), so they list in the
 * order they arrived: load asks only for the keys after the last one it read, however long the history.
 */
export function manifestKey(appId: string, uploadedAt: Date, window: string, delivery: string): string {
  return `${appFolder(MANIFESTS_PREFIX, appId)}${compactTime(uploadedAt)}_${window}_${delivery}.json`;
}

export interface ManifestKeyParts {
  appId: string;
  uploadedAt: string;
  /** `YYYY-MM-DDTHH`, inclusive. */
  start: string;
  end: string;
  delivery: string;
}

const MANIFEST_KEY =
  /^amplitude\/_manifests\/app=(\d+)\/(\d{8}T\d{6}\.\d{3}Z)_(\d{4}-\d{2}-\d{2}T\d{2})_(\d{4}-\d{2}-\d{2}T\d{2})_([0-9a-f]+)\.json$/;

/** What a manifest's key says of it (the watermark needs no more than this); null for any other key. */
export function parseManifestKey(key: string): ManifestKeyParts | null {
  const match = MANIFEST_KEY.exec(key);
  if (!match) return null;
  return { appId: match[1]!, uploadedAt: match[2]!, start: match[3]!, end: match[4]!, delivery: match[5]! };
}

/** A key that sorts before every manifest uploaded at or after `time` in its app's folder. */
export function manifestKeyBefore(appId: string, time: Date): string {
  return `${appFolder(MANIFESTS_PREFIX, appId)}${compactTime(time)}`;
}

/** `20261201T183005.123Z`: sorts as it reads, and holds no character a file system refuses. */
export function compactTime(time: Date): string {
  return time.toISOString().replace(/[-:]/g, "");
}

/** `20261201T183005.123Z` back to `2026-12-01T18:30:05.123Z`. */
export function isoFromCompactTime(text: string): string {
  return text.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/, "$1-$2-$3T$4:$5:$6");
}

/** A file that no longer matches its manifest: a damaged backup, or a lake object changed after upload. */
export class DamagedBackupError extends Error {
  override readonly name = "DamagedBackupError";
}

type Digest = { size: number; sha256: string };

function mismatch(where: string, actual: Digest, expected: Digest, remedy: string) {
  return new DamagedBackupError(
    `${where} does not match its manifest (${actual.size} bytes, sha256 ${actual.sha256}; the manifest says ` +
      `${expected.size} bytes, sha256 ${expected.sha256}): ${remedy}`,
  );
}

export function damagedBackup(path: string, actual: Digest, expected: Digest) {
  return mismatch(path, actual, expected, "the backup is damaged, extract that window again");
}

/** A lake object that no longer holds what its manifest (and its content-addressed name) say. */
export function damagedLakeObject(where: string, actual: Digest, expected: Digest) {
  return mismatch(
    where,
    actual,
    expected,
    "the lake object changed after upload. Restore it with `upload --repair` from a backup that holds the " +
      "window (extract the window again if none does), then load again",
  );
}
