/**
 * HTML for job summaries. The toolkit's summary builder inserts strings as they are, and the runner renders the
 * file as GitHub-flavoured markdown with HTML allowed: every value taken from data goes through `escapeHtml`.
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  // A pipe would start a markdown table cell if a value ever lands outside an HTML block.
  "|": "&#124;",
};

/**
 * A value as text safe inside an element or a quoted attribute. Line breaks become `<br>`: a blank line inside an
 * HTML block would end it, and the rest of the value would be read as markdown.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/[&<>"'|]/g, (c) => ENTITIES[c]!)
    .replace(/\r?\n/g, "<br>");
}

/** Long values (an error's whole response body, say) are cut: the log holds them in full. */
export function escapeShort(value: unknown, maxChars = 2000): string {
  const text = String(value ?? "");
  if (text.length <= maxChars) return escapeHtml(text);
  return `${escapeHtml(text.slice(0, maxChars))}… <em>(${text.length - maxChars} more characters in the log)</em>`;
}

/** Markup this module built (escaped already): passed through table cells untouched. */
export interface Html {
  html: string;
}

export function raw(html: string): Html {
  return { html };
}

export type Cell = string | number | null | undefined | Html;

function cellHtml(cell: Cell): string {
  if (cell === null || cell === undefined || cell === "") return "–";
  if (typeof cell === "object") return cell.html;
  return escapeHtml(cell);
}

export function tableHead(header: readonly string[]): string {
  return `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
}

export function tableRow(cells: readonly Cell[]): string {
  return `<tr>${cells.map((cell) => `<td>${cellHtml(cell)}</td>`).join("")}</tr>`;
}

export function table(headHtml: string, rowHtml: readonly string[]): string {
  return `<table>${headHtml}${rowHtml.join("")}</table>`;
}

export function heading(text: string, level: 2 | 3 | 4 = 3): string {
  return `<h${level}>${escapeHtml(text)}</h${level}>`;
}

export function paragraph(html: string): string {
  return `<p>${html}</p>`;
}

export function code(value: unknown): string {
  return `<code>${escapeHtml(value)}</code>`;
}

export function strong(value: unknown): string {
  return `<strong>${escapeHtml(value)}</strong>`;
}

export function details(summaryText: string, contentHtml: string): string {
  return `<details><summary>${escapeHtml(summaryText)}</summary>${contentHtml}</details>`;
}

export function list(itemsHtml: readonly string[]): string {
  return `<ul>${itemsHtml.map((item) => `<li>${item}</li>`).join("")}</ul>`;
}
