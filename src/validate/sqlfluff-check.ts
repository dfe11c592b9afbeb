import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
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

export interface SqlfluffFinding {
  statement: SqlfluffStatement;
  /** Line within the statement, when sqlfluff's tree tells it. */
  line?: number;
  message: string;
}

export type SqlfluffOutcome =
  | { installed: false; reason: string }
  | { installed: true; version: string; findings: SqlfluffFinding[]; checked: number };

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
  options: { command: string; signal?: AbortSignal },
): Promise<SqlfluffOutcome> {
  const found = await sqlfluffVersion(options.command);
  if ("reason" in found) return { installed: false, reason: found.reason };
  if (statements.length === 0) return { installed: true, version: found.version, findings: [], checked: 0 };
  const folder = await mkdtemp(join(tmpdir(), "amplitude-pipeline-sqlfluff-"));
  try {
    // One sqlfluff per core, each over a folder of its share of the statements (largest first).
    const processes = Math.max(1, Math.min(MAX_PROCESSES, availableParallelism(), statements.length));
    const shares: number[][] = Array.from({ length: processes }, () => []);
    const sizes = new Array<number>(processes).fill(0);
    const order = statements
      .map((_, i) => i)
      .sort((a, b) => statements[b]!.sql.length - statements[a]!.sql.length);
    for (const i of order) {
      const share = sizes.indexOf(Math.min(...sizes));
      shares[share]!.push(i);
      sizes[share]! += statements[i]!.sql.length;
    }
    const names = statements.map((_, i) => `statement_${String(i).padStart(4, "0")}.sql`);
    const trees = new Map<string, unknown>();
    await Promise.all(
      shares.map(async (share, n) => {
        const dir = join(folder, String(n));
        await mkdir(dir);
        for (const i of share) {
          const sql = statements[i]!.sql;
          await writeFile(join(dir, names[i]!), sql.endsWith("\n") ? sql : sql + "\n");
        }
        for (const [name, tree] of await parseFolder(options.command, dir, options.signal))
          trees.set(name, tree);
      }),
    );
    const findings: SqlfluffFinding[] = [];
    statements.forEach((statement, i) => {
      const segments = trees.get(names[i]!);
      if (segments === undefined) {
        findings.push({ statement, message: "sqlfluff returned no result for this statement" });
      } else if (segments === null) {
        findings.push({
          statement,
          message: "sqlfluff could not lex this statement (an unterminated quote?)",
        });
      } else {
        for (const section of unparsableSections(segments)) {
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
    return { installed: true, version: found.version, findings, checked: statements.length };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** `sqlfluff parse` over every file of a folder: each file's JSON parse tree (null when it could not lex), by name. */
async function parseFolder(
  command: string,
  dir: string,
  signal?: AbortSignal,
): Promise<Map<string, unknown>> {
  const args = [
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
    dir,
  ];
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
    note: `sqlfluff ${outcome.version}`,
  };
}
