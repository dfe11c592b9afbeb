import { CompileError, lineOf, type CompiledModel } from "./compile.ts";
import type { Project } from "./project.ts";

/** Models in an order where every model comes after the models it refs. Cycles are compile errors. */
export function graphOrder(project: Project, models: Map<string, CompiledModel>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const steps = cycle.slice(0, -1).map((from, i) => {
        const file = project.models.get(from)!;
        return `${file.path}:${lineOf(file.sql, cycle[i + 1]!)} refs ${cycle[i + 1]}`;
      });
      throw new CompileError(`the models form a cycle: ${steps.join(", ")}`);
    }
    state.set(name, "visiting");
    for (const parent of [...models.get(name)!.refs].sort()) visit(parent, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of [...models.keys()].sort()) visit(name, []);
  return order;
}

/**
 * dbt's selection syntax, the part this project uses: space-separated terms, each `name`, `schema.name`
 * (as the reports print a model) or `tag:x`, with `+` before (and its ancestors) or after (and its descendants). No selection means every model.
 */
export function selectModels(models: Map<string, CompiledModel>, selection: string | undefined): Set<string> {
  if (!selection?.trim()) return new Set(models.keys());
  const children = new Map<string, string[]>();
  for (const model of models.values()) {
    for (const parent of model.refs) children.set(parent, [...(children.get(parent) ?? []), model.name]);
  }
  const walk = (start: string[], next: (name: string) => string[]) => {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...next(name));
    }
    return seen;
  };
  const selected = new Set<string>();
  for (const term of selection.trim().split(/[\s,]+/)) {
    const match = /^(\+?)(.+?)(\+?)$/.exec(term)!;
    const [, up, core, down] = match;
    let roots: string[];
    if (core!.startsWith("tag:")) {
      const tag = core!.slice(4);
      roots = [...models.values()].filter((m) => m.config.tags.includes(tag)).map((m) => m.name);
      if (roots.length === 0) throw new CompileError(`--select ${term}: no model has the tag ${tag}`);
    } else {
      roots = [modelNamed(models, term, core!)];
    }
    for (const name of roots) selected.add(name);
    if (up) for (const name of walk(roots, (n) => models.get(n)!.refs)) selected.add(name);
    if (down) for (const name of walk(roots, (n) => children.get(n) ?? [])) selected.add(name);
  }
  return selected;
}

/** A model by its name or its `schema.name`; an unknown one is an error that suggests the closest names. */
function modelNamed(models: Map<string, CompiledModel>, term: string, wanted: string): string {
  if (models.has(wanted)) return wanted;
  const dot = wanted.indexOf(".");
  if (dot > 0) {
    const name = wanted.slice(dot + 1);
    const model = models.get(name);
    if (model && model.config.schema === wanted.slice(0, dot)) return name;
  }
  const qualified = [...models.values()].map((m) => `${m.config.schema}.${m.name}`);
  const candidates = dot > 0 ? qualified : [...models.keys()];
  const distance = (name: string) => editDistance(wanted.toLowerCase(), name.toLowerCase());
  const best = Math.min(...candidates.map(distance));
  const nearby = candidates.filter(
    (name) => distance(name) === best && best <= Math.max(3, wanted.length / 3),
  );
  throw new CompileError(
    `--select ${term}: there is no model ${wanted}` +
      (nearby.length > 0 ? `; did you mean ${nearby.sort().join(" or ")}?` : "") +
      ` (models: ${[...models.keys()].sort().join(", ")}, each also as schema.name)`,
  );
}

/** Levenshtein distance: the fewest one-character insertions, deletions or substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
