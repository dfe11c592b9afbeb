import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  DuckDbWarehouse,
  defaultMemoryLimit
} from "./chunk-MSOM75B5.js";
import "./chunk-MWCMZDA4.js";
import "./chunk-DLZUFQUX.js";
import "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";
export {
  DuckDbWarehouse,
  defaultMemoryLimit
};
