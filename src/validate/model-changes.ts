import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { errorMessage } from "../errors.ts";
import { compileModel } from "../models/compile.ts";
import { readProject, type Project } from "../models/project.ts";
import type { Dialect } from "../warehouse/warehouse.ts";

export type ModelChangeKind =
  "added" | "removed" | "changed" | "unchanged" | "base does not compile" | "does not compile";

export interface ModelChange {
  /** The model's name: models are matched by name, so a moved file is the same model. */
  model: string;
  /** Its file in the head project (the base's for a removed model), relative to the project root. */
  path: string;
  change: ModelChangeKind;
  /** For a changed model: a unified diff of the compiled SQL, base to head. */
  diff?: string;
  /** Why the base's (or the head's) model did not compile. */
  error?: string;
}

export interface ModelChanges {
  dialect: Dialect;
  /** Every model of either project, by name. */
  models: ModelChange[];
  /** Set when the base project could not be read at all: every head model is then "base does not compile". */
  baseError?: string;
}

type Compiled = Map<string, { path: string; sql?: string; error?: string }>;

function compileAll(project: Project, dialect: Dialect): Compiled {
  const out: Compiled = new Map();
  for (const model of project.models.values()) {
    try {
      out.set(model.name, { path: model.path, sql: compileModel(project, model, { dialect }).sql });
    } catch (error) {
      out.set(model.name, { path: model.path, error: errorMessage(error) });
    }
  }
  return out;
}

/**
 * Compiles every model of the base project (a folder) and of the head project for `dialect` and says, per model,
 * whether its compiled SQL was added, removed, changed (with a unified diff) or left as it was. A base that cannot
 * be read, or a base model that does not compile, is reported as "base does not compile", never thrown.
 */
export async function compiledModelChanges(
  baseProjectDir: string,
  headProject: Project | string,
  dialect: Dialect = "snowflake",
): Promise<ModelChanges> {
  const head = typeof headProject === "string" ? await readProject(headProject) : headProject;
  const headModels = compileAll(head, dialect);
  let baseModels: Compiled;
  try {
    baseModels = compileAll(await readProject(baseProjectDir), dialect);
  } catch (error) {
    const baseError = errorMessage(error);
    return {
      dialect,
      baseError,
      models: [...headModels]
        .map(([model, { path }]): ModelChange => ({
          model,
          path,
          change: "base does not compile",
          error: baseError,
        }))
        .sort(byName),
    };
  }
  const models: ModelChange[] = [];
  for (const [model, now] of headModels) {
    const before = baseModels.get(model);
    if (now.error !== undefined)
      models.push({ model, path: now.path, change: "does not compile", error: now.error });
    else if (!before) models.push({ model, path: now.path, change: "added" });
    else if (before.error !== undefined)
      models.push({ model, path: now.path, change: "base does not compile", error: before.error });
    else if (before.sql === now.sql) models.push({ model, path: now.path, change: "unchanged" });
    else
      models.push({
        model,
        path: now.path,
        change: "changed",
        diff: unifiedDiff(before.sql!, now.sql!, `a/${before.path}`, `b/${now.path}`),
      });
  }
  for (const [model, before] of baseModels)
    if (!headModels.has(model)) models.push({ model, path: before.path, change: "removed" });
  return { dialect, models: models.sort(byName) };
}

function byName(a: ModelChange, b: ModelChange): number {
  return a.model < b.model ? -1 : a.model > b.model ? 1 : 0;
}

// ----- a line diff

type Edit = { op: " " | "-" | "+"; line: string };

/** Above this many cells the middle of the diff is shown as all removed then all added: still right, less tidy. */
const MAX_LCS_CELLS = 4_000_000;

function lineEdits(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const edits: Edit[] = a.slice(0, start).map((line) => ({ op: " ", line }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_LCS_CELLS) {
    edits.push(
      ...midA.map((line): Edit => ({ op: "-", line })),
      ...midB.map((line): Edit => ({ op: "+", line })),
    );
  } else {
    // lcs[i][j]: the longest common subsequence of midA[i..] and midB[j..].
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i * width + j] =
          midA[i] === midB[j]
            ? lcs[(i + 1) * width + j + 1]! + 1
            : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        edits.push({ op: " ", line: midA[i]! });
        i++;
        j++;
      } else if (j < m && (i === n || lcs[i * width + j + 1]! >= lcs[(i + 1) * width + j]!)) {
        edits.push({ op: "+", line: midB[j++]! });
      } else {
        edits.push({ op: "-", line: midA[i++]! });
      }
    }
    // Within a run of changes, removals first, as diff(1) shows them.
    for (let k = start; k < edits.length;) {
      if (edits[k]!.op === " ") {
        k++;
        continue;
      }
      let end = k;
      while (end < edits.length && edits[end]!.op !== " ") end++;
      const run = edits.slice(k, end);
      edits.splice(k, run.length, ...run.filter((e) => e.op === "-"), ...run.filter((e) => e.op === "+"));
      k = end;
    }
  }
  edits.push(...a.slice(endA).map((line): Edit => ({ op: " ", line })));
  return edits;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");
}

/** A unified diff (`---`, `+++`, `@@` hunks with `context` lines around each change); "" when the texts are equal. */
export function unifiedDiff(
  before: string,
  after: string,
  fromName: string,
  toName: string,
  context = 3,
): string {
  const edits = lineEdits(splitLines(before), splitLines(after));
  const changed = edits.map((e, k) => (e.op === " " ? -1 : k)).filter((k) => k >= 0);
  if (changed.length === 0) return "";
  // Hunks: ranges of edits, changes closer than 2 × context joined.
  const hunks: Array<[number, number]> = [];
  for (const k of changed) {
    const from = Math.max(0, k - context);
    const to = Math.min(edits.length, k + context + 1);
    const last = hunks.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  // Line numbers of the edit at index k, in the old and the new text.
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let o = 1;
  let n = 1;
  for (const e of edits) {
    oldLine.push(o);
    newLine.push(n);
    if (e.op !== "+") o++;
    if (e.op !== "-") n++;
  }
  for (const [from, to] of hunks) {
    const slice = edits.slice(from, to);
    const oldCount = slice.filter((e) => e.op !== "+").length;
    const newCount = slice.filter((e) => e.op !== "-").length;
    const range = (startLine: number, count: number) =>
      count === 0 ? `${startLine - 1},0` : count === 1 ? `${startLine}` : `${startLine},${count}`;
    out.push(`@@ -${range(oldLine[from]!, oldCount)} +${range(newLine[from]!, newCount)} @@`);
    for (const e of slice) out.push(`${e.op}${e.line}`);
  }
  return out.join("\n") + "\n";
}

// ----- the base from git

export type BaseProject =
  { dir: string; commit: string; cleanup: () => Promise<void> } | { unavailable: string };

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      "git",
      args,
      { cwd, env, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const said = stderr.toString("utf8").trim().split("\n")[0];
          reject(new Error(said || error.message));
        } else resolvePromise(stdout);
      },
    );
  });
}

/**
 * The pull request's base project: `projectDir` as it is at `HEAD^1`, the first parent of the merge commit
 * actions/checkout checks out for a pull_request event (its base branch's tip; the checkout needs
 * `fetch-depth: 2`). Written to a temporary folder under `tempRoot`; `cleanup` removes it. Outside a pull request,
 * without git, in a shallow clone of depth 1 or when the base has no such folder, says why in one line instead.
 */
export async function baseProjectFromGit(options: {
  projectDir: string;
  workspace: string;
  eventName: string | undefined;
  tempRoot?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<BaseProject> {
  if (!/^pull_request(_target)?$/.test(options.eventName ?? ""))
    return { unavailable: "not a pull_request event: there is no base to compare with" };
  const workspace = resolve(options.workspace);
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    // Never look for a repository above the workspace, nor take one from the environment.
    GIT_CEILING_DIRECTORIES: dirname(workspace),
    GIT_DIR: undefined,
    GIT_WORK_TREE: undefined,
    GIT_INDEX_FILE: undefined,
    GIT_TERMINAL_PROMPT: "0",
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const cwd = options.projectDir.startsWith(workspace) ? options.projectDir : workspace;
  let top: string;
  try {
    top = (await git(cwd, ["rev-parse", "--show-toplevel"], env)).toString("utf8").trim();
  } catch (error) {
    return { unavailable: `no git repository in the workspace (${errorMessage(error)})` };
  }
  let commit: string;
  try {
    commit = (await git(top, ["rev-parse", "--verify", "--quiet", "HEAD^1^{commit}"], env))
      .toString("utf8")
      .trim();
  } catch {
    return {
      unavailable:
        "HEAD has no parent commit here (a shallow clone of depth 1? actions/checkout needs fetch-depth: 2)",
    };
  }
  const inRepo = relative(top, resolve(options.projectDir)).split("\\").join("/");
  if (inRepo.startsWith("..") || isAbsolute(inRepo))
    return { unavailable: `the project ${options.projectDir} is outside the git repository ${top}` };
  let listing: string;
  try {
    listing = (
      await git(top, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", inRepo || "."], env)
    ).toString("utf8");
  } catch (error) {
    return { unavailable: `the base commit's files could not be listed (${errorMessage(error)})` };
  }
  const blobs = listing
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const tab = entry.indexOf("\t");
      const [, type, sha] = entry.slice(0, tab).split(" ");
      return { type, sha: sha!, path: entry.slice(tab + 1) };
    })
    .filter((e) => e.type === "blob");
  if (blobs.length === 0)
    return { unavailable: `the base commit ${commit.slice(0, 12)} has no ${inRepo || "project"} folder` };
  const root = await mkdtemp(join(options.tempRoot ?? tmpdir(), "base-project-"));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    for (const blob of blobs) {
      const inProject = inRepo ? blob.path.slice(inRepo.length + 1) : blob.path;
      const file = join(root, inProject);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, await git(top, ["cat-file", "blob", blob.sha], env));
    }
  } catch (error) {
    await cleanup();
    return { unavailable: `the base commit's project could not be read (${errorMessage(error)})` };
  }
  return { dir: root, commit, cleanup };
}
