import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  DEFAULT_FAILURE_LABEL,
  FAILURE_MARKER,
  reportFailure,
  reportSuccess,
  watchdog
} from "./chunk-7Z3JVQ4H.js";
import "./chunk-KATSHUU2.js";
import "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";
export {
  DEFAULT_FAILURE_LABEL,
  FAILURE_MARKER,
  reportFailure,
  reportSuccess,
  watchdog
};
