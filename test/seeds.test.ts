import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileModel } from "../src/models/compile.ts";
import { ConfigurationError } from "../src/errors.ts";
import { readProject } from "../src/models/project.ts";
import { planTests, planProject } from "../src/models/runner.ts";
import { buildSeeds } from "../src/models/seeds.ts";
// @ts-expect-error: a plain script, with no type declarations
import { generatedSeeds } from "../scripts/update-seeds.mjs";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/files.ts";
import { PROJECT_DIR, testWarehouse } from "./support/warehouse.ts";

const ROOT = join(PROJECT_DIR, "..");

describe("seeds", () => {
  it("free_email_domains.csv is what scripts/update-seeds.mjs makes from the installed freemail", async () => {
    const seeds = (await generatedSeeds()) as Array<{ path: string; source: string; text: string }>;
    expect(seeds.map((s) => s.path)).toEqual(["sql/seeds/free_email_domains.csv"]);
    for (const seed of seeds) {
      const current = await readFile(join(ROOT, seed.path), "utf8");
      expect(
        current === seed.text,
        `${seed.path} does not match ${seed.source}: run node scripts/update-seeds.mjs`,
      ).toBe(true);
    }
    const domains = seeds[0]!.text.trim().split("\n");
    expect(domains[0]).toBe("domain");
    expect(domains).toContain("gmail.com");
    expect(domains).toContain("yahoo.co.uk");
    expect(domains).not.toContain("acme-analytics.com");
  });

  it("are read from seeds/ with their yml docs, and ref() resolves them to the seeds schema", async () => {
    const project = await readProject(PROJECT_DIR);
    const seed = project.seeds.get("free_email_domains")!;
    expect(seed).toMatchObject({
      path: "seeds/free_email_domains.csv",
      columnNames: ["domain"],
      ymlFile: "seeds/free_email_domains.yml",
    });
    expect(seed.description).toContain("freemail");
    expect(seed.tests.map((t) => `${t.kind}:${t.column}`)).toEqual(["not_null:domain", "unique:domain"]);

    const traffic = project.models.get("company_traffic")!;
    for (const dialect of ["duckdb", "snowflake"] as const) {
      const compiled = compileModel(project, traffic, { dialect });
      expect(compiled.sql).toContain("select domain from seeds.free_email_domains");
      expect(compiled.seeds).toEqual(["free_email_domains"]);
      // A seed is built before every model: it is no edge of the graph (nor a task of Snowflake's).
      expect(compiled.refs.sort()).toEqual(["locations", "users"]);
    }
    const { compiled, selected } = planProject(project, "duckdb", "company_traffic");
    expect(
      planTests(project, compiled, selected, "duckdb")
        .filter((t) => t.on.includes("free_email_domains"))
        .map((t) => [t.name, t.sql]),
    ).toEqual([
      [
        "not_null_free_email_domains__domain",
        "select * from seeds.free_email_domains as tested where domain is null",
      ],
      [
        "unique_free_email_domains__domain",
        "select domain, count(*) as occurrences from seeds.free_email_domains where true and domain is not null group by domain having count(*) > 1",
      ],
    ]);
  });

  it("refuses a seed without a header of column names, one named like a model, and docs for a seed that is not there", async () => {
    const root = await tempDir();
    await cp(PROJECT_DIR, root, { recursive: true });
    await writeFile(join(root, "seeds", "users.csv"), "amplitude_id\n1\n");
    await writeFile(join(root, "seeds", "bad_header.csv"), "Domain Name,2\nx,y\n");
    await writeFile(join(root, "seeds", "more.yml"), "version: 2\nseeds:\n  - name: nowhere\n");
    const error = await readProject(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain(
      "seeds/users.csv: a seed and a model (models/core/users.sql) are both named users",
    );
    expect(message).toContain(
      'seeds/bad_header.csv: the first line must name the columns (lowercase identifiers, comma-separated), not "Domain Name,2"',
    );
    expect(message).toContain('seeds/more.yml: declares a seed "nowhere" that has no .csv file');
  });

  it("build on DuckDB only when the CSV changed, recording each load's checksum", async () => {
    const root = await tempDir();
    await cp(PROJECT_DIR, root, { recursive: true });
    const csv = join(root, "seeds", "free_email_domains.csv");
    await writeFile(csv, 'domain\ngmail.com\n"quoted, with a comma.example"\n\n');
    const { warehouse } = await testWarehouse();
    const project = await readProject(root);
    const build = async () =>
      (await buildSeeds(warehouse, project)).map((r) => [r.relation, r.status, r.rows]);

    expect(await build()).toEqual([["seeds.free_email_domains", "loaded", 2]]);
    expect(await build()).toEqual([["seeds.free_email_domains", "unchanged", 2]]);
    expect(await warehouse.query("select domain from seeds.free_email_domains order by domain")).toEqual([
      { domain: "gmail.com" },
      { domain: "quoted, with a comma.example" },
    ]);
    await writeFile(csv, "domain\nyahoo.com\n");
    expect(await build()).toEqual([["seeds.free_email_domains", "loaded", 1]]);
    expect(await warehouse.query("select domain from seeds.free_email_domains")).toEqual([
      { domain: "yahoo.com" },
    ]);
    // A table dropped by hand is built again, though the CSV did not change.
    await warehouse.execute("drop table seeds.free_email_domains");
    expect(await build()).toEqual([["seeds.free_email_domains", "loaded", 1]]);
    const loads = await warehouse.query<{
      seed: string;
      seed_file: string;
      checksum: string;
      seed_rows: bigint;
    }>("select seed, seed_file, checksum, seed_rows from raw.seed_loads order by loaded_at");
    expect(loads.map((l) => [l.seed, l.seed_file, l.seed_rows])).toEqual([
      ["free_email_domains", "seeds/free_email_domains.csv", 2n],
      ["free_email_domains", "seeds/free_email_domains.csv", 1n],
      ["free_email_domains", "seeds/free_email_domains.csv", 1n],
    ]);
    expect(loads[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(loads[1]!.checksum).toBe(loads[2]!.checksum);
  });

  it("the seed command builds them into an embedded warehouse, and a second run finds them unchanged", async () => {
    const cwd = await tempDir();
    const args = ["seed", "--warehouse", "duckdb:w.duckdb", "--project", PROJECT_DIR, "--json"];
    const first = await runCli(args, { cwd });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("seeds.free_email_domains: loaded, 4,462 rows");
    expect(first.json()).toEqual({ seeds: 1, loaded: 1, unchanged: 0, failed: 0, rows: 4462 });
    const second = await runCli(args, { cwd });
    expect(second.stderr).toContain("seeds.free_email_domains: unchanged, 4,462 rows");
    expect(second.json()).toEqual({ seeds: 1, loaded: 0, unchanged: 1, failed: 0, rows: 4462 });
  });
});
