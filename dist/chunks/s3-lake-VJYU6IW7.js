import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
  S3Lake,
  s3ClientFromEnv
} from "./chunk-UMNIGBQX.js";
import "./chunk-7QOSYPZ3.js";
import "./chunk-GBLW6MLY.js";
import "./chunk-24GUI5YC.js";
import "./chunk-6K2WFAIU.js";
import "./chunk-OYBGSQDJ.js";
import "./chunk-DPBKSJN6.js";
import "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";
export {
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
  S3Lake,
  s3ClientFromEnv
};
