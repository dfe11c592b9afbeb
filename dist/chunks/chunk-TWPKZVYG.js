import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  realSleep
} from "./chunk-6K2WFAIU.js";
import {
  makeFolder
} from "./chunk-MWCMZDA4.js";
import {
  ConfigurationError,
  errorMessage
} from "./chunk-Z6P62WD7.js";

// src/pipeline/lock.ts
import { rmSync } from "node:fs";
import { open, readFile, rm, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
var LockHeldError = class extends Error {
  name = "LockHeldError";
};
async function acquireLock(path, options) {
  const file = resolve(path);
  const sleep = options.sleep ?? realSleep;
  const owner = {
    pid: process.pid,
    started_at: (options.now?.() ?? /* @__PURE__ */ new Date()).toISOString(),
    command: options.command
  };
  await makeFolder(dirname(file)).catch((error) => {
    throw new ConfigurationError(
      `cannot take the lock ${file} for ${options.what}: its folder cannot be created (${errorMessage(error)})`
    );
  });
  let waited = false;
  while (true) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(JSON.stringify(owner) + "\n");
      await handle.close();
      const release = async () => {
        process.off("exit", releaseNow);
        await rm(file, { force: true });
      };
      const releaseNow = () => {
        rmSync(file, { force: true });
      };
      process.on("exit", releaseNow);
      return { release };
    } catch (error) {
      if (error.code !== "EEXIST") {
        throw new Error(`cannot take the lock ${file} for ${options.what}: ${errorMessage(error)}`);
      }
    }
    const holder = await readOwner(file);
    if (!holder) {
      const info = await stat(file).catch(() => null);
      if (info && Date.now() - info.mtimeMs < 5e3) await sleep(100);
      else await rm(file, { force: true });
      continue;
    }
    if (holder.pid === process.pid) {
      return { release: async () => {
      } };
    }
    if (!isRunning(holder.pid)) {
      await rm(file, { force: true });
      continue;
    }
    if (!options.wait) {
      throw new LockHeldError(
        `another run (pid ${holder.pid}, started at ${holder.started_at}, \`${holder.command}\`) holds ${options.what}: wait for it to finish, or pass --wait to queue behind it`
      );
    }
    if (!waited) options.onWait?.(holder);
    waited = true;
    await sleep(options.pollMs ?? 1e3);
  }
}
async function readOwner(file) {
  try {
    const owner = JSON.parse(await readFile(file, "utf8"));
    return Number.isInteger(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}
function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
async function lockRun(targets, options) {
  const locks = [];
  const take = async (path, what) => {
    locks.push(
      await acquireLock(path, {
        what,
        command: options.command,
        wait: options.wait,
        onWait: (owner) => options.onWait?.(what, owner.pid)
      })
    );
  };
  try {
    if (targets.out) await take(resolve(targets.out, ".lock"), `the backup folder ${targets.out}`);
    const duckdb = targets.warehouse?.startsWith("duckdb:") ? resolve(targets.warehouse.slice("duckdb:".length).split("?")[0]) : void 0;
    if (duckdb && !duckdb.endsWith(":memory:") && await isFolder(dirname(duckdb))) {
      await take(`${duckdb}.lock`, `the warehouse ${targets.warehouse}`);
    }
  } catch (error) {
    for (const lock of locks.reverse()) await lock.release();
    throw error;
  }
  return {
    release: async () => {
      for (const lock of locks.reverse()) await lock.release();
    }
  };
}
async function isFolder(path) {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

export {
  lockRun
};
