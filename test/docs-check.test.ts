import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/program.ts";
// @ts-expect-error: a plain script, with no type declarations
import * as checker from "../scripts/check-docs.mjs";
import { tempDir } from "./support/files.ts";

interface Problem {
  file: string;
  line: number;
  message: string;
}
interface Spec {
  commands: Map<string, Set<string>>;
  global: Set<string>;
}
const { checkDocs, cliSpec, defaultFiles, slugify } = checker as {
  checkDocs(options: { root?: string; files?: string[]; spec: Spec }): Problem[];
  cliSpec(program: unknown): Spec;
  defaultFiles(root?: string): string[];
  slugify(heading: string): string;
};

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("..", import.meta.url));

// The commands and flags as the sources define them, so the check follows src/cli/program.ts without a build.
const spec = cliSpec(
  buildProgram({
    env: {},
    output: { out() {}, err() {} } as never,
    failed: false,
    signal: new AbortController().signal,
  }),
);

/** A folder with the given markdown files, checked as the repository's docs would be. */
async function check(files: Record<string, string>): Promise<Problem[]> {
  const root = await tempDir("docs-check-");
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, name, ".."), { recursive: true });
    await writeFile(join(root, name), text);
  }
  return checkDocs({ root, files: Object.keys(files).filter((name) => name.endsWith(".md")), spec });
}

const fence = (...lines: string[]) => ["```sh", ...lines, "```"].join("\n");

describe("docs check", () => {
  it("passes on the repository's README, docs/ and action READMEs", () => {
    const files = defaultFiles(REPO);
    expect(files).toEqual(
      expect.arrayContaining(["README.md", "docs/snowflake.md", "actions/extract/README.md"]),
    );
    expect(checkDocs({ root: REPO, files, spec })).toEqual([]);
  });

  it("reports a link to a file that does not exist, with its file and line", async () => {
    const problems = await check({
      "README.md": "# Title\n\nSee [the lake](docs/lake.md) and [nothing](docs/missing.md).\n",
      "docs/lake.md": "# The lake\n",
    });
    expect(problems).toEqual([
      { file: "README.md", line: 3, message: expect.stringContaining("docs/missing.md does not exist") },
    ]);
  });

  it("reports an anchor no heading makes, in another page and in the same page", async () => {
    const problems = await check({
      "README.md": [
        "# Title",
        "",
        "## Quick start",
        "",
        "[ok](#quick-start), [ok](docs/snowflake.md#3-the-iam-role-snowflake-reads-the-bucket-with),",
        "[ok](docs/snowflake.md#the-data-dictionary-docs), [ok](docs/snowflake.md#notes-1)",
        "[bad](docs/snowflake.md#3-the-iam-role), [bad](#quickstart)",
      ].join("\n"),
      "docs/snowflake.md": [
        "# Snowflake",
        "### 3. The IAM role Snowflake reads the bucket with",
        "## The data dictionary (`docs`)",
        "## Notes",
        "## Notes",
        fence("## not a heading inside a code block"),
      ].join("\n"),
    });
    expect(problems).toEqual([
      { file: "README.md", line: 7, message: expect.stringContaining("#3-the-iam-role") },
      { file: "README.md", line: 7, message: expect.stringContaining("#quickstart") },
    ]);
  });

  it("reports a command the CLI does not have, in a code block, with its line", async () => {
    const problems = await check({
      "docs/page.md": [
        "# Page",
        "",
        fence(
          "npm start -- extract --start 2025-11-04 --end 2025-11-05",
          "npm start -- frobnicate --json",
          "amplitude-pipeline upload --lake s3://bucket/prefix   # a comment --not-a-flag",
          "npx github:OWNER/amplitude-pipeline init --repo OWNER/amplitude-pipeline --ref v0",
          "npx amplitude-pipeline uplaod",
        ),
      ].join("\n"),
    });
    expect(problems).toEqual([
      {
        file: "docs/page.md",
        line: 5,
        message: expect.stringContaining("`frobnicate` is not a command of the CLI"),
      },
      {
        file: "docs/page.md",
        line: 8,
        message: expect.stringContaining("`uplaod` is not a command of the CLI"),
      },
    ]);
  });

  it("reports a flag the command's --help does not list, and accepts the ones it does", async () => {
    const problems = await check({
      "README.md": [
        "# Title",
        fence(
          "npm start -- load --warehouse 'duckdb:data/w.duckdb?memory_limit=4GB&threads=2' --json",
          "npm start -- provision --allow-replace=raw.amplitude_events_pipe --plan",
          "npm start -- transform --full-refresh --selct +tag:marts",
          'npm start -- run --start 2025-11-04 | tee out.log && echo "--not-checked"',
          "npm run demo -- --days 7 --colour",
        ),
      ].join("\n"),
    });
    expect(problems).toEqual([
      { file: "README.md", line: 5, message: expect.stringContaining("`transform` has no option `--selct`") },
      { file: "README.md", line: 7, message: expect.stringContaining("`demo` has no option `--colour`") },
    ]);
  });

  it("makes GitHub's heading slugs", () => {
    expect(slugify("3. The IAM role Snowflake reads the bucket with")).toBe(
      "3-the-iam-role-snowflake-reads-the-bucket-with",
    );
    expect(slugify("The data dictionary (`docs`)")).toBe("the-data-dictionary-docs");
    expect(slugify("1. A key pair for the pipeline's user")).toBe("1-a-key-pair-for-the-pipelines-user");
    expect(slugify("The watermark: scheduled runs need no dates")).toBe(
      "the-watermark-scheduled-runs-need-no-dates",
    );
    expect(slugify("Checking SQL before merging (`validate`)")).toBe("checking-sql-before-merging-validate");
  });

  it("as a script: one `file:line: message` per problem on stderr, exit 1", async () => {
    const root = await tempDir("docs-check-cli-");
    await writeFile(join(root, "README.md"), "# Title\n\n[gone](nowhere.md)\n");
    const error = await run(
      process.execPath,
      [join(REPO, "scripts", "check-docs.mjs"), join(root, "README.md")],
      {
        cwd: REPO,
      },
    ).then(
      () => undefined,
      (failure: unknown) => failure as { code: number; stderr: string },
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toMatch(/README\.md:3: link `nowhere\.md`: .*nowhere\.md does not exist/);
  });
});
