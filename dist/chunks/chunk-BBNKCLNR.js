import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  LocalLake
} from "./chunk-DXSNQUSF.js";
import {
  parseS3LakeUrl
} from "./chunk-KPXTYR3X.js";
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";

// src/lake/open-lake.ts
async function openLake(url, env, tuning = {}) {
  if (url.startsWith("file://")) {
    const path = decodeURIComponent(url.slice("file://".length));
    if (!path) throw new ConfigurationError(`--lake ${url} names no folder: use file://DIR`);
    return new LocalLake(path);
  }
  const s3 = parseS3LakeUrl(url, env);
  if (s3) {
    const { bucket, prefix } = s3;
    if (!bucket) throw new ConfigurationError(`--lake ${url} names no bucket and AWS_BUCKET_NAME is not set`);
    const { S3Lake, s3ClientFromEnv } = await import("./s3-lake-UT7R2VGM.js");
    const { client, awsChecksums } = s3ClientFromEnv(env);
    return new S3Lake({ bucket, prefix, client, awsChecksums, ...tuning });
  }
  throw new ConfigurationError(
    `--lake ${JSON.stringify(url)} is not a lake: use file://DIR or s3://bucket/prefix`
  );
}

export {
  openLake
};
