import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBuiltCli } from "./support/built-cli.ts";
import { runCli } from "./support/cli.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";

/**
 * Paths that cannot be folders. Run from source with a bound: before the fix a path below /proc made
 * Node's recursive mkdir spin for ever, which must fail the test rather than hang the suite.
 */
const cli = (args: string[], cwd?: string) => runBuiltCli(args, { source: true, cwd, boundMs: 30_000 });

async function backup(): Promise<string> {
  const out = await tempDir();
  await extractFrom(await simulator(), {
    range: { start: hourOf("2025-11-04T08"), end: hourOf("2025-11-04T09") },
    outDir: out,
  });
  return out;
}

describe("a lake folder that cannot be used", () => {
  it("upload --lake file:///proc/nope is a configuration error (exit 2), not a spinning mkdir", async () => {
    const result = await cli(["upload", "--from", await backup(), "--lake", "file:///proc/nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /configuration error: --lake file:\/\/\/proc\/nope: the lake folder \/proc\/nope cannot be created \(ENOENT.*\): point --lake at a folder you can write/,
    );
  });

  it("upload --lake under a regular file is exit 2 naming the folder", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "file"), "not a folder\n");
    const result = await cli(["upload", "--from", await backup(), "--lake", `file://${dir}/file/lake`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--lake file:\/\/.*\/file\/lake: the lake folder .*cannot be created \(ENOTDIR/,
    );
  });

  it("load --lake naming a folder that does not exist is exit 2, and creates neither lake nor warehouse", async () => {
    const cwd = await tempDir();
    const result = await cli(["load", "--lake", `file://${cwd}/no/such/folder`], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /configuration error: --lake file:\/\/.*\/no\/such\/folder: the lake folder .* does not exist: run upload first, or point --lake at the folder upload wrote/,
    );
    expect(existsSync(join(cwd, "no"))).toBe(false);
    expect(await listFiles(cwd)).toEqual([]);
  });

  it("load from an existing lake with no manifests yet stays a warning (exit 0)", async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, "lake"));
    const result = await runCli(["load", "--lake", "file://lake"], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: .*holds no window manifests: nothing to load/);
  });

  it("load --lake naming a file is exit 2", async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, "lake"), "a file\n");
    const result = await cli(["load", "--lake", "file://lake"], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a file, not a lake folder/);
  });
});

describe("a --warehouse path that cannot be created", () => {
  it("under a regular file: exit 2 naming --warehouse and the fix, not EEXIST and exit 1", async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, "lake"));
    await writeFile(join(cwd, "data"), "a file where the folder should be\n");
    const result = await cli(
      ["load", "--lake", "file://lake", "--warehouse", "duckdb:data/warehouse.duckdb"],
      cwd,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /configuration error: --warehouse duckdb:data\/warehouse\.duckdb: the folder .*\/data cannot be created \(.*\): choose a path whose folders are folders you can write/,
    );
  });

  it("below /proc: exit 2 instead of spinning", async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, "lake"));
    const result = await cli(
      ["load", "--lake", "file://lake", "--warehouse", "duckdb:/proc/nope/w.duckdb"],
      cwd,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--warehouse duckdb:\/proc\/nope\/w\.duckdb: the folder \/proc\/nope cannot be created/,
    );
  });
});
