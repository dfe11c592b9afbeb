import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __filename = __amplitudePipelineFileURLToPath(import.meta.url);
const __dirname = __filename.slice(0, __filename.lastIndexOf("/"));
import {
  INPUTS,
  getInput,
  runAction
} from "../chunks/chunk-KBO5QLFX.js";
import {
  ConfigurationError
} from "../chunks/chunk-NNUQH4OQ.js";
import "../chunks/chunk-LENDVUMN.js";

// src/actions/main.ts
var COMMANDS = {
  upload: () => import("../upload/index.js"),
  "plan-backfill": () => import("../plan-backfill/index.js"),
  report: () => import("../report/index.js")
};
var command = getInput(INPUTS.command).trim();
var start = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : void 0;
if (start) await start();
else {
  void runAction("amplitude-pipeline", async () => {
    throw new ConfigurationError(
      `input command: ${command ? JSON.stringify(command) + " is not a command" : "is required"}: use one of ${Object.keys(COMMANDS).join(", ")}`
    );
  });
}
