import { mkdir, mkdtemp, rm, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The most a run's temporary files take at once (the git install's two node_modules): below it, the disk. */
const IN_MEMORY_NEEDS_BYTES = 6 * 1024 ** 3;

/**
 * One folder for the whole run, in memory when the machine has room for it (`/dev/shm`), else in the system's
 * temporary folder, removed at the end:
 * - the run's temporary files (`TMPDIR`): the tests write and delete thousands of warehouses, lakes and clones;
 * - the cache, in place of the user's ~/.cache (`XDG_CACHE_HOME`): validate keeps sqlfluff's parses there, so the
 *   statements one test file parsed are not parsed again by the next (sqlfluff takes about 18 s of CPU over the
 *   provisioning SQL), and nothing is left on the machine after the run.
 * Workers inherit this environment; the support modules that start CLIs, bundles and workflow jobs pass it on.
 */
export async function setup(): Promise<() => Promise<void>> {
  const base = (await hasRoom("/dev/shm")) ? "/dev/shm" : tmpdir();
  const run = await mkdtemp(join(base, "amplitude-pipeline-test-"));
  const temp = join(run, "tmp");
  const cache = join(run, "cache");
  await Promise.all([mkdir(temp), mkdir(cache)]);
  process.env.TMPDIR = temp;
  process.env.XDG_CACHE_HOME = cache;
  return () => rm(run, { recursive: true, force: true });
}

async function hasRoom(path: string): Promise<boolean> {
  try {
    const fs = await statfs(path);
    return fs.bavail * fs.bsize >= IN_MEMORY_NEEDS_BYTES;
  } catch {
    return false;
  }
}

/**
 * The run folder's variables as this process inherited them, for the processes a test starts with an environment of
 * its own (CLIs, bundles, workflow jobs): none outside a run of the suite.
 */
export function runFolderEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["TMPDIR", "XDG_CACHE_HOME"] as const) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}
