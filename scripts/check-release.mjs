// Before a release: the tag is `v` + package.json's version, and package.json's repository is the
// repository releasing it (init writes that repository into users' workflows).
// Usage: node --import tsx scripts/check-release.mjs TAG OWNER/NAME   (the release workflow passes
// $GITHUB_REF_NAME and $GITHUB_REPOSITORY). Exits 1 when they disagree, 2 on a usage error.
import { readFileSync } from "node:fs";
import { URL } from "node:url";
import { repositoryOf } from "../src/cli/init-command.ts";

const [tag, repository] = process.argv.slice(2);
if (!tag || !repository) {
  console.error("usage: check-release.mjs TAG OWNER/NAME");
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const problems = [];
if (tag !== `v${manifest.version}`) {
  problems.push(
    `the tag ${tag} is not package.json's version ${manifest.version}: set "version" to ` +
      `"${tag.replace(/^v/, "")}" in package.json, commit, and tag that commit (or tag v${manifest.version})`,
  );
}
const named = repositoryOf(manifest);
if (named?.toLowerCase() !== repository.toLowerCase()) {
  problems.push(
    `package.json "repository" names ${named ?? "no GitHub repository"}, but ${repository} is releasing: ` +
      `init writes that repository into users' workflows, so a fork that releases sets ` +
      `"repository": "github:${repository}" in package.json`,
  );
}
for (const problem of problems) console.error(`release check: ${problem}`);
if (problems.length > 0) process.exit(1);
console.error(`release check: ${tag} of ${repository}`);
