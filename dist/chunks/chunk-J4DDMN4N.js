import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/models/defaults.ts
var DEFAULT_PROJECT = "sql";
var DEFAULT_TARGET_DIR = "target";

export {
  DEFAULT_PROJECT,
  DEFAULT_TARGET_DIR
};
