import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/backoff.ts
var DEFAULT_BACKOFF = { baseMs: 1e3, maxMs: 6e4 };
function backoffDelay(attempt, policy, retryAfterMs) {
  if (retryAfterMs !== void 0)
    return Math.round(retryAfterMs + policy.random() * Math.min(policy.baseMs, 1e3));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + policy.random() * ceiling / 2);
}
var realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export {
  DEFAULT_BACKOFF,
  backoffDelay,
  realSleep
};
