import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * One cache folder for the whole run, in place of the user's ~/.cache: validate keeps sqlfluff's parses there,
 * so the statements one test file parsed are not parsed again by the next (sqlfluff takes about 18 s of CPU over
 * the provisioning SQL), and nothing is left on the machine after the run. Workers inherit this environment;
 * the support modules that start CLIs, bundles and workflow jobs pass it on.
 */
export async function setup(): Promise<() => Promise<void>> {
  const cache = await mkdtemp(join(tmpdir(), "amplitude-pipeline-test-cache-"));
  process.env.XDG_CACHE_HOME = cache;
  return () => rm(cache, { recursive: true, force: true });
}
