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
  check(): Promise<void>;
  head(key: string): Promise<LakeObject | null>;
  put(key: string, localPath: string, options: PutOptions): Promise<void>;
  list(prefix: string): AsyncIterable<LakeObject>;
  read(key: string): Promise<Readable>;
  /** Where a key lives, for messages: `s3://bucket/prefix/key` or a file path. */
  describe(key: string): string;
  /** The key's file on this machine, when the lake is a folder: readers can open it in place. */
  localPath?(key: string): string;
}

/**
 * `amplitude/events/app=<appId>/date=<YYYY-MM-DD>/hour=<HH>/<member name>`: partitions Snowflake can prune
 * and people can read. `fallbackHour` (`YYYY-MM-DDTHH`) places a member whose name does not say its hour.
 */
export function eventKey(appId: string, memberName: string, fallbackHour: string): string {
  const parsed = parseMemberName(memberName);
  const date = parsed ? parsed.date : fallbackHour.slice(0, 10);
  const hour = parsed ? parsed.hourOfDay : fallbackHour.slice(11, 13);
  return `amplitude/events/app=${appId}/date=${date}/hour=${hour}/${memberName}`;
}

/** Manifests sit beside the events, one per exported window. */
export function manifestKey(appId: string, window: string): string {
  return `amplitude/_manifests/app=${appId}/${window}.json`;
}

/** A backed-up file that no longer matches its manifest: that window must be extracted again. */
export class DamagedBackupError extends Error {
  override readonly name = "DamagedBackupError";
}

export function damagedBackup(
  path: string,
  actual: { size: number; sha256: string },
  expected: { size: number; sha256: string },
) {
  return new DamagedBackupError(
    `${path} does not match its manifest (${actual.size} bytes, sha256 ${actual.sha256}; the manifest says ` +
      `${expected.size} bytes, sha256 ${expected.sha256}): the backup is damaged, extract that window again`,
  );
}
