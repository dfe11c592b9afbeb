import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  DEFAULT_GITHUB_API_URL,
  GITHUB_BODY_LIMIT,
  createOctokit,
  fitMarkdown,
  gitHubError,
  gitHubFromEnv,
  gitHubStatus,
  repositoryFromEnv
} from "./chunk-KATSHUU2.js";
import "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";
export {
  DEFAULT_GITHUB_API_URL,
  GITHUB_BODY_LIMIT,
  createOctokit,
  fitMarkdown,
  gitHubError,
  gitHubFromEnv,
  gitHubStatus,
  repositoryFromEnv
};
