// A command whose options or configuration are wrong says so and exits 2 before it creates anything: no
// backup folder, lock, lake folder or DuckDB file is left behind by a run that never started its work.
import { mkdir, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";
import { listFiles, tempDir } from "./support/files.ts";

// Nothing listens on the discard port: a command that got as far as calling Amplitude would fail with exit 1.
const AMPLITUDE = { AMP_API_KEY: "key", AMP_SECRET_KEY: "secret", AMPLITUDE_API_URL: "http://127.0.0.1:9" };

const cases: Array<{ args: string[]; env?: Record<string, string>; error: RegExp }> = [
  {
    args: ["extract", "--start", "2025-13-01", "--out", "X"],
    env: AMPLITUDE,
    error: /--start "2025-13-01" is not a real date and hour/,
  },
  {
    args: ["extract", "--start", "2025-11-04", "--end", "2025-11-04", "--out", "X"],
    error: /AMP_API_KEY and AMP_SECRET_KEY are not set/,
  },
  { args: ["run"], error: /AMP_API_KEY and AMP_SECRET_KEY are not set/ },
  {
    args: ["run", "--warehouse", "snowflake", "--lake", "file://L"],
    env: AMPLITUDE,
    error:
      /--warehouse snowflake: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE, SNOWFLAKE_WAREHOUSE and SNOWFLAKE_PRIVATE_KEY/,
  },
  {
    args: [
      "run",
      "--start",
      "2025-11-04",
      "--end",
      "2025-11-04",
      "--warehouse",
      "duckdb:w.duckdb?threads=lots",
    ],
    env: AMPLITUDE,
    error: /--warehouse duckdb:w\.duckdb\?threads=lots: threads="lots" is not valid/,
  },
  {
    args: ["run", "--start", "2025-11-04", "--end", "2025-11-04", "--project", "nowhere"],
    env: AMPLITUDE,
    error: /there is no model folder at nowhere\/models/,
  },
  {
    args: ["run", "--start", "2025-11-04", "--end", "2025-11-04", "--history", "5x"],
    env: AMPLITUDE,
    error:
      /--history "5x" is not a span: use a number of hours, days, weeks, months or years \(48h, 90d, 12w, 3m, 1y\), or all/,
  },
  {
    args: ["upload", "--from", "nothere", "--lake", "file://L"],
    error: /nothere is not a backup folder: run extract first/,
  },
];

describe("a command with a bad option or setting creates nothing", () => {
  it.each(cases.map((c) => ({ ...c, command: c.args.join(" ") })))(
    "$command",
    async ({ args, env, error }) => {
      const cwd = await tempDir();
      const result = await runCli(args, { cwd, env });
      expect(result.stderr).toMatch(error);
      expect(result.code).toBe(2);
      expect(await readdir(cwd)).toEqual([]);
    },
  );

  it("checks --history even when a watermark means it would not be used", async () => {
    const cwd = await tempDir();
    // A completed window in the backup folder: the watermark, from which extract resumes.
    await mkdir(join(cwd, "data/exports/187520/2025-11-04T00_2025-11-04T23"), { recursive: true });
    const before = await listFiles(cwd);
    const result = await runCli(
      ["extract", "--history", "5x", "--end", "2025-11-04T23", "--objects", "events"],
      { cwd, env: { ...AMPLITUDE, AMPLITUDE_APP_ID: "187520" } },
    );
    expect(result.stderr).toMatch(/--history "5x" is not a span: .*\(48h, 90d, 12w, 3m, 1y\), or all/);
    expect(result.code).toBe(2);
    expect(await listFiles(cwd)).toEqual(before);
    expect(await readdir(join(cwd, "data/exports"))).toEqual(["187520"]);
  });
});

describe("provision", () => {
  it("--plan names every missing setting at once, each with what it is, and no option it does not have", async () => {
    const cwd = await tempDir();
    const result = await runCli(["provision", "--plan"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        "configuration error: provision needs 6 setting(s) that are not set:",
        "  SNOWFLAKE_ACCOUNT: the account identifier, orgname-accountname (e.g. myorg-myaccount)",
        "  SNOWFLAKE_USER: the user the pipeline signs in as",
        "  SNOWFLAKE_DATABASE: the database that holds the pipeline's schemas",
        "  SNOWFLAKE_WAREHOUSE: the virtual warehouse the queries and tasks run on",
        "  SNOWFLAKE_PRIVATE_KEY (or SNOWFLAKE_PRIVATE_KEY_PATH): the key pair's private key: its PEM text (or the path of its file)",
        "  --lake s3://bucket/prefix (or AWS_BUCKET_NAME): the S3 lake the stage reads",
        "Set them in the environment, .env or the repository's secrets and variables; provision --dry-run renders the statements without any of them",
        "",
      ].join("\n"),
    );
    expect(await readdir(cwd)).toEqual([]);
  });

  it("--plan names provision, not a --warehouse option, when a setting is wrong", async () => {
    const result = await runCli(["provision", "--plan", "--lake", "s3://lake-bucket/p"], {
      cwd: await tempDir(),
      env: {
        SNOWFLAKE_ACCOUNT: "myorg-myaccount",
        SNOWFLAKE_USER: "pipeline",
        SNOWFLAKE_DATABASE: "analytics",
        SNOWFLAKE_WAREHOUSE: "transforming",
        SNOWFLAKE_PRIVATE_KEY: "not a key",
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^configuration error: provision: SNOWFLAKE_PRIVATE_KEY is not a PEM private key/m,
    );
    expect(result.stderr).not.toMatch(/--warehouse/);
  });

  it("--dry-run says which settings are placeholders, on stderr, stdout and in every statement", async () => {
    const cwd = await tempDir();
    const result = await runCli(["provision", "--dry-run", "--out", "statements"], { cwd });
    expect(result.code).toBe(0);
    const placeholders =
      "the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); " +
      "the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)";
    expect(result.stderr).toContain(`warning: --dry-run renders with placeholders: ${placeholders}.`);
    expect(result.stdout).toContain(`Placeholders, not your settings: ${placeholders}.`);
    const files = await readdir(join(cwd, "statements"));
    expect(files.length).toBeGreaterThan(50);
    for (const file of [files[0]!, files.at(-1)!]) {
      expect((await readFile(join(cwd, "statements", file), "utf8")).split("\n")[1]).toBe(
        `-- placeholders, not your settings: ${placeholders}`,
      );
    }

    const given = await runCli(["provision", "--dry-run", "--out", "mine", "--lake", "s3://lake-bucket/p"], {
      cwd,
      env: { SNOWFLAKE_WAREHOUSE: "transforming" },
    });
    expect(given.code).toBe(0);
    expect(given.stderr + given.stdout).not.toMatch(/placeholder/i);
  });
});
