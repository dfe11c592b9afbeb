import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/make-folder.ts
import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
async function makeFolder(path) {
  try {
    await mkdir(path);
    return;
  } catch (error) {
    const code = error.code;
    if (code === "EEXIST") return existingFolder(path, error);
    const parent = dirname(path);
    if (code !== "ENOENT" || parent === path) throw error;
  }
  await makeFolder(dirname(path));
  try {
    await mkdir(path);
  } catch (error) {
    if (error.code === "EEXIST") return existingFolder(path, error);
    throw error;
  }
}
async function existingFolder(path, error) {
  if (!(await stat(path)).isDirectory()) throw error;
}

export {
  makeFolder
};
