import { ConfigurationError } from "../errors.ts";
import type { Env } from "../config.ts";
import type { Lake } from "./lake.ts";
import { LocalLake } from "./local-lake.ts";

import { parseS3LakeUrl } from "./lake-url.ts";

export { DEFAULT_LAKE } from "./lake-url.ts";

/**
 * What a lake URL names, checked without touching it (a command checks its options before it creates
 * anything): a ConfigurationError when it is no lake.
 */
export function checkLakeUrl(
  url: string,
  env: Env,
): { kind: "file"; path: string } | { kind: "s3"; bucket: string; prefix: string } {
  if (url.startsWith("file://")) {
    const path = decodeURIComponent(url.slice("file://".length));
    if (!path) throw new ConfigurationError(`--lake ${url} names no folder: use file://DIR`);
    return { kind: "file", path };
  }
  const s3 = parseS3LakeUrl(url, env);
  if (s3) {
    if (!s3.bucket)
      throw new ConfigurationError(`--lake ${url} names no bucket and AWS_BUCKET_NAME is not set`);
    return { kind: "s3", ...s3 };
  }
  throw new ConfigurationError(
    `--lake ${JSON.stringify(url)} is not a lake: use file://DIR or s3://bucket/prefix`,
  );
}

/** `file://DIR` (relative or absolute) or `s3://bucket/prefix`; `s3://` alone takes the bucket from AWS_BUCKET_NAME. */
export async function openLake(
  url: string,
  env: Env,
  tuning: { multipartThreshold?: number; partSize?: number } = {},
): Promise<Lake> {
  const lake = checkLakeUrl(url, env);
  if (lake.kind === "file") return new LocalLake(lake.path);
  const { bucket, prefix } = lake;
  // Loaded only for an S3 lake: the SDK is a large part of start-up time.
  const { S3Lake, s3ClientFromEnv } = await import("./s3-lake.ts");
  const { client, awsChecksums } = s3ClientFromEnv(env);
  return new S3Lake({ bucket, prefix, client, awsChecksums, ...tuning });
}
