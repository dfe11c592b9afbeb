import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { makeFolder } from "../make-folder.ts";
import { GENERATOR } from "./site.ts";

/** Written beside the pages: says the folder is a site docs built, so the next build may replace it. */
export const SITE_MANIFEST = "site.json";

/**
 * Writes the pages into a new folder beside `outDir`, then renames it into place: a reader sees the old
 * site or the new one, never half of each, and a failed build leaves the old site as it was. An existing
 * `outDir` is replaced only when an earlier build wrote it (its site.json says so): docs never deletes a
 * folder of someone else's files.
 */
export async function writeSiteAtomically(
  outDir: string,
  pages: Map<string, string>,
  manifest: Record<string, unknown>,
): Promise<void> {
  const target = resolve(outDir);
  await checkReplaceable(outDir, target);
  const parent = dirname(target);
  await makeFolder(parent).catch((error: unknown) => {
    throw new ConfigurationError(
      `--out ${outDir}: the folder ${parent} cannot be created (${errorMessage(error)}): choose a folder you can write`,
    );
  });
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = join(parent, `.${basename(target)}.new-${suffix}`);
  const old = join(parent, `.${basename(target)}.old-${suffix}`);
  try {
    for (const [path, html] of pages) {
      const file = join(staging, path);
      await makeFolder(dirname(file));
      await writeFile(file, html);
    }
    await writeFile(
      join(staging, SITE_MANIFEST),
      JSON.stringify({ generator: GENERATOR, ...manifest, pages: [...pages.keys()].sort() }, null, 2) + "\n",
    );
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (exists) await rename(target, old);
    try {
      await rename(staging, target);
    } catch (error) {
      if (exists) await rename(old, target);
      throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}

async function checkReplaceable(outDir: string, target: string): Promise<void> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return;
  if (!info.isDirectory()) {
    throw new ConfigurationError(`--out ${outDir} is a file, not a folder: choose a folder for the site`);
  }
  const entries = await readdir(target);
  if (entries.length === 0) return;
  const manifest = await readFile(join(target, SITE_MANIFEST), "utf8").catch(() => "");
  let generator: unknown;
  try {
    generator = (JSON.parse(manifest) as { generator?: unknown }).generator;
  } catch {
    generator = undefined;
  }
  if (generator !== GENERATOR) {
    throw new ConfigurationError(
      `--out ${outDir} holds files docs did not write (no ${SITE_MANIFEST} of an earlier build): ` +
        "choose a new or empty folder, e.g. --out data/docs; docs replaces the whole folder",
    );
  }
}
