import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { INIT_WORKFLOWS, installedFrom } from "../src/cli/init-command.ts";
import { tempDir } from "./support/files.ts";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("..", import.meta.url));

/**
 * `npx github:OWNER/amplitude-pipeline init` with no npm release: npm clones the repository, runs its
 * `prepare` (npm run build, which makes lib/, not in git), packs and installs it. Done here from a clone of
 * the committed HEAD over git+file://, with the npm cache as it is (--prefer-offline); nothing outside the
 * temp folder is written but the npm cache.
 */
describe("installing from git", () => {
  it(
    "builds the package and runs init from it, pointing the workflows at the major tag",
    async () => {
      const dir = await tempDir("git-install-");
      const clone = join(dir, "clone");
      const app = join(dir, "app");
      const { stdout: head } = await run("git", ["rev-parse", "HEAD"], { cwd: REPO });
      const sha = head.trim();
      await run("git", ["clone", "-q", REPO, clone]);
      await run("git", ["checkout", "-q", sha], { cwd: clone });
      expect(existsSync(join(clone, "lib")), "lib/ is built, not committed").toBe(false);

      // As from a shell, not from the npm that started vitest; the inner npm that builds the clone reads
      // prefer-offline from the environment.
      const env = {
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
        npm_config_prefer_offline: "true",
        npm_config_audit: "false",
        npm_config_fund: "false",
        npm_config_update_notifier: "false",
      };
      await mkdir(app);
      await writeFile(join(app, "package.json"), JSON.stringify({ private: true }));
      await run("npm", ["install", `git+file://${clone}#${sha}`], { cwd: app, env, maxBuffer: 64 << 20 });
      expect(existsSync(join(app, "node_modules", "amplitude-pipeline", "lib", "cli", "bin.js"))).toBe(true);
      // Where init looks for the repository npx installed it from: npm's hidden lockfile beside the package
      // records the git source (here a local clone, which names no GitHub repository).
      const lock = JSON.parse(await readFile(join(app, "node_modules", ".package-lock.json"), "utf8")) as {
        packages: Record<string, { resolved?: string }>;
      };
      expect(lock.packages["node_modules/amplitude-pipeline"]?.resolved).toBe(`git+file://${clone}#${sha}`);
      expect(await installedFrom(join(app, "node_modules", "amplitude-pipeline"))).toBeUndefined();

      const { stdout } = await run(
        "npm",
        ["exec", "--offline", "--", "amplitude-pipeline", "init", "--print", "--repo", "OWNER/NAME"],
        { cwd: app, env, maxBuffer: 16 << 20 },
      );
      for (const name of INIT_WORKFLOWS) expect(stdout).toContain(`# ---- .github/workflows/${name} ----\n`);
      expect(stdout).toMatch(/^\s+uses: OWNER\/NAME\/actions\/extract@v0$/m);
      expect(stdout).toMatch(/^# Written by amplitude-pipeline init from OWNER\/NAME@v0 /m);
      expect(stdout).not.toMatch(/uses: \.\/actions\//);
      expect(stdout).not.toMatch(/@v\d+\.\d+\.\d+$/m);
    },
    15 * 60_000,
  );
});
