// Writes the seed tables that come from npm packages, so a package update reaches the warehouse as a
// reviewed change to sql/seeds/. Usage: node scripts/update-seeds.mjs [--check]
// --check exits 1 (and names this command) when a seed no longer matches the installed package.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** A domain as a CSV field needs no quoting: letters, digits, dots and hyphens only. */
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** The seeds this script owns: the CSV path under the repository root, and its text from the package. */
export async function generatedSeeds() {
  const freemail = dirname(require.resolve("freemail/package.json"));
  const { version } = JSON.parse(await readFile(join(freemail, "package.json"), "utf8"));
  const lines = (await readFile(join(freemail, "data", "free.txt"), "utf8")).split("\n");
  const listed = [...new Set(lines.map((line) => line.trim().toLowerCase()).filter(Boolean))].sort();
  // The list holds a few lines that are no domain ("404: not found", "asean-mail"): no email address
  // can be at them, so they are left out rather than quoted into the CSV.
  const domains = listed.filter((domain) => DOMAIN.test(domain));
  const skipped = listed.filter((domain) => !DOMAIN.test(domain));
  return [
    {
      path: "sql/seeds/free_email_domains.csv",
      source: `freemail ${version} (data/free.txt${skipped.length ? `, without ${skipped.map((d) => JSON.stringify(d)).join(", ")}` : ""})`,
      text: ["domain", ...domains].join("\n") + "\n",
    },
  ];
}

async function main() {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const seed of await generatedSeeds()) {
    const file = join(root, seed.path);
    const current = await readFile(file, "utf8").catch(() => null);
    if (current === seed.text) {
      console.log(`${seed.path}: up to date with ${seed.source}`);
    } else if (check) {
      stale += 1;
      console.error(`${seed.path} does not match ${seed.source}: run node scripts/update-seeds.mjs`);
    } else {
      await writeFile(file, seed.text);
      console.log(`${seed.path}: written from ${seed.source} (${seed.text.split("\n").length - 2} rows)`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
