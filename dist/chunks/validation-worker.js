import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  validateGzip
} from "./chunk-DDMIIEV4.js";
import "./chunk-QNAMUATI.js";

// src/amplitude/validation-worker.ts
import { parentPort } from "node:worker_threads";
var members = /* @__PURE__ */ new Map();
var port = parentPort;
var send = (message) => port.postMessage(message);
port.on("message", (message) => {
  const { id } = message;
  switch (message.type) {
    case "start": {
      const { sink, done } = validateGzip(message.options);
      members.set(id, sink);
      done.then(
        (stats) => send({ type: "done", id, stats }),
        (error) => send({ type: "error", id, message: error.message })
      ).finally(() => members.delete(id));
      break;
    }
    case "chunk":
      members.get(id)?.write(Buffer.from(message.data), () => send({ type: "ack", id }));
      break;
    case "end":
      members.get(id)?.end();
      break;
    case "abort":
      members.get(id)?.destroy();
      members.delete(id);
      break;
  }
});
