// The compiled-model changes of a pull request: every model of the base and the head compiled, matched by name.
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changesHtml, changesMarkdown } from "../src/actions/validate-main.ts";
import { readProject } from "../src/models/project.ts";
import { baseProjectFromGit, compiledModelChanges, unifiedDiff } from "../src/validate/model-changes.ts";

const PROJECT_DIR = fileURLToPath(new URL("../sql", import.meta.url));

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "model-changes-"));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function copyProject(name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(PROJECT_DIR, dir, { recursive: true });
  return dir;
}

async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, "utf8");
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
}

describe("compiledModelChanges", () => {
  it("says which models were added, removed, changed (with the edited line in a diff) and unchanged", async () => {
    const base = await copyProject("base");
    const head = await copyProject("head");
    await edit(
      join(head, "models/core/events.sql"),
      "select * from {{ ref('stg_amplitude__events') }}",
      "select * from {{ ref('stg_amplitude__events') }} -- the head's edit",
    );
    await writeFile(join(head, "models/marts/new_model.sql"), "select 1 as one\n");
    await rm(join(head, "models/marts/web_issues.sql"));
    await rm(join(head, "models/marts/web_issues.yml"));

    const changes = await compiledModelChanges(base, await readProject(head));
    expect(changes.dialect).toBe("snowflake");
    expect(changes.baseError).toBeUndefined();
    const byName = new Map(changes.models.map((m) => [m.model, m]));
    expect(byName.get("events")?.change).toBe("changed");
    expect(byName.get("new_model")).toEqual({
      model: "new_model",
      path: "models/marts/new_model.sql",
      change: "added",
    });
    expect(byName.get("web_issues")?.change).toBe("removed");
    expect(byName.get("sessions")?.change).toBe("unchanged");
    expect(
      new Set(
        changes.models
          .filter((m) => !["events", "new_model", "web_issues"].includes(m.model))
          .map((m) => m.change),
      ),
    ).toEqual(new Set(["unchanged"]));
    const diff = byName.get("events")!.diff!;
    expect(diff.startsWith("--- a/models/core/events.sql\n+++ b/models/core/events.sql\n@@ -")).toBe(true);
    const removed = diff.split("\n").filter((l) => l.startsWith("-") && !l.startsWith("---"));
    const added = diff.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++"));
    expect(added).toHaveLength(1);
    expect(removed).toHaveLength(1);
    expect(added[0]).toMatch(/^\+\s*select \* from \S+stg_amplitude__events -- the head's edit$/);
    expect(removed[0]).toBe(added[0]!.replace(/^\+/, "-").replace(" -- the head's edit", ""));
    // Models sorted by name; the DuckDB dialect compiles too, to other SQL.
    expect(changes.models.map((m) => m.model)).toEqual([...changes.models.map((m) => m.model)].sort());
    const duckdb = await compiledModelChanges(base, head, "duckdb");
    expect(duckdb.models.find((m) => m.model === "events")?.change).toBe("changed");
  });

  it("a base that does not compile is reported per model, not thrown", async () => {
    const base = await copyProject("broken-base");
    const head = await copyProject("good-head");
    await edit(join(base, "models/marts/web_issues.sql"), "ref('page_paths')", "ref('page_pathz')");
    const changes = await compiledModelChanges(base, head);
    const webIssues = changes.models.find((m) => m.model === "web_issues")!;
    expect(webIssues.change).toBe("base does not compile");
    expect(webIssues.error).toMatch(/page_pathz/);
    expect(changes.models.find((m) => m.model === "events")?.change).toBe("unchanged");

    // A base that is no model project at all: every head model says so.
    const empty = join(scratch, "empty-base");
    await mkdir(empty, { recursive: true });
    const none = await compiledModelChanges(empty, head);
    expect(none.baseError).toBeTruthy();
    expect(none.models.length).toBeGreaterThan(5);
    expect(new Set(none.models.map((m) => m.change))).toEqual(new Set(["base does not compile"]));
  });
});

describe("unifiedDiff", () => {
  it("writes hunks with context and line numbers, removals before additions", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].join("\n") + "\n";
    const after = ["a", "b", "C", "d", "e", "f", "g", "h", "i", "j", "k"].join("\n") + "\n";
    expect(unifiedDiff(before, after, "a/x.sql", "b/x.sql", 1)).toBe(
      [
        "--- a/x.sql",
        "+++ b/x.sql",
        "@@ -2,3 +2,3 @@",
        " b",
        "-c",
        "+C",
        " d",
        "@@ -10 +10,2 @@",
        " j",
        "+k",
        "",
      ].join("\n"),
    );
    expect(unifiedDiff("same\n", "same\n", "a", "b")).toBe("");
    expect(unifiedDiff("", "new\n", "a", "b")).toBe("--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n");
  });
});

const GIT = spawnSync("git", ["--version"]).status === 0;

describe.runIf(GIT)("baseProjectFromGit", () => {
  function git(cwd: string, ...args: string[]) {
    const result = spawnSync("git", args, {
      cwd,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.invalid",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.invalid",
      },
    });
    expect(result.status, result.stderr).toBe(0);
  }

  it("extracts the project at HEAD^1; says why when it cannot", async () => {
    const repo = join(scratch, "repo");
    await cp(PROJECT_DIR, join(repo, "sql"), { recursive: true });
    git(repo, "init", "-q");
    git(repo, "add", "sql");
    git(repo, "commit", "-q", "-m", "base");
    const options = {
      projectDir: join(repo, "sql"),
      workspace: repo,
      eventName: "pull_request",
      tempRoot: scratch,
    };
    const first = await baseProjectFromGit(options);
    expect(first).toEqual({ unavailable: expect.stringMatching(/no parent commit.*fetch-depth: 2/) });

    await edit(join(repo, "sql/models/core/events.sql"), "with events as", "with events as -- edited");
    git(repo, "commit", "-q", "-am", "head");
    const base = await baseProjectFromGit(options);
    if ("unavailable" in base) throw new Error(base.unavailable);
    expect(await readFile(join(base.dir, "models/core/events.sql"), "utf8")).toBe(
      await readFile(join(PROJECT_DIR, "models/core/events.sql"), "utf8"),
    );
    await base.cleanup();

    expect(await baseProjectFromGit({ ...options, eventName: "push" })).toEqual({
      unavailable: expect.stringMatching(/^not a pull_request event/),
    });
    const bare = join(scratch, "no-git");
    await mkdir(bare, { recursive: true });
    expect(await baseProjectFromGit({ ...options, projectDir: join(bare, "sql"), workspace: bare })).toEqual({
      unavailable: expect.stringMatching(/^no git repository/),
    });
  });
});

describe("the comment's section of changes", () => {
  it("stays well under GitHub's 65,536 characters: each diff cut, then the rest left to the job summary", () => {
    const big = Array.from({ length: 2000 }, (_, i) => `+    column_${i} -- \`\`\` a fence in the SQL`).join(
      "\n",
    );
    const models = Array.from({ length: 30 }, (_, i) => ({
      model: `m${String(i).padStart(2, "0")}`,
      path: `models/core/m${i}.sql`,
      change: "changed" as const,
      diff: `--- a/x\n+++ b/x\n@@ -1 +1,2000 @@\n${big}\n`,
    }));
    const comparison = { changes: { dialect: "snowflake" as const, models }, base: "HEAD^1 (abc)" };
    const text = changesMarkdown(comparison).join("\n");
    expect(text.length).toBeLessThan(45_000);
    expect(text).toContain("| m29 | changed |");
    expect(text).toMatch(/… and \d+ more diff\(s\) in the job summary\./);
    expect(text).toContain("*(this diff was cut; the job summary has more of it)*");
    // The SQL's own ``` cannot end the block: its fence is longer.
    expect(text).toContain("````diff\n");
    expect(text).toContain("\n````\n\n*(this diff was cut; the job summary has more of it)*\n\n</details>");
    const html = changesHtml(comparison);
    expect(html.length).toBeLessThan(400_000);
    expect(html).not.toMatch(/<(?!\/?(h3|p|table|tr|th|td|code|details|summary|pre|br)\b)/);
  });
});
