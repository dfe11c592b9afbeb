import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runBuiltCli } from "./support/built-cli.ts";
import { readJson, tempDir } from "./support/files.ts";

beforeAll(buildCli, 120_000);

describe("the built bin", () => {
  it("prints the package's version, read beside the module, from any working folder", async () => {
    const { version } = await readJson<{ version: string }>(
      new URL("../package.json", import.meta.url).pathname,
    );
    for (const flag of ["--version", "-V"]) {
      const result = await runBuiltCli([flag], { cwd: await tempDir() });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });
});
