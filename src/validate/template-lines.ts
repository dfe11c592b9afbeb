/**
 * The template line a finding in rendered SQL comes from, when one line can be told: the only template
 * line identical to the rendered line, else the only one holding the offending word. Macros and loops
 * change lines, so anything less certain is left to the rendered file's line.
 */
export function templateLine(
  template: string,
  rendered: string,
  line: number,
  word?: string,
): number | undefined {
  const lines = template.split("\n");
  const text = rendered.split("\n")[line - 1]?.trim();
  if (text) {
    const same = lines.flatMap((candidate, i) => (candidate.trim() === text ? [i + 1] : []));
    if (same.length === 1) return same[0];
  }
  if (!word || !/^[A-Za-z_][A-Za-z0-9_$.]*$/.test(word)) return undefined;
  const pattern = new RegExp(`(^|[^A-Za-z0-9_$])${word.replace(/[.$]/g, "\\$&")}($|[^A-Za-z0-9_$])`, "i");
  const holding = lines.flatMap((candidate, i) => (pattern.test(candidate) ? [i + 1] : []));
  return holding.length === 1 ? holding[0] : undefined;
}

/** A tag's text becomes one of these on each line it covers: `{{ … }}` renders text, `{% … %}` and `{# … #}` none. */
const EXPRESSION = "\uE000";
const STATEMENT = "\uE001";

/**
 * Every rendered line's template line (1-based; undefined where none can be told), by aligning the two texts
 * in order. A template line matches a rendered line when its literal text, whitespace aside, is there in
 * order with anything in place of its `{{ … }}` tags: `{{ record_field('record', 'a', 'integer') }} as a,`
 * matches `record:"a"::number(38, 0) as a,`, and each line of a macro's many-line output matches the line
 * of the call. The alignment keeps the order of both texts (a loop's lines may all go to one template
 * line) and prefers the lines with the most literal text, so a `from scoped` is told from another by its
 * neighbours.
 */
export function templateLines(template: string, rendered: string): Array<number | undefined> {
  const masked = template.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g, (tag) =>
    tag.replace(/[^\n]+/g, tag.startsWith("{{") ? EXPRESSION : STATEMENT),
  );
  const matchers = masked.split("\n").map((line) => {
    const parts = line.replace(/\s+/g, "").split(/([\uE000\uE001])/);
    const literal = parts.filter((p) => p !== EXPRESSION && p !== STATEMENT).join("");
    const pattern = parts
      .map((p) =>
        p === EXPRESSION ? "[\\s\\S]*" : p === STATEMENT ? "" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("");
    const weight = literal.length > 0 ? 1 + literal.length : line.includes(EXPRESSION) ? 0.5 : 0.01;
    return { regex: new RegExp(`^${pattern}$`), weight };
  });
  const lines = rendered.split("\n").map((line) => line.replace(/\s+/g, ""));
  const columns = matchers.length;
  // best[j]: the best score of the lines so far with the last one at template line j or before it.
  let best = new Float64Array(columns);
  // from[i][j]: the template line the best alignment of lines 0..i ending at or before j puts line i on.
  const from: Int32Array[] = [];
  const matched: Uint8Array[] = [];
  for (const text of lines) {
    const next = new Float64Array(columns);
    const at = new Int32Array(columns);
    const hit = new Uint8Array(columns);
    for (let j = 0; j < columns; j++) {
      const matcher = matchers[j]!;
      const isMatch = matcher.regex.test(text);
      const here = best[j]! + (isMatch ? matcher.weight : 0);
      if (j > 0 && next[j - 1]! >= here) {
        next[j] = next[j - 1]!;
        at[j] = at[j - 1]!;
        hit[j] = hit[j - 1]!;
      } else {
        next[j] = here;
        at[j] = j;
        hit[j] = isMatch ? 1 : 0;
      }
    }
    from.push(at);
    matched.push(hit);
    best = next;
  }
  const result: Array<number | undefined> = new Array<number | undefined>(lines.length);
  let j = columns - 1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = from[i]![j]!;
    result[i] = matched[i]![j] ? line + 1 : undefined;
    j = line;
  }
  return result;
}
