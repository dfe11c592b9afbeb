import { cpSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** Copies the repository's own actions/<name>/action.yml files under `root`, for a workflow check of a fixture. */
export function copyRepositoryActions(root: string): void {
  cpSync(join(REPO, "actions"), join(root, "actions"), { recursive: true });
}
