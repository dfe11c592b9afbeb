import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/pipeline/doctor-check.ts
var PROBE_PREFIX = "amplitude/_doctor/";
function pass(name, detail) {
  return { name, status: "pass", detail, remedy: null };
}
function fail(name, detail, remedy) {
  return { name, status: "fail", detail, remedy };
}
function warn(name, detail, remedy) {
  return { name, status: "warn", detail, remedy };
}
function skip(name, reason) {
  return { name, status: "skip", detail: reason, remedy: null };
}

export {
  PROBE_PREFIX,
  pass,
  fail,
  warn,
  skip
};
