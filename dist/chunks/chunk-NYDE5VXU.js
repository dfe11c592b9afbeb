import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/actions/github-env.ts
import { readFile } from "node:fs/promises";
function runUrlFromEnv(env = process.env) {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return void 0;
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}
async function pullRequestNumber(env = process.env) {
  if (!/^pull_request(_target)?$/.test(env.GITHUB_EVENT_NAME ?? "") || !env.GITHUB_EVENT_PATH)
    return void 0;
  const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8"));
  const number = event.pull_request?.number;
  return typeof number === "number" && Number.isInteger(number) && number > 0 ? number : void 0;
}

export {
  runUrlFromEnv,
  pullRequestNumber
};
