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

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Point {
  x: number;
  y: number;
}

/** A rank of the layout: its nodes share a centre x; it spans the widest of them. */
interface Column {
  left: number;
  right: number;
}

/**
 * A left-to-right lineage graph as inline SVG (no script, no external file): each node a link to its
 * page, each edge an arrow from parent to child; `focus` is drawn highlighted. Ranks and order by dagre;
 * edges routed so that none passes through a node it does not connect (see `route`).
 */
export function lineageSvg(
  nodes: LineageNode[],
  edges: Array<[from: string, to: string]>,
  options: { focus?: string; title: string },
): string {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 72, marginx: 8, marginy: 8 });
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
  const boxes = new Map(nodes.map((node) => [node.id, graph.node(node.id) as Box]));
  const columns = columnsOf([...boxes.values()]);
  const parts: string[] = [];
  for (const [from, to] of drawn) {
    const points = (graph.edge(from, to) as { points?: Point[] } | undefined)?.points ?? [];
    const d = route(boxes.get(from)!, boxes.get(to)!, points.slice(1, -1), columns);
    parts.push(
      `<path class="edge" data-edge="${escapeText(`${from}->${to}`)}" d="${d}" marker-end="url(#arrow)"/>`,
    );
  }
  for (const node of nodes) {
    const box = boxes.get(node.id)!;
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

/** The ranks, left to right: dagre gives every node of a rank the same centre x. */
function columnsOf(boxes: Box[]): Column[] {
  const byX = new Map<string, Column>();
  for (const box of boxes) {
    const key = box.x.toFixed(1);
    const column = byX.get(key) ?? { left: Infinity, right: -Infinity };
    column.left = Math.min(column.left, box.x - box.width / 2);
    column.right = Math.max(column.right, box.x + box.width / 2);
    byX.set(key, column);
  }
  return [...byX.values()].sort((a, b) => a.left - b.left);
}

/**
 * An edge's path. dagre's own points join the node's border to the next rank in a straight line, which
 * cuts through the wider nodes of the same rank. Here an edge leaves its parent level to the right
 * edge of the parent's column, crosses each rank between at the height dagre reserved for it there (a
 * slot between that rank's nodes), and enters its child level from the left edge of the child's
 * column; it bends only in the empty gaps between columns. So it meets no node but its own two.
 */
function route(from: Box, to: Box, between: Point[], columns: Column[]): string {
  const columnAt = (x: number) => columns.find((c) => x >= c.left - 0.5 && x <= c.right + 0.5);
  // Pairs of points [enter, leave] at each rank the edge crosses, ends included.
  const fromColumn = columnAt(from.x)!;
  const toColumn = columnAt(to.x)!;
  const spans: Array<[Point, Point]> = [
    [
      { x: from.x + from.width / 2, y: from.y },
      { x: fromColumn.right, y: from.y },
    ],
  ];
  for (const point of between) {
    const column = columnAt(point.x);
    // dagre also places points in the gaps (its rank between two node ranks); the curves cross those.
    if (!column || column === fromColumn || column === toColumn) continue;
    spans.push([
      { x: column.left, y: point.y },
      { x: column.right, y: point.y },
    ]);
  }
  spans.push([
    { x: toColumn.left, y: to.y },
    { x: to.x - to.width / 2, y: to.y },
  ]);
  const f = (p: Point) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  let d = `M${f(spans[0]![0])}`;
  spans.forEach(([enter, leave], i) => {
    if (i > 0) {
      // Across the gap from the previous column: a curve that stays between the two columns.
      const previous = spans[i - 1]![1];
      const middle = (previous.x + enter.x) / 2;
      d += ` C${f({ x: middle, y: previous.y })} ${f({ x: middle, y: enter.y })} ${f(enter)}`;
    }
    if (leave.x - enter.x > 0.05) d += ` L${f(leave)}`;
  });
  return d;
}
