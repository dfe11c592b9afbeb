import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/amplitude/limits.ts
var MAX_CONCURRENCY = 5;
var DEFAULT_MAX_LINE_BYTES = 128 * 1024 * 1024;
var DEFAULT_HISTORY = "3m";
var DEFAULT_MAX_HOURS = 7 * 24;

export {
  MAX_CONCURRENCY,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_HISTORY,
  DEFAULT_MAX_HOURS
};
