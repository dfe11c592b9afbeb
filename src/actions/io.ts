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
  objects: "objects",
  snapshotEvery: "snapshot-every",
  out: "out",
  lake: "lake",
  warehouse: "warehouse",
  select: "select",
  fullRefresh: "full-refresh",
  fullTests: "full-tests",
  fullTestsEvery: "full-tests-every",
  dryRun: "dry-run",
  plan: "plan",
  allowReplace: "allow-replace",
  timeoutMinutes: "timeout-minutes",
  wait: "wait",
  mendAfterMinutes: "mend-after-minutes",
  project: "project",
  docsDir: "docs-dir",
  from: "from",
  concurrency: "concurrency",
  cache: "cache",
  artifact: "artifact",
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
  docsDir: "docs-dir",
} as const;

export type InputName = (typeof INPUTS)[keyof typeof INPUTS];
export type OutputName = (typeof OUTPUTS)[keyof typeof OUTPUTS];

export const AMPLITUDE_SECRETS = [INPUTS.ampApiKey, INPUTS.ampSecretKey] as const;
export const AWS_SECRETS = [
  INPUTS.awsAccessKeyId,
  INPUTS.awsSecretAccessKey,
  INPUTS.awsSessionToken,
] as const;
export const SNOWFLAKE_SECRETS = [INPUTS.snowflakePrivateKey, INPUTS.snowflakePassword] as const;

/** The actions, in the order the root action's `command` input lists them. */
export const ACTIONS = [
  "extract",
  "upload",
  "provision",
  "transform",
  "validate",
  "plan-backfill",
  "report",
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** Each action's inputs and outputs (the contract its action.yml is checked against). */
export const ACTION_IO: Record<ActionName, { inputs: readonly InputName[]; outputs: readonly OutputName[] }> =
  {
    extract: {
      inputs: [
        INPUTS.start,
        INPUTS.end,
        INPUTS.settleHours,
        INPUTS.maxHours,
        INPUTS.history,
        INPUTS.windowHours,
        INPUTS.objects,
        INPUTS.snapshotEvery,
        INPUTS.out,
        INPUTS.lake,
        INPUTS.warehouse,
        INPUTS.cache,
        INPUTS.artifact,
        ...AMPLITUDE_SECRETS,
        ...AWS_SECRETS,
        ...SNOWFLAKE_SECRETS,
      ],
      outputs: [
        OUTPUTS.windows,
        OUTPUTS.files,
        OUTPUTS.events,
        OUTPUTS.bytes,
        OUTPUTS.rejected,
        OUTPUTS.watermark,
        OUTPUTS.backupDir,
        OUTPUTS.failedHours,
      ],
    },
    upload: {
      inputs: [INPUTS.from, INPUTS.lake, INPUTS.concurrency, ...AWS_SECRETS],
      outputs: [OUTPUTS.files, OUTPUTS.bytes, OUTPUTS.skipped],
    },
    provision: {
      inputs: [
        INPUTS.lake,
        INPUTS.integration,
        INPUTS.plan,
        INPUTS.dryRun,
        INPUTS.out,
        INPUTS.allowReplace,
        INPUTS.project,
        INPUTS.fullTestsEvery,
        ...SNOWFLAKE_SECRETS,
      ],
      outputs: [OUTPUTS.changes, OUTPUTS.refusals],
    },
    transform: {
      inputs: [
        INPUTS.warehouse,
        INPUTS.lake,
        INPUTS.select,
        INPUTS.fullRefresh,
        INPUTS.fullTests,
        INPUTS.fullTestsEvery,
        INPUTS.timeoutMinutes,
        INPUTS.wait,
        INPUTS.mendAfterMinutes,
        INPUTS.project,
        INPUTS.docsDir,
        ...SNOWFLAKE_SECRETS,
        ...AWS_SECRETS,
      ],
      outputs: [
        OUTPUTS.models,
        OUTPUTS.testsPassed,
        OUTPUTS.testsFailed,
        OUTPUTS.testsWarned,
        OUTPUTS.docsDir,
      ],
    },
    validate: {
      inputs: [INPUTS.project, INPUTS.githubToken, INPUTS.comment],
      outputs: [OUTPUTS.failed],
    },
    "plan-backfill": {
      inputs: [INPUTS.start, INPUTS.end, INPUTS.settleHours, INPUTS.chunkDays, INPUTS.maxParallel],
      outputs: [OUTPUTS.matrix, OUTPUTS.chunks, OUTPUTS.maxParallel],
    },
    report: {
      inputs: [
        INPUTS.mode,
        INPUTS.githubToken,
        INPUTS.step,
        INPUTS.summaryFile,
        INPUTS.staleHours,
        INPUTS.workflow,
        INPUTS.label,
      ],
      outputs: [OUTPUTS.issue],
    },
  };

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

export function intInput(
  name: string,
  fallback?: undefined,
  range?: { min?: number; max?: number },
): number | undefined;
export function intInput(name: string, fallback: number, range?: { min?: number; max?: number }): number;
export function intInput(
  name: string,
  fallback?: number,
  { min = -Infinity, max = Infinity }: { min?: number; max?: number } = {},
): number | undefined {
  const value = optionalInput(name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value))
    throw new ConfigurationError(`input ${name}: ${JSON.stringify(value)} is not an integer`);
  const number = Number(value);
  if (number < min || number > max) {
    const bounds = Number.isFinite(max) ? `from ${min} to ${max}` : `at least ${min}`;
    throw new ConfigurationError(`input ${name}: ${number} is out of range: use a whole number ${bounds}`);
  }
  return number;
}

/** Commas or new lines separate the items; blanks are dropped. */
export function listInput(name: string): string[] {
  return (optionalInput(name) ?? "")
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

const masked = new Set<string>();

/**
 * Masks a secret in the log, once: the entry reads its secret inputs and the library reads the same values
 * again from the environment, and one `::add-mask::` per value is all the runner needs.
 */
export function maskSecret(value: string): void {
  if (masked.has(value)) return;
  masked.add(value);
  core.setSecret(value);
}

/** A new step starts with nothing masked (entries run one after another in one process under test). */
export function forgetMasks(): void {
  masked.clear();
}

/** The input, else its environment variable; masked in the log the moment it is read. */
export function secretInput(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = optionalInput(name) ?? (SECRET_ENV[name] ?? []).map((key) => env[key]).find(Boolean);
  if (value) maskSecret(value);
  return value;
}

/**
 * The secret inputs given, under the environment names the library reads (AWS_ACCESS_KEY_ID, AMP_API_KEY, …), each
 * masked as it is read; the environment's own values stand where an input is empty.
 */
export function secretEnv(
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = secretInput(name, env);
    const key = SECRET_ENV[name]?.[0];
    if (value && key) values[key] = value;
  }
  return values;
}

/**
 * The library's messages name the CLI's options (`--lake s3:… names no bucket`); in an action the same words name its
 * inputs (`input lake: s3:… names no bucket`), since every option an action takes is an input of the same name.
 */
export function inInputTerms(error: unknown, inputs: readonly string[]): unknown {
  if (!(error instanceof ConfigurationError) || inputs.length === 0) return error;
  const names = [...inputs].sort((a, b) => b.length - a.length).join("|");
  const message = error.message
    .replace(new RegExp(`^--(${names})(?![\\w-])`), "input $1:")
    .replace(new RegExp(`--(${names})(?![\\w-])`, "g"), "input $1");
  return message === error.message ? error : new ConfigurationError(message, { cause: error });
}
