import type { Catalog, CatalogNode, CatalogTest, Freshness } from "./catalog.ts";
import { lineageSvg, type LineageNode } from "./lineage.ts";
import { escapeText as esc, markdown, summaryOf } from "./markup.ts";
import { STYLE } from "./style.ts";

/** Marks the site's pages, and the folder docs may replace: a folder without it is never touched. */
export const GENERATOR = "amplitude-pipeline docs";

/**
 * Nothing from outside the page: no script, no network, only inline style. A description that got
 * markup past the escaping still could not load or run anything.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const FOLDERS = { model: "models", source: "sources", seed: "seeds" } as const;

/** Every page of the site by its path relative to the site's folder (`index.html`, `models/events.html`, …). */
export function renderSite(catalog: Catalog): Map<string, string> {
  const paths = pagePaths(catalog);
  const pages = new Map<string, string>();
  pages.set("index.html", indexPage(catalog, paths));
  for (const [schema, ids] of catalog.schemas) {
    pages.set(paths.schema(schema), schemaPage(catalog, schema, ids, paths));
  }
  for (const node of catalog.nodes.values()) pages.set(paths.node(node.id), nodePage(catalog, node, paths));
  return pages;
}

interface Paths {
  node(id: string): string;
  schema(name: string): string;
  /** A link from the page at `from` to the page at `to`, both site-relative. */
  link(from: string, to: string): string;
}

/** File names from names, safe on every file system; two names that would meet get a suffix. */
function pagePaths(catalog: Catalog): Paths {
  const taken = new Set<string>();
  const unique = (folder: string, name: string) => {
    const base = `${folder}/${name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_") || "_"}`;
    let path = `${base}.html`;
    for (let n = 2; taken.has(path.toLowerCase()); n += 1) path = `${base}-${n}.html`;
    taken.add(path.toLowerCase());
    return path;
  };
  const nodes = new Map<string, string>();
  for (const node of [...catalog.nodes.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    nodes.set(node.id, unique(FOLDERS[node.kind], node.name));
  }
  const schemas = new Map<string, string>();
  for (const schema of catalog.schemas.keys()) schemas.set(schema, unique("schemas", schema));
  return {
    node: (id) => nodes.get(id)!,
    schema: (name) => schemas.get(name)!,
    link(from, to) {
      const up = from.split("/").length - 1;
      return encodeURI("../".repeat(up) + to);
    },
  };
}

function page(options: {
  title: string;
  path: string;
  catalog: Catalog;
  paths: Paths;
  body: string;
}): string {
  const { catalog, paths, path } = options;
  const nav = [...catalog.schemas.keys()]
    .map((schema) => `<a href="${esc(paths.link(path, paths.schema(schema)))}">${esc(schema)}</a>`)
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${GENERATOR}">
<title>${esc(options.title)} · data dictionary</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top"><a class="home" href="${esc(paths.link(path, "index.html"))}">Data dictionary</a><nav>${nav}</nav></header>
<main>
${options.body}
</main>
<footer>Built ${esc(when(catalog.generatedAt))} from ${esc(catalog.projectRoot)}${
    catalog.warehouseUrl ? ` and ${esc(catalog.warehouseUrl)}` : ""
  }.</footer>
</body>
</html>
`;
}

function when(iso: string | undefined | null): string {
  if (!iso) return "";
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

function hoursText(hours: number | undefined): string {
  if (hours === undefined) return "";
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

function status(test: CatalogTest): string {
  return test.result?.status ?? "not run";
}

function badge(state: string, label = state): string {
  return `<span class="status ${esc(state.replace(/\s+/g, "-"))}">${esc(label)}</span>`;
}

function resultsLine(catalog: Catalog): string {
  if (!catalog.results)
    return `<p class="notice">${esc(catalog.resultsNote ?? "Tests have not run yet.")}</p>`;
  const at = catalog.results.at ? `, run of ${when(catalog.results.at)}` : "";
  return `<p class="meta">Test results: the last run, from <code>${esc(catalog.results.from)}</code>${esc(at)}.</p>`;
}

function warehouseLine(catalog: Catalog): string {
  if (catalog.warehouseUrl)
    return `<p class="meta">Column types and source freshness: <code>${esc(catalog.warehouseUrl)}</code>.</p>`;
  return `<p class="notice">${esc(catalog.warehouseNote ?? "No warehouse was read: column types come from the yml.")}</p>`;
}

function allTests(node: CatalogNode): CatalogTest[] {
  return [...node.tests, ...node.columns.flatMap((c) => c.tests)];
}

/**
 * The tests of `nodes`, each once: a singular test that reads two models is listed on both pages but
 * ran once, and the totals must add up to the run's.
 */
export function distinctTests(nodes: Iterable<CatalogNode>): CatalogTest[] {
  const byName = new Map<string, CatalogTest>();
  for (const node of nodes) for (const test of allTests(node)) byName.set(test.name.toLowerCase(), test);
  return [...byName.values()];
}

const PERSONAL_TITLE = "Personal data: marked pii in the model's yml";

function personalBadge(reason?: string): string {
  return `<span class="personal" title="${esc(reason ? `Personal data: ${reason}` : PERSONAL_TITLE)}">personal data</span>`;
}

/** A marker beside a relation that holds personal columns. */
function personalMarker(node: CatalogNode): string {
  const count = node.columns.filter((c) => c.personal).length;
  if (count === 0) return "";
  return ` <span class="personal" title="${esc(`${count} personal column${count === 1 ? "" : "s"}`)}">personal data</span>`;
}

function testCounts(tests: CatalogTest[]): string {
  if (tests.length === 0) return `<span class="none">no tests</span>`;
  const counts = new Map<string, number>();
  for (const test of tests) counts.set(status(test), (counts.get(status(test)) ?? 0) + 1);
  const order = ["fail", "error", "warn", "pass", "skipped", "not run"];
  return order
    .filter((s) => counts.has(s))
    .map((s) => badge(s, `${counts.get(s)} ${s}`))
    .join(" ");
}

function lineageNodes(catalog: Catalog, ids: Iterable<string>, from: string, paths: Paths): LineageNode[] {
  return [...ids].sort().map((id) => {
    const node = catalog.nodes.get(id)!;
    return {
      id,
      label: node.relation,
      kind: node.kind,
      href: paths.link(from, paths.node(id)),
    };
  });
}

function edgesWithin(catalog: Catalog, ids: Set<string>): Array<[string, string]> {
  const edges: Array<[string, string]> = [];
  for (const id of [...ids].sort()) {
    for (const parent of catalog.nodes.get(id)!.parents) if (ids.has(parent)) edges.push([parent, id]);
  }
  return edges;
}

function indexPage(catalog: Catalog, paths: Paths): string {
  const path = "index.html";
  const nodes = [...catalog.nodes.values()];
  const tests = distinctTests(nodes);
  const schemaRows = [...catalog.schemas].map(([schema, ids]) => {
    const kinds = (kind: string) => ids.filter((id) => catalog.nodes.get(id)!.kind === kind).length;
    return `<tr><td><a href="${esc(paths.link(path, paths.schema(schema)))}">${esc(schema)}</a></td><td class="n">${kinds("model")}</td><td class="n">${kinds("source")}</td><td class="n">${kinds("seed")}</td></tr>`;
  });
  const sources = nodes.filter((n) => n.freshness);
  const freshnessRows = sources.map((node) => {
    const f = node.freshness!;
    return `<tr><td><a href="${esc(paths.link(path, paths.node(node.id)))}">${esc(node.relation)}</a></td>${freshnessCells(f)}</tr>`;
  });
  const objectRows = nodes
    .sort((a, b) => a.relation.localeCompare(b.relation))
    .map(
      (node) =>
        `<tr><td><a href="${esc(paths.link(path, paths.node(node.id)))}">${esc(node.relation)}</a>${personalMarker(node)}</td><td>${esc(node.kind)}</td><td>${esc(summaryOf(node.description))}</td><td>${testCounts(allTests(node))}</td></tr>`,
    );
  const all = new Set(catalog.nodes.keys());
  const body = `<h1>Data dictionary</h1>
${resultsLine(catalog)}
${warehouseLine(catalog)}
<p class="totals">${nodes.filter((n) => n.kind === "model").length} models, ${nodes.filter((n) => n.kind === "source").length} sources, ${nodes.filter((n) => n.kind === "seed").length} seeds; tests: ${testCounts(tests)}</p>
<h2>Schemas</h2>
<table><thead><tr><th>schema</th><th>models</th><th>sources</th><th>seeds</th></tr></thead><tbody>${schemaRows.join("")}</tbody></table>
<h2>Source freshness</h2>
${
  freshnessRows.length > 0
    ? `<table><thead><tr><th>source</th><th>loaded_at field</th><th>newest load</th><th>age</th><th>warn after</th><th>error after</th><th>status</th></tr></thead><tbody>${freshnessRows.join("")}</tbody></table>`
    : `<p class="none">No source declares a loaded_at_field.</p>`
}
<h2>Lineage</h2>
<div class="graph">${lineageSvg(lineageNodes(catalog, all, path, paths), edgesWithin(catalog, all), { title: "lineage of every model, source and seed" })}</div>
<h2>Every model, source and seed</h2>
<table><thead><tr><th>relation</th><th>kind</th><th>description</th><th>tests</th></tr></thead><tbody>${objectRows.join("")}</tbody></table>`;
  return page({ title: "Index", path, catalog, paths, body });
}

function freshnessCells(f: Freshness): string {
  const latest = f.latest === undefined ? "unknown" : f.latest === null ? "no rows" : when(f.latest);
  const label = {
    fresh: "fresh",
    warn: "stale (warn)",
    error: "stale (error)",
    empty: "empty",
    unknown: "unknown",
  }[f.status];
  const state = {
    fresh: "pass",
    warn: "warn",
    error: "fail",
    empty: f.errorAfterHours === undefined ? "warn" : "fail",
    unknown: "not-run",
  }[f.status];
  return `<td><code>${esc(f.loadedAtField)}</code></td><td>${esc(latest)}</td><td class="n">${esc(hoursText(f.ageHours))}</td><td class="n">${esc(hoursText(f.warnAfterHours))}</td><td class="n">${esc(f.errorAfterHours === undefined ? "none" : hoursText(f.errorAfterHours))}</td><td>${badge(state, label)}</td>`;
}

function schemaPage(catalog: Catalog, schema: string, ids: string[], paths: Paths): string {
  const path = paths.schema(schema);
  const rows = ids.map((id) => {
    const node = catalog.nodes.get(id)!;
    return `<tr><td><a href="${esc(paths.link(path, paths.node(id)))}">${esc(node.relation)}</a>${personalMarker(node)}</td><td>${esc(node.kind)}${node.materialized ? ` (${esc(node.materialized)})` : ""}</td><td class="n">${node.columns.length}</td><td>${esc(summaryOf(node.description))}</td><td>${testCounts(allTests(node))}</td></tr>`;
  });
  const body = `<p class="crumbs"><a href="${esc(paths.link(path, "index.html"))}">Index</a> › schema</p>
<h1>Schema <code>${esc(schema)}</code></h1>
<table><thead><tr><th>relation</th><th>kind</th><th>columns</th><th>description</th><th>tests</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  return page({ title: `schema ${schema}`, path, catalog, paths, body });
}

function related(catalog: Catalog, start: string, next: (node: CatalogNode) => string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...next(catalog.nodes.get(start)!)];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || !catalog.nodes.has(id)) continue;
    seen.add(id);
    stack.push(...next(catalog.nodes.get(id)!));
  }
  return seen;
}

function nodePage(catalog: Catalog, node: CatalogNode, paths: Paths): string {
  const path = paths.node(node.id);
  const link = (id: string) => {
    const other = catalog.nodes.get(id)!;
    return `<a href="${esc(paths.link(path, paths.node(id)))}">${esc(other.relation)}</a>`;
  };
  const upstream = related(catalog, node.id, (n) => n.parents);
  const downstream = related(catalog, node.id, (n) => n.children);
  const inGraph = new Set([node.id, ...upstream, ...downstream]);
  const facts: Array<[string, string]> = [
    ["kind", esc(node.kind)],
    ["relation", `<code>${esc(node.relation)}</code>`],
  ];
  if (node.materialized) facts.push(["materialized", esc(node.materialized)]);
  if (node.uniqueKey && node.uniqueKey.length > 0)
    facts.push(["unique key", node.uniqueKey.map((k) => `<code>${esc(k)}</code>`).join(", ")]);
  if (node.tags && node.tags.length > 0) facts.push(["tags", node.tags.map(esc).join(", ")]);
  const personal = node.columns.filter((c) => c.personal);
  if (personal.length > 0) {
    facts.push(["personal data", personal.map((c) => `<code>${esc(c.name)}</code>`).join(", ")]);
  }
  facts.push([
    "defined in",
    `<code>${esc(node.file)}</code>${node.ymlFile && node.ymlFile !== node.file ? `, docs in <code>${esc(node.ymlFile)}</code>` : ""}`,
  ]);
  facts.push([
    "in the warehouse",
    node.built === undefined ? "not read" : node.built ? "built" : `${badge("warn", "not built")}`,
  ]);
  if (node.lastRun) {
    facts.push([
      "last run",
      `${badge(node.lastRun.status === "success" ? "pass" : node.lastRun.status === "skipped" ? "skipped" : "error", node.lastRun.status)}${
        node.lastRun.rows === null || node.lastRun.rows === undefined
          ? ""
          : ` ${esc(node.lastRun.rows.toLocaleString("en-US"))} rows`
      }${node.lastRun.message ? ` — ${esc(node.lastRun.message)}` : ""}`,
    ]);
  }
  const columnRows = node.columns.map((column) => {
    const type = column.type
      ? `<code>${esc(column.type)}</code>${column.typeFrom === "yml" ? ' <span class="from">(yml)</span>' : ""}`
      : "";
    const missing = column.inWarehouse === false ? ` ${badge("warn", "not in the warehouse")}` : "";
    const tests = column.tests.map((t) => badge(status(t), `${t.kind}: ${status(t)}`)).join(" ");
    const personal = column.personal ? ` ${personalBadge(column.personal.reason)}` : "";
    const reason = column.personal?.reason
      ? `<p class="personal-reason">Personal data: ${esc(column.personal.reason)}</p>`
      : "";
    return `<tr><td><code>${esc(column.name)}</code>${personal}${missing}</td><td>${type}</td><td>${markdown(column.description)}${reason}</td><td>${tests}</td></tr>`;
  });
  const testRows = allTests(node).map((test) => {
    const result = test.result;
    return `<tr data-test="${esc(test.name)}"><td><code>${esc(test.name)}</code></td><td>${test.column ? `<code>${esc(test.column)}</code>` : ""}</td><td>${esc(result?.severity ?? test.severity)}</td><td>${badge(status(test))}</td><td class="n">${result ? esc(result.failures) : ""}</td><td>${esc(result?.message ?? "")}</td><td><code>${esc(test.declaredIn)}</code></td></tr>`;
  });
  const list = (ids: Set<string>) =>
    ids.size === 0 ? `<span class="none">none</span>` : [...ids].sort().map(link).join(", ");
  const body = `<p class="crumbs"><a href="${esc(paths.link(path, "index.html"))}">Index</a> › <a href="${esc(paths.link(path, paths.schema(node.schema)))}">${esc(node.schema)}</a> › ${esc(node.kind)}</p>
<h1><code>${esc(node.relation)}</code> <span class="kind ${esc(node.kind)}">${esc(node.kind)}</span></h1>
<div class="description">${markdown(node.description) || `<p class="none">No description.</p>`}</div>
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join("")}</dl>
${node.freshness ? `<h2>Freshness</h2><table><thead><tr><th>loaded_at field</th><th>newest load</th><th>age</th><th>warn after</th><th>error after</th><th>status</th></tr></thead><tbody><tr>${freshnessCells(node.freshness)}</tr></tbody></table>` : ""}
<h2>Lineage</h2>
<p>Upstream: ${list(upstream)}</p>
<p>Downstream: ${list(downstream)}</p>
<div class="graph">${lineageSvg(lineageNodes(catalog, inGraph, path, paths), edgesWithin(catalog, inGraph), { focus: node.id, title: `lineage of ${node.relation}` })}</div>
<h2>Columns</h2>
${columnRows.length > 0 ? `<table class="columns"><thead><tr><th>column</th><th>type</th><th>description</th><th>tests</th></tr></thead><tbody>${columnRows.join("")}</tbody></table>` : `<p class="none">No columns are documented${node.built === undefined ? " and no warehouse was read" : ""}.</p>`}
<h2>Tests</h2>
${catalog.results ? "" : `<p class="notice">${esc(catalog.resultsNote ?? "Tests have not run yet.")}</p>`}
${testRows.length > 0 ? `<table class="tests"><thead><tr><th>test</th><th>column</th><th>severity</th><th>status</th><th>failures</th><th>message</th><th>declared in</th></tr></thead><tbody>${testRows.join("")}</tbody></table>` : `<p class="none">No tests.</p>`}
${node.sql ? `<h2>SQL</h2><details><summary><code>${esc(node.file)}</code></summary><pre>${esc(node.sql)}</pre></details>` : ""}`;
  return page({ title: node.relation, path, catalog, paths, body });
}
