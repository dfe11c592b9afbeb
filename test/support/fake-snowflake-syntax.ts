// The documented syntax of the task and procedure statements the pipeline sends, read token by token, so
// the fake Snowflake refuses a malformed one as Snowflake does (`SQL compilation error: syntax error …`)
// instead of accepting anything that starts with the right words.
//
// CREATE TASK, as documented (https://docs.snowflake.com/en/sql-reference/sql/create-task):
//   "CREATE [ OR REPLACE ] TASK [ IF NOT EXISTS ] <name> … [ { WAREHOUSE = <string> }
//    | { USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = <string> } ] [ SCHEDULE = … ] [ CONFIG = <configuration_string> ]
//    [ ALLOW_OVERLAPPING_EXECUTION = TRUE | FALSE ] [ <session_parameter> = <value> [ , … ] ]
//    [ USER_TASK_TIMEOUT_MS = <num> ] [ SUSPEND_TASK_AFTER_NUM_FAILURES = <num> ] [ ERROR_INTEGRATION = <integration_name> ]
//    [ SUCCESS_INTEGRATION = <integration_name> ] [ LOG_LEVEL = '<log_level>' ] [ COMMENT = '<string_literal>' ]
//    [ FINALIZE = <string> ] [ TASK_AUTO_RETRY_ATTEMPTS = <num> ] [ USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS = <num> ]
//    [ TARGET_COMPLETION_INTERVAL = … ] … [ AFTER <string> [ , <string> , … ] ] [ WHEN <boolean_expr> ] AS <sql>"
// Lenient on purpose: the properties may come in any order (each at most once), and only the session parameters
// in SESSION_PARAMETERS are known (Snowflake knows every session parameter; the fake refuses the others).
//
// CREATE PROCEDURE for Snowflake Scripting (https://docs.snowflake.com/en/sql-reference/sql/create-procedure, the
// syntax as quoted on https://docs.snowflake.com/migrations/snowconvert-docs/translation-references/oracle/pl-sql-to-snowflake-scripting/create-procedure):
//   "CREATE [ OR REPLACE ] PROCEDURE <name> ( [ <arg_name> <arg_data_type> ] [ , ... ] ) RETURNS <result_data_type>
//    [ NOT NULL ] LANGUAGE SQL [ { CALLED ON NULL INPUT | { RETURNS NULL ON NULL INPUT | STRICT } } ]
//    [ VOLATILE | IMMUTABLE ] [ COMMENT = '<string_literal>' ] [ EXECUTE AS { CALLER | OWNER } ] AS <procedure_definition>"
// where the definition, in single quotes or between $$, is a block (`[ DECLARE … ] BEGIN … END`).
//
// ALTER TASK … { RESUME | SUSPEND | SET <property> = <value> … } (https://docs.snowflake.com/en/sql-reference/sql/alter-task)
// and EXECUTE TASK <name> [ RETRY LAST ] (https://docs.snowflake.com/en/sql-reference/sql/execute-task).
import type { FakeSqlError } from "./fake-snowflake.ts";

export interface ParsedTask {
  /** As written: `pipeline.amplitude_root`. */
  name: string;
  orReplace: boolean;
  /** Property name (UPPERCASE) → its value as written, a string literal without its quotes. */
  properties: Map<string, string>;
  after: string[];
  /** The WHEN condition as written. */
  when?: string;
  /** The statement after AS. */
  body: string;
}

export interface ParsedProcedure {
  name: string;
  orReplace: boolean;
  args: Array<{ name: string; type: string }>;
  returns: string;
  executeAs?: string;
  body: string;
}

export type ParsedAlterTask =
  | { name: string; action: "RESUME" | "SUSPEND" }
  | { name: string; action: "SET"; properties: Map<string, string> };

export interface ParsedExecuteTask {
  name: string;
  retryLast: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: FakeSqlError };

/** Task properties by value kind: a number, a boolean, a string literal, or a name (bare or quoted). */
const TASK_PROPERTIES: Record<string, "number" | "boolean" | "string" | "name"> = {
  WAREHOUSE: "name",
  USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE: "string",
  SCHEDULE: "string",
  CONFIG: "string",
  ALLOW_OVERLAPPING_EXECUTION: "boolean",
  OVERLAP_POLICY: "name",
  USER_TASK_TIMEOUT_MS: "number",
  SUSPEND_TASK_AFTER_NUM_FAILURES: "number",
  ERROR_INTEGRATION: "name",
  SUCCESS_INTEGRATION: "name",
  LOG_LEVEL: "string",
  COMMENT: "string",
  FINALIZE: "name",
  TASK_AUTO_RETRY_ATTEMPTS: "number",
  USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS: "number",
  TARGET_COMPLETION_INTERVAL: "string",
};

/** The session parameters a task may set that the fake knows (a few of Snowflake's many). */
const SESSION_PARAMETERS: Record<string, "number" | "boolean" | "string" | "name"> = {
  TIMEZONE: "string",
  TIMESTAMP_TYPE_MAPPING: "string",
  STATEMENT_TIMEOUT_IN_SECONDS: "number",
  QUERY_TAG: "string",
  AUTOCOMMIT: "boolean",
};

interface Token {
  kind: "word" | "string" | "number" | "dollar" | "punct";
  /** Words: as written; strings and $$ bodies: the content. */
  text: string;
  at: number;
}

class SyntaxFailure extends Error {
  constructor(
    readonly at: number,
    readonly found: string,
  ) {
    super(found);
  }
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const space = /^(\s+|--[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest.startsWith("$$")) {
      const end = sql.indexOf("$$", i + 2);
      if (end === -1) throw new SyntaxFailure(i, "$$");
      tokens.push({ kind: "dollar", text: sql.slice(i + 2, end), at: i });
      i = end + 2;
      continue;
    }
    if (rest[0] === "'") {
      let j = i + 1;
      let text = "";
      for (;;) {
        if (j >= sql.length) throw new SyntaxFailure(i, "'");
        if (sql[j] === "\\") {
          text += sql[j + 1] ?? "";
          j += 2;
        } else if (sql[j] === "'" && sql[j + 1] === "'") {
          text += "'";
          j += 2;
        } else if (sql[j] === "'") {
          break;
        } else {
          text += sql[j];
          j += 1;
        }
      }
      tokens.push({ kind: "string", text, at: i });
      i = j + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: "number", text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    // A name, qualified or not, each part bare or in double quotes; `system$…` functions are words too.
    const word = /^(?:[A-Za-z_][\w$]*|"[^"]+")(?:\.(?:[A-Za-z_][\w$]*|"[^"]+"))*/.exec(rest);
    if (word) {
      tokens.push({ kind: "word", text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    tokens.push({ kind: "punct", text: rest[0]!, at: i });
    i += 1;
  }
  return tokens;
}

/** Snowflake's answer to a statement it cannot parse: code 001003, SQL state 42000, with line and position. */
export function syntaxError(sql: string, at: number, found: string): FakeSqlError {
  const before = sql.slice(0, at).split("\n");
  const line = before.length;
  const position = before.at(-1)!.length;
  return {
    code: "001003",
    sqlState: "42000",
    message: `SQL compilation error:\nsyntax error line ${line} at position ${position} unexpected '${found}'.`,
  };
}

class Reader {
  private index = 0;
  constructor(
    private readonly sql: string,
    private readonly tokens: Token[],
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  done(): boolean {
    // A statement may end with one semicolon.
    return (
      this.index >= this.tokens.length ||
      (this.index === this.tokens.length - 1 && this.tokens[this.index]!.text === ";")
    );
  }

  fail(): never {
    const token = this.peek();
    throw new SyntaxFailure(
      token?.at ?? this.sql.length,
      token ? this.sql.slice(token.at).split(/\s/)[0]! : "<EOF>",
    );
  }

  isWord(...words: string[]): boolean {
    const token = this.peek();
    return token?.kind === "word" && words.includes(token.text.toUpperCase());
  }

  word(...words: string[]): string {
    if (!this.isWord(...words)) this.fail();
    return this.tokens[this.index++]!.text.toUpperCase();
  }

  optional(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.index += 1;
    return true;
  }

  punct(text: string): void {
    const token = this.peek();
    if (token?.kind !== "punct" || token.text !== text) this.fail();
    this.index += 1;
  }

  isPunct(text: string): boolean {
    const token = this.peek();
    return token?.kind === "punct" && token.text === text;
  }

  name(): string {
    const token = this.peek();
    if (token?.kind !== "word") this.fail();
    this.index += 1;
    return token.text;
  }

  value(kind: "number" | "boolean" | "string" | "name"): string {
    const token = this.peek();
    const ok =
      kind === "number"
        ? token?.kind === "number" && /^\d+$/.test(token.text)
        : kind === "boolean"
          ? token?.kind === "word" && /^(true|false)$/i.test(token.text)
          : kind === "string"
            ? token?.kind === "string"
            : token?.kind === "word" || token?.kind === "string";
    if (!ok) this.fail();
    this.index += 1;
    return token!.text;
  }

  skip(): void {
    this.index += 1;
  }

  /** The source text from the current token up to (not including) the token at `end`. */
  textUntil(end: number): string {
    const from = this.peek()?.at ?? this.sql.length;
    const to = this.tokens[end]?.at ?? this.sql.length;
    this.index = end;
    return this.sql.slice(from, to).trim();
  }

  /** The index of the first word `word` at parenthesis depth 0 from here, or -1. */
  find(word: string): number {
    let depth = 0;
    for (let i = this.index; i < this.tokens.length; i += 1) {
      const token = this.tokens[i]!;
      if (token.kind === "punct" && token.text === "(") depth += 1;
      if (token.kind === "punct" && token.text === ")") depth -= 1;
      if (depth === 0 && token.kind === "word" && token.text.toUpperCase() === word) return i;
    }
    return -1;
  }

  rest(): string {
    const from = this.peek()?.at ?? this.sql.length;
    this.index = this.tokens.length;
    return this.sql.slice(from).replace(/;\s*$/, "").trim();
  }
}

function parse<T>(sql: string, read: (reader: Reader) => T): Parsed<T> {
  try {
    const reader = new Reader(sql, tokenize(sql));
    const value = read(reader);
    if (!reader.done()) reader.fail();
    return { ok: true, value };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { ok: false, error: syntaxError(sql, error.at, error.found) };
    throw error;
  }
}

/** `name = value` pairs, space or comma separated, each name once; stops at the first word that is not one. */
function properties(reader: Reader, known: Record<string, "number" | "boolean" | "string" | "name">) {
  const found = new Map<string, string>();
  for (;;) {
    if (reader.isPunct(",") && found.size > 0) reader.punct(",");
    const token = reader.peek();
    const next = reader.peek(1);
    if (token?.kind !== "word" || next?.kind !== "punct" || next.text !== "=") break;
    const key = token.text.toUpperCase();
    const kind = known[key];
    if (kind === undefined || found.has(key)) reader.fail();
    reader.name();
    reader.punct("=");
    found.set(key, reader.value(kind));
  }
  return found;
}

export function parseCreateTask(sql: string): Parsed<ParsedTask> {
  return parse(sql, (reader: Reader) => {
    reader.word("CREATE");
    const orReplace = reader.optional("OR");
    if (orReplace) reader.word("REPLACE");
    reader.word("TASK");
    if (reader.optional("IF")) {
      reader.word("NOT");
      reader.word("EXISTS");
    }
    const name = reader.name();
    const props = properties(reader, { ...TASK_PROPERTIES, ...SESSION_PARAMETERS });
    if (props.has("WAREHOUSE") && props.has("USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE")) reader.fail();
    const after: string[] = [];
    if (reader.optional("AFTER")) {
      after.push(reader.name());
      while (reader.isPunct(",")) {
        reader.punct(",");
        after.push(reader.name());
      }
    }
    let when: string | undefined;
    if (reader.optional("WHEN")) {
      const end = reader.find("AS");
      if (end === -1) reader.fail();
      when = reader.textUntil(end);
      if (when === "") reader.fail();
    }
    reader.word("AS");
    const body = reader.rest();
    if (body === "") reader.fail();
    return { name, orReplace, properties: props, after, when, body };
  });
}

export function parseCreateProcedure(sql: string): Parsed<ParsedProcedure> {
  return parse(sql, (reader: Reader) => {
    reader.word("CREATE");
    const orReplace = reader.optional("OR");
    if (orReplace) reader.word("REPLACE");
    reader.optional("SECURE");
    reader.word("PROCEDURE");
    const name = reader.name();
    reader.punct("(");
    const args: ParsedProcedure["args"] = [];
    while (!reader.isPunct(")")) {
      if (args.length > 0) reader.punct(",");
      args.push({ name: reader.name(), type: dataType(reader) });
    }
    reader.punct(")");
    if (reader.optional("COPY")) reader.word("GRANTS");
    reader.word("RETURNS");
    const returns = dataType(reader);
    if (reader.optional("NOT")) reader.word("NULL");
    reader.word("LANGUAGE");
    reader.word("SQL");
    if (reader.optional("CALLED")) {
      reader.word("ON");
      reader.word("NULL");
      reader.word("INPUT");
    } else if (reader.isWord("RETURNS")) {
      reader.word("RETURNS");
      reader.word("NULL");
      reader.word("ON");
      reader.word("NULL");
      reader.word("INPUT");
    } else {
      reader.optional("STRICT");
    }
    reader.optional("VOLATILE", "IMMUTABLE");
    if (reader.isWord("COMMENT")) properties(reader, { COMMENT: "string" });
    let executeAs: string | undefined;
    if (reader.optional("EXECUTE")) {
      reader.word("AS");
      executeAs = reader.optional("RESTRICTED")
        ? `RESTRICTED ${reader.word("CALLER")}`
        : reader.word("CALLER", "OWNER");
    }
    reader.word("AS");
    const definition = reader.peek();
    if (definition?.kind !== "dollar" && definition?.kind !== "string") reader.fail();
    // A Snowflake Scripting block: [ DECLARE … ] BEGIN … END [ ; ]
    if (!/^\s*(declare|begin)\b[\s\S]*\bend\s*;?\s*$/i.test(definition.text)) reader.fail();
    reader.skip();
    return { name, orReplace, args, returns, executeAs, body: definition.text };
  });
}

/** VARCHAR, NUMBER(38, 0), TIMESTAMP_NTZ(9)… */
function dataType(reader: Reader): string {
  let type = reader.name();
  if (reader.isPunct("(")) {
    reader.punct("(");
    const sizes = [reader.value("number")];
    while (reader.isPunct(",")) {
      reader.punct(",");
      sizes.push(reader.value("number"));
    }
    reader.punct(")");
    type += `(${sizes.join(", ")})`;
  }
  return type;
}

export function parseAlterTask(sql: string): Parsed<ParsedAlterTask> {
  return parse(sql, (reader: Reader): ParsedAlterTask => {
    reader.word("ALTER");
    reader.word("TASK");
    if (reader.optional("IF")) reader.word("EXISTS");
    const name = reader.name();
    const action = reader.word("RESUME", "SUSPEND", "SET") as "RESUME" | "SUSPEND" | "SET";
    if (action !== "SET") return { name, action };
    const props = properties(reader, { ...TASK_PROPERTIES, ...SESSION_PARAMETERS });
    if (props.size === 0) reader.fail();
    return { name, action, properties: props };
  });
}

export function parseExecuteTask(sql: string): Parsed<ParsedExecuteTask> {
  return parse(sql, (reader: Reader) => {
    reader.word("EXECUTE");
    reader.word("TASK");
    const name = reader.name();
    const retryLast = reader.optional("RETRY");
    if (retryLast) reader.word("LAST");
    return { name, retryLast };
  });
}
