/** The site's one style sheet, inlined in every page (no file to fetch, so pages open from file://). */
export const STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  color: var(--fg); background: #fff; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; gap: 24px; align-items: baseline; padding: 12px 24px; background: #24292f; }
header.top a { color: #fff; }
header.top .home { font-weight: 600; font-size: 16px; }
header.top nav { display: flex; gap: 14px; flex-wrap: wrap; }
header.top nav a { color: #d1d9e0; }
main { padding: 8px 24px 24px; max-width: 1400px; }
footer { padding: 12px 24px; color: var(--muted); border-top: 1px solid var(--line); font-size: 12px; }
h1 { font-size: 24px; margin: 16px 0 8px; }
h2 { font-size: 18px; margin: 24px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
code, pre { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
code { background: rgba(129,139,152,.12); padding: .1em .35em; border-radius: 4px; }
h1 code { font-size: 22px; background: none; padding: 0; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td p, .description p { margin: 0 0 6px; }
td p:last-child { margin-bottom: 0; }
.meta, .crumbs, .from, .none { color: var(--muted); }
.notice { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.status { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; white-space: nowrap;
  border: 1px solid transparent; }
.status.pass { background: #dafbe1; color: #116329; border-color: #aceebb; }
.status.warn { background: #fff8c5; color: #7d4e00; border-color: #eac54f; }
.status.fail, .status.error { background: #ffebe9; color: #a40e26; border-color: #ffcecb; }
.status.skipped, .status.not-run { background: var(--bg); color: var(--muted); border-color: var(--line); }
.personal { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; white-space: nowrap;
  background: #fff1e5; color: #953800; border: 1px solid #ffc680; margin-left: 4px; }
.personal-reason { color: #953800; font-size: 12.5px; }
.kind { font-size: 12px; font-weight: 500; padding: 1px 8px; border-radius: 10px; vertical-align: middle; }
.kind.model { background: #ddf4ff; color: #0550ae; }
.kind.source { background: #fbefff; color: #8250df; }
.kind.seed { background: #fff1e5; color: #953800; }
.graph { overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); padding: 8px; }
svg.lineage { display: block; font: 12px ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; }
svg.lineage .edge { fill: none; stroke: #8c959f; stroke-width: 1.3; }
svg.lineage marker path { fill: #8c959f; }
svg.lineage .node rect { fill: #fff; stroke: #0969da; stroke-width: 1.2; }
svg.lineage .node.source rect { stroke: #8250df; fill: #fbefff; }
svg.lineage .node.seed rect { stroke: #bc4c00; fill: #fff1e5; }
svg.lineage .node.focus rect { fill: #0969da; stroke: #0550ae; stroke-width: 2; }
svg.lineage .node.focus text { fill: #fff; font-weight: 600; }
svg.lineage .node text { fill: var(--fg); }
svg.lineage a:hover rect { stroke-width: 2.4; }
`;
