import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.ts";
import type { Output } from "../src/cli/output.ts";
import { tempDir } from "./support/files.ts";
import { PROJECT_DIR } from "./support/warehouse.ts";

/** Runs the CLI in this process, stdout and stderr apart, as a shell pipe would see them. */
async function cli(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output: Output = {
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    status: () => {},
    isTTY: false,
  };
  const code = await main(args, { output, env: {} });
  return { code, stdout, stderr };
}

/** stdout is one line, one JSON object: what `… --json | jq` needs. */
function onlyJson(result: { stdout: string[] }): Record<string, unknown> {
  expect(result.stdout).toHaveLength(1);
  const figures = JSON.parse(result.stdout[0]!) as unknown;
  expect(typeof figures).toBe("object");
  return figures as Record<string, unknown>;
}

describe("--json", () => {
  it("leaves the JSON line alone on stdout; tables and progress go to stderr", async () => {
    const work = await tempDir();
    const backup = join(work, "backup");
    await mkdir(backup);
    const lake = `file://${join(work, "lake")}`;
    const warehouse = `duckdb:${join(work, "warehouse.duckdb")}`;

    const upload = await cli(["upload", "--from", backup, "--lake", lake, "--json"]);
    expect(upload.code).toBe(0);
    expect(onlyJson(upload)).toEqual({ files: 0, bytes: 0, skipped: 0 });
    expect(upload.stderr.join("\n")).toMatch(/Uploaded 0 file\(s\)/);

    const load = await cli(["load", "--lake", lake, "--warehouse", warehouse, "--json"]);
    expect(load.code).toBe(0);
    expect(onlyJson(load)).toMatchObject({ files: 0 });

    const seed = await cli(["seed", "--warehouse", warehouse, "--project", PROJECT_DIR, "--json"]);
    expect(seed.code).toBe(0);
    expect(onlyJson(seed)).toMatchObject({ failed: 0 });

    const transform = await cli([
      "transform",
      ...["--warehouse", warehouse, "--project", PROJECT_DIR, "--target-dir", join(work, "target")],
      ...["--select", "+stg_amplitude__events", "--json"],
    ]);
    // A first build tests whole tables, and --json says so (staging picks from the deliveries, built first).
    expect(onlyJson(transform)).toMatchObject({ models: 2, tests_scope: "whole" });
    expect(transform.stderr.join("\n")).toMatch(/^staging\.stg_amplitude__events +incremental /m);

    const docs = await cli([
      "docs",
      ...["--out", join(work, "site"), "--warehouse", warehouse, "--project", PROJECT_DIR],
      ...["--target-dir", join(work, "target"), "--json"],
    ]);
    expect(docs.code).toBe(0);
    expect(onlyJson(docs)).toMatchObject({ pages: expect.any(Number) });

    const provision = await cli([
      "provision",
      ...["--dry-run", "--out", join(work, "dry-run"), "--project", PROJECT_DIR, "--json"],
    ]);
    expect(provision.code).toBe(0);
    onlyJson(provision);
    expect(provision.stderr.length).toBeGreaterThan(0);
  });
});
