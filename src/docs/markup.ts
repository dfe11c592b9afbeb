const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** A value as text safe in an element, a quoted attribute or a `<pre>`: nothing from data is markup. */
export function escapeText(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * The little markdown yml descriptions and doc blocks use: paragraphs, `-`/`*` lists, `code`,
 * **bold** and _italics_. Escaped first, so a description can never add markup, links or scripts.
 */
export function markdown(text: string | undefined): string {
  if (!text) return "";
  const out: string[] = [];
  let list: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(" "))}</p>`);
    if (list.length > 0) out.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join("")}</ul>`);
    paragraph = [];
    list = [];
  };
  for (const line of text.split(/\r?\n/)) {
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (line.trim() === "") flush();
    else if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1]!);
    } else if (list.length > 0 && /^\s+\S/.test(line)) list[list.length - 1] += ` ${line.trim()}`;
    else {
      if (list.length > 0) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return out.join("");
}

function inline(text: string): string {
  return escapeText(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[\s(])_([^_]+)_(?=[\s).,;:!?]|$)/g, "$1<em>$2</em>");
}

/** The first sentence (or line) of a description, as plain text, for tables. */
export function summaryOf(text: string | undefined, maxChars = 160): string {
  if (!text) return "";
  const flat = text
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return sentence.length > maxChars ? `${sentence.slice(0, maxChars - 1)}…` : sentence;
}
