// What the bundles import for `@polyglot-sql/sdk` (scripts/build-actions.mjs): its 22 MB WebAssembly file stays out of
// dist/ and comes from the workspace's node_modules, which the validate action needs for DuckDB already.
import type * as Polyglot from "@polyglot-sql/sdk";
import { importFromWorkspace } from "../workspace-package.ts";

export const POLYGLOT_PACKAGE = {
  name: "@polyglot-sql/sdk",
  version: "0.12.1",
  neededBy: "the Snowflake SQL check of validate",
};

const polyglot = await importFromWorkspace<typeof Polyglot>(POLYGLOT_PACKAGE);

export const { Dialect, parse, validate, validateWithSchema } = polyglot;
