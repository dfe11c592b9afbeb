import { ConfigurationError } from "../errors.ts";
import type { Env } from "../config.ts";
import type { Lake } from "./lake.ts";
import { LocalLake } from "./local-lake.ts";
import { S3Lake, s3ClientFromEnv } from "./s3-lake.ts";

export const DEFAULT_LAKE = "file://data/lake";

/** The lake a command uses when `--lake` is not given: the team's bucket when configured, else the local folder. */
export function defaultLakeUrl(env: Env): string {
  return env.AWS_BUCKET_NAME ? `s3://${env.AWS_BUCKET_NAME}/` : DEFAULT_LAKE;
}

/** `file://DIR` (relative or absolute) or `s3://bucket/prefix`; `s3://` alone takes the bucket from AWS_BUCKET_NAME. */
export function openLake(
  url: string,
  env: Env,
  tuning: { multipartThreshold?: number; partSize?: number } = {},
): Lake {
  if (url.startsWith("file://")) {
    const path = decodeURIComponent(url.slice("file://".length));
    if (!path) throw new ConfigurationError(`--lake ${url} names no folder: use file://DIR`);
    return new LocalLake(path);
  }
  const s3 = /^s3:\/\/([^/]*)\/?(.*)$/.exec(url);
  if (s3) {
    const bucket = s3[1] || env.AWS_BUCKET_NAME;
    if (!bucket) throw new ConfigurationError(`--lake ${url} names no bucket and AWS_BUCKET_NAME is not set`);
    const { client, awsChecksums } = s3ClientFromEnv(env);
    return new S3Lake({ bucket, prefix: s3[2]!.replace(/\/+$/, ""), client, awsChecksums, ...tuning });
  }
  throw new ConfigurationError(
    `--lake ${JSON.stringify(url)} is not a lake: use file://DIR or s3://bucket/prefix`,
  );
}
