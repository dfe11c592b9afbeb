import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

/**
 * Action manifests as /work/notes/gha-contract.md declares them, for tests of the workflows that must not wait
 * for (or be confused by) the repository's real actions/<name>/action.yml.
 */
const AMPLITUDE_SECRETS = ["amp-api-key", "amp-secret-key"];
const AWS_SECRETS = ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"];
const SNOWFLAKE_SECRETS = ["snowflake-private-key", "snowflake-password"];

type Input = { required?: boolean; default?: string };

export const CONTRACT_ACTIONS: Record<string, { inputs: Record<string, Input>; outputs: string[] }> = {
  extract: {
    inputs: {
      ...names(["start", "end", "settle-hours", "max-hours", "history", "window-hours", "lake", "warehouse"]),
      out: { default: "data/exports" },
      cache: { default: "true" },
      ...names([...AMPLITUDE_SECRETS, ...AWS_SECRETS, ...SNOWFLAKE_SECRETS]),
    },
    outputs: ["windows", "files", "events", "bytes", "rejected", "watermark", "backup-dir", "failed-hours"],
  },
  upload: {
    inputs: {
      from: { default: "data/exports" },
      lake: { required: true },
      ...names(["concurrency", ...AWS_SECRETS]),
    },
    outputs: ["files", "bytes", "skipped"],
  },
  provision: {
    inputs: names([
      "lake",
      "integration",
      "plan",
      "dry-run",
      "out",
      "allow-replace",
      "project",
      ...SNOWFLAKE_SECRETS,
    ]),
    outputs: ["changes", "refusals"],
  },
  transform: {
    inputs: {
      warehouse: { default: "duckdb:data/warehouse.duckdb" },
      ...names(["lake", "select", "full-refresh", "full-tests", "timeout-minutes", "project"]),
      ...names([...SNOWFLAKE_SECRETS, ...AWS_SECRETS]),
    },
    outputs: ["models", "tests-passed", "tests-failed", "tests-warned"],
  },
  validate: {
    inputs: {
      project: {},
      "github-token": { default: "${{ github.token }}" },
      comment: { default: "true" },
    },
    outputs: ["failed"],
  },
  "plan-backfill": {
    inputs: {
      start: { required: true },
      end: {},
      "chunk-days": { default: "7" },
      "max-parallel": { default: "4" },
    },
    outputs: ["matrix", "chunks", "max-parallel"],
  },
  report: {
    inputs: {
      mode: { required: true },
      "github-token": { default: "${{ github.token }}" },
      ...names(["step", "summary-file"]),
      "stale-hours": { default: "6" },
      workflow: { default: "pipeline.yml" },
      label: { default: "pipeline-failure" },
    },
    outputs: ["issue"],
  },
};

function names(list: string[]): Record<string, Input> {
  return Object.fromEntries(list.map((name) => [name, {}]));
}

/** Writes actions/<name>/action.yml for every action of the contract under `root`. */
export function writeContractActions(root: string): void {
  for (const [name, action] of Object.entries(CONTRACT_ACTIONS)) {
    const manifest = {
      name: `amplitude-pipeline ${name}`,
      description: `The ${name} step of amplitude-pipeline.`,
      inputs: Object.fromEntries(
        Object.entries(action.inputs).map(([input, spec]) => [
          input,
          { description: `${input} of ${name}`, required: spec.required ?? false, ...spec },
        ]),
      ),
      outputs: Object.fromEntries(
        action.outputs.map((output) => [output, { description: `${output} of ${name}` }]),
      ),
      runs: { using: "node24", main: `../../dist/${name}/index.js` },
    };
    mkdirSync(join(root, "actions", name), { recursive: true });
    writeFileSync(join(root, "actions", name, "action.yml"), stringify(manifest));
  }
}
