import * as actionsCache from "@actions/cache";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { MANIFEST_FILE, type WindowManifest } from "../amplitude/extract.ts";
import { errorMessage } from "../errors.ts";
import { deliveryId } from "../lake/manifest.ts";
import type { WindowStore } from "../pipeline/extract.ts";

export type { WindowStore };

export type CacheClient = Pick<typeof actionsCache, "isFeatureAvailable" | "restoreCache" | "saveCache">;

export interface ActionsWindowStoreOptions {
  /** The @actions/cache module; tests may pass their own. */
  cache?: CacheClient;
  notice: (message: string) => void;
  warn: (message: string) => void;
  /** Default `amplitude-window`: keys are `<prefix>-<appId>-<window>-<delivery>`. */
  keyPrefix?: string;
}

/**
 * The path the cache client is given. Its entry's version hashes the path as given, so a folder in the workspace goes
 * by its path relative to it (the runner's working directory): a re-run on a runner whose workspace sits elsewhere
 * still finds the entry.
 */
function cachePath(folder: string): string {
  const cwd = process.cwd();
  const workspace = resolve(process.env.GITHUB_WORKSPACE || cwd);
  const inside = relative(workspace, folder);
  const inWorkspace = inside !== "" && !inside.startsWith("..") && !isAbsolute(inside);
  return workspace === cwd && inWorkspace ? inside.split("\\").join("/") : folder;
}

/**
 * Exported windows kept in the Actions cache, so a re-run of a failed later job restores them instead of
 * asking Amplitude again. One immutable key per window and delivery; a restore takes the newest delivery.
 * The cache is a convenience: when it is absent or failing the run goes on without it, with a notice.
 */
export function actionsWindowStore(options: ActionsWindowStoreOptions): WindowStore {
  const { cache = actionsCache, notice, warn, keyPrefix = "amplitude-window" } = options;
  let available: boolean | undefined;
  // After a failed save the service is refusing writes (down, read-only token, quota): stop trying.
  let savesStopped = false;
  const windowPrefix = (w: { appId: string; window: string }) => `${keyPrefix}-${w.appId}-${w.window}-`;
  const isAvailable = (): boolean => {
    if (available === undefined) {
      available = cache.isFeatureAvailable();
      if (!available) {
        notice(
          "The Actions cache service is not available here (no ACTIONS_RESULTS_URL/ACTIONS_CACHE_URL): exported windows are not cached in this run",
        );
      }
    }
    return available;
  };

  return {
    async restore(window, dir) {
      if (!isAvailable()) return false;
      const folder = resolve(dir);
      // A folder already there is the window as this machine has it: never mix a cached copy into it.
      if ((await readdir(folder).catch(() => [])).length > 0) return false;
      const prefix = windowPrefix(window);
      let matched: string | undefined;
      try {
        // The primary key is the prefix too: no entry has it exactly, so the newest delivery matches.
        matched = await cache.restoreCache([cachePath(folder)], prefix, [prefix]);
      } catch (error) {
        notice(
          `Window ${window.window} was not restored from the Actions cache (${errorMessage(error)}): exporting it again`,
        );
        return false;
      }
      // undefined is a miss; the client itself warns about a failed lookup or download and reports a miss.
      if (matched === undefined) return false;
      const problem = await incompleteWindow(folder, window, matched.slice(prefix.length));
      if (problem) {
        await rm(folder, { recursive: true, force: true });
        warn(
          `The cached copy of window ${window.window} (${matched}) is not a complete window (${problem}): removed it, exporting the window again`,
        );
        return false;
      }
      return true;
    },

    async save(window, dir) {
      if (savesStopped || !isAvailable()) return;
      const folder = resolve(dir);
      const key = `${windowPrefix(window)}${window.delivery}`;
      // A copy restore would refuse is not worth keeping: a later run would export the window again anyway.
      const problem = await incompleteWindow(folder, window, window.delivery);
      if (problem) {
        warn(
          `Window ${window.window} was not kept in the Actions cache: it is not a complete window (${problem})`,
        );
        return;
      }
      try {
        // Keys are immutable: a re-run that exported the same delivery finds it kept and need not tar it again.
        if ((await cache.restoreCache([cachePath(folder)], key, [], { lookupOnly: true })) === key) {
          notice(`Window ${window.window} is already in the Actions cache (${key})`);
          return;
        }
        if ((await cache.saveCache([cachePath(folder)], key)) !== -1) return;
        // -1: the client logged why (reservation refused, upload or finalize failed, cache mode read-only).
        savesStopped = true;
        notice(
          `Window ${window.window} was not kept in the Actions cache (see the cache client's message above); the run goes on and keeps no more windows there`,
        );
      } catch (error) {
        savesStopped = true;
        notice(
          `Window ${window.window} was not kept in the Actions cache (${errorMessage(error)}); the run goes on and keeps no more windows there`,
        );
      }
    },
  };
}

/** Why `folder` is not the complete window `delivery` of `window`, or undefined when it is. */
async function incompleteWindow(
  folder: string,
  window: { appId: string; window: string },
  delivery: string,
): Promise<string | undefined> {
  let manifest: WindowManifest;
  try {
    manifest = JSON.parse(await readFile(join(folder, MANIFEST_FILE), "utf8")) as WindowManifest;
  } catch (error) {
    return `its ${MANIFEST_FILE} cannot be read: ${errorMessage(error)}`;
  }
  if (manifest.manifest_version !== 1 || !Array.isArray(manifest.files) || !manifest.window) {
    return `its ${MANIFEST_FILE} is not a window manifest`;
  }
  const named = `${manifest.window.start}_${manifest.window.end}`;
  if (manifest.app_id !== window.appId || named !== window.window) {
    return `its manifest is for app ${manifest.app_id}, window ${named}`;
  }
  for (const file of manifest.files) {
    const size = await stat(join(folder, file.name)).then(
      (info) => info.size,
      () => undefined,
    );
    if (size === undefined) return `${file.name} is missing`;
    if (size !== file.bytes) return `${file.name} has ${size} bytes, its manifest says ${file.bytes}`;
  }
  if (deliveryId(manifest) !== delivery) return `its files are delivery ${deliveryId(manifest)}`;
  return undefined;
}
