import { createHash, randomUUID } from "node:crypto";
import { sqlString, timestampLiteral, type SqlValue, type Warehouse } from "../warehouse/warehouse.ts";
import { compileModel, type CompiledModel } from "./compile.ts";
import type { SeedResult } from "./seeds.ts";
import type { Project } from "./project.ts";
import { timestampValue } from "./test-passes.ts";

/**
 * The embedded runner's record of each model's last build: what it read then, and the run that built it. A model whose definition and inputs are the same as at its last build holds what building it
 * again would make, so the run leaves it as it is (the snapshot models between two snapshots; every model
 * in a run with nothing new). Snowflake's task graph keeps no such record: it runs when a batch arrived.
 */
export const MODEL_BUILDS = "pipeline.model_builds";

const MODEL_BUILDS_TABLE = `create table if not exists ${MODEL_BUILDS} (
    model varchar not null,
    definition varchar not null,
    inputs varchar not null,
    changed_run varchar not null,
    built_at timestamp not null
)`;

/** The relations a model reads, by kind. */
type Reads = Pick<CompiledModel, "sources" | "seeds" | "refs">;

export interface ModelBuild {
  /** sha256 of the SQL the model runs (its full build, and its increment's and scope's when incremental). */
  definition: string;
  /** What it read, input by input (`source:…`, `seed:…`, `ref:…`), as JSON. */
  inputs: string;
  /** The run that last built the model: the models that read it compare it with what they recorded. */
  changedRun: string;
}

/**
 * The inputs of the models of one run, and the models it built. `inputs` is null when an input cannot be
 * told (a model read that was never recorded): such a model is always built.
 */
export class BuildLedger {
  readonly runId = randomUUID();
  private readonly sources = new Map<string, string>();
  private readonly written = new Map<string, ModelBuild & { model: string }>();

  private constructor(
    /** Only the embedded warehouse keeps the record (on Snowflake the runner only builds whole). */
    private readonly enabled: boolean,
    private readonly warehouse: Warehouse,
    private readonly project: Project,
    private readonly previous: Map<string, ModelBuild>,
    private readonly seeds: Map<string, string>,
  ) {}

  /** Reads the record (none on Snowflake: there the runner builds whole, and the graph runs on new data). */
  static async open(warehouse: Warehouse, project: Project, seeds: SeedResult[]): Promise<BuildLedger> {
    const previous = new Map<string, ModelBuild>();
    if (warehouse.dialect === "duckdb" && (await warehouse.tableExists("pipeline", "model_builds"))) {
      const rows = await warehouse.query<Record<string, SqlValue>>(
        `select model, definition, inputs, changed_run from ${MODEL_BUILDS}`,
      );
      for (const row of rows) {
        previous.set(String(row.model), {
          definition: String(row.definition),
          inputs: String(row.inputs),
          changedRun: String(row.changed_run),
        });
      }
    }
    const checksums = new Map(
      seeds.filter((s) => s.status !== "error" && s.checksum).map((s) => [s.name, s.checksum!]),
    );
    return new BuildLedger(warehouse.dialect === "duckdb", warehouse, project, previous, checksums);
  }

  /**
   * The SQL a model runs, as one hash (a model whose definition changed is built again), and what it
   * reads: an increment can read more than the full build (the deliveries it looks for re-delivered
   * events in), so the inputs are those of every form.
   */
  describe(model: CompiledModel): { definition: string; reads: Reads } {
    if (!this.enabled) return { definition: "", reads: { sources: [], seeds: [], refs: [] } };
    const hash = createHash("sha256").update(model.sql);
    const forms: Reads[] = [model];
    if (model.config.materialized === "incremental") {
      const file = this.project.models.get(model.name)!;
      const options = {
        dialect: this.warehouse.dialect,
        incremental: true,
        incrementalSince: timestampLiteral("2000-01-01 00:00:00.000"),
      };
      const increment = compileModel(this.project, file, options);
      hash.update("\n-- increment\n").update(increment.sql);
      forms.push(increment);
      if (model.config.scope) {
        const scope = compileModel(this.project, file, { ...options, scope: true });
        hash.update("\n-- scope\n").update(scope.sql);
        forms.push(scope);
      }
    }
    const union = (key: keyof Reads) => [...new Set(forms.flatMap((form) => form[key]))].sort();
    return {
      definition: hash.digest("hex"),
      reads: { sources: union("sources"), seeds: union("seeds"), refs: union("refs") },
    };
  }

  /** What the model reads now, or null when one of its inputs cannot be told. */
  async inputs(reads: Reads): Promise<string | null> {
    if (!this.enabled) return null;
    const parts: string[] = [];
    for (const key of reads.sources) parts.push(`source:${key}=${await this.source(key)}`);
    for (const name of reads.seeds) {
      const checksum = this.seeds.get(name);
      if (!checksum) return null;
      parts.push(`seed:${name}=${checksum}`);
    }
    for (const name of reads.refs) {
      const changed = this.changedRun(name);
      if (!changed) return null;
      parts.push(`ref:${name}=${changed}`);
    }
    return JSON.stringify(parts);
  }

  /** True when the model was built from this same definition and these same inputs before. */
  unchanged(model: CompiledModel, definition: string, inputs: string | null): boolean {
    const last = this.previous.get(model.name);
    return inputs !== null && last?.definition === definition && last.inputs === inputs;
  }

  /**
   * Records a build. Every build counts as a change for the models that read it, even an increment that
   * merged nothing: a run stopped after a model merged rows but before its record was written leaves the
   * old record, and its children must not take the model for unchanged on the next run.
   */
  built(model: CompiledModel, definition: string, inputs: string | null): void {
    if (!this.enabled) return;
    // Without known inputs no later run can skip it, but its children still learn that it changed.
    this.written.set(model.name, {
      model: model.name,
      definition,
      inputs: inputs ?? "unknown",
      changedRun: this.runId,
    });
  }

  /** Writes this run's builds (a run stopped halfway records none: its models are built again). */
  async save(builtAt: string): Promise<void> {
    if (!this.enabled || this.written.size === 0) return;
    const rows = [...this.written.values()];
    await this.warehouse.execute("create schema if not exists pipeline");
    await this.warehouse.execute(MODEL_BUILDS_TABLE);
    await this.warehouse.transaction(async () => {
      await this.warehouse.execute(
        `delete from ${MODEL_BUILDS} where model in (${rows.map((r) => sqlString(r.model)).join(", ")})`,
      );
      await this.warehouse.execute(
        `insert into ${MODEL_BUILDS} (model, definition, inputs, changed_run, built_at) values ` +
          rows
            .map(
              (r) =>
                `(${sqlString(r.model)}, ${sqlString(r.definition)}, ${sqlString(r.inputs)}, ` +
                `${sqlString(r.changedRun)}, ${timestampLiteral(builtAt)})`,
            )
            .join(", "),
      );
    });
  }

  private changedRun(name: string): string | undefined {
    return this.written.get(name)?.changedRun ?? this.previous.get(name)?.changedRun;
  }

  /** Raw tables are only ever appended to: their row count and newest load tell whether they grew. */
  private async source(key: string): Promise<string> {
    const known = this.sources.get(key);
    if (known) return known;
    const source = this.project.sources.get(key)!;
    const columns = (await this.warehouse.columns(source.schema, source.identifier)).map((c) =>
      c.name.toLowerCase(),
    );
    const loadedAt = source.loadedAtField ?? (columns.includes("loaded_at") ? "loaded_at" : null);
    const [row] = await this.warehouse.query<{ n: SqlValue; newest: SqlValue }>(
      `select count(*) as n, ${loadedAt ? `max(${loadedAt})` : "null"} as newest ` +
        `from ${source.schema}.${source.identifier}`,
    );
    const fingerprint = `${String(row?.n)}@${timestampValue(row?.newest) ?? ""}`;
    this.sources.set(key, fingerprint);
    return fingerprint;
  }
}
