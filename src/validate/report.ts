import { isAbsolute, relative } from "node:path";

/** The checks `validate` runs, in the order it reports them. */
export const CHECKS = ["compile", "execute", "tests", "polyglot", "parity", "sqlfluff"] as const;
export type CheckName = (typeof CHECKS)[number];

export type Severity = "error" | "warning" | "note";

/** One finding, located as `file:line` (paths relative to the working directory when inside it). */
export interface Diagnostic {
  check: CheckName;
  severity: Severity;
  file?: string;
  line?: number;
  message: string;
}

/**
 * A statement to check that the model project does not render: the Snowflake provisioning DDL, say.
 * `checks` says which parsers read it: `polyglot` parses it and checks its table and column names against
 * the project's schema; `sqlfluff` (where installed) parses it with sqlfluff's Snowflake grammar, which
 * reads the inside of DDL that polyglot keeps as raw text (pipes, streams, stages, file formats).
 * `line` is the statement's first line in `file`: findings are reported at that offset.
 */
export interface ValidatedStatement {
  file: string;
  line?: number;
  name: string;
  sql: string;
  checks: Array<"polyglot" | "sqlfluff">;
  /**
   * The project's relations it reads or builds (`core.sessions`): polyglot leaves it out when one of them did
   * not build in the sample run, since that model's own error is the cause.
   */
  reads?: string[];
}

/** What one check did: `passed` and `failed` count its own units (statements, model builds, test runs). */
export interface CheckSummary {
  check: CheckName;
  passed: number;
  failed: number;
  warnings: number;
  skipped: number;
  seconds: number;
  /** Why it was skipped in part or whole, what it counted. */
  note?: string;
}

export interface ValidationFigures {
  models: number;
  /** Snowflake statements parsed by polyglot or sqlfluff. */
  statements: number;
  errors: number;
  warnings: number;
  seconds: number;
}

export interface ValidationReport {
  project: string;
  diagnostics: Diagnostic[];
  checks: CheckSummary[];
  figures: ValidationFigures;
  /** True when any diagnostic is an error: the pull request should not merge. */
  failed: boolean;
}

/**
 * Collects diagnostics, merging the same finding reported from several places (both engines, both
 * runs) into one whose message names them all.
 */
export class Diagnostics {
  private readonly found = new Map<string, { diagnostic: Diagnostic; contexts: string[] }>();

  add(diagnostic: Diagnostic & { context?: string }): void {
    const { context, ...rest } = diagnostic;
    const key = [rest.check, rest.severity, rest.file ?? "", rest.line ?? "", rest.message].join("\u0000");
    const entry = this.found.get(key) ?? { diagnostic: rest, contexts: [] };
    if (context && !entry.contexts.includes(context)) entry.contexts.push(context);
    this.found.set(key, entry);
  }

  count(check: CheckName, severity: Severity): number {
    return this.list().filter((d) => d.check === check && d.severity === severity).length;
  }

  list(): Diagnostic[] {
    return [...this.found.values()].map(({ diagnostic, contexts }) =>
      contexts.length > 0
        ? { ...diagnostic, message: `${diagnostic.message} (${contexts.join(", ")})` }
        : diagnostic,
    );
  }
}

/** `file:line: severity: message`, the form editors and GitHub's problem matchers read. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = diagnostic.file
    ? `${diagnostic.file}${diagnostic.line === undefined ? "" : `:${diagnostic.line}`}: `
    : "";
  return `${where}${diagnostic.severity}: ${diagnostic.message}`;
}

/** A path as the user should see it: relative to the working directory when below it, else absolute. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const shown = relative(cwd, path);
  return shown === "" || shown.startsWith("..") || isAbsolute(shown) ? path : shown;
}
