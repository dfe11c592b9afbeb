/** The embedded default lake (DESIGN.md); `--lake s3://` with no bucket takes AWS_BUCKET_NAME. */
export const DEFAULT_LAKE = "file://data/lake";

/**
 * `s3://bucket/prefix` into its parts, the prefix without leading or trailing slashes; `s3://` alone
 * takes the bucket from AWS_BUCKET_NAME (or `fallbackBucket`). Null when the URL is not `s3://`; the
 * bucket is "" when none is named anywhere.
 */
export function parseS3LakeUrl(
  url: string,
  env: Record<string, string | undefined>,
  fallbackBucket?: string,
): { bucket: string; prefix: string } | null {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(url);
  if (!match) return null;
  return {
    bucket: match[1] || env.AWS_BUCKET_NAME || fallbackBucket || "",
    prefix: match[2]!.replace(/^\/+|\/+$/g, ""),
  };
}
