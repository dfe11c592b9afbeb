// Until src/github/html.ts (helper S's escapeHtml) is on main: the toolkit's summary inserts raw HTML, and a
// markdown table cell ends at a `|`, so every value taken from data or input goes through this.

/** Text safe inside HTML and inside a markdown table cell. */
export function escapeText(value: unknown): string {
  return String(value ?? "")
    .replace(/[&<>"'|`]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/\r?\n/g, " ");
}
