// validate keeps each statement's sqlfluff parse between runs, keyed by sqlfluff's version, its arguments and the
// statement's text. These tests run the real sqlfluff behind a shell script that records each invocation, so they
// see which statements were parsed again.
import { spawnSync } from "node:child_process";
import { chmod, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkWithSqlfluff,
  defaultSqlfluffCache,
  type SqlfluffOutcome,
  type SqlfluffStatement,
} from "../src/validate/sqlfluff-check.ts";
import { tempDir } from "./support/files.ts";

const SQLFLUFF = spawnSync("sqlfluff", ["--version"]).status === 0;
const MISSING =
  "sqlfluff is not installed here (.ci/run installs it with apt-get install sqlfluff, as CI does)";
if (!SQLFLUFF) console.warn(`sqlfluff-cache.test.ts: skipped: ${MISSING}`);

const statement = (name: string, sql: string): SqlfluffStatement => ({
  name,
  file: `${name}.sql`,
  line: 1,
  sql,
});
const GOOD = statement("good", "create table if not exists raw.t (id number, name varchar)");
/** `form` for `from` on its third line: sqlfluff takes `form` for an alias and cannot parse what follows. */
const BROKEN = statement("broken", "create view raw.v as\n  select id\n  form raw.t");
const UNLEXABLE = statement("unlexable", "select 'never closed from raw.t");

/** A sqlfluff that logs each invocation's first argument (parse or --version), optionally claiming another version. */
async function recordingSqlfluff(
  dir: string,
  version?: string,
): Promise<{ command: string; calls: () => Promise<string[]> }> {
  const log = join(dir, `calls-${version ?? "real"}.log`);
  const command = join(dir, `sqlfluff-${version ?? "real"}`);
  const fake = version
    ? `if [ "$1" = --version ]; then echo "sqlfluff, version ${version}"; exit 0; fi\n`
    : "";
  await writeFile(command, `#!/bin/sh\necho "$1" >> "${log}"\n${fake}exec sqlfluff "$@"\n`);
  await chmod(command, 0o755);
  return {
    command,
    calls: async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean),
  };
}

function findingsOf(outcome: SqlfluffOutcome) {
  if (!outcome.installed) throw new Error(`sqlfluff not installed: ${outcome.reason}`);
  return outcome.findings.map((f) => ({ name: f.statement.name, line: f.line, message: f.message }));
}

describe.skipIf(!SQLFLUFF)("sqlfluff's parses kept between validate runs", () => {
  it("parses a statement once: a second run reads the same findings, lines included, from the cache", async () => {
    const dir = await tempDir();
    const cache = join(dir, "cache");
    const sqlfluff = await recordingSqlfluff(dir);
    const all = [GOOD, BROKEN, UNLEXABLE];

    const first = await checkWithSqlfluff(all, { command: sqlfluff.command, cache });
    expect(first).toMatchObject({ installed: true, checked: 3, cached: 0 });
    const findings = findingsOf(first);
    expect(findings).toEqual([
      {
        name: "broken",
        line: 3,
        message: expect.stringMatching(/^sqlfluff found an unparsable section: 'raw\.t'$/),
      },
      { name: "unlexable", line: undefined, message: expect.stringMatching(/could not lex/) },
    ]);
    expect((await sqlfluff.calls()).filter((c) => c === "parse").length).toBeGreaterThan(0);
    expect(await readdir(cache)).toHaveLength(3);

    const parsesBefore = (await sqlfluff.calls()).filter((c) => c === "parse").length;
    const second = await checkWithSqlfluff(all, { command: sqlfluff.command, cache });
    expect(second).toMatchObject({ installed: true, checked: 3, cached: 3 });
    expect(findingsOf(second)).toEqual(findings);
    expect((await sqlfluff.calls()).filter((c) => c === "parse").length).toBe(parsesBefore);

    // A changed statement is parsed again, alone; the others still come from the cache.
    const changed = statement("broken", BROKEN.sql.replace("form", "from"));
    const third = await checkWithSqlfluff([GOOD, changed, UNLEXABLE], { command: sqlfluff.command, cache });
    expect(third).toMatchObject({ cached: 2 });
    expect(findingsOf(third).map((f) => f.name)).toEqual(["unlexable"]);
    expect((await sqlfluff.calls()).filter((c) => c === "parse").length).toBe(parsesBefore + 1);
  });

  it("parses again under another sqlfluff version, when the cache file is damaged, and when asked to keep none", async () => {
    const dir = await tempDir();
    const cache = join(dir, "cache");
    const real = await recordingSqlfluff(dir);
    await checkWithSqlfluff([BROKEN], { command: real.command, cache });
    const [file] = await readdir(cache);

    const other = await recordingSqlfluff(dir, "9.9.9");
    const upgraded = await checkWithSqlfluff([BROKEN], { command: other.command, cache });
    expect(upgraded).toMatchObject({ version: "9.9.9", cached: 0 });
    expect(await other.calls()).toContain("parse");

    // Half a file (a disk that filled up): read as a miss, parsed again and written whole.
    await writeFile(join(cache, file!), '{"sections": [{"offs');
    const repaired = await checkWithSqlfluff([BROKEN], { command: real.command, cache });
    expect(repaired).toMatchObject({ cached: 0 });
    expect(findingsOf(repaired)).toHaveLength(1);
    expect(JSON.parse(await readFile(join(cache, file!), "utf8"))).toEqual({
      sections: [expect.objectContaining({ text: expect.stringContaining("raw.t") })],
    });

    const calls = (await real.calls()).filter((c) => c === "parse").length;
    const uncached = await checkWithSqlfluff([BROKEN], { command: real.command, cache: false });
    expect(uncached).toMatchObject({ cached: 0 });
    expect((await real.calls()).filter((c) => c === "parse").length).toBe(calls + 1);
  });
});

describe("where the parses are kept", () => {
  it("is XDG_CACHE_HOME's amplitude-pipeline/sqlfluff, else ~/.cache's", () => {
    expect(defaultSqlfluffCache({ XDG_CACHE_HOME: "/var/cache/me" })).toBe(
      "/var/cache/me/amplitude-pipeline/sqlfluff",
    );
    expect(defaultSqlfluffCache({ XDG_CACHE_HOME: "" })).toMatch(/\/\.cache\/amplitude-pipeline\/sqlfluff$/);
  });
});
