import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  LocalLake
} from "./chunk-JXLVV3XL.js";
import {
  parseS3LakeUrl
} from "./chunk-X6Q3NHRZ.js";
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";

// src/lake/open-lake.ts
function checkLakeUrl(url, env) {
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
    `--lake ${JSON.stringify(url)} is not a lake: use file://DIR or s3://bucket/prefix`
  );
}
async function openLake(url, env, tuning = {}) {
  const lake = checkLakeUrl(url, env);
  if (lake.kind === "file") return new LocalLake(lake.path);
  const { bucket, prefix } = lake;
  const { S3Lake, s3ClientFromEnv } = await import("./s3-lake-VJYU6IW7.js");
  const { client, awsChecksums } = s3ClientFromEnv(env);
  return new S3Lake({ bucket, prefix, client, awsChecksums, ...tuning });
}

export {
  checkLakeUrl,
  openLake
};
