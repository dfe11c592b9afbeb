import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigurationError } from "../errors.ts";

/**
 * A package the bundles leave out (a native binary, a large WebAssembly file) and load from the packages installed
 * in the workspace, as `npm ci` or `npm install` left them there.
 */
export interface WorkspacePackage {
  name: string;
  /** The version this release is tested with: what the error tells the user to install. */
  version: string;
  /** What needs it, for the error: "the embedded warehouse (duckdb:…)". */
  neededBy: string;
}

/** The checked-out repository: GITHUB_WORKSPACE on a runner, else the working directory. */
export function workspaceFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITHUB_WORKSPACE || process.cwd();
}

function missing(pkg: WorkspacePackage, workspace: string, cause: unknown): ConfigurationError {
  return new ConfigurationError(
    `${pkg.neededBy} needs ${pkg.name}, which is not installed in the workspace ${workspace}: ` +
      `add a step \`npm install ${pkg.name}@${pkg.version}\` in the workspace (or \`npm ci\` in a repository ` +
      "whose package.json lists it) before this action; the action does not bundle it",
    { cause },
  );
}

function isNotFound(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === "MODULE_NOT_FOUND" && String(message).includes(name);
}

/** A CommonJS package, resolved as `require` would from the workspace's package.json. */
export function requireFromWorkspace<T>(pkg: WorkspacePackage, env: NodeJS.ProcessEnv = process.env): T {
  const workspace = workspaceFolder(env);
  const require = createRequire(join(workspace, "package.json"));
  try {
    return require(pkg.name) as T;
  } catch (error) {
    if (isNotFound(error, pkg.name)) throw missing(pkg, workspace, error);
    throw error;
  }
}

/** An ES module package, resolved from the workspace by its `exports` (conditions node, import, default). */
export async function importFromWorkspace<T>(
  pkg: WorkspacePackage,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const workspace = workspaceFolder(env);
  const folders = createRequire(join(workspace, "package.json")).resolve.paths(pkg.name) ?? [];
  const folder = folders
    .map((dir) => join(dir, pkg.name))
    .find((dir) => existsSync(join(dir, "package.json")));
  if (!folder) throw missing(pkg, workspace, undefined);
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
    exports?: unknown;
    main?: string;
  };
  const entry = exportedEntry(manifest.exports) ?? manifest.main ?? "index.js";
  return (await import(pathToFileURL(join(folder, entry)).href)) as T;
}

const CONDITIONS = ["node", "import", "default"];

/** The file `exports["."]` gives for an import from Node: conditions are tried in the order the package lists them. */
function exportedEntry(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (Array.isArray(exports)) return exports.map(exportedEntry).find(Boolean);
  if (!exports || typeof exports !== "object") return undefined;
  const map = exports as Record<string, unknown>;
  if (Object.keys(map).some((key) => key.startsWith("."))) return exportedEntry(map["."]);
  for (const [condition, target] of Object.entries(map)) {
    if (!CONDITIONS.includes(condition)) continue;
    const entry = exportedEntry(target);
    if (entry) return entry;
  }
  return undefined;
}
