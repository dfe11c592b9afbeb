// What the bundles import for `@duckdb/node-api` (scripts/build-actions.mjs): DuckDB's 70 MB native library stays out
// of dist/ and comes from the workspace's node_modules, only when a duckdb: warehouse is opened.
import type * as DuckDb from "@duckdb/node-api";
import { requireFromWorkspace } from "../workspace-package.ts";

export const DUCKDB_PACKAGE = {
  name: "@duckdb/node-api",
  version: "1.5.5-r.5",
  neededBy: "the embedded warehouse (duckdb:…)",
};

const duckdb = requireFromWorkspace<typeof DuckDb>(DUCKDB_PACKAGE);

export const { DuckDBInstance } = duckdb;
