#!/usr/bin/env node
// Checks the project's markdown: every relative link resolves (the file, and its #anchor against the
// heading slugs GitHub makes), and every command shown in a code block is a command of the CLI with
// only the flags that command takes. The commands and flags are read from the commander program the
// CLI itself runs, so a renamed or removed option fails here instead of in a reader's terminal.
//
//   node scripts/check-docs.mjs            README.md, docs/*.md and actions/*/README.md
//   node scripts/check-docs.mjs FILE…      only these files
//
// The program comes from src/cli/program.ts when a TypeScript loader is active (`npm run check:docs` runs
// this under tsx), else from the build in lib/cli/program.js. Exit 0 when clean, 1 with one line per
// problem (`file:line: message`), 2 when the program cannot be read.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/* global AbortController */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The files the check reads by default, relative to `root`. */
export function defaultFiles(root = ROOT) {
  const files = ["README.md"];
  const under = (folder, pick) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder))
          .sort()
          .flatMap((name) => pick(name))
      : [];
  files.push(...under("docs", (name) => (name.endsWith(".md") ? [`docs/${name}`] : [])));
  files.push(
    ...under("actions", (name) =>
      existsSync(join(root, "actions", name, "README.md")) ? [`actions/${name}/README.md`] : [],
    ),
  );
  return files.filter((file) => existsSync(join(root, file)));
}

/**
 * The CLI's commands and the long and short flags each takes, from a commander program:
 * `{ commands: Map<name, Set<flag>>, global: Set<flag> }`. `--help` is always accepted.
 */
export function cliSpec(program) {
  const flagsOf = (command) => {
    const flags = new Set(["--help", "-h"]);
    for (const option of command.options) {
      if (option.long) flags.add(option.long);
      if (option.short) flags.add(option.short);
    }
    return flags;
  };
  const commands = new Map();
  for (const command of program.commands) {
    const flags = flagsOf(command);
    for (const name of [command.name(), ...command.aliases()]) commands.set(name, flags);
  }
  commands.set("help", new Set(["--help", "-h"]));
  return { commands, global: flagsOf(program) };
}

/** Loads the CLI's commander program: the sources under a TypeScript loader, else the build. */
export async function loadProgram(root = ROOT) {
  let module;
  try {
    module = await import(pathToFileURL(join(root, "src/cli/program.ts")).href);
  } catch {
    const built = join(root, "lib/cli/program.js");
    if (!existsSync(built)) {
      throw new Error(
        "lib/cli/program.js is missing: run `npm run build` (or `npm run check:docs`, which reads src/)",
      );
    }
    module = await import(pathToFileURL(built).href);
    console.error("check-docs: commands read from the build in lib/ (`npm run check:docs` reads src/)");
  }
  const quiet = { out() {}, err() {} };
  return module.buildProgram({
    env: {},
    output: new Proxy(quiet, { get: (target, key) => target[key] ?? (() => {}) }),
    failed: false,
    signal: new AbortController().signal,
  });
}

/**
 * GitHub's heading anchors: the heading's text as rendered (code, emphasis and link syntax gone),
 * lowercased, punctuation other than `-` and `_` removed, spaces turned into hyphens; a repeated slug
 * gets `-1`, `-2`, … in order.
 */
export function headingSlugs(markdown) {
  const slugs = new Set();
  const seen = new Map();
  for (const { text } of headings(markdown)) {
    const base = slugify(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

export function slugify(heading) {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/(\*\*|__|\*)/g, "");
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The lines of a markdown file with, for each, whether it lies inside a fenced code block. */
function scan(markdown) {
  const lines = markdown.split(/\r?\n/);
  const result = [];
  let fence;
  for (const [index, line] of lines.entries()) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (
        marker &&
        marker[1][0] === fence[0] &&
        marker[1].length >= fence.length &&
        line.trim() === marker[1]
      ) {
        fence = undefined;
        result.push({ line, number: index + 1, kind: "fence" });
      } else {
        result.push({ line, number: index + 1, kind: "code" });
      }
      continue;
    }
    if (marker) {
      fence = marker[1];
      result.push({ line, number: index + 1, kind: "fence" });
      continue;
    }
    result.push({ line, number: index + 1, kind: "text" });
  }
  return result;
}

function headings(markdown) {
  return scan(markdown).flatMap(({ line, number, kind }) => {
    const match = kind === "text" ? /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
    return match ? [{ text: match[1], number }] : [];
  });
}

/** Inline links and images in one line of text, with code spans left out: `[text](target "title")`. */
function linksIn(line) {
  const withoutCode = line.replace(/`+[^`]*`+/g, (span) => " ".repeat(span.length));
  const links = [];
  const pattern = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;
  for (const match of withoutCode.matchAll(pattern)) links.push(match[1]);
  return links;
}

/** Shell words of a command line, quotes removed; `|`, `&&`, `;`, redirections and `#` comments end a command. */
function shellWords(line) {
  const words = [];
  let word = "";
  let quote;
  let inWord = false;
  const flush = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
      continue;
    }
    if (/\s/.test(c)) {
      flush();
      continue;
    }
    if (!inWord && c === "#") break;
    if (c === "|" || c === ";" || (c === "&" && line[i + 1] === "&")) {
      flush();
      words.push({ separator: c });
      if (c === "&" || (c === "|" && line[i + 1] === "|")) i++;
      continue;
    }
    if (!inWord && (c === ">" || c === "<") && (line[i + 1] === undefined || /[\s>&]/.test(line[i + 1]))) {
      flush();
      words.push({ separator: c });
      continue;
    }
    word += c;
    inWord = true;
  }
  flush();
  return words;
}

const PACKAGE = /^(?:amplitude-pipeline|github:[^/\s]+\/amplitude-pipeline)(?:@\S+)?$/;

/**
 * The CLI invocations on one line: `npm start -- <cmd> …`, `npm run demo -- …`, `amplitude-pipeline <cmd> …`,
 * `npx [flags] amplitude-pipeline <cmd> …`, `npx github:OWNER/amplitude-pipeline <cmd> …` and
 * `node lib/cli/bin.js <cmd> …`. Each is `{ command, flags }`; `command` is undefined when none follows.
 */
export function invocationsIn(line) {
  const words = shellWords(line);
  const found = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (typeof word !== "string") continue;
    let next;
    let command;
    if (word === "npm" && words[i + 1] === "start" && words[i + 2] === "--") next = i + 3;
    else if (word === "npm" && words[i + 1] === "start") next = -1;
    else if (word === "npm" && words[i + 1] === "run" && words[i + 2] === "demo") {
      command = "demo";
      next = words[i + 3] === "--" ? i + 4 : -1;
    } else if (word === "node" && /(^|\/)lib\/cli\/bin\.js$/.test(String(words[i + 1]))) next = i + 2;
    else if (
      PACKAGE.test(word) &&
      (i === 0 ||
        words[i - 1] === "npx" ||
        String(words[i - 1]).startsWith("-") ||
        typeof words[i - 1] !== "string")
    ) {
      next = i + 1;
    } else continue;
    if (next === -1) {
      if (command) found.push({ command, flags: [] });
      continue;
    }
    const rest = [];
    for (let j = next; j < words.length && typeof words[j] === "string"; j++) rest.push(words[j]);
    if (!command) {
      const first = rest.findIndex((w) => !w.startsWith("-"));
      const leading = first === -1 ? rest : rest.slice(0, first);
      if (first === -1 || leading.length > 0) {
        found.push({ command: undefined, flags: leading.filter((w) => w.startsWith("-")) });
        continue;
      }
      command = rest[0];
      rest.shift();
    }
    found.push({ command, flags: rest.filter((w) => /^--?[A-Za-z]/.test(w)).map((w) => w.split("=")[0]) });
  }
  return found;
}

/** Problems in one markdown file: `{ file, line, message }`, `file` relative to `root`. */
export function checkFile(root, file, spec, cache = new Map()) {
  const problems = [];
  const path = join(root, file);
  const markdown = readFileSync(path, "utf8");
  const report = (line, message) => problems.push({ file, line, message });
  const slugsOf = (target) => {
    if (!cache.has(target)) cache.set(target, headingSlugs(readFileSync(target, "utf8")));
    return cache.get(target);
  };
  const checkCommand = (number, text) => {
    for (const { command, flags } of invocationsIn(text)) {
      if (command === undefined) {
        for (const flag of flags)
          if (!spec.global.has(flag)) report(number, `\`${flag}\` is not an option of the CLI`);
        continue;
      }
      if (/^<.*>$|^\.\.\.$|^…$|^COMMAND$/i.test(command)) continue;
      const known = spec.commands.get(command);
      if (!known) {
        report(
          number,
          `\`${command}\` is not a command of the CLI (${[...spec.commands.keys()].join(", ")})`,
        );
        continue;
      }
      for (const flag of flags) {
        if (!known.has(flag))
          report(number, `\`${command}\` has no option \`${flag}\` (see \`${command} --help\`)`);
      }
    }
  };
  for (const { line, number, kind } of scan(markdown)) {
    if (kind === "code") {
      checkCommand(number, line);
      continue;
    }
    if (kind !== "text") continue;
    for (const span of line.matchAll(/`([^`]+)`/g)) {
      if (/^(npm start|npm run demo|amplitude-pipeline |npx )/.test(span[1])) checkCommand(number, span[1]);
    }
    for (const target of linksIn(line)) {
      if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue;
      const [pathPart, anchor] = target.split("#", 2);
      const resolved = pathPart === "" ? path : resolve(dirname(path), decodeURIComponent(pathPart));
      if (!existsSync(resolved)) {
        report(number, `link \`${target}\`: ${relative(root, resolved) || pathPart} does not exist`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (statSync(resolved).isDirectory() || !resolved.endsWith(".md")) {
        if (/^L\d+(-L\d+)?$/.test(anchor)) continue;
        report(number, `link \`${target}\`: an anchor into a file that is not markdown`);
        continue;
      }
      if (!slugsOf(resolved).has(decodeURIComponent(anchor).toLowerCase())) {
        report(
          number,
          `link \`${target}\`: no heading in ${relative(root, resolved)} has the anchor #${anchor}`,
        );
      }
    }
  }
  return problems;
}

/** Checks `files` (relative to `root`) against the CLI described by `spec`. */
export function checkDocs({ root = ROOT, files = defaultFiles(root), spec }) {
  const cache = new Map();
  return files.flatMap((file) => checkFile(root, file, spec, cache));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let spec;
  try {
    spec = cliSpec(await loadProgram());
  } catch (error) {
    console.error(
      `check-docs: cannot read the CLI's commands: ${error instanceof Error ? error.message : error}`,
    );
    process.exit(2);
  }
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args.map((file) => relative(ROOT, resolve(file))) : defaultFiles();
  const problems = checkDocs({ files, spec });
  for (const { file, line, message } of problems) console.error(`${file}:${line}: ${message}`);
  console.log(
    problems.length === 0
      ? `check-docs: ${files.length} file(s), links and commands ok`
      : `check-docs: ${problems.length} problem(s) in ${new Set(problems.map((p) => p.file)).size} file(s)`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
