import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  runAction
} from "../chunks/chunk-WEI66VQV.js";
import {
  INPUTS,
  getInput
} from "../chunks/chunk-2ZKHZUYU.js";
import "../chunks/chunk-R47Z7GPO.js";
import "../chunks/chunk-DLZUFQUX.js";
import "../chunks/chunk-DPBKSJN6.js";
import {
  ConfigurationError
} from "../chunks/chunk-Z6P62WD7.js";
import "../chunks/chunk-QNAMUATI.js";

// src/actions/main.ts
var COMMANDS = {
  extract: () => import("../extract/index.js"),
  upload: () => import("../upload/index.js"),
  provision: () => import("../provision/index.js"),
  transform: () => import("../transform/index.js"),
  "plan-backfill": () => import("../plan-backfill/index.js"),
  report: () => import("../report/index.js"),
  validate: () => import("../validate/index.js"),
  // The root action's only: a check of the setup, with no action folder of its own.
  doctor: () => import("../chunks/doctor-AII424CI.js")
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
