import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { availableParallelism, homedir, tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { CheckSummary, Diagnostics } from "./report.ts";
import { templateLine } from "./template-lines.ts";

/** A statement for sqlfluff: where its text is (file and first line), and the template it came from. */
export interface SqlfluffStatement {
  name: string;
  file: string;
  line: number;
  sql: string;
  source?: { file: string; text: string };
}

/** sqlfluff parses one file at a time: more processes than cores would only wait for each other. */
const MAX_PROCESSES = 4;

/** sqlfluff's arguments before the folder: part of a cached parse's key. */
const PARSE_ARGS = [
  "parse",
  "--dialect",
  "snowflake",
  "--templater",
  "raw",
  "--format",
  "json",
  "--nocolor",
  // Statements are checked the same way wherever validate runs: no .sqlfluff of the machine applies.
  "--ignore-local-config",
];

export interface SqlfluffFinding {
  statement: SqlfluffStatement;
  /** Line within the statement, when sqlfluff's tree tells it. */
  line?: number;
  message: string;
}

export type SqlfluffOutcome =
  | { installed: false; reason: string }
  | {
      installed: true;
      version: string;
      findings: SqlfluffFinding[];
      checked: number;
      /** Statements whose parse was read from the cache, not run again. */
      cached: number;
    };

/**
 * What sqlfluff found in one statement: its unparsable sections, or null when it could not lex it.
 * This is all a finding needs, and what the cache keeps.
 */
type ParseResult = Array<{ offset: number; text: string }> | null;

/**
 * Where parses are kept between runs: `$XDG_CACHE_HOME/amplitude-pipeline/sqlfluff`, else
 * `~/.cache/amplitude-pipeline/sqlfluff`. One small file per statement, named by the hash of sqlfluff's
 * version, its arguments and the statement's text: a parse is a function of those alone, so a file
 * found there is the parse sqlfluff would give again.
 */
export function defaultSqlfluffCache(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(base, "amplitude-pipeline", "sqlfluff");
}

/** The installed sqlfluff's version, or why there is none to run. */
export async function sqlfluffVersion(command: string): Promise<{ version: string } | { reason: string }> {
  try {
    const { code, stdout, stderr } = await run(command, ["--version"]);
    if (code !== 0) return { reason: `${command} --version exited ${code}: ${stderr.trim().slice(0, 200)}` };
    return { version: stdout.trim().replace(/^sqlfluff,\s*version\s*/i, "") };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { reason: `${command} is not on PATH` };
    throw error;
  }
}

/**
 * Parses every statement with `sqlfluff parse --dialect snowflake`, one invocation per core over a folder
 * of one file per statement (sqlfluff starts slowly and parses one file at a time). Its JSON parse tree
 * is lossless, so the offset of each `unparsable` segment, and from it the line, is the length of the
 * text before it. A file sqlfluff could not lex has no tree at all.
 */
export async function checkWithSqlfluff(
  statements: SqlfluffStatement[],
  options: {
    command: string;
    signal?: AbortSignal;
    /** Where parses are kept between runs (default: defaultSqlfluffCache()); false keeps none. */
    cache?: string | false;
  },
): Promise<SqlfluffOutcome> {
  const found = await sqlfluffVersion(options.command);
  if ("reason" in found) return { installed: false, reason: found.reason };
  const files = statements.map(({ sql }) => (sql.endsWith("\n") ? sql : sql + "\n"));
  const cache =
    options.cache === false
      ? undefined
      : new ParseCache(options.cache ?? defaultSqlfluffCache(), found.version);
  const kept = files.map((text) => cache?.path(text));
  const results: Array<ParseResult | undefined> = await Promise.all(
    kept.map((path) => (cache && path ? cache.read(path) : undefined)),
  );
  const cached = results.filter((result) => result !== undefined).length;
  const parsed = await parseStatements(
    files,
    files.map((_, i) => i).filter((i) => results[i] === undefined),
    options,
  );
  for (const [i, result] of parsed) {
    results[i] = result;
    if (result !== undefined) await cache?.write(kept[i]!, result);
  }
  const findings: SqlfluffFinding[] = [];
  statements.forEach((statement, i) => {
    const sections = results[i];
    if (sections === undefined) {
      findings.push({ statement, message: "sqlfluff returned no result for this statement" });
    } else if (sections === null) {
      findings.push({
        statement,
        message: "sqlfluff could not lex this statement (an unterminated quote?)",
      });
    } else {
      for (const section of sections) {
        // A section often starts with the line break before it: the line is where its text starts.
        const lead = section.text.length - section.text.trimStart().length;
        const line = statement.sql.slice(0, section.offset + lead).split("\n").length;
        const text = section.text.replace(/\s+/g, " ").trim();
        findings.push({
          statement,
          line,
          message: `sqlfluff found an unparsable section: '${text.length > 80 ? `${text.slice(0, 77)}...` : text}'`,
        });
      }
    }
  });
  return { installed: true, version: found.version, findings, checked: statements.length, cached };
}

/**
 * Runs sqlfluff over the files picked (by index): one invocation per core, each over a folder of its share
 * (largest first). Each file's unparsable sections, null when it could not lex, undefined when sqlfluff
 * gave no result for it.
 */
async function parseStatements(
  files: string[],
  picked: number[],
  options: { command: string; signal?: AbortSignal },
): Promise<Map<number, ParseResult | undefined>> {
  const results = new Map<number, ParseResult | undefined>();
  if (picked.length === 0) return results;
  const folder = await mkdtemp(join(tmpdir(), "amplitude-pipeline-sqlfluff-"));
  try {
    const processes = Math.max(1, Math.min(MAX_PROCESSES, availableParallelism(), picked.length));
    const shares: number[][] = Array.from({ length: processes }, () => []);
    const sizes = new Array<number>(processes).fill(0);
    for (const i of [...picked].sort((a, b) => files[b]!.length - files[a]!.length)) {
      const share = sizes.indexOf(Math.min(...sizes));
      shares[share]!.push(i);
      sizes[share]! += files[i]!.length;
    }
    const name = (i: number) => `statement_${String(i).padStart(4, "0")}.sql`;
    await Promise.all(
      shares.map(async (share, n) => {
        const dir = join(folder, String(n));
        await mkdir(dir);
        for (const i of share) await writeFile(join(dir, name(i)), files[i]!);
        const trees = await parseFolder(options.command, dir, options.signal);
        for (const i of share) {
          const tree = trees.get(name(i));
          results.set(i, tree === undefined ? undefined : tree === null ? null : unparsableSections(tree));
        }
      }),
    );
    return results;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Parses kept between runs, one file per statement. Best effort both ways: a file that cannot be read
 * or does not hold a parse is a miss (sqlfluff runs), one that cannot be written is left out.
 */
class ParseCache {
  constructor(
    private readonly dir: string,
    private readonly version: string,
  ) {}

  /** The file of a statement's parse. */
  path(text: string): string {
    const key = createHash("sha256")
      .update(JSON.stringify([this.version, PARSE_ARGS, text]))
      .digest("hex");
    return join(this.dir, `${key}.json`);
  }

  async read(path: string): Promise<ParseResult | undefined> {
    try {
      const kept = JSON.parse(await readFile(path, "utf8")) as { sections?: unknown };
      const sections = kept.sections;
      if (sections === null) return null;
      const valid =
        Array.isArray(sections) &&
        sections.every(
          (s) =>
            typeof (s as { offset?: unknown }).offset === "number" &&
            typeof (s as { text?: unknown }).text === "string",
        );
      return valid ? (sections as ParseResult) : undefined;
    } catch {
      return undefined;
    }
  }

  async write(path: string, sections: ParseResult): Promise<void> {
    // Written aside and renamed: a reader never sees half a file, whichever of two runs writes last.
    const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(aside, JSON.stringify({ sections }));
      await rename(aside, path);
    } catch {
      await rm(aside, { force: true }).catch(() => undefined);
    }
  }
}

/** `sqlfluff parse` over every file of a folder: each file's JSON parse tree (null when it could not lex), by name. */
async function parseFolder(
  command: string,
  dir: string,
  signal?: AbortSignal,
): Promise<Map<string, unknown>> {
  const args = [...PARSE_ARGS, dir];
  const { code, stdout, stderr } = await run(command, args, signal);
  let files: Array<{ filepath: string; segments: unknown }>;
  try {
    files = JSON.parse(stdout) as typeof files;
  } catch {
    throw new Error(
      `sqlfluff parse exited ${code} without a JSON result: ${(stderr || stdout).trim().slice(0, 500)}`,
    );
  }
  return new Map(files.map((f) => [basename(f.filepath), f.segments]));
}

/** Each outermost `unparsable` segment of a sqlfluff JSON parse tree, with its offset in the file. */
function unparsableSections(tree: unknown): Array<{ offset: number; text: string }> {
  const sections: Array<{ offset: number; text: string }> = [];
  let offset = 0;
  const text = (node: unknown): string =>
    typeof node === "string"
      ? node
      : Array.isArray(node)
        ? node.map(text).join("")
        : node && typeof node === "object"
          ? Object.values(node).map(text).join("")
          : "";
  const walk = (node: unknown) => {
    if (typeof node === "string") {
      offset += node.length;
    } else if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === "object") {
      for (const [type, child] of Object.entries(node)) {
        if (type === "unparsable") {
          const raw = text(child);
          sections.push({ offset, text: raw });
          offset += raw.length;
        } else {
          walk(child);
        }
      }
    }
  };
  walk(tree);
  return sections;
}

function run(
  command: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], signal });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
  });
}

/** sqlfluff's findings as diagnostics, at the statement's file and line. */
export function sqlfluffDiagnostics(
  outcome: SqlfluffOutcome,
  diagnostics: Diagnostics,
): Omit<CheckSummary, "seconds"> {
  if (!outcome.installed) {
    diagnostics.add({
      check: "sqlfluff",
      severity: "note",
      message: `sqlfluff is not installed (${outcome.reason}): its Snowflake parse was skipped; CI installs it (apt-get install sqlfluff)`,
    });
    return { check: "sqlfluff", passed: 0, failed: 0, warnings: 0, skipped: 0, note: "not installed" };
  }
  const failed = new Set<SqlfluffStatement>();
  for (const { statement, line = 1, message } of outcome.findings) {
    failed.add(statement);
    const rendered = `${statement.file}:${statement.line + line - 1}`;
    const sourceLine = statement.source && templateLine(statement.source.text, statement.sql, line);
    diagnostics.add({
      check: "sqlfluff",
      severity: "error",
      ...(statement.source && sourceLine !== undefined
        ? {
            file: statement.source.file,
            line: sourceLine,
            message: `${statement.name}: ${message} (rendered at ${rendered})`,
          }
        : {
            file: statement.file,
            line: statement.line + line - 1,
            message: `${statement.name}: ${message}${statement.source ? ` (rendered from ${statement.source.file})` : ""}`,
          }),
    });
  }
  return {
    check: "sqlfluff",
    passed: outcome.checked - failed.size,
    failed: failed.size,
    warnings: 0,
    skipped: 0,
    note:
      `sqlfluff ${outcome.version}` +
      (outcome.cached > 0 ? `; ${outcome.cached} of ${outcome.checked} parses kept from an earlier run` : ""),
  };
}
