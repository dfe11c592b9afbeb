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
