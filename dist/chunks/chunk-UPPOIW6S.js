import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/pipeline/defaults.ts
var DEFAULT_OUT = "data/exports";
var DEFAULT_SNAPSHOT_EVERY = "24h";
var DEFAULT_WINDOW_HOURS = 24;
var DEFAULT_EXTRACT_CONCURRENCY = 2;
var DEFAULT_SETTLE_HOURS = 2;
var DEFAULT_UPLOAD_CONCURRENCY = 4;
var DEFAULT_LOAD_TIMEOUT_MINUTES = 30;
var DEFAULT_TRANSFORM_TIMEOUT_MINUTES = 60;
var DEFAULT_MEND_AFTER_MINUTES = 15;
var DEFAULT_PROVISION_OUT = "target/provision";
var DEMO_DATA_DIR = "data/demo";

export {
  DEFAULT_OUT,
  DEFAULT_SNAPSHOT_EVERY,
  DEFAULT_WINDOW_HOURS,
  DEFAULT_EXTRACT_CONCURRENCY,
  DEFAULT_SETTLE_HOURS,
  DEFAULT_UPLOAD_CONCURRENCY,
  DEFAULT_LOAD_TIMEOUT_MINUTES,
  DEFAULT_TRANSFORM_TIMEOUT_MINUTES,
  DEFAULT_MEND_AFTER_MINUTES,
  DEFAULT_PROVISION_OUT,
  DEMO_DATA_DIR
};
