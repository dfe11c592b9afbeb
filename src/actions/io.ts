import * as core from "@actions/core";
import { ConfigurationError } from "../errors.ts";

/** Input names, kebab-case as in action.yml; the runner passes each as `INPUT_<NAME UPPERCASED>`, hyphens kept. */
export const INPUTS = {
  command: "command",
  start: "start",
  end: "end",
  settleHours: "settle-hours",
  maxHours: "max-hours",
  history: "history",
  windowHours: "window-hours",
  out: "out",
  lake: "lake",
  warehouse: "warehouse",
  select: "select",
  fullRefresh: "full-refresh",
  fullTests: "full-tests",
  dryRun: "dry-run",
  plan: "plan",
  allowReplace: "allow-replace",
  timeoutMinutes: "timeout-minutes",
  project: "project",
  from: "from",
  concurrency: "concurrency",
  cache: "cache",
  integration: "integration",
  githubToken: "github-token",
  comment: "comment",
  chunkDays: "chunk-days",
  maxParallel: "max-parallel",
  mode: "mode",
  step: "step",
  summaryFile: "summary-file",
  staleHours: "stale-hours",
  workflow: "workflow",
  label: "label",
  ampApiKey: "amp-api-key",
  ampSecretKey: "amp-secret-key",
  snowflakePrivateKey: "snowflake-private-key",
  snowflakePassword: "snowflake-password",
  awsAccessKeyId: "aws-access-key-id",
  awsSecretAccessKey: "aws-secret-access-key",
  awsSessionToken: "aws-session-token",
} as const;

export const OUTPUTS = {
  windows: "windows",
  files: "files",
  bytes: "bytes",
  events: "events",
  rejected: "rejected",
  skipped: "skipped",
  watermark: "watermark",
  backupDir: "backup-dir",
  changes: "changes",
  refusals: "refusals",
  models: "models",
  testsPassed: "tests-passed",
  testsFailed: "tests-failed",
  testsWarned: "tests-warned",
  failedHours: "failed-hours",
  failed: "failed",
  matrix: "matrix",
  chunks: "chunks",
  maxParallel: "max-parallel",
  issue: "issue",
} as const;

/** The environment variable each secret input falls back to (the CLI's names). */
export const SECRET_ENV: Record<string, readonly string[]> = {
  [INPUTS.ampApiKey]: ["AMP_API_KEY"],
  [INPUTS.ampSecretKey]: ["AMP_SECRET_KEY"],
  [INPUTS.snowflakePrivateKey]: ["SNOWFLAKE_PRIVATE_KEY"],
  [INPUTS.snowflakePassword]: ["SNOWFLAKE_PASSWORD"],
  [INPUTS.awsAccessKeyId]: ["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"],
  [INPUTS.awsSecretAccessKey]: ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_SECRET_KEY"],
  [INPUTS.awsSessionToken]: ["AWS_SESSION_TOKEN"],
};

export function optionalInput(name: string): string | undefined {
  return core.getInput(name) || undefined;
}

export function requiredInput(name: string): string {
  const value = optionalInput(name);
  if (value === undefined) throw new ConfigurationError(`input ${name} is required`);
  return value;
}

export function booleanInput(name: string, fallback: boolean): boolean {
  const value = optionalInput(name);
  if (value === undefined) return fallback;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw new ConfigurationError(`input ${name}: ${JSON.stringify(value)} is not true or false`);
}

export function intInput(name: string, fallback?: number): number | undefined {
  const value = optionalInput(name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value))
    throw new ConfigurationError(`input ${name}: ${JSON.stringify(value)} is not an integer`);
  return Number(value);
}

/** Commas or new lines separate the items; blanks are dropped. */
export function listInput(name: string): string[] {
  return (optionalInput(name) ?? "")
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The input, else its environment variable; masked in the log the moment it is read. */
export function secretInput(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = optionalInput(name) ?? (SECRET_ENV[name] ?? []).map((key) => env[key]).find(Boolean);
  if (value) core.setSecret(value);
  return value;
}
