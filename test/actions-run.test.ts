import * as core from "@actions/core";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runAction } from "../src/actions/run-action.ts";
import { readSecret } from "../src/config.ts";
import { ConfigurationError } from "../src/errors.ts";
import { addUploadToSummary } from "../src/github/summary.ts";

// core.summary keeps the first GITHUB_STEP_SUMMARY it sees for the life of the process (the runner starts one per
// step), so every test writes the same file, emptied before each.
let root: string;
let stepSummary: string;
let dir: string;
let runnerTemp: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "run-action-"));
  stepSummary = join(root, "step-summary.md");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  dir = await mkdtemp(join(root, "test-"));
  runnerTemp = join(dir, "runner-temp");
  await rm(stepSummary, { recursive: true, force: true });
  await writeFile(stepSummary, "");
  vi.stubEnv("GITHUB_STEP_SUMMARY", stepSummary);
  vi.stubEnv("RUNNER_TEMP", runnerTemp);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  core.summary.emptyBuffer();
  process.exitCode = undefined;
});

function capture(): string[] {
  const writes: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (writes.push(String(chunk)), true));
  return writes;
}

function copyPath(name: string): string {
  return join(runnerTemp, "amplitude-pipeline", `summary-${name}.md`);
}

/** Runs `main` as `name`; returns the exit code, the log and the step summary file. */
async function run(
  name: string,
  main: Parameters<typeof runAction>[1],
): Promise<{ code: number | undefined; log: string; summary: string }> {
  const writes = capture();
  let code: number | undefined;
  await runAction(name, main, { exit: (c) => (code = c) });
  return { code, log: writes.join(""), summary: await readFile(stepSummary, "utf8") };
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe("runAction's annotations", () => {
  it("keeps 10 warnings as annotations and lists the other 15 in the summary, still logging each", async () => {
    const { code, log, summary } = await run("extract", async ({ annotations }) => {
      for (let i = 1; i <= 25; i++) annotations.warning(`window ${i} <b>slow</b>`);
    });
    expect(code).toBe(0);
    expect(count(log, "::warning::")).toBe(10);
    expect(log).toContain("::warning::window 10 <b>slow</b>");
    expect(log).not.toContain("::warning::window 11 ");
    expect(log).toContain("warning: window 25 <b>slow</b>");
    expect(summary).toContain("15 more warnings");
    expect(summary).toContain("window 25 &lt;b&gt;slow&lt;/b&gt;");
    expect(summary).not.toContain("window 10 &lt;b&gt;");
  });

  it("keeps one error of the 10 for the step's own failure", async () => {
    const { code, log, summary } = await run("upload", async ({ annotations }) => {
      for (let i = 1; i <= 12; i++) annotations.error(`file ${i} failed`);
      throw new Error("12 file(s) could not be uploaded");
    });
    expect(code).toBe(1);
    expect(count(log, "::error::")).toBe(10);
    expect(log).toContain("::error::file 9 failed");
    expect(log).not.toContain("::error::file 10 failed");
    expect(log).toContain("::error::upload failed: 12 file(s) could not be uploaded");
    expect(summary).toContain("file 12 failed");
  });

  it("adds no table when every annotation was kept", async () => {
    const { summary } = await run("extract", async ({ annotations }) => {
      annotations.notice("one notice");
      annotations.warning("one warning");
    });
    expect(summary).not.toContain("more");
  });
});

describe("runAction", () => {
  it("exits 0 when main succeeds, writes the summary and leaves a copy of it in RUNNER_TEMP", async () => {
    const { code, log, summary } = await run("extract", async () => {
      core.summary.addRaw("<h2>✅ extract</h2>", true);
    });
    expect(code).toBe(0);
    expect(log).not.toContain("::error::");
    expect(log).not.toContain("::warning::");
    expect(summary).toContain("<h2>✅ extract</h2>");
    expect(await readFile(copyPath("extract"), "utf8")).toBe(summary);
    expect(core.summary.stringify()).toBe("");
  });

  it("on failure adds the error after what main showed, and the copy holds the same text", async () => {
    const { code, log, summary } = await run("upload", async () => {
      core.summary.addRaw("<h2>upload</h2>", true);
      throw new Error("S3 said no");
    });
    expect(code).toBe(1);
    expect(log).toContain("::error::upload failed: S3 said no");
    expect(summary).toMatch(/<h2>upload<\/h2>[\s\S]*<h3>upload failed<\/h3>[\s\S]*S3 said no/);
    expect(await readFile(copyPath("upload"), "utf8")).toBe(summary);
  });

  it("escapes the error's message in the summary", async () => {
    const { code, summary } = await run("transform", async () => {
      throw new Error(`<img src=x onerror=alert(1)> & "quoted" | piped`);
    });
    expect(code).toBe(1);
    expect(summary).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#124; piped");
    expect(summary).not.toContain("<img");
    expect(await readFile(copyPath("transform"), "utf8")).toBe(summary);
  });

  it.each([
    ["a string", "not an Error", "not an Error", "not an Error"],
    ["an object", { code: 42 }, '{"code":42}', "{&quot;code&quot;:42}"],
    ["undefined", undefined, "undefined", "undefined"],
  ])(
    "fails the step with the action's name when main throws %s, and exits 1",
    async (_, thrown, logged, shown) => {
      const { code, log, summary } = await run("upload", async () => {
        throw thrown;
      });
      expect(code).toBe(1);
      expect(log).toContain(`::error::upload failed: ${logged}`);
      expect(summary).toContain(`<h3>upload failed</h3><p>${shown}</p>`);
      expect(await readFile(copyPath("upload"), "utf8")).toBe(summary);
    },
  );

  it("passes a ConfigurationError's message as it is, and the summary says it is a setting to fix", async () => {
    const { code, log, summary } = await run("provision", async () => {
      throw new ConfigurationError("input lake is required");
    });
    expect(code).toBe(1);
    expect(log).toContain("::error::input lake is required");
    expect(log).not.toContain("provision failed");
    expect(summary).toContain("<p>input lake is required</p>");
    expect(summary).toContain("a setting or input to fix, then run again");
  });

  it("does not add the error again when main says a builder showed it", async () => {
    const { code, summary } = await run("upload", async (action) => {
      const error = new Error("lake unreachable");
      addUploadToSummary(core.summary, undefined, { error });
      throw action.shownInSummary(error);
    });
    expect(code).toBe(1);
    expect(count(summary, "<h3>upload failed</h3>")).toBe(1);
    expect(count(summary, "lake unreachable")).toBe(1);
  });

  it("still adds an error other than the one main said was shown", async () => {
    const { code, log, summary } = await run("upload", async (action) => {
      const shown = new Error("first failure");
      addUploadToSummary(core.summary, undefined, { error: shown });
      action.shownInSummary(shown);
      throw new Error("second failure");
    });
    expect(code).toBe(1);
    expect(log).toContain("::error::upload failed: second failure");
    expect(count(summary, "<h3>upload failed</h3>")).toBe(2);
    expect(summary).toMatch(/first failure[\s\S]*second failure/);
  });

  it("masks a secret as it is read", async () => {
    const { code, log } = await run("extract", async () => {
      readSecret({ AMPLITUDE_API_KEY: "k-123" }, "AMPLITUDE_API_KEY");
    });
    expect(code).toBe(0);
    expect(log).toContain("::add-mask::k-123");
  });

  it.each([
    ["unset", undefined],
    ["empty", ""],
  ])("with RUNNER_TEMP %s saves no copy and does not fail or warn", async (_, value) => {
    vi.stubEnv("RUNNER_TEMP", value);
    const { code, log, summary } = await run("extract", async () => {
      core.summary.addRaw("<h2>✅ extract</h2>", true);
    });
    expect(code).toBe(0);
    expect(log).not.toContain("::warning::");
    expect(log).not.toContain("::error::");
    expect(summary).toContain("<h2>✅ extract</h2>");
    expect(existsSync(join(process.cwd(), "amplitude-pipeline"))).toBe(false);
    expect(existsSync(runnerTemp)).toBe(false);
  });

  it.each([
    ["succeeds", 0],
    ["fails", 1],
  ])(
    "when the copy cannot be written and main %s: a warning, the exit code unchanged",
    async (_, expected) => {
      await writeFile(runnerTemp, "a file where the runner's temp folder should be");
      const { code, log, summary } = await run("extract", async () => {
        core.summary.addRaw("<h2>extract</h2>", true);
        if (expected === 1) throw new Error("window failed");
      });
      expect(code).toBe(expected);
      expect(log).toMatch(
        /::warning::extract: the copy of the job summary was not saved: .*(EEXIST|ENOTDIR)/,
      );
      expect(log.includes("::error::extract failed: window failed")).toBe(expected === 1);
      expect(summary).toContain("<h2>extract</h2>");
      expect(summary.includes("window failed")).toBe(expected === 1);
    },
  );

  it("warns, and keeps the exit code, when the summary file cannot be written", async () => {
    // A folder where the summary file should be: the toolkit's access check passes, the append fails.
    await rm(stepSummary);
    await mkdir(stepSummary);
    const writes = capture();
    let code: number | undefined;
    await runAction(
      "upload",
      async () => {
        core.summary.addRaw("<h2>upload</h2>", true);
      },
      { exit: (c) => (code = c) },
    );
    expect(code).toBe(0);
    expect(writes.join("")).toContain("::warning::upload: the job summary was not written:");
    expect(await readFile(copyPath("upload"), "utf8")).toContain("<h2>upload</h2>");
  });
});
