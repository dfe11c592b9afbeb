/** The embedded default lake (DESIGN.md); `--lake s3://` with no bucket takes AWS_BUCKET_NAME. */
export const DEFAULT_LAKE = "file://data/lake";
