import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDocs, type DocsResult } from "../src/docs/build-docs.ts";
import { readProject } from "../src/models/project.ts";
import { planProject, planTests, transform, type TransformResult } from "../src/models/runner.ts";
import { recordedResults } from "../src/docs/test-results.ts";
import { graphTests } from "../src/snowflake/render.ts";
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { HeadlessPage } from "./support/chromium.ts";
import { runCli } from "./support/cli.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { PROJECT_DIR, testWarehouse } from "./support/warehouse.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Kept after the run (gitignored; ci.yml uploads test-results/ as an artifact). */
const SCREENSHOT = join(ROOT, "test-results", "docs", "index.png");
/** The repository's own project's lineage, as the demo's dictionary draws it. */
const LINEAGE_SCREENSHOT = join(ROOT, "test-results", "docs", "lineage.png");
const NOW = new Date("2025-11-05T13:30:00Z");

/**
 * A small shop: a source with a loaded_at, a source only a test reads, a staging view, a core table
 * with a failing test, a mart, a seed, singular tests (one reads two models), personal columns, and doc
 * blocks. Values from data and from docs carry markup that must come out as text.
 */
const FILES: Record<string, string> = {
  "models/staging/_shop__sources.yml": `version: 2
sources:
  - name: shop
    schema: raw
    description: The web shop's tables, as loaded.
    tables:
      - name: orders
        identifier: shop_orders
        description: '{{ doc("raw_orders") }}'
        loaded_at_field: loaded_at
        freshness:
          warn_after: { count: 1, period: hour }
          error_after: { count: 3, period: hour }
        columns:
          - name: id
            description: The order's id in the shop.
            data_tests: [not_null]
      - name: refunds
        identifier: shop_refunds
        description: Refunds; no model reads them, their declared test does.
        columns:
          - name: order_id
            data_tests: [not_null]
`,
  "models/staging/stg_shop__orders.sql": `select id as order_id, customer, status, amount, loaded_at
from {{ source('shop', 'orders') }}
`,
  "models/staging/stg_shop__orders.yml": `version: 2
models:
  - name: stg_shop__orders
    description: '{{ doc("orders") }}'
    config:
      materialized: view
    columns:
      - name: order_id
        description: The order.
        data_tests: [not_null, unique]
      - name: status
        description: 'Where the order is: <img src=x onerror=alert(1)>'
        data_tests:
          - accepted_values:
              values: [placed, shipped]
`,
  "models/core/orders.sql": `select order_id, customer, status, amount from {{ ref('stg_shop__orders') }}
`,
  "models/core/orders.yml": `version: 2
models:
  - name: orders
    description: One row per order, with its **status** and \`amount\`.
    config:
      materialized: table
    columns:
      - name: order_id
        data_tests: [unique]
      - name: customer
        description: Who ordered.
        meta:
          pii: true
          pii_reason: The customer's name, as they typed it.
      - name: amount
        description: In cents.
        data_type: bigint
      - name: discount
        description: Documented, never built.
        data_type: decimal(9,2)
`,
  "models/marts/customer_totals.sql": `select customer, sum(amount) as total from {{ ref('orders') }} group by customer
`,
  "models/marts/customer_totals.yml": `version: 2
models:
  - name: customer_totals
    description: What each customer spent.
    columns:
      - name: customer
        data_type: varchar
        config:
          meta: { pii: true }
      - name: total
        data_type: bigint
`,
  "tests/orders_have_an_amount.sql": `select * from {{ ref('orders') }} where amount is null
`,
  "tests/totals_have_orders.sql": `select customer from {{ ref('customer_totals') }}
where customer not in (select customer from {{ ref('orders') }})
`,
  "docs/shop.md": `# Shop docs

{% docs orders %}
One row per order the shop took. Note: <script>alert("doc")</script>
{% enddocs %}

{% docs raw_orders %}
Orders as the shop's export delivered them.
{% enddocs %}
`,
  "seeds/countries.csv": `code,name\nDE,Germany\nFR,France\n`,
  "seeds/countries.yml": `version: 2
seeds:
  - name: countries
    description: ISO country codes.
    columns:
      - name: code
        description: Two letters.
`,
};

const STATUS_WITH_MARKUP = `<script>alert('status')</script>`;

async function writeProject(dir: string, files: Record<string, string> = FILES): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

async function page(site: string, path: string): Promise<string> {
  return readFile(join(site, path), "utf8");
}

/** The index's test totals: `{ pass: 12, fail: 1, "not run": 2 }`. */
function indexTotals(index: string): Record<string, number> {
  const totals = /<p class="totals">.*?<\/p>/.exec(index)![0];
  return Object.fromEntries(
    [...totals.matchAll(/<span class="status [^"]+">(\d+) ([^<]+)<\/span>/g)].map((m) => [
      m[2]!,
      Number(m[1]),
    ]),
  );
}

function statusCounts(statuses: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface DrawnLineage {
  nodes: Array<Rect & { id: string; label: string }>;
  /** Each edge's path as the browser lays it out, sampled every 2 units of its length. */
  edges: Array<{ from: string; to: string; points: Array<[number, number]> }>;
  edgesDeclared: number;
}

/** Read in the page: the lineage SVG's node boxes and its edges' rendered geometry, in the SVG's units. */
const LINEAGE_IN_PAGE = `(() => {
  const svg = document.querySelector("svg.lineage");
  const nodes = [...svg.querySelectorAll("a.node")].map((a) => {
    const box = a.querySelector("rect").getBBox();
    return { id: a.dataset.node, label: a.querySelector("text").textContent,
      x: box.x, y: box.y, width: box.width, height: box.height };
  });
  const edges = [...svg.querySelectorAll("path.edge")].map((path) => {
    const [from, to] = path.dataset.edge.split("->");
    const length = path.getTotalLength();
    const points = [];
    for (let at = 0; at < length; at += 2) {
      const p = path.getPointAtLength(at);
      points.push([p.x, p.y]);
    }
    const end = path.getPointAtLength(length);
    points.push([end.x, end.y]);
    return { from, to, points };
  });
  return { nodes, edges, edgesDeclared: svg.querySelectorAll("[data-edge]").length };
})()`;

/** `edge -> node` for every edge that passes through the box of a node other than its two ends. */
function edgesThroughNodes(drawn: DrawnLineage): string[] {
  const crossings: string[] = [];
  for (const edge of drawn.edges) {
    for (const node of drawn.nodes) {
      if (node.id === edge.from || node.id === edge.to) continue;
      // A hair inside the border: a line that only grazes a box is not through it.
      const box = { x: node.x + 0.5, y: node.y + 0.5, width: node.width - 1, height: node.height - 1 };
      if (edge.points.some((p, i) => i > 0 && segmentMeetsRect(edge.points[i - 1]!, p, box))) {
        crossings.push(`${edge.from} -> ${edge.to} crosses ${node.id}`);
      }
    }
  }
  return crossings;
}

/** Whether the segment a–b has a point inside the rectangle (Liang–Barsky clipping). */
function segmentMeetsRect(a: [number, number], b: [number, number], rect: Rect): boolean {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  let [t0, t1] = [0, 1];
  const sides: Array<[number, number]> = [
    [-dx, a[0] - rect.x],
    [dx, rect.x + rect.width - a[0]],
    [-dy, a[1] - rect.y],
    [dy, rect.y + rect.height - a[1]],
  ];
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

interface Built {
  project: string;
  warehouse: string;
  target: string;
  site: string;
  result: TransformResult;
  docs: DocsResult;
}

/** In folders of its own: tempDir's are removed after each test, and this one serves the whole describe. */
async function builtShop(base: string): Promise<Built> {
  const project = join(base, "project");
  await writeProject(project);
  const data = join(base, "data");
  const warehousePath = join(data, "warehouse.duckdb");
  const warehouse = await DuckDbWarehouse.open(warehousePath, { create: true });
  const target = join(data, "target");
  let result: TransformResult;
  try {
    await warehouse.execute("create schema raw");
    await warehouse.execute(
      "create table raw.shop_orders (id integer, customer varchar, status varchar, amount bigint, loaded_at timestamp)",
    );
    await warehouse.execute(
      `insert into raw.shop_orders values
        (1, 'ada', 'placed', 1200, '2025-11-05 11:00:00'),
        (2, 'ada', 'shipped', 800, '2025-11-05 12:00:00'),
        (3, 'bob', ?, 500, '2025-11-05 12:15:00')`,
      [STATUS_WITH_MARKUP],
    );
    // One refund without its order: the source's declared not_null test fails, which shows it ran.
    await warehouse.execute("create table raw.shop_refunds (order_id integer, amount bigint)");
    await warehouse.execute("insert into raw.shop_refunds values (1, 100), (null, 50)");
    await warehouse.execute("create schema seeds");
    await warehouse.execute("create table seeds.countries (code varchar, name varchar)");
    result = await transform({ warehouse, project: await readProject(project), targetDir: target });
  } finally {
    await warehouse.close();
  }
  const site = join(data, "docs");
  const docs = await buildDocs(
    { out: site, warehouse: `duckdb:${warehousePath}`, project, targetDir: target },
    { now: () => NOW },
  );
  return { project, warehouse: warehousePath, target, site, result, docs };
}

describe("docs on a built warehouse", () => {
  let built: Built;
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), "docs-test-"));
    built = await builtShop(base);
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("writes an index and one page per schema, model, source and seed, and says where the index is", async () => {
    const { site, docs } = built;
    expect(docs).toMatchObject({ models: 3, sources: 2, seeds: 1, warehouseRead: true, notes: [] });
    expect(docs.index).toBe(join(site, "index.html"));
    expect(docs.indexUrl).toBe(pathToFileURL(join(site, "index.html")).href);
    expect(await listFiles(site)).toEqual([
      "index.html",
      "models/customer_totals.html",
      "models/orders.html",
      "models/stg_shop__orders.html",
      "schemas/core.html",
      "schemas/marts.html",
      "schemas/raw.html",
      "schemas/seeds.html",
      "schemas/staging.html",
      "seeds/countries.html",
      "site.json",
      "sources/shop.orders.html",
      "sources/shop.refunds.html",
    ]);
    const index = await page(site, "index.html");
    for (const href of [
      "models/orders.html",
      "schemas/core.html",
      "sources/shop.orders.html",
      "seeds/countries.html",
    ]) {
      expect(index).toContain(`href="${href}"`);
    }
    expect(index).toContain("Test results: the last run, from");
  });

  it("shows each column with its type from the warehouse, its description and its tests' last results", async () => {
    const { site, result } = built;
    const orders = await page(site, "models/orders.html");
    const row = (column: string) =>
      new RegExp(`<tr><td><code>${column}</code>.*?</tr>`).exec(orders)?.[0] ?? "";
    expect(row("order_id")).toContain("<code>INTEGER</code>");
    expect(row("amount")).toContain("<code>BIGINT</code>");
    expect(row("amount")).toContain("In cents.");
    expect(row("amount")).not.toContain("(yml)");
    // Documented in yml, absent from the table: said so, with the yml's type.
    expect(row("discount")).toContain("not in the warehouse");
    expect(row("discount")).toContain('<code>decimal(9,2)</code> <span class="from">(yml)</span>');
    expect(row("order_id")).toContain('<span class="status pass">unique: pass</span>');
    expect(orders).toContain(
      "<p>One row per order, with its <strong>status</strong> and <code>amount</code>.</p>",
    );
    // The singular test reads orders: it is listed there with its result.
    expect(orders).toMatch(/<tr data-test="orders_have_an_amount">.*?<span class="status pass">pass<\/span>/);

    // The failing test, with its failure count and message, as transform recorded them.
    const failed = result.tests.find((t) => t.name === "accepted_values_stg_shop__orders__status")!;
    expect(failed).toMatchObject({ status: "fail", failures: 1 });
    const staging = await page(site, "models/stg_shop__orders.html");
    const testRow = /<tr data-test="accepted_values_stg_shop__orders__status">.*?<\/tr>/.exec(staging)![0];
    expect(testRow).toContain('<span class="status fail">fail</span>');
    expect(testRow).toContain('<td class="n">1</td>');
    expect(testRow).toContain(
      "e.g. value=&lt;script&gt;alert(&#39;status&#39;)&lt;/script&gt; occurrences=1",
    );
    // A view: its columns come from the warehouse too.
    expect(staging).toMatch(/<tr><td><code>loaded_at<\/code><\/td><td><code>TIMESTAMP<\/code>/);

    const seed = await page(site, "seeds/countries.html");
    expect(seed).toMatch(
      /<tr><td><code>code<\/code><\/td><td><code>VARCHAR<\/code><\/td><td><p>Two letters\.<\/p>/,
    );
    expect(seed).toContain("<p>ISO country codes.</p>");
  });

  it("resolves doc blocks and escapes every value from docs and data", async () => {
    const { site } = built;
    const staging = await page(site, "models/stg_shop__orders.html");
    expect(staging).toContain(
      "<p>One row per order the shop took. Note: &lt;script&gt;alert(&quot;doc&quot;)&lt;/script&gt;</p>",
    );
    expect(staging).toContain("Where the order is: &lt;img src=x onerror=alert(1)&gt;");
    const source = await page(site, "sources/shop.orders.html");
    expect(source).toContain("<p>Orders as the shop&#39;s export delivered them.</p>");
    for (const path of (await listFiles(site)).filter((p) => p.endsWith(".html"))) {
      const html = await page(site, path);
      // Nothing from outside the page, and no markup from data: no script, no external resource.
      expect(html, path).not.toMatch(/<(script|img|link|iframe|object|embed)\b|<[^>]*\ssrc=|https?:\/\//i);
      expect(html, path).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
    }
  });

  it("draws the lineage, upstream and downstream, with a link on every node", async () => {
    const { site } = built;
    const orders = await page(site, "models/orders.html");
    const edges = [...orders.matchAll(/data-edge="([^"]+)"/g)].map((m) => m[1]);
    expect(edges.sort()).toEqual([
      "model.orders-&gt;model.customer_totals",
      "model.stg_shop__orders-&gt;model.orders",
      "source.shop.orders-&gt;model.stg_shop__orders",
    ]);
    expect(orders).toMatch(
      /<a href="..\/models\/stg_shop__orders.html" class="node model" data-node="model.stg_shop__orders">/,
    );
    expect(orders).toMatch(
      /<a href="..\/models\/orders.html" class="node model focus" data-node="model.orders">/,
    );
    expect(orders).toMatch(
      /<a href="..\/sources\/shop.orders.html" class="node source" data-node="source.shop.orders">/,
    );
    expect(orders).toContain(
      'Downstream: <a href="../models/customer_totals.html">marts.customer_totals</a>',
    );
    const index = await page(site, "index.html");
    expect([...index.matchAll(/data-node="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual([
      "model.customer_totals",
      "model.orders",
      "model.stg_shop__orders",
      "seed.countries",
      "source.shop.orders",
      "source.shop.refunds",
    ]);
  });

  it("shows each source's newest load against its thresholds", async () => {
    const { site } = built;
    const row = /<tr><td><a href="sources\/shop.orders.html">raw.shop_orders<\/a><\/td>.*?<\/tr>/.exec(
      await page(site, "index.html"),
    )![0];
    // Newest load 12:15, built at 13:30: 1.25 h, past warn_after (1 h), short of error_after (3 h).
    expect(row).toContain("<td>2025-11-05 12:15 UTC</td>");
    expect(row).toContain('<td class="n">1.3 h</td><td class="n">1.0 h</td><td class="n">3.0 h</td>');
    expect(row).toContain('<span class="status warn">stale (warn)</span>');
    const source = await page(site, "sources/shop.orders.html");
    expect(source).toContain("<h2>Freshness</h2>");
    expect(source).toMatch(/<tr data-test="freshness_source_shop_orders">/);
  });

  it("counts each test once, as run_results.json does, on the index and in what it returns", async () => {
    const { site, target, docs } = built;
    const run = JSON.parse(await readFile(join(target, "run_results.json"), "utf8")) as TransformResult;
    const ran = statusCounts(run.tests.map((t) => t.status));
    // The singular test that reads two models ran once; it is listed on both their pages.
    expect(run.tests.filter((t) => t.name === "totals_have_orders")).toHaveLength(1);
    expect(await page(site, "models/orders.html")).toContain('data-test="totals_have_orders"');
    expect(await page(site, "models/customer_totals.html")).toContain('data-test="totals_have_orders"');
    expect(indexTotals(await page(site, "index.html"))).toEqual(ran);
    expect(docs.tests).toBe(run.tests.length);
    expect(docs.testsWithResults).toBe(run.tests.length);
  });

  it("runs the declared tests of a source no model reads, and shows their result", async () => {
    const { site, result } = built;
    expect(result.tests.find((t) => t.name === "not_null_source_shop_refunds__order_id")).toMatchObject({
      status: "fail",
      failures: 1,
      on: ["shop.refunds"],
    });
    const refunds = await page(site, "sources/shop.refunds.html");
    expect(refunds).toMatch(
      /<tr data-test="not_null_source_shop_refunds__order_id">.*?<span class="status fail">fail<\/span><\/td><td class="n">1<\/td>/,
    );
  });

  it("shows a declared test the last run did not run as not run, outside the run's counts", async () => {
    const { project, target } = built;
    const run = JSON.parse(await readFile(join(target, "run_results.json"), "utf8")) as TransformResult;
    const older = await tempDir();
    const kept = run.tests.filter((t) => t.name !== "unique_orders__order_id");
    await writeFile(join(older, "run_results.json"), JSON.stringify({ ...run, tests: kept }));
    const out = join(await tempDir(), "docs");
    await buildDocs({ out, project, targetDir: older }, { now: () => NOW });
    expect(indexTotals(await page(out, "index.html"))).toEqual({
      ...statusCounts(kept.map((t) => t.status)),
      "not run": 1,
    });
    expect(await page(out, "models/orders.html")).toMatch(
      /<tr data-test="unique_orders__order_id">.*?<span class="status not-run">not run<\/span>/,
    );
  });

  it("marks personal columns on the model page, with the yml's reason, and their models on the lists", async () => {
    const { site, project } = built;
    const read = await readProject(project);
    expect(read.models.get("orders")!.columns.find((c) => c.name === "customer")!.meta).toEqual({
      pii: true,
      pii_reason: "The customer's name, as they typed it.",
    });
    const orders = await page(site, "models/orders.html");
    const row = (html: string, column: string) =>
      new RegExp(`<tr><td><code>${column}</code>.*?</tr>`).exec(html)?.[0] ?? "";
    expect(row(orders, "customer")).toContain(">personal data</span>");
    expect(row(orders, "customer")).toContain(
      '<p class="personal-reason">Personal data: The customer&#39;s name, as they typed it.</p>',
    );
    expect(row(orders, "amount")).not.toContain("personal");
    // dbt 1.10's place for meta (config: meta:) counts too; no reason given, none shown.
    const totals = await page(site, "models/customer_totals.html");
    expect(row(totals, "customer")).toContain(">personal data</span>");
    expect(row(totals, "customer")).not.toContain("personal-reason");
    expect(totals).toMatch(/<dt>personal data<\/dt><dd>.*<code>customer<\/code><\/dd>/);
    // The lists mark the models that hold personal columns, and only those.
    const relationCell = (html: string, href: string) =>
      new RegExp(`<td><a href="${href.replace(/[.]/g, "[.]")}">[^<]*</a>(.*?)</td>`).exec(html)?.[1] ?? "";
    const index = await page(site, "index.html");
    expect(relationCell(index, "models/orders.html")).toContain(">personal data</span>");
    expect(relationCell(index, "models/customer_totals.html")).toContain(">personal data</span>");
    expect(relationCell(index, "models/stg_shop__orders.html")).toBe("");
    const core = await page(site, "schemas/core.html");
    expect(relationCell(core, "../models/orders.html")).toContain(">personal data</span>");
  });

  it("renders in headless Chromium from file://, the graph drawn and every link a page that exists", async () => {
    const { site } = built;
    const browser = await HeadlessPage.launch({ width: 1280, height: 900 });
    try {
      for (const path of [
        "index.html",
        "models/orders.html",
        "sources/shop.orders.html",
        "seeds/countries.html",
      ]) {
        await browser.open(pathToFileURL(join(site, path)).href);
        const shown = await browser.evaluate<{
          h1: string;
          svg: { width: number; height: number; nodes: number; edges: number } | null;
          links: string[];
          header: string;
          scripts: number;
        }>(`(() => {
          const svg = document.querySelector("svg.lineage");
          const box = svg && svg.getBoundingClientRect();
          return {
            h1: document.querySelector("h1").textContent,
            svg: svg && { width: box.width, height: box.height, nodes: svg.querySelectorAll("a.node").length,
              edges: svg.querySelectorAll("path.edge").length },
            links: [...document.querySelectorAll("a")].map((a) => new URL(a.getAttribute("href"), location.href).href),
            header: getComputedStyle(document.querySelector("header.top")).backgroundColor,
            scripts: document.scripts.length,
          };
        })()`);
        // The SVG laid out at a size, with its nodes and edges; the inline style applied despite the CSP.
        expect(shown.svg, path).toMatchObject({ nodes: expect.any(Number), edges: expect.any(Number) });
        expect(shown.svg!.width, path).toBeGreaterThan(100);
        expect(shown.svg!.height, path).toBeGreaterThan(20);
        expect(shown.svg!.edges, path).toBeGreaterThanOrEqual(path.startsWith("seeds/") ? 0 : 2);
        expect(shown.header, path).toBe("rgb(36, 41, 47)");
        expect(shown.scripts, path).toBe(0);
        expect(shown.links.length, path).toBeGreaterThan(5);
        for (const link of shown.links) {
          expect(link, path).toMatch(/^file:\/\//);
          expect(existsSync(fileURLToPath(link)), `${path} links ${link}`).toBe(true);
        }
        if (path === "models/orders.html") expect(shown.h1).toBe("core.orders model");
        if (path === "index.html") {
          expect(shown.svg!.nodes).toBe(6);
          await mkdir(dirname(SCREENSHOT), { recursive: true });
          await writeFile(SCREENSHOT, await browser.screenshot(3000));
        }
      }
      // Nothing but the site's own files was requested: no server, no network.
      expect(browser.requests.filter((url) => !url.startsWith("file://"))).toEqual([]);
    } finally {
      await browser.close();
    }
    const png = await readFile(SCREENSHOT);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000);
  });
});

describe("the lineage of the repository's project, in Chromium", () => {
  it("names every node schema.name and draws no edge through a node it does not connect", async () => {
    const out = join(await tempDir(), "docs");
    await buildDocs({ out, project: PROJECT_DIR, targetDir: join(out, "no-target") }, { now: () => NOW });
    const project = await readProject(PROJECT_DIR);
    const browser = await HeadlessPage.launch({ width: 1600, height: 900 });
    try {
      // The whole graph, and the graphs of a few nodes in its middle (each page lays out its own).
      const pages = [
        "index.html",
        "models/locations.html",
        "models/users.html",
        "models/stg_amplitude__events.html",
        "sources/amplitude.events.html",
      ];
      for (const path of pages) {
        await browser.open(pathToFileURL(join(out, path)).href);
        const drawn = await browser.evaluate<DrawnLineage>(LINEAGE_IN_PAGE);
        expect(drawn.nodes.length, path).toBeGreaterThan(0);
        expect(drawn.edges.length, path).toBe(drawn.edgesDeclared);
        expect(edgesThroughNodes(drawn), path).toEqual([]);
        if (path === "index.html") {
          const labels = drawn.nodes.map((n) => n.label);
          for (const label of [
            "restricted.locations",
            "core.users",
            "raw.amplitude_events",
            "seeds.free_email_domains",
            "raw.load_history",
          ])
            expect(labels).toContain(label);
          // Every node is schema.name: the label is the relation its page is titled with.
          expect(
            labels.every((label) => /^[a-z_]+\.[a-z_0-9]+$/.test(label)),
            labels.join(" "),
          ).toBe(true);
          expect(drawn.nodes.length).toBe(project.models.size + project.sources.size + project.seeds.size);
          // Kept for a look at the whole graph (gitignored; CI uploads test-results/).
          await mkdir(dirname(LINEAGE_SCREENSHOT), { recursive: true });
          // The graph scrolls in its box on the page; the picture shows it whole.
          await browser.evaluate(
            `document.querySelector("main").style.maxWidth = "none"; document.querySelector(".graph").style.overflow = "visible"`,
          );
          await writeFile(LINEAGE_SCREENSHOT, await browser.screenshotOf("svg.lineage"));
        }
      }
    } finally {
      await browser.close();
    }
  });
});

describe("a source's declared tests", () => {
  it("run in the embedded runner and the Snowflake finalizer, even when no model reads the source", async () => {
    const project = await readProject(PROJECT_DIR);
    const name = "not_null_source_amplitude_load_history__file";
    const { compiled, selected } = planProject(project, "duckdb");
    expect(planTests(project, compiled, selected, "duckdb").map((t) => t.name)).toContain(name);
    // Like a singular test that reads only sources, it runs with any selection.
    const one = planProject(project, "duckdb", "page_paths");
    expect(planTests(project, one.compiled, one.selected, "duckdb").map((t) => t.name)).toContain(name);
    expect(graphTests(project).map((t) => t.name)).toContain(name);
  });
});

describe("docs before any transform", () => {
  it("takes column types from the yml's data_type when the warehouse is not built", async () => {
    const project = await tempDir();
    await writeProject(project);
    const out = join(await tempDir(), "docs");
    await buildDocs({ out, project, targetDir: join(project, "target") });
    const totals = await page(out, "models/customer_totals.html");
    expect(totals).toContain('<td><code>bigint</code> <span class="from">(yml)</span></td>');
  });
});

describe("the docs command", () => {
  it("writes data/docs in a fresh folder, prints where the index is, and says what is missing", async () => {
    const cwd = await tempDir();
    const result = await runCli(["docs", "--json"], { cwd });
    expect(result.stderr).toMatch(/^note: The warehouse duckdb:data\/warehouse\.duckdb is not built yet/m);
    expect(result.stderr).toMatch(
      /^note: Tests have not run yet: there is no run_results\.json under target\./m,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `Open data/docs/index.html (${pathToFileURL(join(await realpath(cwd), "data", "docs", "index.html")).href})`,
    );
    // The repository's project (the package's sql/, as there is none here): a page for every model.
    const project = await readProject(PROJECT_DIR);
    expect(result.json()).toMatchObject({
      index: "data/docs/index.html",
      models: project.models.size,
      tests_with_results: 0,
    });
    const out = join(cwd, "data", "docs");
    for (const name of project.models.keys())
      expect(existsSync(join(out, "models", `${name}.html`)), name).toBe(true);
    const events = await page(out, "models/events.html");
    expect(events).toContain('<p class="notice">Tests have not run yet');
    expect(events).toMatch(/<span class="status not-run">not run<\/span>/);
    expect(events).toContain("in the warehouse</dt><dd>not read");

    await writeFile(join(cwd, "taken"), "a file");
    const refused = await runCli(["docs", "--out", "taken"], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("configuration error: --out taken is a file, not a folder");
  });
});

describe("the tests' last results on Snowflake", () => {
  it("are the latest row of each test in pipeline.test_results, judged as transform judges them", async () => {
    const dir = await tempDir();
    await writeProject(dir);
    const project = await readProject(dir);
    const { compiled, selected } = planProject(project, "snowflake");
    const planned = planTests(project, compiled, selected, "snowflake");
    // The finalizer's table, on an engine that runs the same query (QUALIFY) for real.
    const { warehouse } = await testWarehouse(dir);
    await warehouse.execute("create schema pipeline");
    await warehouse.execute(
      `create table pipeline.test_results (run_id varchar, test_name varchar, failures bigint, failing_rows json,
        error varchar, seconds double, recorded_at timestamp)`,
    );
    await warehouse.execute(
      `insert into pipeline.test_results values
        ('r1', 'UNIQUE_ORDERS__ORDER_ID', 2, '[{"ORDER_ID": 7, "OCCURRENCES": 2}]', null, 0.1, '2025-11-05 10:00:00'),
        ('r2', 'UNIQUE_ORDERS__ORDER_ID', 0, '[]', null, 0.1, '2025-11-05 11:00:00'),
        ('r2', 'accepted_values_stg_shop__orders__status', 1, '[{"VALUE": "lost", "OCCURRENCES": 1}]', null, 0.2, '2025-11-05 11:00:00'),
        ('r2', 'orders_have_an_amount', null, null, 'SQL compilation error: invalid identifier AMOUNT', 0.1, '2025-11-05 11:00:01')`,
    );
    const results = await recordedResults(warehouse, planned);
    expect(results).toMatchObject({ from: "pipeline.test_results", at: "2025-11-05T11:00:01.000Z" });
    expect(results!.tests.get("unique_orders__order_id")).toMatchObject({ status: "pass", failures: 0 });
    expect(results!.tests.get("accepted_values_stg_shop__orders__status")).toMatchObject({
      status: "fail",
      failures: 1,
      message: "e.g. value=lost occurrences=1",
    });
    expect(results!.tests.get("orders_have_an_amount")).toMatchObject({
      status: "error",
      message: "tests/orders_have_an_amount.sql: SQL compilation error: invalid identifier AMOUNT",
    });
    expect(results!.tests.has("not_null_stg_shop__orders__order_id")).toBe(false);
  });
});

describe("docs writes the site whole or not at all", () => {
  it("replaces its own earlier site, and leaves it in place when a build fails", async () => {
    const project = await tempDir();
    await writeProject(project);
    const out = join(await tempDir(), "docs");
    await buildDocs({ out, project, targetDir: join(project, "target") });
    const before = await page(out, "models/orders.html");
    await writeFile(
      join(project, "models/core/orders.yml"),
      FILES["models/core/orders.yml"]!.replace(
        /description: One row per order.*/,
        `description: '{{ doc("missing") }}'`,
      ),
    );
    await expect(buildDocs({ out, project, targetDir: join(project, "target") })).rejects.toThrow(
      /models\/core\/orders\.yml: model orders: doc\('missing'\) names no doc block: add \{% docs missing %\}…\{% enddocs %\} to a \.md file under the project \(doc blocks: orders, raw_orders\)/,
    );
    expect(await page(out, "models/orders.html")).toBe(before);
    await writeProject(project);
    await writeFile(
      join(project, "models/core/orders.yml"),
      FILES["models/core/orders.yml"]!.replace("One row per order", "Every order"),
    );
    await buildDocs({ out, project, targetDir: join(project, "target") });
    expect(await page(out, "models/orders.html")).toContain("Every order");
    // No staging or old folder is left beside it.
    expect((await listFiles(dirname(out))).filter((f) => !f.startsWith("docs/"))).toEqual([]);
  });

  it("refuses a folder of other files, and changes nothing in it", async () => {
    const project = await tempDir();
    await writeProject(project);
    const out = await tempDir();
    await writeFile(join(out, "notes.txt"), "mine");
    await expect(buildDocs({ out, project, targetDir: join(project, "target") })).rejects.toThrow(
      /--out .* holds files docs did not write \(no site\.json of an earlier build\): choose a new or empty folder/,
    );
    expect(await listFiles(out)).toEqual(["notes.txt"]);
  });
});
