import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";

const WINDOW_LINE =
  /^window 187520\/\S+: \d+ file\(s\) uploaded \([\d.]+ [KMG]?B\), \d+ already there(; delivery [0-9a-f]{12} (complete|was complete already))?$/;

describe("upload's progress", () => {
  it("prints one line per window, per-file lines only with --verbose", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const { summary } = await extractFrom(sim, {
      range: { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-06T23") },
      outDir: out,
    });
    expect(summary.windows).toBe(3);

    const lake = await tempDir();
    const first = await runCli(["upload", "--from", out, "--lake", `file://${lake}`]);
    expect(first.code).toBe(0);
    const lines = first.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^Uploading /);
    expect(lines.slice(1)).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toMatch(WINDOW_LINE);
    expect(first.stderr).toMatch(
      new RegExp(`window 187520/2025-11-05T00_2025-11-05T23: \\d+ file\\(s\\) uploaded .*, 0 already there`),
    );
    const uploaded = lines.slice(1).reduce((n, line) => n + Number(/: (\d+) file/.exec(line)![1]), 0);
    expect(uploaded).toBe(summary.files);

    const again = await runCli(["upload", "--from", out, "--lake", `file://${lake}`, "--verbose"]);
    expect(again.code).toBe(0);
    // Skipped files print nothing per file, even with --verbose; each window says how many it skipped.
    expect(again.stderr).toMatch(
      /window 187520\/2025-11-04T00_2025-11-04T23: 0 file\(s\) uploaded \(0 B\), \d+ already there/,
    );

    const verbose = await runCli([
      "upload",
      "--from",
      out,
      "--lake",
      `file://${await tempDir()}`,
      "--verbose",
    ]);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr.match(/^uploaded .*\.json\.gz \(/gm)).toHaveLength(summary.files);
    expect(verbose.stderr.match(/^window /gm)).toHaveLength(3);
  });

  it("says --verbose in its help", async () => {
    expect((await runCli(["upload", "--help"])).stdout).toMatch(/--verbose +one line per file/);
  });
});

describe("the demo and transform", () => {
  it("name the run_results.json they wrote, under --target-dir", async () => {
    const cwd = await tempDir();
    const result = await runCli(["demo", "--days", "1", "--target-dir", "build/results"], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Details: build\/results\/run_results\.json\n/);
    expect(await listFiles(join(cwd, "build", "results"))).toEqual(["run_results.json"]);
    // The demo's upload step: one line for its one window, none per file.
    expect(result.stderr.match(/^window 187520\//gm)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/^uploaded /m);
  });
});

describe("--window-hours help", () => {
  it("says how windows align to UTC days", async () => {
    const { stdout } = await runCli(["extract", "--help"]);
    expect(stdout.replace(/\s+/g, " ")).toMatch(
      /--window-hours <n> hours per export request, aligned to UTC days: a divisor of 24 tiles each day, other sizes restart at midnight, 24 or more is rounded down to whole days starting at midnight/,
    );
  });
});
