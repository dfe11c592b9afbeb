#!/usr/bin/env node
// Renders a job summary file (the HTML core.summary writes, with any markdown lines) to a PNG, in a page styled
// roughly like GitHub's job summary, with headless Chromium:
//
//   node scripts/render-summary-picture.mjs <summary.md> <out.png> [--width 1012] [--title "pipeline summary"]
//
// Chromium comes from Debian (`apt-get install chromium`); set CHROMIUM to use another binary.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function usage(message) {
  if (message) console.error(`render-summary-picture: ${message}`);
  console.error(
    "usage: node scripts/render-summary-picture.mjs <summary.md> <out.png> [--width N] [--title TEXT]",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const positional = [];
  const options = { width: 1012, title: "pipeline summary" };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--width") options.width = Number(argv[++i]);
    else if (arg === "--title") options.title = argv[++i] ?? "";
    else if (arg.startsWith("--")) usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) usage();
  if (!Number.isInteger(options.width) || options.width < 320) usage("--width must be a whole number ≥ 320");
  return { input: positional[0], output: positional[1], ...options };
}

const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Inline markdown: code spans, bold, italics. Enough for the odd markdown line; builders write HTML. */
function inline(text) {
  return escape(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|\W)_([^_]+)_(?=\W|$)/g, "$1<em>$2</em>");
}

/**
 * A line that starts with a tag is HTML and passes as it is (GitHub renders it so too); markdown lines become
 * headings, list items and paragraphs.
 */
export function markdownToHtml(text) {
  const out = [];
  let listOpen = false;
  const closeList = () => {
    if (listOpen) out.push("</ul>");
    listOpen = false;
  };
  for (const line of text.split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (line.trim() === "") closeList();
    else if (/^\s*</.test(line)) {
      closeList();
      out.push(line);
    } else if (heading) {
      closeList();
      out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
    } else if (item) {
      if (!listOpen) out.push("<ul>");
      listOpen = true;
      out.push(`<li>${inline(item[1])}</li>`);
    } else {
      closeList();
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  closeList();
  return out.join("\n");
}

const STYLE = `
  html { background: #f6f8fa; }
  body { margin: 0; padding: 24px; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans",
    Helvetica, Arial, sans-serif, "Apple Color Emoji", "Noto Color Emoji"; font-size: 14px; line-height: 1.5;
    color: #1f2328; }
  .box { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; max-width: 100%; }
  .box > header { padding: 16px 24px; border-bottom: 1px solid #d1d9e0; font-weight: 600; font-size: 16px; }
  .markdown-body { padding: 8px 24px 24px; overflow-wrap: break-word; }
  h1, h2 { padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; }
  h1, h2, h3, h4 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
  h1 { font-size: 2em; } h2 { font-size: 1.5em; } h3 { font-size: 1.25em; } h4 { font-size: 1em; }
  p, ul, table, details { margin: 0 0 16px; }
  table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content; max-width: 100%;
    overflow: auto; }
  th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  th { font-weight: 600; }
  tr { background: #fff; border-top: 1px solid #d1d9e0; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code { padding: .2em .4em; font-size: 85%; background: rgba(129,139,152,.12); border-radius: 6px;
    font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; }
  summary { cursor: pointer; }
`;

function page(body, title) {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}</style></head>
<body><div class="box"><header>${escape(title)}</header><div class="markdown-body">
${body}
</div></div>
<script>document.body.setAttribute("data-height", String(Math.ceil(document.documentElement.scrollHeight)));</script>
</body></html>`;
}

function chromiumBinary() {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(
      `no Chromium at ${candidates.join(" or ")}: install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM`,
    );
  return found;
}

function chromium(binary, args) {
  // --no-sandbox: the sandbox needs user namespaces, which containers and root sessions often lack.
  return execFileSync(
    binary,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--force-device-scale-factor=1",
      ...args,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 },
  );
}

async function main() {
  const { input, output, width, title } = parseArgs(process.argv.slice(2));
  const binary = chromiumBinary();
  const body = markdownToHtml(await readFile(input, "utf8"));
  const dir = await mkdtemp(join(tmpdir(), "summary-picture-"));
  try {
    const html = join(dir, "summary.html");
    await writeFile(html, page(body, title));
    const url = pathToFileURL(html).href;
    // First pass: lay the page out at the width and read its height; then a window that tall for the picture.
    const dom = chromium(binary, [`--window-size=${width},100`, "--dump-dom", url]);
    const height = Number(/data-height="(\d+)"/.exec(dom)?.[1] ?? 2000);
    chromium(binary, [
      `--window-size=${width},${Math.min(height, 16_000)}`,
      `--screenshot=${resolve(output)}`,
      url,
    ]);
    if (!existsSync(output)) throw new Error(`Chromium wrote no picture at ${output}`);
    console.log(`${output}: ${width}×${Math.min(height, 16_000)} from ${input}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`render-summary-picture: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
