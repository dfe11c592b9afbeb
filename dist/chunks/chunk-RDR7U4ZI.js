import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  getInput,
  setSecret
} from "./chunk-BYK63SBB.js";
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";

// src/actions/io.ts
var INPUTS = {
  command: "command",
  start: "start",
  end: "end",
  settleHours: "settle-hours",
  maxHours: "max-hours",
  history: "history",
  windowHours: "window-hours",
  objects: "objects",
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
  awsSessionToken: "aws-session-token"
};
var OUTPUTS = {
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
  docsDir: "docs-dir"
};
var AMPLITUDE_SECRETS = [INPUTS.ampApiKey, INPUTS.ampSecretKey];
var AWS_SECRETS = [
  INPUTS.awsAccessKeyId,
  INPUTS.awsSecretAccessKey,
  INPUTS.awsSessionToken
];
var SNOWFLAKE_SECRETS = [INPUTS.snowflakePrivateKey, INPUTS.snowflakePassword];
var ACTION_IO = {
  extract: {
    inputs: [
      INPUTS.start,
      INPUTS.end,
      INPUTS.settleHours,
      INPUTS.maxHours,
      INPUTS.history,
      INPUTS.windowHours,
      INPUTS.objects,
      INPUTS.out,
      INPUTS.lake,
      INPUTS.warehouse,
      INPUTS.cache,
      INPUTS.artifact,
      ...AMPLITUDE_SECRETS,
      ...AWS_SECRETS,
      ...SNOWFLAKE_SECRETS
    ],
    outputs: [
      OUTPUTS.windows,
      OUTPUTS.files,
      OUTPUTS.events,
      OUTPUTS.bytes,
      OUTPUTS.rejected,
      OUTPUTS.watermark,
      OUTPUTS.backupDir,
      OUTPUTS.failedHours
    ]
  },
  upload: {
    inputs: [INPUTS.from, INPUTS.lake, INPUTS.concurrency, ...AWS_SECRETS],
    outputs: [OUTPUTS.files, OUTPUTS.bytes, OUTPUTS.skipped]
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
      ...SNOWFLAKE_SECRETS
    ],
    outputs: [OUTPUTS.changes, OUTPUTS.refusals]
  },
  transform: {
    inputs: [
      INPUTS.warehouse,
      INPUTS.lake,
      INPUTS.select,
      INPUTS.fullRefresh,
      INPUTS.fullTests,
      INPUTS.timeoutMinutes,
      INPUTS.project,
      INPUTS.docsDir,
      ...SNOWFLAKE_SECRETS,
      ...AWS_SECRETS
    ],
    outputs: [
      OUTPUTS.models,
      OUTPUTS.testsPassed,
      OUTPUTS.testsFailed,
      OUTPUTS.testsWarned,
      OUTPUTS.docsDir
    ]
  },
  validate: {
    inputs: [INPUTS.project, INPUTS.githubToken, INPUTS.comment],
    outputs: [OUTPUTS.failed]
  },
  "plan-backfill": {
    inputs: [INPUTS.start, INPUTS.end, INPUTS.settleHours, INPUTS.chunkDays, INPUTS.maxParallel],
    outputs: [OUTPUTS.matrix, OUTPUTS.chunks, OUTPUTS.maxParallel]
  },
  report: {
    inputs: [
      INPUTS.mode,
      INPUTS.githubToken,
      INPUTS.step,
      INPUTS.summaryFile,
      INPUTS.staleHours,
      INPUTS.workflow,
      INPUTS.label
    ],
    outputs: [OUTPUTS.issue]
  }
};
var SECRET_ENV = {
  [INPUTS.ampApiKey]: ["AMP_API_KEY"],
  [INPUTS.ampSecretKey]: ["AMP_SECRET_KEY"],
  [INPUTS.snowflakePrivateKey]: ["SNOWFLAKE_PRIVATE_KEY"],
  [INPUTS.snowflakePassword]: ["SNOWFLAKE_PASSWORD"],
  [INPUTS.awsAccessKeyId]: ["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"],
  [INPUTS.awsSecretAccessKey]: ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_SECRET_KEY"],
  [INPUTS.awsSessionToken]: ["AWS_SESSION_TOKEN"]
};
function optionalInput(name) {
  return getInput(name) || void 0;
}
function requiredInput(name) {
  const value = optionalInput(name);
  if (value === void 0) throw new ConfigurationError(`input ${name} is required`);
  return value;
}
function booleanInput(name, fallback) {
  const value = optionalInput(name);
  if (value === void 0) return fallback;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw new ConfigurationError(`input ${name}: ${JSON.stringify(value)} is not true or false`);
}
function intInput(name, fallback, { min = -Infinity, max = Infinity } = {}) {
  const value = optionalInput(name);
  if (value === void 0) return fallback;
  if (!/^-?\d+$/.test(value))
    throw new ConfigurationError(`input ${name}: ${JSON.stringify(value)} is not an integer`);
  const number = Number(value);
  if (number < min || number > max) {
    const bounds = Number.isFinite(max) ? `from ${min} to ${max}` : `at least ${min}`;
    throw new ConfigurationError(`input ${name}: ${number} is out of range: use a whole number ${bounds}`);
  }
  return number;
}
function listInput(name) {
  return (optionalInput(name) ?? "").split(/[,\n]/).map((item) => item.trim()).filter(Boolean);
}
function secretInput(name, env = process.env) {
  const value = optionalInput(name) ?? (SECRET_ENV[name] ?? []).map((key) => env[key]).find(Boolean);
  if (value) setSecret(value);
  return value;
}
function secretEnv(names, env = process.env) {
  const values = {};
  for (const name of names) {
    const value = secretInput(name, env);
    const key = SECRET_ENV[name]?.[0];
    if (value && key) values[key] = value;
  }
  return values;
}
function inInputTerms(error, inputs) {
  if (!(error instanceof ConfigurationError) || inputs.length === 0) return error;
  const names = [...inputs].sort((a, b) => b.length - a.length).join("|");
  const message = error.message.replace(new RegExp(`^--(${names})(?![\\w-])`), "input $1:").replace(new RegExp(`--(${names})(?![\\w-])`, "g"), "input $1");
  return message === error.message ? error : new ConfigurationError(message, { cause: error });
}

export {
  INPUTS,
  OUTPUTS,
  AMPLITUDE_SECRETS,
  AWS_SECRETS,
  SNOWFLAKE_SECRETS,
  ACTION_IO,
  optionalInput,
  requiredInput,
  booleanInput,
  intInput,
  listInput,
  secretInput,
  secretEnv,
  inInputTerms
};
