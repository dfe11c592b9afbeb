import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/warehouse/warehouse.ts
var SCHEMAS = ["raw", "seeds", "staging", "core", "marts", "restricted"];
function sqlString(value) {
  return `'${value.replaceAll("'", "''")}'`;
}
function timestampText(date) {
  return date.toISOString().replace("T", " ").replace("Z", "");
}
function timestampLiteral(text) {
  return `cast(${sqlString(text)} as timestamp)`;
}

export {
  SCHEMAS,
  sqlString,
  timestampText,
  timestampLiteral
};
