import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runInit } from "../src/cli/init-command.ts";
import type { Output } from "../src/cli/output.ts";
import { readProject } from "../src/models/project.ts";
import { stageUrl } from "../src/pipeline/provision.ts";
import { DEFAULT_STORAGE_INTEGRATION, FINALIZER_TASK, ROOT_TASK } from "../src/snowflake/objects.ts";
import { DRY_RUN_SETTINGS, renderObjects, type SnowflakeObject } from "../src/snowflake/render.ts";
import { checkWithSqlfluff } from "../src/validate/sqlfluff-check.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const ADMIN = join(REPO, "sql", "snowflake", "admin");
const read = (path: string) => readFileSync(join(REPO, path), "utf8");
const SETUP = read("sql/snowflake/admin/setup.sql");
const TEARDOWN = read("sql/snowflake/admin/teardown.sql");

/** The numbered steps of docs/snowflake.md that the admin scripts refer to ("docs/snowflake.md, step N"). */
const STEPS: Record<number, string> = {
  1: "A key pair for the pipeline's user",
  2: "What the Snowflake admin runs",
  3: "The IAM role Snowflake reads the bucket with",
  4: "Configuration",
  5: "Provision",
  6: "The first backfill",
  7: "What load and transform do on Snowflake",
  8: "How a graph run knows what is new",
};

/** A script's comments as running text: `-- ` prefixes gone, lines joined. */
function prose(sql: string): string {
  return sql
    .split("\n")
    .filter((line) => line.trimStart().startsWith("--"))
    .map((line) => line.replace(/^\s*--+\s?/, "").trim())
    .join(" ")
    .replace(/\s+/g, " ");
}

/** The statements of a script, comments removed, lowercase, whitespace collapsed. */
function statements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(";")
    .map((statement) => statement.replace(/\s+/g, " ").trim().toLowerCase())
    .filter(Boolean);
}

function capture(): Output & { stderr: string[] } {
  const stderr: string[] = [];
  return { stderr, isTTY: false, out: () => {}, err: (line) => stderr.push(line), status: () => {} };
}

/** The example values init prints for the variables (`gh variable set NAME --body VALUE`). */
async function initExamples(): Promise<Record<string, string>> {
  const output = capture();
  await runInit({ print: true, repo: "OWNER/NAME", ref: "v0" }, { output });
  const examples: Record<string, string> = {};
  for (const line of output.stderr) {
    const match = /^\s*gh variable set (\w+) --body (\S+)/.exec(line);
    if (match) examples[match[1]!] = match[2]!.replace(/^'|'$/g, "");
  }
  return examples;
}

/** What `create <kind> if not exists <name>` statements setup.sql holds, by kind. */
function created(sql: string): Map<string, string[]> {
  const kinds = new Map<string, string[]>();
  for (const statement of statements(sql)) {
    const match =
      /^create (role|user|warehouse|database|storage integration|resource monitor) if not exists (\w+)/.exec(
        statement,
      );
    if (match) kinds.set(match[1]!, [...(kinds.get(match[1]!) ?? []), match[2]!]);
  }
  return kinds;
}

describe("the admin scripts' references to docs/snowflake.md", () => {
  const files = ["setup.sql", "teardown.sql"];

  it("name steps that exist, with the step each sentence means", () => {
    for (const file of files) {
      const text = read(`sql/snowflake/admin/${file}`);
      expect(text, file).not.toMatch(/README/);
      const steps = [...prose(text).matchAll(/docs\/snowflake\.md, step (\d+)/g)].map((m) => Number(m[1]));
      expect(steps.length, file).toBeGreaterThan(0);
      for (const step of steps) expect(STEPS[step], `${file}: step ${step}`).toBeDefined();
    }
    const setup = prose(SETUP);
    expect(setup).toContain("IAM role you create for Snowflake in docs/snowflake.md, step 3");
    expect(setup).toContain("rsa_key.pub without its BEGIN/END lines (docs/snowflake.md, step 1)");
    expect(setup).toContain("before the pipeline's first `provision` (docs/snowflake.md, step 2)");
  });

  it("match the headings of docs/snowflake.md once it is there", () => {
    const path = join(REPO, "docs", "snowflake.md");
    if (!existsSync(path)) return;
    const headings = new Map(
      [...readFileSync(path, "utf8").matchAll(/^### (\d+)\. (.+)$/gm)].map((m) => [
        Number(m[1]),
        m[2]!.trim(),
      ]),
    );
    for (const [step, title] of Object.entries(STEPS)) {
      expect(headings.get(Number(step)), `docs/snowflake.md ### ${step}.`).toBe(title);
    }
  });
});

describe("init's example values and setup.sql", () => {
  it("name the same role, user, warehouse and database; provision's default integration is setup's", async () => {
    const examples = await initExamples();
    const made = created(SETUP);
    expect(made.get("role")).toEqual([examples.SNOWFLAKE_ROLE!.toLowerCase()]);
    expect(made.get("user")).toEqual([examples.SNOWFLAKE_USER!.toLowerCase()]);
    expect(made.get("warehouse")).toEqual([examples.SNOWFLAKE_WAREHOUSE!.toLowerCase()]);
    expect(made.get("database")).toEqual([examples.SNOWFLAKE_DATABASE!.toLowerCase()]);
    expect(made.get("storage integration")).toEqual([DEFAULT_STORAGE_INTEGRATION]);
    // The user's defaults and the grants name the same objects.
    const all = statements(SETUP).join(";\n");
    expect(all).toContain(`default_role = ${made.get("role")![0]}`);
    expect(all).toContain(`default_warehouse = ${made.get("warehouse")![0]}`);
    expect(all).toContain(`on warehouse ${made.get("warehouse")![0]} to role ${made.get("role")![0]}`);
    expect(all).toContain(`on database ${made.get("database")![0]} to role ${made.get("role")![0]}`);
  });

  it("agree on the lake's prefix: LAKE_URL, the stage provision makes, the allowed location, the IAM policy", async () => {
    const examples = await initExamples();
    const lake = stageUrl(examples.LAKE_URL, {});
    expect(lake.prefix).not.toBe("");
    expect(examples.AWS_BUCKET_NAME).toBe(lake.bucket);
    const fill = (text: string) =>
      text.replaceAll("<bucket>", lake.bucket).replaceAll("<prefix>", lake.prefix);
    const allowed = /storage_allowed_locations = \('([^']+)'\)/.exec(SETUP)?.[1];
    expect(fill(allowed ?? "")).toBe(lake.url);

    // The IAM permissions policy as the docs show it (docs/snowflake.md once it is there, the README until then).
    const page = ["docs/snowflake.md", "README.md"].find((path) => existsSync(join(REPO, path)));
    const policies = [...read(page!).matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((json) => json.includes("s3:GetObject"));
    expect(policies, `an IAM policy with s3:GetObject in ${page}`).toHaveLength(1);
    const policy = JSON.parse(fill(policies[0]!)) as {
      Statement: {
        Action: string[];
        Resource: string;
        Condition?: { StringLike: Record<string, string[]> };
      }[];
    };
    const get = policy.Statement.find((statement) => statement.Action.includes("s3:GetObject"));
    const list = policy.Statement.find((statement) => statement.Action.includes("s3:ListBucket"));
    expect(get?.Resource).toBe(`arn:aws:s3:::${lake.bucket}/${lake.prefix}/*`);
    expect(list?.Condition?.StringLike["s3:prefix"]).toEqual([`${lake.prefix}/*`]);
  });
});

describe("setup.sql's resource monitor", () => {
  it("caps the pipeline's warehouse monthly: notify at 80 %, suspend at 100 %", () => {
    const all = statements(SETUP);
    const monitor = all.find((s) => s.startsWith("create resource monitor"));
    expect(monitor).toBe(
      "create resource monitor if not exists amplitude_pipeline_monitor with credit_quota = <monthly credits> " +
        "frequency = monthly start_timestamp = immediately triggers on 80 percent do notify on 100 percent do suspend",
    );
    const warehouse = created(SETUP).get("warehouse")![0];
    expect(all).toContain(`alter warehouse ${warehouse} set resource_monitor = amplitude_pipeline_monitor`);
    // Resource monitors are the account administrator's: it is created after `use role accountadmin`.
    const roleBefore = all
      .slice(0, all.indexOf(monitor!))
      .filter((s) => s.startsWith("use role"))
      .at(-1);
    expect(roleBefore).toBe("use role accountadmin");
  });
});

/** What teardown.sql fails to remove of `objects`, each as "kind name: why". */
function missingFromTeardown(teardown: string, objects: SnowflakeObject[]): string[] {
  const all = statements(teardown);
  const dropped = (kind: string, name: string, cascade = false) =>
    all.some((s) => s === `drop ${kind} if exists ${name}${cascade ? " cascade" : ""}`);
  const missing: string[] = [];
  for (const object of objects) {
    const schema = object.name.split(".")[0]!;
    // Objects that load or run by themselves are dropped by name; the rest go with their schema.
    const byName =
      ["pipe", "stream", "stage", "storage integration"].includes(object.kind) ||
      object.name === ROOT_TASK ||
      object.name === FINALIZER_TASK;
    if (object.kind === "schema") {
      if (!dropped("schema", object.name, true)) missing.push(`schema ${object.name}: no drop … cascade`);
    } else if (byName) {
      if (!dropped(object.kind, object.name))
        missing.push(`${object.kind} ${object.name}: not dropped by name`);
    } else if (!dropped("schema", schema, true)) {
      missing.push(`${object.kind} ${object.name}: its schema ${schema} is not dropped`);
    }
  }
  return missing;
}

describe("teardown.sql", () => {
  it("removes everything provision creates (objects rendered from the project)", async () => {
    const objects = renderObjects(await readProject(join(REPO, "sql")), {
      ...DRY_RUN_SETTINGS,
      // `provision --create-integration` also makes the storage integration.
      createIntegration: true,
      awsRoleArn: "arn:aws:iam::123456789012:role/snowflake-amplitude-lake",
    });
    const kinds = new Set(objects.map((object) => object.kind));
    for (const kind of [
      "schema",
      "table",
      "stage",
      "pipe",
      "stream",
      "task",
      "procedure",
      "storage integration",
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(missingFromTeardown(TEARDOWN, objects)).toEqual([]);
    // The check does notice a gap.
    const gap = TEARDOWN.replace("drop pipe if exists raw.lake_manifests_pipe;\n", "").replace(
      "drop schema if exists marts cascade;\n",
      "",
    );
    expect(missingFromTeardown(gap, objects)).toEqual(
      expect.arrayContaining([
        "pipe raw.lake_manifests_pipe: not dropped by name",
        "schema marts: no drop … cascade",
      ]),
    );
  });

  it("drops the schema of the masking policies after every schema whose columns they mask", async () => {
    const objects = renderObjects(await readProject(join(REPO, "sql")), DRY_RUN_SETTINGS);
    const policySchemas = new Set(
      objects.filter((o) => o.kind === "masking policy").map((o) => o.name.split(".")[0]!),
    );
    const maskedSchemas = new Set(
      objects.filter((o) => o.kind === "column masking").map((o) => o.name.split(".")[0]!),
    );
    expect(policySchemas.size).toBeGreaterThan(0);
    expect(maskedSchemas.size).toBeGreaterThan(0);
    const all = statements(TEARDOWN);
    const droppedAt = (schema: string) => all.indexOf(`drop schema if exists ${schema} cascade`);
    for (const policySchema of policySchemas) {
      for (const masked of maskedSchemas) {
        expect(droppedAt(masked), `${masked} before ${policySchema}`).toBeGreaterThanOrEqual(0);
        expect(droppedAt(masked), `${masked} before ${policySchema}`).toBeLessThan(droppedAt(policySchema));
      }
    }
  });

  it("stops the task graph and the pipes before it drops anything", () => {
    const all = statements(TEARDOWN);
    const firstDrop = all.findIndex((s) => s.startsWith("drop "));
    const before = all.slice(0, firstDrop);
    expect(before).toContain(`alter task if exists ${ROOT_TASK} suspend`);
    for (const pipe of [
      "raw.amplitude_events_pipe",
      "raw.amplitude_snapshots_pipe",
      "raw.lake_manifests_pipe",
    ]) {
      expect(before).toContain(`alter pipe if exists ${pipe} set pipe_execution_paused = true`);
    }
    expect(before.slice(0, 2)).toEqual(["use role amplitude_pipeline", "use database analytics"]);
  });

  it("removes what setup.sql created only in its optional second part", () => {
    const start = TEARDOWN.search(/^-- Part 2 \(optional\)/m);
    expect(start, "a part 2").toBeGreaterThan(0);
    const [part1, part2] = [TEARDOWN.slice(0, start), TEARDOWN.slice(start)];
    const second = statements(part2!);
    expect(second[0]).toBe("use role accountadmin");
    for (const [kind, names] of created(SETUP)) {
      for (const name of names) {
        if (kind === "database") {
          // Commented out: the database may hold more than the pipeline.
          expect(part2).toContain(`-- drop database if exists ${name};`);
          expect(statements(TEARDOWN)).not.toContain(`drop database if exists ${name}`);
        } else {
          expect(second, `${kind} ${name}`).toContain(`drop ${kind} if exists ${name}`);
          expect(statements(part1!)).not.toContain(`drop ${kind} if exists ${name}`);
        }
      }
    }
  });
});

const SQLFLUFF_INSTALLED = spawnSync("sqlfluff", ["--version"]).status === 0;
if (!SQLFLUFF_INSTALLED)
  console.warn("admin-sql.test.ts: sqlfluff is not installed: the parse test is skipped");

/**
 * Statements Snowflake documents that the sqlfluff of Debian 12 (1.4.5) cannot parse; a newer sqlfluff may.
 * Only these may be reported.
 */
const SQLFLUFF_GAPS = [
  // https://docs.snowflake.com/en/sql-reference/sql/create-user (TYPE = SERVICE)
  /^create user if not exists \w+ type = service/,
  // https://docs.snowflake.com/en/sql-reference/sql/create-resource-monitor
  /^create resource monitor /,
  // https://docs.snowflake.com/en/sql-reference/sql/create-storage-integration
  /^create storage integration /,
  // https://docs.snowflake.com/en/sql-reference/sql/drop-resource-monitor: "DROP RESOURCE MONITOR [ IF EXISTS ] <name>"
  /^drop resource monitor if exists /,
];

describe.skipIf(!SQLFLUFF_INSTALLED)("the admin scripts under sqlfluff", () => {
  it("parse as Snowflake SQL, statement by statement (placeholders filled in)", async () => {
    const fill = (text: string) =>
      text
        .replaceAll("<monthly credits>", "30")
        .replace(/<([a-z ]+)>/g, (_all, name: string) => name.replace(/ /g, "_"));
    const list = ["setup.sql", "teardown.sql"].flatMap((name) =>
      statements(fill(readFileSync(join(ADMIN, name), "utf8"))).map((sql, i) => ({
        name: `${name} #${i + 1}`,
        file: join(ADMIN, name),
        line: 1,
        sql: sql + ";",
      })),
    );
    const outcome = await checkWithSqlfluff(list, { command: "sqlfluff" });
    expect(outcome.installed).toBe(true);
    if (!outcome.installed) return;
    expect(outcome.checked).toBe(list.length);
    const unexpected = outcome.findings.filter(
      (finding) => !SQLFLUFF_GAPS.some((gap) => gap.test(finding.statement.sql)),
    );
    expect(unexpected.map((finding) => `${finding.statement.name}: ${finding.message}`)).toEqual([]);
    // The check does report a statement that is not SQL.
    const broken = await checkWithSqlfluff(
      [{ name: "broken", file: "teardown.sql", line: 1, sql: "drop pipe if exists raw.x the pipe;" }],
      { command: "sqlfluff" },
    );
    expect(broken.installed && broken.findings.length).toBe(1);
  }, 120_000);
});
