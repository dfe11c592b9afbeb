import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { NODE24_VERSION } from "./support/node24.ts";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("..", import.meta.url));
// Kept under node_modules/.cache like test/support/node24.ts's copy: fetched once per checkout.
const CACHE = join(REPO, "node_modules", ".cache", "ci-node24");

describe(".ci/run on Node 24", () => {
  it("takes Node 24 from .ci/node24, first on PATH, before npm ci and npm test", () => {
    const script = readFileSync(join(REPO, ".ci", "run"), "utf8");
    const at = (text: string) => {
      const index = script.indexOf(text);
      expect(index, text).toBeGreaterThanOrEqual(0);
      return index;
    };
    expect(at('node_bin="$(.ci/node24)"')).toBeLessThan(at('export PATH="$node_bin:$PATH"'));
    expect(at('export PATH="$node_bin:$PATH"')).toBeLessThan(at("$(node --version)"));
    expect(at("$(node --version)")).toBeLessThan(at("\nnpm ci\n"));
    expect(at("\nnpm ci\n")).toBeLessThan(at("\nnpm test\n"));
    expect(readFileSync(join(REPO, ".ci", "node24"), "utf8")).toContain(`version=${NODE24_VERSION}\n`);
  });

  it(".ci/node24 prints a folder whose node is Node 24, and npm runs under it", async () => {
    // As from a shell: without the npm_* variables of the npm that started vitest (npm_node_execpath
    // would make the inner npm run scripts on that npm's node).
    const shell = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== "NODE"),
    );
    const env = { ...shell, XDG_CACHE_HOME: CACHE };
    const { stdout } = await run(join(REPO, ".ci", "node24"), [], { cwd: REPO, env });
    const folder = stdout.trim();
    expect(folder).toBe(
      join(CACHE, "amplitude-pipeline", `node-${process.platform}-${process.arch}-${NODE24_VERSION}`, "bin"),
    );
    const path = { ...env, PATH: `${folder}:${process.env.PATH}` };
    const node = await run("node", ["--version"], { env: path });
    expect(node.stdout.trim()).toBe(`v${NODE24_VERSION}`);
    // npm is a Node script: under this PATH it runs on Node 24.
    const npm = await run("npm", ["exec", "--offline", "--", "node", "-p", "process.version"], {
      cwd: REPO,
      env: path,
    });
    expect(npm.stdout.trim()).toBe(`v${NODE24_VERSION}`);
    // A second call uses the copy it has.
    const again = await run(join(REPO, ".ci", "node24"), [], {
      cwd: REPO,
      env: { ...env, PATH: "/usr/bin:/bin" },
    });
    expect(again.stdout.trim()).toBe(folder);
  }, 120_000);
});
