import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  DUCKDB_STORAGE_VERSION,
  DuckDbWarehouse,
  defaultMemoryLimit
} from "./chunk-FB3QVEOA.js";
import "./chunk-MWCMZDA4.js";
import "./chunk-DLZUFQUX.js";
import "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";
export {
  DUCKDB_STORAGE_VERSION,
  DuckDbWarehouse,
  defaultMemoryLimit
};
