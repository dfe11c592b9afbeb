import dagre from "@dagrejs/dagre";
import { escapeText } from "./markup.ts";

export interface LineageNode {
  id: string;
  label: string;
  kind: "model" | "source" | "seed";
  /** Relative link to the node's page, from the page the graph is drawn on. */
  href: string;
}

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 30;
const PADDING = 14;

/**
 * A left-to-right lineage graph as inline SVG (no script, no external file): each node a link to its
 * page, each edge an arrow from parent to child; `focus` is drawn highlighted. Layout by dagre.
 */
export function lineageSvg(
  nodes: LineageNode[],
  edges: Array<[from: string, to: string]>,
  options: { focus?: string; title: string },
): string {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 56, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    graph.setNode(node.id, {
      width: Math.ceil(node.label.length * CHAR_WIDTH) + 2 * PADDING,
      height: NODE_HEIGHT,
    });
  }
  const known = new Set(nodes.map((n) => n.id));
  const drawn = edges.filter(([from, to]) => known.has(from) && known.has(to));
  for (const [from, to] of drawn) graph.setEdge(from, to);
  dagre.layout(graph);
  const { width = 0, height = 0 } = graph.graph();
  const parts: string[] = [];
  for (const [from, to] of drawn) {
    const points =
      (graph.edge(from, to) as { points?: Array<{ x: number; y: number }> } | undefined)?.points ?? [];
    if (points.length === 0) continue;
    const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
    parts.push(
      `<path class="edge" data-edge="${escapeText(`${from}->${to}`)}" d="${d}" marker-end="url(#arrow)"/>`,
    );
  }
  for (const node of nodes) {
    const box = graph.node(node.id);
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    const focus = node.id === options.focus ? " focus" : "";
    parts.push(
      `<a href="${escapeText(node.href)}" class="node ${node.kind}${focus}" data-node="${escapeText(node.id)}">` +
        `<title>${escapeText(`${node.kind} ${node.label}`)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${box.width}" height="${box.height}" rx="6"/>` +
        `<text x="${box.x.toFixed(1)}" y="${(box.y + 4).toFixed(1)}" text-anchor="middle">${escapeText(node.label)}</text>` +
        `</a>`,
    );
  }
  return (
    `<svg class="lineage" role="img" aria-label="${escapeText(options.title)}" ` +
    `width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
    `<path d="M0,0 L10,5 L0,10 z"/></marker></defs>` +
    parts.join("") +
    `</svg>`
  );
}
