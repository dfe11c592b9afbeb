import { Dialect, parse } from "@polyglot-sql/sdk";
import { compileModel, schemaOfModel } from "../models/compile.ts";
import { OLDEST_TIME_TEXT, SNOWFLAKE_TIME_TEXT_FORMAT } from "../models/dialects.ts";
import type { DeclaredTest, Project } from "../models/project.ts";
import type { RenderedStatement } from "./compile-check.ts";
import type { CheckSummary, Diagnostics } from "./report.ts";
import { templateLine, templateLines } from "./template-lines.ts";

/**
 * Three rules for what compiles and runs on both engines but would not give the same rows, read from
 * polyglot's parse of each model's Snowflake SQL (all execution here is on DuckDB, so such a difference
 * would first show in a customer's warehouse):
 *
 * - `variant-cast`: a plain cast of a VARIANT path (`x:"a"::number`, `cast(x:a as int)`, `x['a']::float`,
 *   `to_double(x:a)`) raises on Snowflake at the first value that does not convert, failing the model and
 *   everything downstream, where DuckDB's lenient read gives NULL. Casts to text and VARIANT cannot fail.
 * - `desc-nulls`: `desc` without NULLS FIRST/LAST. DuckDB sorts NULLs last in both directions; Snowflake
 *   takes NULL as the largest value, first in a descending order. Ascending orders agree.
 * - `total-order`: an ordering that picks one row (`row_number()` compared with 1, `first_value`,
 *   `last_value`, `nth_value`, `max_by`/`min_by`/`arg_max`/`arg_min`) without a total order: ties are
 *   broken differently by the two engines, and by Snowflake from run to run.
 */
export type ParityRule = "variant-cast" | "desc-nulls" | "total-order";

/**
 * A unique key the project declares for a relation a model reads: a `unique` or
 * `unique_combination_of_columns` test, or the model's `unique_key` config.
 */
interface DeclaredKey {
  columns: Set<string>;
  /** `core.events (uuid)`, for messages. */
  label: string;
}

type Node = Record<string, unknown>;

interface Finding {
  rule: ParityRule;
  /** The line in the statement, 1-based. */
  line: number;
  message: string;
  /** A quoted name to look for in the template when the rendered line came out of a macro. */
  key?: string;
}

/** Model statements (full, incremental and scope builds) of the Snowflake rendering. */
export function checkEngineParity(
  project: Project,
  statements: RenderedStatement[],
  diagnostics: Diagnostics,
): Omit<CheckSummary, "seconds"> {
  const summary = { check: "parity" as const, passed: 0, failed: 0, warnings: 0, skipped: 0 };
  const keys = new DeclaredKeys(project);
  for (const statement of statements) {
    if (statement.dialect !== "snowflake" || statement.kind === "test" || !statement.model) continue;
    const parsed = parse(statement.sql, Dialect.Snowflake);
    if (!parsed.success) {
      // polyglot's own check reports it.
      summary.skipped += 1;
      continue;
    }
    const model = project.models.get(statement.model)!;
    const own = `${schemaOfModel(model)}.${model.name}`;
    const available = statement.reads.filter((relation) => relation !== own).flatMap((r) => keys.of(r));
    const relation = statement.name.replace(/ \(.*\)$/, "");
    const findings = (parsed.ast as unknown as Node[])
      .flatMap((root) => [
        ...variantCasts(root),
        ...descWithoutNulls(root),
        ...partialOrders(root, available),
      ])
      .sort((a, b) => a.line - b.line);
    if (findings.length === 0) {
      summary.passed += 1;
      continue;
    }
    summary.failed += 1;
    const aligned = templateLines(statement.source.text, statement.sql);
    for (const finding of findings) {
      const line = sourceLine(statement, aligned, finding);
      const message = `${relation}: ${finding.message} (rule ${finding.rule})`;
      diagnostics.add(
        line === undefined
          ? {
              check: "parity",
              severity: "error",
              file: statement.file,
              line: finding.line,
              message: `${message}; rendered from ${statement.source.file}`,
            }
          : { check: "parity", severity: "error", file: statement.source.file, line, message },
      );
    }
  }
  return {
    ...summary,
    note: "model statements for Snowflake: VARIANT casts, NULL order of desc, total order of row picks",
  };
}

/** The template's line for a finding, when it can be told; a line a macro wrote goes to the name it was given. */
function sourceLine(
  statement: RenderedStatement,
  aligned: Array<number | undefined>,
  finding: Finding,
): number | undefined {
  const template = statement.source.text.split("\n");
  const line = aligned[finding.line - 1] ?? templateLine(statement.source.text, statement.sql, finding.line);
  if (!finding.key) return line;
  const quoted = (text: string) => text.includes(`'${finding.key}'`) || text.includes(`"${finding.key}"`);
  if (line !== undefined && quoted(template[line - 1]!)) return line;
  const naming = template.flatMap((text, i) => (quoted(text) ? [i + 1] : []));
  return naming.length === 1 ? naming[0] : line;
}

// ---------------------------------------------------------------------------------------------------
// Walking polyglot's AST: each node is `{ kind: { …fields } }`; identifiers carry `span.line`.

function kindOf(node: unknown): [string, Node] | undefined {
  if (!node || typeof node !== "object" || Array.isArray(node)) return undefined;
  const entries = Object.entries(node as Node);
  if (entries.length !== 1) return undefined;
  const [kind, value] = entries[0]!;
  return [kind, (value && typeof value === "object" ? value : {}) as Node];
}

/** Every node below `value` (itself included), depth first in source order, with its kind. */
function* nodes(value: unknown): Generator<[string, Node]> {
  if (Array.isArray(value)) {
    for (const item of value) yield* nodes(item);
    return;
  }
  if (!value || typeof value !== "object") return;
  const node = kindOf(value);
  if (node) yield node;
  for (const [key, child] of Object.entries(value as Node)) {
    if (key !== "span") yield* nodes(child);
  }
}

/** The first source line of anything below `value`. */
function lineOf(value: unknown): number | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const line = lineOf(item);
      if (line !== undefined) return line;
    }
    return undefined;
  }
  if (!value || typeof value !== "object") return undefined;
  const span = (value as Node).span as { line?: number } | undefined;
  if (span?.line !== undefined) return span.line;
  for (const [key, child] of Object.entries(value as Node)) {
    if (key === "span") continue;
    const line = lineOf(child);
    if (line !== undefined) return line;
  }
  return undefined;
}

function columnName(value: unknown): string | undefined {
  let node = kindOf(value);
  while (node && node[0] === "paren") node = kindOf(node[1].this);
  if (!node || node[0] !== "column") return undefined;
  const name = (node[1].name as { name?: string } | undefined)?.name;
  return name?.toLowerCase();
}

function columnText(value: unknown): string | undefined {
  const node = kindOf(value);
  if (!node || node[0] !== "column") return undefined;
  const name = (node[1].name as { name?: string } | undefined)?.name;
  const table = (node[1].table as { name?: string } | null | undefined)?.name;
  return name === undefined ? undefined : table ? `${table}.${name}` : name;
}

// ---------------------------------------------------------------------------------------------------
// Rule 1: plain casts of VARIANT paths.

/** Casting a VARIANT to these cannot fail. */
const SAFE_TARGETS = new Set(["var_char", "varchar", "text", "string", "char", "variant"]);

const CONVERSIONS = new Set([
  "to_number",
  "to_decimal",
  "to_numeric",
  "to_double",
  "to_boolean",
  "to_date",
  "to_time",
  "to_timestamp",
  "to_timestamp_ntz",
  "to_timestamp_ltz",
  "to_timestamp_tz",
]);

/** A VARIANT path as written (`record:"a b"`, `x['a']`, `get_path(x, 'a')`, a flattened `v.value`), or undefined. */
function variantPath(value: unknown, flattened: Set<string>): { text: string; key?: string } | undefined {
  let node = kindOf(value);
  while (node && node[0] === "paren") node = kindOf(node[1].this);
  if (!node) return undefined;
  const [kind, fields] = node;
  if (kind === "j_s_o_n_extract" && fields.variant_extract) {
    const base = variantPath(fields.this, flattened)?.text ?? columnText(fields.this) ?? "…";
    const path = String((kindOf(fields.expression)?.[1].value as string | undefined) ?? "");
    const key = /^\["([^"]*)"\]$/.exec(path)?.[1] ?? (/^[A-Za-z_$][\w$]*$/.test(path) ? path : undefined);
    return { text: path.startsWith("[") ? `${base}:${path.slice(1, -1)}` : `${base}:${path}`, key };
  }
  if (kind === "subscript") {
    const base = variantPath(fields.this, flattened)?.text ?? columnText(fields.this) ?? "…";
    const index = kindOf(fields.index)?.[1] as { value?: string; literal_type?: string } | undefined;
    const shown = index?.literal_type === "string" ? `'${index.value}'` : (index?.value ?? "…");
    return { text: `${base}[${shown}]`, key: index?.literal_type === "string" ? index.value : undefined };
  }
  if (kind === "function" && ["get", "get_path"].includes(String(fields.name).toLowerCase())) {
    const args = (fields.args as unknown[]) ?? [];
    const key = kindOf(args[1])?.[1].value as string | undefined;
    return { text: `${String(fields.name)}(${columnText(args[0]) ?? "…"}, '${key ?? "…"}')`, key };
  }
  if (kind === "column") {
    const table = (fields.table as { name?: string } | null | undefined)?.name?.toLowerCase();
    const name = (fields.name as { name?: string } | undefined)?.name?.toLowerCase();
    if (table && flattened.has(table) && (name === "value" || name === "this")) {
      return { text: `${table}.${name}` };
    }
  }
  return undefined;
}

function typeName(to: unknown): string {
  const type = (to ?? {}) as { data_type?: string; name?: string; precision?: number; scale?: number };
  const name = (type.data_type === "custom" ? type.name : type.data_type) ?? "?";
  const words: Record<string, string> = { decimal: "number", var_char: "varchar", int: "int" };
  const shown = (words[name] ?? name).toUpperCase();
  return type.precision != null ? `${shown}(${type.precision}, ${type.scale ?? 0})` : shown;
}

const NUMERIC_TARGETS = new Set([
  "decimal",
  "number",
  "numeric",
  "int",
  "integer",
  "bigint",
  "smallint",
  "tinyint",
  "float",
  "double",
  "real",
]);

/** What a value of Snowflake's TYPEOF name can be cast to without failing. */
function castableTo(typeName: string): "number" | "boolean" | undefined {
  if (["INTEGER", "DECIMAL", "DOUBLE"].includes(typeName)) return "number";
  return typeName === "BOOLEAN" ? "boolean" : undefined;
}

/**
 * Casts that cannot fail because the SQL looked at the value's type first:
 * `case typeof(p.value) when 'DECIMAL' then p.value::double … end`.
 */
function typeGuarded(root: unknown, flattened: Set<string>): Set<Node> {
  const guarded = new Set<Node>();
  for (const [kind, fields] of nodes(root)) {
    if (kind !== "case") continue;
    const operand = kindOf(fields.operand);
    if (operand?.[0] !== "typeof") continue;
    const path = variantPath(operand[1].this, flattened)?.text;
    if (!path) continue;
    for (const when of (fields.whens as unknown[][] | undefined) ?? []) {
      const literal = kindOf(when[0]);
      const allowed =
        literal?.[0] === "literal" ? castableTo(String(literal[1].value).toUpperCase()) : undefined;
      if (!allowed) continue;
      for (const [inner, cast] of nodes(when[1])) {
        if (inner !== "cast" || variantPath(cast.this, flattened)?.text !== path) continue;
        const to = (cast.to ?? {}) as { data_type?: string };
        const target = to.data_type?.toLowerCase() ?? "";
        if (allowed === "number" ? NUMERIC_TARGETS.has(target) : target === "boolean") guarded.add(cast);
      }
    }
  }
  return guarded;
}

/** The TRY_ form of a conversion of `path` to `target` (`NUMBER(38, 0)`, `BOOLEAN`, `TO_DOUBLE`). */
function tryForm(path: string, target: string): string {
  const text = `${path}::varchar`;
  const type = target.replace(/^TO_/, "");
  if (/^(NUMBER|DECIMAL|NUMERIC|INT|INTEGER|BIGINT|SMALLINT)\b/.test(type)) {
    const scale = /\((\d+), (\d+)\)$/.exec(type);
    return scale ? `try_to_number(${text}, ${scale[1]}, ${scale[2]})` : `try_to_number(${text})`;
  }
  if (/^(FLOAT|DOUBLE|REAL)/.test(type)) return `try_to_double(${text})`;
  if (type === "BOOLEAN") return `try_to_boolean(${text})`;
  return `try_cast(${text} as ${type.toLowerCase()})`;
}

function variantCasts(root: unknown): Finding[] {
  const flattened = new Set<string>();
  for (const [kind, fields] of nodes(root)) {
    if (kind !== "lateral") continue;
    const inner = kindOf(fields.this);
    if (inner?.[0] === "function" && String(inner[1].name).toLowerCase() === "flatten" && fields.alias) {
      flattened.add(String(fields.alias).toLowerCase());
    }
  }
  const guarded = typeGuarded(root, flattened);
  const findings: Finding[] = [];
  for (const [kind, fields] of nodes(root)) {
    if (guarded.has(fields)) continue;
    let path: { text: string; key?: string } | undefined;
    let target: string | undefined;
    let tried = false;
    if (kind === "cast" || kind === "try_cast") {
      const to = fields.to as { data_type?: string; name?: string } | undefined;
      const name = (to?.data_type === "custom" ? to.name : to?.data_type)?.toLowerCase() ?? "";
      if (kind === "cast" && SAFE_TARGETS.has(name)) continue;
      path = variantPath(fields.this, flattened);
      target = typeName(to);
      tried = kind === "try_cast";
    } else if (CONVERSIONS.has(kind)) {
      path = variantPath(fields.this, flattened);
      target = kind.toUpperCase();
    } else if (kind === "function" && CONVERSIONS.has(String(fields.name).toLowerCase())) {
      path = variantPath(((fields.args as unknown[]) ?? [])[0], flattened);
      target = String(fields.name).toUpperCase();
    }
    if (!path || !target) continue;
    const line = lineOf(fields) ?? 1;
    const remedy =
      `convert its text with a TRY_ function, which gives NULL as DuckDB does: ${tryForm(path.text, target)} ` +
      "(Snowflake's TRY_ functions take text, not a VARIANT); in a model, read JSON fields with the json_field or " +
      "record_field macro rather than casting them";
    findings.push({
      rule: "variant-cast",
      line,
      key: path.key,
      message: tried
        ? `try_cast(${path.text} as ${target}) is refused by Snowflake, whose TRY_CAST takes text and not a VARIANT: ${remedy}`
        : `${target.startsWith("TO_") ? `${target}(${path.text})` : `${path.text}::${target}`} is a plain cast of a VARIANT path: ` +
          "on Snowflake one value that does not convert (text in a number field) fails the model and skips everything " +
          `downstream, where DuckDB reads it as NULL; ${remedy}`,
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// Rule 2: `desc` without NULLS FIRST/LAST.

interface Ordered {
  this: unknown;
  desc?: boolean;
  nulls_first?: boolean | null;
}

/** Every ORDER BY list in the statement: windows', WITHIN GROUP, the query's own. */
function* orderings(root: unknown): Generator<Ordered[]> {
  for (const [kind, fields] of nodes(root)) {
    if (kind === "window_function") {
      const order = (fields.over as { order_by?: Ordered[] } | undefined)?.order_by;
      if (order?.length) yield order;
    } else if (kind === "select") {
      const order = (fields.order_by as { expressions?: Ordered[] } | null | undefined)?.expressions;
      if (order?.length) yield order;
    } else if (kind === "within_group") {
      const order = fields.order_by as Ordered[] | undefined;
      if (Array.isArray(order) && order.length) yield order;
    }
    for (const value of Object.values(fields)) {
      // An aggregate's own ORDER BY (`array_agg(x order by y desc)`), where the parser keeps one.
      if (Array.isArray(value) && value.length > 0 && value.every(isOrdered) && !isWindowOrSelect(kind)) {
        yield value as Ordered[];
      }
    }
  }
}

function isOrdered(value: unknown): boolean {
  return !!value && typeof value === "object" && "this" in value && "desc" in value && "nulls_first" in value;
}

function isWindowOrSelect(kind: string): boolean {
  return kind === "window_function" || kind === "select" || kind === "within_group" || kind === "over";
}

function orderText(item: Ordered): string {
  return `${columnText(item.this) ?? "…"} desc`;
}

function descWithoutNulls(root: unknown): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<Ordered[]>();
  for (const order of orderings(root)) {
    if (seen.has(order)) continue;
    seen.add(order);
    const open = order.filter((item) => item.desc === true && (item.nulls_first ?? null) === null);
    if (open.length === 0) continue;
    findings.push({
      rule: "desc-nulls",
      line: lineOf(open[0]!.this) ?? lineOf(order) ?? 1,
      message:
        `${open.map(orderText).join(", ")} without NULLS FIRST or NULLS LAST: DuckDB puts NULLs last in both ` +
        "directions, Snowflake takes NULL as the largest value and puts it first in a descending order, so the " +
        "engines order (and pick) rows differently when the column holds NULL; write `desc nulls last` (what " +
        "DuckDB does now) or `desc nulls first`. Ascending orders need nothing: both engines put NULLs last",
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// Rule 3: row picks without a total order.

const PICKING_WINDOWS = new Set(["first_value", "last_value", "nth_value"]);
const PICKING_AGGREGATES = new Set(["max_by", "min_by", "arg_max", "arg_min"]);

/** The column an ordering expression orders by, seeing through the `iff(x is null, null, c)` the macros write. */
function orderingColumn(value: unknown): string | undefined {
  const direct = columnName(value) ?? keyedTextColumn(value);
  if (direct) return direct;
  const node = kindOf(value);
  if (node?.[0] === "if_func") {
    const isNull = (v: unknown) => v === null || v === undefined || kindOf(v)?.[0] === "null";
    if (isNull(node[1].true_value)) return orderingColumn(node[1].false_value);
    if (isNull(node[1].false_value)) return orderingColumn(node[1].true_value);
  }
  return undefined;
}

/** Snowflake formats `time_then_id` writes, with the width of the text each gives. */
const FIXED_WIDTH_FORMATS = new Map([[SNOWFLAKE_TIME_TEXT_FORMAT, OLDEST_TIME_TEXT.length]]);

/**
 * The column that ends a text made to order rows (`time_then_id`, `number_text`): parts joined with `||`,
 * each but the last of one width (a time in a fixed format or a padded number, a literal of that width where
 * it is null), the last a column (or that column, null as empty). Two rows tie only when that column does,
 * so the text orders as totally as the column. Undefined for any other expression.
 */
function keyedTextColumn(value: unknown): string | undefined {
  const parts: unknown[] = [];
  const flatten = (v: unknown): void => {
    const node = kindOf(v);
    if (node?.[0] === "concat") {
      flatten(node[1].left);
      flatten(node[1].right);
    } else if (kindOf(emptyIfNull(v))?.[0] === "concat") {
      flatten(emptyIfNull(v));
    } else {
      parts.push(v);
    }
  };
  if (kindOf(value)?.[0] !== "concat" && kindOf(value)?.[0] !== "coalesce") return undefined;
  flatten(value);
  if (parts.length < 2) return undefined;
  const last = parts.pop();
  const column = columnName(last) ?? columnName(emptyIfNull(last));
  return column && parts.every(isFixedWidth) ? column : undefined;
}

/** `coalesce(x, <text literal>)` as x and the literal's text, or undefined for anything else. */
function coalescedWithText(value: unknown): { inner: unknown; text: string } | undefined {
  const node = kindOf(value);
  if (node?.[0] !== "coalesce") return undefined;
  const [inner, fallback] = (node[1].expressions as unknown[] | undefined) ?? [];
  const text = literalText(fallback, "string");
  return text === undefined ? undefined : { inner, text };
}

/** `coalesce(x, '')`'s x, or undefined for anything else. */
function emptyIfNull(value: unknown): unknown {
  const coalesced = coalescedWithText(value);
  return coalesced?.text === "" ? coalesced.inner : undefined;
}

/** A literal's text when it is of that type (`'a'` a string, `1` a number), else undefined. */
function literalText(value: unknown, type: "string" | "number"): string | undefined {
  const node = kindOf(value);
  return node?.[0] === "literal" && node[1].literal_type === type ? String(node[1].value) : undefined;
}

/** `coalesce(to_char(x, '<fixed format>'), '<as wide>')` or `coalesce(lpad(x, n, 'c'), '<n wide>')`. */
function isFixedWidth(value: unknown): boolean {
  const coalesced = coalescedWithText(value);
  const call = kindOf(coalesced?.inner);
  if (!coalesced || call?.[0] !== "function") return false;
  const width = coalesced.text.length;
  const name = String(call[1].name).toLowerCase();
  const args = (call[1].args as unknown[] | undefined) ?? [];
  if (name === "to_char" && args.length === 2) {
    return FIXED_WIDTH_FORMATS.get(literalText(args[1], "string") ?? "") === width;
  }
  if (name === "lpad" && args.length === 3) {
    return Number(literalText(args[1], "number")) === width && literalText(args[2], "string")?.length === 1;
  }
  return false;
}

function isTotal(partition: Set<string>, order: Set<string>, keys: DeclaredKey[]): boolean {
  return keys.some((key) => [...key.columns].every((c) => partition.has(c) || order.has(c)));
}

function windowParts(fields: Node): { partition: Set<string>; order: Set<string>; orderItems: Ordered[] } {
  const over = (fields.over ?? {}) as { partition_by?: unknown[]; order_by?: Ordered[] };
  const partition = new Set((over.partition_by ?? []).flatMap((p) => columnName(p) ?? []));
  const orderItems = over.order_by ?? [];
  const order = new Set(orderItems.flatMap((o) => columnName(o.this) ?? []));
  return { partition, order, orderItems };
}

/** The function a window applies: `row_number`, `first_value`, … */
function windowFunction(fields: Node): string | undefined {
  return kindOf(fields.this)?.[0];
}

/** `x = 1`, `1 = x`, `x <= 1`, `x < 2`: the column or window compared, else undefined. */
function comparedWithOne(kind: string, fields: Node): unknown {
  const number = (v: unknown) => Number(literalText(v, "number") ?? NaN);
  const { left, right } = fields as { left?: unknown; right?: unknown };
  if (kind === "eq") return number(right) === 1 ? left : number(left) === 1 ? right : undefined;
  if (kind === "lte") return number(right) === 1 ? left : undefined;
  if (kind === "lt") return number(right) === 2 ? left : undefined;
  if (kind === "gte") return number(left) === 1 ? right : undefined;
  return undefined;
}

/** The window functions directly in an expression (not in a subquery). */
function* windowsIn(value: unknown): Generator<Node> {
  for (const [kind, fields] of nodes(value)) {
    if (kind === "window_function") yield fields;
  }
}

function keyList(keys: DeclaredKey[]): string {
  const labels = [...new Set(keys.map((k) => k.label))];
  if (labels.length === 0) return "none is declared for what this model reads";
  return labels.length <= 4
    ? labels.join(", ")
    : `${labels.slice(0, 4).join(", ")} and ${labels.length - 4} more`;
}

const TOTAL =
  "An order is total here when its columns, with the PARTITION BY (or GROUP BY) columns, hold every column of a " +
  "unique key the project declares for a relation the model reads (a `unique` or `unique_combination_of_columns` " +
  "test in its yml, or its unique_key config), or of a row number computed in the model over such an order";

function partialOrders(root: unknown, declared: DeclaredKey[]): Finding[] {
  const findings: Finding[] = [];
  const keys = [...declared];

  // Row numbers picked with `= 1`: compared directly (QUALIFY row_number() … = 1), or named and compared later.
  const pickedNames = new Set<string>();
  const pickedWindows = new Set<Node>();
  for (const [kind, fields] of nodes(root)) {
    const compared = comparedWithOne(kind, fields);
    if (compared === undefined) continue;
    const name = columnName(compared);
    if (name) pickedNames.add(name);
    for (const window of windowsIn(compared)) pickedWindows.add(window);
  }
  const named = new Map<Node, string>();
  for (const [kind, fields] of nodes(root)) {
    if (kind !== "alias") continue;
    const alias = (fields.alias as { name?: string } | undefined)?.name?.toLowerCase();
    if (!alias) continue;
    for (const window of windowsIn(fields.this)) named.set(window, alias);
    // A text made to order rows that ends with a unique column is as unique as that column.
    const column = keyedTextColumn(fields.this);
    if (column && keys.some((k) => k.columns.size === 1 && k.columns.has(column)))
      keys.push({ columns: new Set([alias]), label: `${alias} (a text ending with ${column})` });
  }

  // A row number over a total order is unique within its partition: it joins the keys (repeat until no more).
  const rowNumbers = [...named].filter(([window]) => windowFunction(window) === "row_number");
  let grown = true;
  while (grown) {
    grown = false;
    for (const [window, alias] of rowNumbers) {
      const { partition, order } = windowParts(window);
      if (!isTotal(partition, order, keys)) continue;
      const columns = new Set([...partition, alias]);
      if (keys.some((k) => [...k.columns].every((c) => columns.has(c)) && k.columns.size === columns.size))
        continue;
      keys.push({ columns, label: `${alias} (a row number over a total order)` });
      grown = true;
    }
  }

  for (const [kind, fields] of nodes(root)) {
    if (kind === "window_function") {
      const fn = windowFunction(fields);
      const picks =
        (fn !== undefined && PICKING_WINDOWS.has(fn)) ||
        (fn === "row_number" && (pickedWindows.has(fields) || pickedNames.has(named.get(fields) ?? "")));
      if (!picks) continue;
      const { partition, order, orderItems } = windowParts(fields);
      if (isTotal(partition, order, keys)) continue;
      const shown = orderItems.map((o) => columnText(o.this) ?? "…").join(", ") || "nothing";
      const how =
        fn === "row_number"
          ? `row_number() compared with 1 picks one row per partition`
          : `${fn}() takes its value from one row per partition`;
      findings.push({
        rule: "total-order",
        line: lineOf(orderItems) ?? lineOf(fields) ?? 1,
        message:
          `${how} ordered by ${shown}${partition.size ? ` within ${[...partition].join(", ")}` : ""}, which is not a ` +
          "total order: rows that tie are picked differently by DuckDB and Snowflake, and by Snowflake from run to run " +
          `(so an incremental run and a full refresh can disagree). ${TOTAL}; declared here: ${keyList(declared)}. ` +
          "End the ORDER BY with such a key",
      });
    } else if (kind === "aggregate_function" && PICKING_AGGREGATES.has(String(fields.name).toLowerCase())) {
      const args = (fields.args as unknown[]) ?? [];
      const column = orderingColumn(args[1]);
      const groupBy = groupColumns(root, fields);
      if (column && isTotal(groupBy, new Set([column]), keys)) continue;
      findings.push({
        rule: "total-order",
        line: lineOf(args) ?? 1,
        message:
          `${String(fields.name)}(${columnText(args[0]) ?? "…"}, …) picks the row with the ${String(fields.name).startsWith("min") || String(fields.name) === "arg_min" ? "least" : "greatest"} ` +
          `${column ?? "ordering expression"}${groupBy.size ? ` in each group of ${[...groupBy].join(", ")}` : ""}, and rows can tie: ` +
          "DuckDB and Snowflake may pick different rows, and Snowflake may pick differently from run to run. " +
          `${TOTAL}; declared here: ${keyList(declared)}. Pick the row with row_number() over (partition by … ` +
          "order by …, <a unique key>) = 1 instead, or order by a unique column",
      });
    }
  }
  return findings;
}

/** The GROUP BY columns of the select holding an aggregate. */
function groupColumns(root: unknown, aggregate: Node): Set<string> {
  let found: Set<string> | undefined;
  const visit = (value: unknown, group: Set<string>): void => {
    if (found) return;
    if (value === aggregate) {
      found = group;
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, group);
      return;
    }
    if (!value || typeof value !== "object") return;
    const node = kindOf(value);
    let inner = group;
    if (node?.[0] === "select") {
      const expressions =
        (node[1].group_by as { expressions?: unknown[] } | null | undefined)?.expressions ?? [];
      inner = new Set(expressions.flatMap((e) => columnName(e) ?? []));
    }
    for (const [key, child] of Object.entries(value as Node)) {
      if (key !== "span") visit(child, inner);
    }
  };
  visit(root, new Set());
  return found ?? new Set();
}

// ---------------------------------------------------------------------------------------------------
// What the project declares unique.

class DeclaredKeys {
  private readonly byRelation = new Map<string, DeclaredKey[]>();

  constructor(private readonly project: Project) {}

  of(relation: string): DeclaredKey[] {
    const cached = this.byRelation.get(relation);
    if (cached) return cached;
    const keys = this.read(relation);
    this.byRelation.set(relation, keys);
    return keys;
  }

  private read(relation: string): DeclaredKey[] {
    const fromTests = (tests: DeclaredTest[]) =>
      tests.flatMap((test) =>
        test.kind === "unique" && test.column
          ? [[test.column]]
          : test.kind === "unique_combination_of_columns" && test.columns
            ? [test.columns]
            : [],
      );
    const key = (columns: string[]): DeclaredKey => ({
      columns: new Set(columns.map((c) => c.toLowerCase())),
      label: `${relation} (${columns.join(", ")})`,
    });
    for (const model of this.project.models.values()) {
      if (`${schemaOfModel(model)}.${model.name}` !== relation) continue;
      const declared = fromTests(model.tests);
      try {
        const unique = compileModel(this.project, model, { dialect: "snowflake" }).config.uniqueKey;
        if (unique.length > 0) declared.push(unique);
      } catch {
        // A model that does not compile is the compile check's to report.
      }
      return declared.map(key);
    }
    for (const source of this.project.sources.values()) {
      if (`${source.schema}.${source.identifier}` === relation) return fromTests(source.tests).map(key);
    }
    return [];
  }
}
