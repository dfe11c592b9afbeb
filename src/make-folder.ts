import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * `mkdir -p` one level at a time. Node's recursive mkdir retries for ever when mkdir answers ENOENT
 * under a parent that exists (any path below /proc, say), spinning a core; here each level is tried at
 * most twice, and the error names the level that failed.
 */
export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return existingFolder(path, error);
    const parent = dirname(path);
    if (code !== "ENOENT" || parent === path) throw error;
  }
  await makeFolder(dirname(path));
  try {
    await mkdir(path);
  } catch (error) {
    // Another upload of the same lake may have made it meanwhile.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return existingFolder(path, error);
    throw error;
  }
}

async function existingFolder(path: string, error: unknown): Promise<void> {
  if (!(await stat(path)).isDirectory()) throw error;
}
