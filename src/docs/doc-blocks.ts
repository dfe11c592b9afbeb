import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { ConfigurationError } from "../errors.ts";

export interface DocBlock {
  name: string;
  text: string;
  /** Relative to the project root, `/`-separated. */
  file: string;
}

const BLOCK = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
const REFERENCE = /\{\{\s*doc\(\s*(['"])([^'"]*)\1\s*\)\s*\}\}/g;

/**
 * dbt's doc blocks: `{% docs name %}…{% enddocs %}` in any `.md` file under the project root. A name
 * declared twice, or an opening tag with no end, is an error naming both places.
 */
export async function readDocBlocks(root: string): Promise<Map<string, DocBlock>> {
  const blocks = new Map<string, DocBlock>();
  const problems: string[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".md"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const path of files) {
    const file = relative(root, path).split(sep).join("/");
    if (file.split("/").some((part) => part === "node_modules" || part.startsWith("."))) continue;
    const text = await readFile(path, "utf8");
    let closed = 0;
    for (const match of text.matchAll(BLOCK)) {
      closed += 1;
      const name = match[1]!;
      const earlier = blocks.get(name);
      if (earlier) {
        problems.push(`${file}: a second doc block named ${name} (the first is in ${earlier.file})`);
        continue;
      }
      blocks.set(name, { name, text: match[2]!.trim(), file });
    }
    const opened = [...text.matchAll(/\{%-?\s*docs\s/g)].length;
    if (opened > closed) problems.push(`${file}: a {% docs … %} block has no {% enddocs %}`);
  }
  if (problems.length > 0)
    throw new ConfigurationError(`the project's doc blocks have errors:\n  ${problems.join("\n  ")}`);
  return blocks;
}

/**
 * A description with each `{{ doc('name') }}` replaced by its block's text. `where` names the yml entry
 * for the error when a block does not exist.
 */
export function resolveDocReferences(
  text: string | undefined,
  blocks: Map<string, DocBlock>,
  where: string,
): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(REFERENCE, (_whole, _quote, name: string) => {
    const block = blocks.get(name);
    if (!block) {
      const known = [...blocks.keys()].sort();
      throw new ConfigurationError(
        `${where}: doc('${name}') names no doc block: add {% docs ${name} %}…{% enddocs %} to a .md file ` +
          `under the project` +
          (known.length > 0 ? ` (doc blocks: ${known.join(", ")})` : " (it has none)"),
      );
    }
    return block.text;
  });
}
