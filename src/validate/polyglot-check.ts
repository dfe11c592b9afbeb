import {
  Dialect,
  parse,
  validate,
  validateWithSchema,
  type Schema,
  type TableSchema,
  type ValidationError,
} from "@polyglot-sql/sdk";
import type { Column } from "../warehouse/warehouse.ts";
import type { CheckSummary, Diagnostics } from "./report.ts";
import { templateLine } from "./template-lines.ts";

/** A Snowflake statement for polyglot: where its text is, and what it was rendered from. */
export interface PolyglotStatement {
  name: string;
  /** The file holding the statement's text (a compiled file, or the caller's) and its first line there. */
  file: string;
  line: number;
  sql: string;
  /** The template it was rendered from: findings are mapped back to the template's line where they can be. */
  source?: { file: string; text: string };
  /**
   * The relations it reads: it is checked against the schema only when the schema has them all (a model
   * that failed to build leaves its readers to a syntax check). Undefined: always check it.
   */
  reads?: string[];
}

type Ast = Record<string, unknown>;

/**
 * The tables a list of statements creates, read from polyglot's parse of each `create table`: the
 * project's own definitions, not a copy of them.
 */
export function tablesCreatedBy(statements: string[]): TableSchema[] {
  const tables: TableSchema[] = [];
  for (const sql of statements) {
    const parsed = parse(sql, Dialect.Snowflake);
    if (!parsed.success) continue;
    for (const statement of parsed.ast as unknown as Ast[]) {
      const create = statement.create_table as
        | {
            name?: { name?: { name?: string }; schema?: { name?: string } | null };
            columns?: Array<{ name?: { name?: string }; data_type?: { name?: string; data_type?: string } }>;
          }
        | undefined;
      const name = create?.name?.name?.name;
      if (!create || !name) continue;
      tables.push({
        name,
        schema: create.name?.schema?.name ?? undefined,
        columns: (create.columns ?? []).flatMap((column) =>
          column.name?.name
            ? [
                {
                  name: column.name.name,
                  type: column.data_type?.name ?? column.data_type?.data_type ?? "unknown",
                },
              ]
            : [],
        ),
      });
    }
  }
  return tables;
}

/**
 * A model's columns as DuckDB built them. Types are DuckDB's (JSON read as Snowflake's VARIANT): they are
 * not compared, only names are.
 */
export function tableFromColumns(relation: string, columns: Column[]): TableSchema {
  const [schema, name] = relation.split(".");
  return {
    schema,
    name: name!,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type.toUpperCase() === "JSON" ? "VARIANT" : c.type,
    })),
  };
}

/**
 * Parses each statement with polyglot's Snowflake dialect and checks its table and column names against
 * `schema` (`validateWithSchema`: an unknown table or column is an error). Statements polyglot keeps as
 * raw text (pipes, streams, stages, file formats, integrations) get a note: it cannot check inside them.
 */
export function checkWithPolyglot(
  statements: PolyglotStatement[],
  schema: Schema | undefined,
  diagnostics: Diagnostics,
): Omit<CheckSummary, "seconds"> {
  const summary = { check: "polyglot" as const, passed: 0, failed: 0, warnings: 0, skipped: 0 };
  const known = new Set(schema?.tables.map((t) => `${t.schema ?? ""}.${t.name}`.toLowerCase()) ?? []);
  let syntaxOnly = 0;
  for (const statement of statements) {
    const parsed = parse(statement.sql, Dialect.Snowflake);
    if (!parsed.success) {
      summary.failed += 1;
      report(statement, diagnostics, {
        severity: "error",
        message: parsed.error,
        code: "parse",
        line: parsed.errorLine,
        start: parsed.errorStart,
        end: parsed.errorEnd,
      });
      continue;
    }
    const kinds = (parsed.ast as unknown as Ast[]).map((node) => Object.keys(node)[0]);
    if (kinds.length > 0 && kinds.every((kind) => kind === "raw")) {
      summary.skipped += 1;
      diagnostics.add({
        check: "polyglot",
        severity: "note",
        file: statement.file,
        line: statement.line,
        message: `${statement.name}: polyglot keeps this statement as raw text and cannot check inside it (sqlfluff and snapshot tests do)`,
      });
      continue;
    }
    const checkable =
      schema !== undefined && (statement.reads ?? []).every((relation) => known.has(relation.toLowerCase()));
    if (!checkable) syntaxOnly += 1;
    const result = checkable
      ? validateWithSchema(statement.sql, schema, "snowflake")
      : validate(statement.sql, "snowflake");
    const errors = result.errors.filter((e) => e.severity === "error");
    const warnings = result.errors.filter((e) => e.severity === "warning");
    for (const finding of [...errors, ...warnings]) {
      report(statement, diagnostics, finding);
    }
    if (errors.length > 0) summary.failed += 1;
    else summary.passed += 1;
    summary.warnings += warnings.length;
  }
  const note =
    schema === undefined
      ? "syntax only: no schema without the sample run"
      : syntaxOnly > 0
        ? `${syntaxOnly} statement(s) checked for syntax only: the schema lacks a relation they read`
        : "statements, names checked against the schema";
  return { ...summary, note };
}

function report(
  statement: PolyglotStatement,
  diagnostics: Diagnostics,
  finding: Pick<ValidationError, "message" | "code" | "line" | "start" | "end"> & {
    severity: "error" | "warning";
  },
): void {
  const compiledLine = statement.line + (finding.line ?? 1) - 1;
  const compiledAt = `${statement.file}:${compiledLine}`;
  // polyglot's offsets count Unicode characters, not UTF-16 code units.
  const word =
    finding.start === undefined || finding.end === undefined
      ? undefined
      : Array.from(statement.sql).slice(finding.start, finding.end).join("").trim();
  const sourceLine = statement.source
    ? templateLine(statement.source.text, statement.sql, finding.line ?? 1, word)
    : undefined;
  const message = `${statement.name}: ${finding.message.replace(/\s+/g, " ")} (polyglot ${finding.code}`;
  if (statement.source && sourceLine !== undefined) {
    diagnostics.add({
      check: "polyglot",
      severity: finding.severity,
      file: statement.source.file,
      line: sourceLine,
      message: `${message}, rendered at ${compiledAt})`,
    });
  } else {
    diagnostics.add({
      check: "polyglot",
      severity: finding.severity,
      file: statement.file,
      line: compiledLine,
      message: statement.source ? `${message}; rendered from ${statement.source.file})` : `${message})`,
    });
  }
}
