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
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { HeadlessPage } from "./support/chromium.ts";
import { runCli } from "./support/cli.ts";
import { listFiles, tempDir } from "./support/files.ts";
import { PROJECT_DIR, testWarehouse } from "./support/warehouse.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Kept after the run (gitignored; ci.yml uploads test-results/ as an artifact). */
const SCREENSHOT = join(ROOT, "test-results", "docs", "index.png");
const NOW = new Date("2025-11-05T13:30:00Z");

/**
 * A small shop: a source with a loaded_at, a staging view, a core table with a failing test, a mart,
 * a seed, a singular test, and doc blocks. Values from data and from docs carry markup that must come
 * out as text.
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
      - name: total
        data_type: bigint
`,
  "tests/orders_have_an_amount.sql": `select * from {{ ref('orders') }} where amount is null
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
    expect(docs).toMatchObject({ models: 3, sources: 1, seeds: 1, warehouseRead: true, notes: [] });
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
          expect(shown.svg!.nodes).toBe(5);
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
