// Runs a workflow's jobs for one event the way GitHub's runner would, on this machine: the file read by GitHub's own
// @actions/workflow-parser, every `${{ }}` evaluated by @actions/expressions, jobs in `needs` order with their `if`,
// matrices expanded, `uses: ./actions/<name>` run as the runner runs a node action (the bundle built from the
// current sources, INPUT_*, the command files), `run:` steps in bash, and small stand-ins for the third-party
// actions the workflows use. What it cannot do here (containers, apt-get) is substituted or recorded, never hidden.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";
import { loadBundledPackage } from "../../src/github/workflow-check.ts";
import { inputVariable, parseCommandFile } from "./action-runner.ts";
import { runFolderEnv } from "./global-setup.ts";

/* eslint-disable @typescript-eslint/no-explicit-any -- the parser's bundle is untyped: its tokens and expression
   trees are used with the shapes of @actions/workflow-parser and @actions/expressions */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// ---- GitHub's parser and expression engine, bundled (they do not import on Node 20) ----

type Token = any;
interface Expressions {
  parseWorkflow(file: { name: string; content: string }, trace: unknown): { context: any; value: Token };
  convertWorkflowTemplate(context: unknown, root: Token): Promise<any>;
  NoOperationTraceWriter: new () => unknown;
  isBasicExpression(token: Token): boolean;
  isMapping(token: Token): boolean;
  isSequence(token: Token): boolean;
  isLiteral(token: Token): boolean;
  Evaluator: new (expr: unknown, context: unknown, functions?: Map<string, unknown>) => { evaluate(): any };
  Lexer: new (text: string) => { lex(): { tokens: unknown[] } };
  Parser: new (tokens: unknown[], contexts: string[], functions: unknown[]) => { parse(): unknown };
  data: { reviver(key: string, value: unknown): unknown; Kind: Record<string, number> };
}

export const loadWorkflowParser = () =>
  loadBundledPackage<Expressions>(
    "@actions/workflow-parser",
    'export * from "@actions/workflow-parser";\n' +
      'export { Evaluator, Lexer, Parser, data } from "@actions/expressions";\n',
  );

const CONTEXTS = [
  "github",
  "env",
  "vars",
  "secrets",
  "inputs",
  "needs",
  "steps",
  "matrix",
  "strategy",
  "runner",
  "job",
];

type Contexts = Record<string, unknown>;
interface Status {
  success: boolean;
  failure: boolean;
}

function expressionData(lib: Expressions, value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null), lib.data.reviver);
}

function plain(lib: Expressions, value: any): unknown {
  const kind = lib.data.Kind;
  switch (value.kind) {
    case kind.String:
    case kind.Number:
    case kind.Boolean:
      return value.value;
    case kind.Null:
      return null;
    case kind.Array:
      return value.values().map((v: unknown) => plain(lib, v));
    default:
      return Object.fromEntries(value.pairs().map((p: any) => [p.key, plain(lib, p.value)]));
  }
}

/** Evaluates one expression (the text inside `${{ }}`) with the status functions the runner gives `if:`. */
function evaluateExpression(lib: Expressions, text: string, contexts: Contexts, status?: Status) {
  return evaluated(lib, text, contexts, status).value;
}

/**
 * The parser here reads a multi-line block scalar from its source text (for editor positions), indentation and
 * line breaks included, so `if: >-` over one `${{ … }}` comes back as `format('      {0}\n', …)`: a non-empty
 * string, always true. YAML's value of such a stripped block (`>-`) is the expression alone, which is what GitHub's
 * service evaluates; so `format` of one expression with only whitespace around it is that expression.
 */
function unwrapBlockScalar(tree: any): any {
  const name = tree?.functionName?.lexeme?.toLowerCase();
  const template = tree?.args?.[0]?.literal?.value;
  if (name === "format" && tree.args.length === 2 && typeof template === "string") {
    if (template.includes("{0}") && template.replace("{0}", "").trim() === "") return tree.args[1];
  }
  return tree;
}

function evaluated(lib: Expressions, text: string, contexts: Contexts, status?: Status) {
  const fn = (name: string, value: () => boolean) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => expressionData(lib, value()),
  });
  const functions = status
    ? [
        fn("success", () => status.success),
        fn("failure", () => status.failure),
        // Nothing here cancels a run (a timeout is recorded, not enforced).
        fn("cancelled", () => false),
        fn("always", () => true),
      ]
    : [];
  const tree = unwrapBlockScalar(
    new lib.Parser(new lib.Lexer(text).lex().tokens, CONTEXTS, functions).parse(),
  );
  const value = new lib.Evaluator(
    tree,
    expressionData(lib, contexts),
    new Map(functions.map((f) => [f.name, f])),
  ).evaluate();
  return { tree, value };
}

/** A template token's value: literals as they are, expressions evaluated, mappings and sequences walked. */
function evaluateToken(lib: Expressions, token: Token, contexts: Contexts): unknown {
  if (token === undefined || token === null) return undefined;
  if (lib.isBasicExpression(token)) return plain(lib, evaluateExpression(lib, token.expression, contexts));
  if (lib.isMapping(token)) {
    const out: Record<string, unknown> = {};
    for (const pair of token)
      out[String(evaluateToken(lib, pair.key, contexts))] = evaluateToken(lib, pair.value, contexts);
    return out;
  }
  if (lib.isSequence(token)) return [...token].map((item: Token) => evaluateToken(lib, item, contexts));
  if (lib.isLiteral(token)) return token.value ?? null;
  throw new Error(`cannot evaluate a ${token.typeName?.() ?? typeof token} token`);
}

/** As the runner passes a value to an input or a variable: a string ("true", "7", "" for null). */
function asString(lib: Expressions, token: Token, contexts: Contexts): string {
  if (lib.isBasicExpression(token)) return evaluateExpression(lib, token.expression, contexts).coerceString();
  const value = evaluateToken(lib, token, contexts);
  return value === null || value === undefined ? "" : String(value);
}

function holds(lib: Expressions, condition: Token, contexts: Contexts, status: Status): boolean {
  const text = condition
    ? lib.isBasicExpression(condition)
      ? condition.expression
      : String(condition.value)
    : "success()";
  const { tree, value } = evaluated(lib, text, contexts, status);
  const truthy = isTruthy(lib, value);
  // The converter wraps a condition without a status function in `success() && (…)`; not one it read as format().
  return callsStatusFunction(tree) ? truthy : status.success && truthy;
}

/** GitHub's falsy values: false, 0, -0, "", null, NaN; everything else (objects, arrays) is true. */
function isTruthy(lib: Expressions, value: { kind: number; value?: unknown }): boolean {
  const kind = lib.data.Kind;
  if (value.kind === kind.Null) return false;
  if (
    value.kind === kind.Array ||
    value.kind === kind.Dictionary ||
    value.kind === kind.CaseSensitiveDictionary
  )
    return true;
  const v = value.value;
  return !(v === false || v === 0 || v === "" || Number.isNaN(v));
}

function callsStatusFunction(tree: unknown): boolean {
  let found = false;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== "object") return;
    const name = (node as { functionName?: { lexeme?: string } }).functionName?.lexeme?.toLowerCase();
    if (name && ["success", "failure", "cancelled", "always"].includes(name)) found = true;
    for (const child of Object.values(node)) {
      if (Array.isArray(child)) child.forEach(walk);
      else if (child && typeof child === "object" && !("lexeme" in child)) walk(child);
    }
  };
  walk(tree);
  return found;
}

// ---- the result ----

export type Conclusion = "success" | "failure" | "skipped" | "cancelled";

export interface StepRecord {
  /** The step's name, else its `uses`, else its `run` text's first line. */
  name: string;
  id?: string;
  uses?: string;
  outcome: Conclusion;
  conclusion: Conclusion;
  /** Run in place of the step's own `run:` text (a substitute named in the options). */
  substituted: boolean;
  /** The evaluated `with:` of a `uses:` step. */
  with: Record<string, string>;
  timeoutMinutes?: number;
  outputs: Record<string, string>;
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  summary: string;
  stdout: string;
  stderr: string;
}

export interface JobRecord {
  id: string;
  /** `extract (2025-01-01T00--2025-01-07T23)` for a matrix combination, as GitHub names it; else the id. */
  name: string;
  matrix?: Record<string, unknown>;
  attempt: number;
  conclusion: Conclusion;
  /** Started (its `if` held): only started jobs are billed. */
  started: boolean;
  steps: StepRecord[];
  outputs: Record<string, string>;
  timeoutMinutes?: number;
  /** `container:` image: recorded, not run (the steps run on this machine). */
  container?: string;
  maxParallel?: number;
  wallMs: number;
  /** GitHub "rounds the minutes and partial minutes each job uses up to the nearest whole minute". */
  billedMinutes: number;
  /** Carried over from an earlier attempt (a "re-run failed jobs" keeps the successful ones). */
  fromAttempt?: number;
}

export interface WorkflowRun {
  workflow: string;
  event: string;
  runId: number;
  attempt: number;
  jobs: JobRecord[];
  /** Jobs started in this attempt, in order. */
  started: JobRecord[];
  billedMinutes: number;
  conclusion: Conclusion;
  options: RunOptions;
}

// ---- artifacts: a per-run store, as actions/upload-artifact and download-artifact see it ----

export interface StoredArtifact {
  name: string;
  attempt: number;
  dir: string;
  retentionDays?: number;
}

// ---- options ----

export interface RunOptions {
  /** `.github/workflows/<file>`, relative to the checkout source. */
  workflow: string;
  event: "schedule" | "workflow_dispatch" | "pull_request" | "push";
  /** Dispatch inputs as given; missing ones take the declared defaults, typed as declared. */
  inputs?: Record<string, string | number | boolean>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** The event's payload (GITHUB_EVENT_PATH, github.event). */
  payload?: Record<string, unknown>;
  /** The run's id; default a new one. A re-run passes the earlier attempt instead. */
  runId?: number;
  refName?: string;
  /**
   * Steps replaced by a bash script, by step name: for what cannot run here (apt-get, npm ci). Every step
   * substituted is marked in the result; a substitute naming no step fails the run.
   */
  substitutes?: Record<string, string>;
  /** Called before each job starts (after its `if` held), e.g. to script a fake service for it. */
  beforeJob?: (job: { id: string; name: string }) => void | Promise<void>;
}

export interface HarnessOptions {
  /** `<folder>/dist` of `buildActionsForTest()`: the workspace's dist/ after checkout. */
  dist: string;
  /** The node binary the node24 actions run on. */
  node: string;
  /** What the checkout stand-in copies: a folder holding the repository's tracked files (default this repository). */
  source?: string;
  /** `owner/name` (github.repository). */
  repository?: string;
  /** github.token, and GITHUB_API_URL for the actions that call GitHub. */
  token?: string;
  apiUrl?: string;
  /** Variables every step sees, as the runner machine's own (the services' loopback addresses). */
  machineEnv?: Record<string, string>;
  /** More variables per job, from its folders (e.g. the Actions cache service's ACTIONS_*), or for one job. */
  jobEnv?: (job: {
    id: string;
    name: string;
    attempt: number;
    workspace: string;
    temp: string;
  }) => Record<string, string>;
  /** What the role session of aws-actions/configure-aws-credentials gives (the test's S3 accepts it). */
  awsSession?: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
}

const BASE_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  // validate keeps sqlfluff's parses there, and temporary files go to the run's folder (test/support/global-setup.ts).
  ...runFolderEnv(),
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  SNOWFLAKE_DISABLE_PLATFORM_DETECTION: "true",
  CI: "true",
  GITHUB_ACTIONS: "true",
  RUNNER_OS: "Linux",
  RUNNER_ARCH: "X64",
};

let nextRunId = 7_100_000_000;

/** The files `git ls-files` names in this repository, copied into `target` (a checkout source a test may edit). */
export async function copyTrackedFiles(target: string, source = ROOT): Promise<void> {
  for (const file of await trackedFiles()) {
    if (!existsSync(join(source, file))) continue;
    await mkdir(dirname(join(target, file)), { recursive: true });
    await cp(join(source, file), join(target, file));
  }
}

let tracked: Promise<string[]> | undefined;
function trackedFiles(): Promise<string[]> {
  tracked ??= promisify(execFile)("git", ["ls-files", "-z"], { cwd: ROOT, maxBuffer: 16 << 20 }).then(
    ({ stdout }) => stdout.split("\0").filter(Boolean),
  );
  return tracked;
}

export class WorkflowHarness {
  /** Every run's artifacts, by run id, across its attempts. */
  readonly artifacts = new Map<number, StoredArtifact[]>();
  private readonly scratches: string[] = [];
  private readonly source: string;

  constructor(private readonly options: HarnessOptions) {
    this.source = options.source ?? ROOT;
  }

  async close(): Promise<void> {
    await Promise.all(this.scratches.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }

  /** A run of the workflow for one event (attempt 1). */
  run(options: RunOptions): Promise<WorkflowRun> {
    return this.execute({ ...options, runId: options.runId ?? nextRunId++ }, 1, undefined);
  }

  /**
   * "Re-run failed jobs": a new attempt of the same run that runs the jobs that failed and the ones that depend on
   * them, keeping the other jobs' results and outputs and the earlier attempts' artifacts.
   */
  rerunFailed(previous: WorkflowRun, changes: Partial<RunOptions> = {}): Promise<WorkflowRun> {
    return this.execute({ ...previous.options, ...changes }, previous.attempt + 1, previous);
  }

  /**
   * What actions/download-artifact finds for `pattern` (or a `name`) from a job of `attempt`: without github-token
   * and run-id only that attempt's artifacts. actions/download-artifact#486: on a re-run "`ListArtifacts` returns
   * artifacts that `GetSignedArtifactURL` cannot access", which "resolves artifacts against the current run
   * attempt"; with github-token and run-id the action uses the public REST API, where artifacts belong to the run.
   */
  downloadable(
    runId: number,
    attempt: number,
    query: { name?: string; pattern?: string; withToken: boolean },
  ): StoredArtifact[] {
    const matcher = query.name !== undefined ? exact(query.name) : glob(query.pattern ?? "*");
    return (this.artifacts.get(runId) ?? []).filter(
      (artifact) => matcher.test(artifact.name) && (query.withToken || artifact.attempt === attempt),
    );
  }

  private async scratch(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.scratches.push(dir);
    return dir;
  }

  private async execute(options: RunOptions, attempt: number, previous: WorkflowRun | undefined) {
    const lib = await loadWorkflowParser();
    const path = join(this.source, options.workflow);
    const content = await readFile(path, "utf8");
    const parsed = lib.parseWorkflow({ name: options.workflow, content }, new lib.NoOperationTraceWriter());
    if (parsed.context.errors.count > 0) {
      throw new Error(
        `${options.workflow} does not parse: ${parsed.context.errors
          .getErrors()
          .map((e: { message: string }) => e.message)
          .join("; ")}`,
      );
    }
    const template = await lib.convertWorkflowTemplate(parsed.context, parsed.value);
    if (template.errors?.length) {
      throw new Error(
        `${options.workflow}: ${template.errors.map((e: { Message: string }) => e.Message).join("; ")}`,
      );
    }
    const rawJobs = parsed.value.find("jobs");
    const runId = options.runId!;
    const substitutes = new Map(Object.entries(options.substitutes ?? {}));
    const used = new Set<string>();

    const github = {
      event_name: options.event,
      event: options.payload ?? {},
      run_id: String(runId),
      run_attempt: String(attempt),
      run_number: "1",
      repository: this.options.repository ?? "acme/analytics",
      repository_owner: (this.options.repository ?? "acme/analytics").split("/")[0],
      ref_name: options.refName ?? "main",
      ref: `refs/heads/${options.refName ?? "main"}`,
      sha: "0123456789abcdef0123456789abcdef01234567",
      token: this.options.token ?? "",
      workflow: options.workflow.split("/").pop(),
      server_url: "https://github.com",
      api_url: this.options.apiUrl ?? "",
      actor: "tester",
    };
    const inputs =
      options.event === "workflow_dispatch" ? dispatchInputs(template, options.inputs ?? {}) : {};
    const base: Contexts = { github, inputs, vars: options.vars ?? {}, secrets: options.secrets ?? {} };
    const workflowEnv = template.env
      ? (evaluateToken(lib, template.env, base) as Record<string, string>)
      : {};
    const env = Object.fromEntries(Object.entries(workflowEnv).map(([k, v]) => [k, String(v ?? "")]));

    const records: JobRecord[] = [];
    const results = new Map<string, { result: Conclusion; outputs: Record<string, string> }>();
    const jobs = template.jobs as Array<{ id: { value: string }; needs?: Array<{ value: string }> }>;
    const needsOf = (id: string) =>
      (jobs.find((job) => job.id.value === id)?.needs ?? []).map((need) => need.value);
    // "Re-run failed jobs": the jobs that failed, and every job that needs one of them, run again.
    const rerun = new Set<string>();
    const failedLegs = new Set<string>();
    let failedJobs = new Set<string>();
    if (previous) {
      for (const job of previous.jobs) {
        if (job.conclusion === "failure" || job.conclusion === "cancelled") {
          rerun.add(job.id);
          failedLegs.add(job.name);
        }
      }
      failedJobs = new Set(rerun);
      let grew = true;
      while (grew) {
        grew = false;
        for (const job of jobs) {
          if (!rerun.has(job.id.value) && needsOf(job.id.value).some((need) => rerun.has(need))) {
            rerun.add(job.id.value);
            grew = true;
          }
        }
      }
    }
    /** A matrix job that failed itself runs its failed combinations again; a job that needs a failed one, all of them. */
    const keptLeg = (id: string, name: string): JobRecord | undefined => {
      if (!previous || !failedJobs.has(id) || needsOf(id).some((need) => rerun.has(need))) return undefined;
      return failedLegs.has(name) ? undefined : previous.jobs.find((record) => record.name === name);
    };
    const ancestors = (id: string): string[] => needsOf(id).flatMap((need) => [need, ...ancestors(need)]);

    const pending = [...jobs];
    while (pending.length > 0) {
      const index = pending.findIndex((job) => needsOf(job.id.value).every((need) => results.has(need)));
      if (index === -1) throw new Error(`${options.workflow}: a cycle in needs`);
      const [job] = pending.splice(index, 1) as [any];
      const id: string = job.id.value;
      if (previous && !rerun.has(id)) {
        const kept = previous.jobs.filter((record) => record.id === id);
        records.push(
          ...kept.map((record) => ({ ...record, fromAttempt: record.fromAttempt ?? previous.attempt })),
        );
        results.set(id, aggregate(kept));
        continue;
      }
      const needs = Object.fromEntries(needsOf(id).map((need) => [need, results.get(need)!]));
      const jobContexts: Contexts = { ...base, needs, env };
      const status = {
        success: needsOf(id).every((need) => results.get(need)!.result === "success"),
        failure: ancestors(id).some((need) => results.get(need)!.result === "failure"),
      };
      const raw = rawJobs.find(id);
      const timeout = numberOf(lib, raw?.find("timeout-minutes"), jobContexts);
      const container = raw?.find("container")
        ? String(
            (() => {
              const value = evaluateToken(lib, raw.find("container"), jobContexts);
              return typeof value === "object" && value ? (value as { image: string }).image : value;
            })(),
          )
        : undefined;
      if (!holds(lib, job.if, jobContexts, status)) {
        const skipped: JobRecord = {
          id,
          name: id,
          attempt,
          conclusion: "skipped",
          started: false,
          steps: [],
          outputs: {},
          timeoutMinutes: timeout,
          container,
          wallMs: 0,
          billedMinutes: 0,
        };
        records.push(skipped);
        results.set(id, { result: "skipped", outputs: {} });
        continue;
      }
      const strategy = job.strategy
        ? (evaluateToken(lib, job.strategy, jobContexts) as {
            matrix?: Record<string, unknown>;
            "max-parallel"?: number;
            "fail-fast"?: boolean;
          })
        : undefined;
      const combinations = strategy?.matrix ? expandMatrix(strategy.matrix) : [undefined];
      const legs: JobRecord[] = [];
      for (const [legIndex, matrix] of combinations.entries()) {
        const name = matrix ? `${id} (${Object.values(matrix).map(String).join(", ")})` : id;
        const kept = keptLeg(id, name);
        if (kept) {
          legs.push({ ...kept, fromAttempt: kept.fromAttempt ?? previous!.attempt });
          continue;
        }
        await options.beforeJob?.({ id, name });
        const leg = await this.runJob(lib, {
          id,
          name,
          job,
          raw,
          matrix,
          strategy: {
            "fail-fast": strategy?.["fail-fast"] ?? true,
            "job-index": legIndex,
            "job-total": combinations.length,
            "max-parallel": strategy?.["max-parallel"] ?? combinations.length,
          },
          contexts: { ...jobContexts, matrix: matrix ?? {} },
          env,
          runId,
          attempt,
          substitutes,
          used,
        });
        leg.timeoutMinutes = timeout;
        leg.container = container;
        if (strategy?.["max-parallel"] !== undefined) leg.maxParallel = Number(strategy["max-parallel"]);
        legs.push(leg);
      }
      records.push(...legs);
      results.set(id, aggregate(legs));
    }
    const unused = [...substitutes.keys()].filter((name) => !used.has(name));
    if (unused.length > 0) throw new Error(`substitutes name no step that ran: ${unused.join(", ")}`);
    const started = records.filter(
      (record) => record.started && record.attempt === attempt && !record.fromAttempt,
    );
    const failed = records.some((record) => record.conclusion === "failure");
    return {
      workflow: options.workflow,
      event: options.event,
      runId,
      attempt,
      jobs: records,
      started,
      billedMinutes: started.reduce((sum, job) => sum + job.billedMinutes, 0),
      conclusion: failed ? "failure" : "success",
      options,
    } satisfies WorkflowRun;
  }

  private async runJob(
    lib: Expressions,
    spec: {
      id: string;
      name: string;
      job: any;
      raw: Token;
      matrix: Record<string, unknown> | undefined;
      strategy: Record<string, unknown>;
      contexts: Contexts;
      env: Record<string, string>;
      runId: number;
      attempt: number;
      substitutes: Map<string, string>;
      used: Set<string>;
    },
  ): Promise<JobRecord> {
    const started = performance.now();
    const folder = await this.scratch("workflow-job-");
    const workspace = join(folder, "workspace");
    const temp = join(folder, "runner-temp");
    await mkdir(workspace);
    await mkdir(temp);
    const github: Record<string, unknown> = {
      ...(spec.contexts.github as Record<string, unknown>),
      job: spec.id,
      workspace,
    };
    const runner = { os: "Linux", arch: "X64", temp, name: "harness", environment: "github-hosted" };
    const eventPath = join(folder, "event.json");
    await writeFile(eventPath, JSON.stringify(github.event));
    const contexts: Contexts = {
      ...spec.contexts,
      github,
      runner,
      strategy: spec.strategy,
      job: { status: "success" },
    };
    const jobEnv = { ...spec.env, ...(spec.job.env ? envOf(lib, spec.job.env, contexts) : {}) };
    /** What GITHUB_ENV added, for the later steps. */
    const added: Record<string, string> = {};
    const stepsContext: Record<
      string,
      { outcome: string; conclusion: string; outputs: Record<string, string> }
    > = {};
    const steps: StepRecord[] = [];
    let failed = false;
    const rawSteps = spec.raw?.find("steps");

    for (const [index, step] of (spec.job.steps as any[]).entries()) {
      const rawStep = rawSteps?.get(index);
      const env = { ...jobEnv, ...added };
      const stepContexts: Contexts = {
        ...contexts,
        steps: stepsContext,
        env,
        job: { status: failed ? "failure" : "success" },
      };
      const stepEnv = step.env ? { ...env, ...envOf(lib, step.env, stepContexts) } : env;
      const withContexts = { ...stepContexts, env: stepEnv };
      const uses: string | undefined = step.uses?.value;
      const name = step.name
        ? asString(lib, step.name, withContexts)
        : (uses ?? String(step.run?.value ?? step.run?.expression ?? "").split("\n")[0]!);
      const record: StepRecord = {
        name,
        id: step.id?.startsWith("__") ? undefined : step.id,
        uses,
        outcome: "skipped",
        conclusion: "skipped",
        substituted: false,
        with: {},
        timeoutMinutes: numberOf(lib, rawStep?.find("timeout-minutes"), withContexts),
        outputs: {},
        summary: "",
        stdout: "",
        stderr: "",
      };
      steps.push(record);
      const runs = holds(lib, step.if, stepContexts, { success: !failed, failure: failed });
      if (runs) {
        const rawWith = rawStep?.find("with");
        if (rawWith) {
          for (const pair of rawWith)
            record.with[String(pair.key.value)] = asString(lib, pair.value, withContexts);
        }
        const files = await commandFiles(folder, index);
        const processEnv: Record<string, string | undefined> = {
          ...BASE_ENV,
          ...this.options.machineEnv,
          ...this.options.jobEnv?.({ id: spec.id, name: spec.name, attempt: spec.attempt, workspace, temp }),
          ...stepEnv,
          ...files,
          GITHUB_WORKSPACE: workspace,
          RUNNER_TEMP: temp,
          GITHUB_EVENT_NAME: String(github.event_name),
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_RUN_ID: String(spec.runId),
          GITHUB_RUN_ATTEMPT: String(spec.attempt),
          GITHUB_REPOSITORY: String(github.repository),
          GITHUB_REF_NAME: String(github.ref_name),
          GITHUB_REF: String(github.ref),
          GITHUB_SHA: String(github.sha),
          GITHUB_JOB: spec.id,
          GITHUB_WORKFLOW: String(github.workflow),
          GITHUB_SERVER_URL: "https://github.com",
          ...(this.options.apiUrl ? { GITHUB_API_URL: this.options.apiUrl } : {}),
        };
        let ok: boolean;
        try {
          if (uses) {
            ok = await this.runUses(lib, uses, record, { workspace, temp, processEnv, withContexts, spec });
          } else {
            const substitute = this.substituteFor(spec, name);
            record.substituted = substitute !== undefined;
            const script = substitute ?? asString(lib, step.run, withContexts);
            ok = await this.runProcess(
              record,
              "bash",
              ["-e", await scriptFile(temp, index, script)],
              workspace,
              processEnv,
            );
          }
        } catch (error) {
          record.stderr += `\n${(error as Error).message}`;
          ok = false;
        }
        const [output, summary, envFile] = await Promise.all(
          [files.GITHUB_OUTPUT, files.GITHUB_STEP_SUMMARY, files.GITHUB_ENV].map((file) =>
            readFile(file, "utf8"),
          ),
        );
        record.outputs = { ...record.outputs, ...parseCommandFile(output!) };
        record.summary = summary!;
        Object.assign(added, parseCommandFile(envFile!));
        record.outcome = ok ? "success" : "failure";
        const continueOnError = step["continue-on-error"];
        const tolerated =
          continueOnError === true ||
          (continueOnError &&
            typeof continueOnError === "object" &&
            asString(lib, continueOnError, withContexts) === "true");
        record.conclusion = ok || tolerated ? "success" : "failure";
        if (record.conclusion === "failure") failed = true;
      }
      if (record.id) {
        stepsContext[record.id] = {
          outcome: record.outcome,
          conclusion: record.conclusion,
          outputs: record.outputs,
        };
      }
    }
    const outputsContexts = { ...contexts, steps: stepsContext, env: { ...jobEnv, ...added } };
    const outputs: Record<string, string> = {};
    if (spec.job.outputs) {
      for (const pair of spec.job.outputs)
        outputs[String(pair.key.value)] = asString(lib, pair.value, outputsContexts);
    }
    const wallMs = performance.now() - started;
    return {
      id: spec.id,
      name: spec.name,
      matrix: spec.matrix,
      attempt: spec.attempt,
      conclusion: failed ? "failure" : "success",
      started: true,
      steps,
      outputs,
      wallMs,
      billedMinutes: Math.max(1, Math.ceil(wallMs / 60_000)),
    };
  }

  private substituteFor(spec: { substitutes: Map<string, string>; used: Set<string> }, name: string) {
    const substitute = spec.substitutes.get(name);
    if (substitute !== undefined) spec.used.add(name);
    return substitute;
  }

  private async runProcess(
    record: StepRecord,
    command: string,
    args: string[],
    cwd: string,
    env: Record<string, string | undefined>,
  ): Promise<boolean> {
    const child = spawn(command, args, {
      cwd,
      env: Object.fromEntries(
        Object.entries(env).filter(([, value]) => value !== undefined),
      ) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (record.stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (record.stderr += chunk));
    const code = await new Promise<number | null>((done, fail) => {
      child.on("error", fail);
      child.on("close", done);
    });
    return code === 0;
  }

  private async runUses(
    lib: Expressions,
    uses: string,
    record: StepRecord,
    at: {
      workspace: string;
      temp: string;
      processEnv: Record<string, string | undefined>;
      withContexts: Contexts;
      spec: { runId: number; attempt: number };
    },
  ): Promise<boolean> {
    if (uses.startsWith("./")) return this.runLocalAction(lib, uses, record, at);
    const [action] = uses.split("@");
    const inputs = record.with;
    switch (action) {
      case "actions/checkout":
        return this.checkout(at.workspace, inputs);
      // actions/setup-node puts the requested Node.js on the PATH for `run:` steps; a node24 action runs on the
      // runner's own Node 24 whatever it sets up, so this stand-in only records the version asked for.
      case "actions/setup-node":
        record.outputs["node-version"] = inputs["node-version"] ?? "";
        return true;
      case "actions/upload-artifact":
        return this.uploadArtifact(record, at, inputs);
      case "actions/download-artifact":
        return this.downloadArtifact(record, at, inputs);
      case "aws-actions/configure-aws-credentials":
        return this.configureAws(record, at, inputs);
      default:
        throw new Error(
          `the harness has no stand-in for uses: ${uses}: add one to test/support/workflow-harness.ts`,
        );
    }
  }

  /** As the runner runs a node action: action.yml's inputs (with their defaults) as INPUT_*, `runs.main` on node. */
  private async runLocalAction(
    lib: Expressions,
    uses: string,
    record: StepRecord,
    at: { workspace: string; processEnv: Record<string, string | undefined>; withContexts: Contexts },
  ): Promise<boolean> {
    const dir = resolve(at.workspace, uses);
    const manifest = ["action.yml", "action.yaml"]
      .map((file) => join(dir, file))
      .find((file) => existsSync(file));
    if (!manifest)
      throw new Error(`${uses}: no action.yml in the workspace (did checkout run, and sparsely?)`);
    const action = parse(await readFile(manifest, "utf8")) as {
      inputs?: Record<string, { default?: unknown }>;
      runs: { using: string; main: string };
    };
    if (!/^node\d+$/.test(action.runs.using))
      throw new Error(`${uses}: runs.using ${action.runs.using} is not a node action`);
    const env = { ...at.processEnv };
    for (const [name, spec] of Object.entries(action.inputs ?? {})) {
      if (spec?.default === undefined || spec.default === null) continue;
      const text = String(spec.default);
      const expression = /^\$\{\{([\s\S]*)\}\}$/.exec(text.trim())?.[1];
      env[inputVariable(name)] = expression
        ? evaluateExpression(lib, expression, at.withContexts).coerceString()
        : text;
    }
    for (const [name, value] of Object.entries(record.with)) env[inputVariable(name)] = value;
    return this.runProcess(record, this.options.node, [resolve(dir, action.runs.main)], at.workspace, env);
  }

  /**
   * actions/checkout stand-in: the repository's tracked files into the workspace. Its README: "sparse-checkout: Do a
   * sparse checkout on given patterns. Each pattern should be separated with new lines." and "sparse-checkout-cone-mode
   * … Default: true": in cone mode the listed folders and the files at the root. dist/ is the bundle built from the
   * current sources, not the committed one.
   */
  private async checkout(workspace: string, inputs: Record<string, string>): Promise<boolean> {
    const folders = (inputs["sparse-checkout"] ?? "")
      .split("\n")
      .map((line) => line.trim().replace(/\/$/, ""))
      .filter(Boolean);
    const wanted = (file: string) =>
      folders.length === 0 || !file.includes("/") || folders.some((folder) => file.startsWith(`${folder}/`));
    const files = (await trackedFiles()).filter(wanted);
    const dist = files.some((file) => file.startsWith("dist/"));
    const copied = files.filter((file) => !file.startsWith("dist/") && existsSync(join(this.source, file)));
    await Promise.all(
      [...new Set(copied.map((file) => dirname(join(workspace, file))))].map((dir) =>
        mkdir(dir, { recursive: true }),
      ),
    );
    await Promise.all(copied.map((file) => cp(join(this.source, file), join(workspace, file))));
    if (dist) await symlink(this.options.dist, join(workspace, "dist"), "dir");
    return true;
  }

  /**
   * actions/upload-artifact stand-in (v4 and later). Its docs/MIGRATION.md: "In v4, Artifacts are immutable (unless
   * deleted). So you must change each of the uploaded Artifacts to have a different name"; a second upload of a name
   * fails as the service answers it ("(409) Conflict: an artifact with this name already exists on the workflow
   * run"). `if-no-files-found`: warn (the default), error or ignore. The artifact records the attempt that made it.
   */
  private async uploadArtifact(
    record: StepRecord,
    at: { workspace: string; spec: { runId: number; attempt: number } },
    inputs: Record<string, string>,
  ): Promise<boolean> {
    const name = inputs.name || "artifact";
    const stored = this.artifacts.get(at.spec.runId) ?? [];
    this.artifacts.set(at.spec.runId, stored);
    if (stored.some((artifact) => artifact.name === name)) {
      record.stderr += `Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run (${name})\n`;
      return false;
    }
    const path = resolve(at.workspace, inputs.path ?? "");
    const files = existsSync(path) ? await listAll(path) : [];
    if (files.length === 0) {
      const policy = inputs["if-no-files-found"] || "warn";
      record.stdout += `No files were found with the provided path: ${inputs.path}. No artifacts will be uploaded.\n`;
      return policy !== "error";
    }
    const dir = await this.scratch("artifact-");
    if ((await stat(path)).isDirectory()) await cp(path, dir, { recursive: true });
    else await cp(path, join(dir, relative(dirname(path), path)));
    const retention = inputs["retention-days"];
    stored.push({
      name,
      attempt: at.spec.attempt,
      dir,
      retentionDays: retention ? Number(retention) : undefined,
    });
    record.outputs["artifact-id"] = String(stored.length);
    return true;
  }

  /**
   * actions/download-artifact stand-in (v4 and later): by `name`, or by `pattern` (each into `path/<name>`, or all into
   * `path` with `merge-multiple`); which attempts it sees is `downloadable()`'s rule. A name not found fails, as the
   * action does ("Unable to download artifact(s): Artifact not found for name").
   */
  private async downloadArtifact(
    record: StepRecord,
    at: { workspace: string; spec: { runId: number; attempt: number } },
    inputs: Record<string, string>,
  ): Promise<boolean> {
    const withToken = Boolean(inputs["github-token"]) && Boolean(inputs["run-id"]);
    const runId = inputs["run-id"] ? Number(inputs["run-id"]) : at.spec.runId;
    const found = this.downloadable(runId, at.spec.attempt, {
      name: inputs.name || undefined,
      pattern: inputs.pattern || undefined,
      withToken,
    });
    const path = resolve(at.workspace, inputs.path || ".");
    if (inputs.name && found.length === 0) {
      record.stderr += `Unable to download artifact(s): Artifact not found for name: ${inputs.name}\n`;
      return false;
    }
    record.outputs["download-path"] = path;
    record.stdout += `Found ${found.length} artifact(s): ${found.map((a) => `${a.name} (attempt ${a.attempt})`).join(", ")}\n`;
    for (const artifact of found) {
      const into = inputs.name || inputs["merge-multiple"] === "true" ? path : join(path, artifact.name);
      await mkdir(into, { recursive: true });
      await cp(artifact.dir, into, { recursive: true });
    }
    return true;
  }

  /**
   * aws-actions/configure-aws-credentials stand-in. Its README: the action "implements the AWS JavaScript SDK
   * credential resolution chain and exports session environment variables for your other Actions to use" —
   * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN of the role session, and the region (AWS_REGION,
   * AWS_DEFAULT_REGION) — for the later steps of the job.
   */
  private async configureAws(
    record: StepRecord,
    at: { processEnv: Record<string, string | undefined> },
    inputs: Record<string, string>,
  ): Promise<boolean> {
    const session = this.options.awsSession;
    if (!session)
      throw new Error("configure-aws-credentials: the harness was given no awsSession to hand out");
    if (!inputs["role-to-assume"]) throw new Error("configure-aws-credentials: role-to-assume is empty");
    const exported = {
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken,
      AWS_REGION: inputs["aws-region"] ?? "",
      AWS_DEFAULT_REGION: inputs["aws-region"] ?? "",
    };
    await writeFile(
      at.processEnv.GITHUB_ENV!,
      Object.entries(exported)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(""),
    );
    record.outputs["aws-account-id"] = "123456789012";
    return true;
  }
}

// ---- helpers ----

/** Dispatch inputs typed as declared: boolean and number inputs are booleans and numbers in `inputs`. */
function dispatchInputs(template: any, given: Record<string, unknown>) {
  const declared = (template.events?.workflow_dispatch?.inputs ?? {}) as Record<
    string,
    { type?: string; default?: unknown }
  >;
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = name in given ? given[name] : spec.default;
    inputs[name] =
      spec.type === "boolean"
        ? value === true || value === "true"
        : spec.type === "number"
          ? value === undefined || value === ""
            ? null
            : Number(value)
          : value === undefined
            ? ""
            : String(value);
  }
  for (const name of Object.keys(given)) {
    if (!(name in declared))
      throw new Error(`input ${name} is not declared by the workflow's workflow_dispatch`);
  }
  return inputs;
}

function envOf(lib: Expressions, token: Token, contexts: Contexts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of token) env[String(pair.key.value)] = asString(lib, pair.value, contexts);
  return env;
}

function numberOf(lib: Expressions, token: Token, contexts: Contexts): number | undefined {
  if (!token) return undefined;
  return Number(evaluateToken(lib, token, contexts));
}

/** needs.<job>.result of a job, or of a matrix's legs: failure if one failed, success if one succeeded, else skipped. */
function aggregate(legs: JobRecord[]): { result: Conclusion; outputs: Record<string, string> } {
  const result: Conclusion = legs.some((leg) => leg.conclusion === "failure")
    ? "failure"
    : legs.some((leg) => leg.conclusion === "success")
      ? "success"
      : "skipped";
  // With a matrix, the outputs are those of the last leg that set them.
  return { result, outputs: Object.assign({}, ...legs.map((leg) => leg.outputs)) };
}

/**
 * A matrix's combinations: the product of its keys, less `exclude`, with `include` extending the combinations it
 * matches or added as its own.
 */
export function expandMatrix(matrix: Record<string, unknown>): Array<Record<string, unknown>> {
  const { include, exclude, ...keys } = matrix as {
    include?: Array<Record<string, unknown>>;
    exclude?: Array<Record<string, unknown>>;
  } & Record<string, unknown[]>;
  let combos: Array<Record<string, unknown>> = Object.keys(keys).length ? [{}] : [];
  for (const [key, values] of Object.entries(keys)) {
    combos = combos.flatMap((combo) => (values as unknown[]).map((value) => ({ ...combo, [key]: value })));
  }
  const matches = (combo: Record<string, unknown>, partial: Record<string, unknown>) =>
    Object.entries(partial).every(([key, value]) => !(key in keys) || combo[key] === value);
  combos = combos.filter((combo) => !(exclude ?? []).some((partial) => matches(combo, partial)));
  for (const extra of include ?? []) {
    const targets = combos.filter((combo) => Object.keys(keys).length > 0 && matches(combo, extra));
    if (targets.length > 0) for (const combo of targets) Object.assign(combo, extra);
    else combos.push({ ...extra });
  }
  return combos;
}

async function commandFiles(folder: string, index: number) {
  const files = {
    GITHUB_OUTPUT: join(folder, `output-${index}`),
    GITHUB_STEP_SUMMARY: join(folder, `summary-${index}.md`),
    GITHUB_ENV: join(folder, `env-${index}`),
    GITHUB_STATE: join(folder, `state-${index}`),
    GITHUB_PATH: join(folder, `path-${index}`),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, "")));
  return files;
}

async function scriptFile(temp: string, index: number, script: string): Promise<string> {
  const file = join(temp, `step-${index}.sh`);
  await writeFile(file, script);
  return file;
}

async function listAll(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const exact = (name: string) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
/** download-artifact's `pattern` is a glob (minimatch); `*` and `?` are what the workflows here use. */
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );

// ---- concurrency: the group's queue ----

export interface ConcurrencySetting {
  group: string;
  cancelInProgress: boolean;
  queue: "single" | "max";
}

/** The workflow's `concurrency` block for a run, its group evaluated (github, inputs, vars). */
export async function concurrencyOf(
  source: string,
  workflow: string,
  contexts: { event: string; vars?: Record<string, string>; inputs?: Record<string, unknown> },
): Promise<ConcurrencySetting | undefined> {
  const lib = await loadWorkflowParser();
  const content = await readFile(join(source, workflow), "utf8");
  const parsed = lib.parseWorkflow({ name: workflow, content }, new lib.NoOperationTraceWriter());
  const token = parsed.value.find("concurrency");
  if (!token) return undefined;
  const value = evaluateToken(lib, token, {
    github: { event_name: contexts.event, workflow: workflow.split("/").pop() },
    vars: contexts.vars ?? {},
    inputs: contexts.inputs ?? {},
  });
  const block = typeof value === "string" ? { group: value } : (value as Record<string, unknown>);
  return {
    group: String(block.group),
    cancelInProgress: block["cancel-in-progress"] === true || block["cancel-in-progress"] === "true",
    queue: block.queue === "max" ? "max" : "single",
  };
}

/**
 * One concurrency group's queue, as GitHub's documentation describes it (docs.github.com, "Control the concurrency
 * of workflows and jobs"): "When a concurrent job or workflow is queued, if another job or workflow using the same
 * concurrency group in the repository is in progress, the queued job or workflow will be pending. By default, any
 * existing pending job or workflow in the same concurrency group will be canceled and the new queued job or
 * workflow will take its place." With `queue`: "single (default): At most one job or workflow run can be pending in
 * the concurrency group" and "max: Up to 100 job or workflow runs can be pending in the concurrency group. When the
 * queue is full, additional job or workflow runs are canceled." `cancel-in-progress: true` also cancels the running
 * one. Pending runs start in the order they began waiting (first in, first out).
 */
export class ConcurrencyGroup {
  running: string | undefined;
  readonly pending: string[] = [];
  readonly cancelled: string[] = [];
  readonly started: string[] = [];

  constructor(readonly setting: ConcurrencySetting) {}

  /** A run of this group is queued. */
  queue(run: string): void {
    if (this.running !== undefined && this.setting.cancelInProgress) {
      this.cancelled.push(this.running);
      this.running = undefined;
    }
    if (this.running === undefined) {
      this.start(run);
      return;
    }
    if (this.setting.queue === "max") {
      if (this.pending.length >= 100) this.cancelled.push(run);
      else this.pending.push(run);
      return;
    }
    this.cancelled.push(...this.pending.splice(0));
    this.pending.push(run);
  }

  /** The running run finished: the oldest pending one starts. */
  finish(): void {
    this.running = undefined;
    const next = this.pending.shift();
    if (next !== undefined) this.start(next);
  }

  private start(run: string): void {
    this.running = run;
    this.started.push(run);
  }
}
