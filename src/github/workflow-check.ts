import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parse,
  parseDocument,
  visit,
  type Node as YamlNode,
} from "yaml";

/**
 * Checks the repository's GitHub workflows and action manifests the way GitHub reads them:
 * `@actions/languageservice` (GitHub's own parser and schema: expressions, unknown keys, `node24`), plus the
 * project's own rules for action manifests and a check that every `with:` on a step that uses an action of
 * this repository matches that action's declared inputs (the language service skips local `./` actions).
 */

export interface WorkflowFinding {
  /** Relative to the checked root, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  severity: "error" | "warning";
  message: string;
}

export interface WorkflowCheckOptions {
  /**
   * Where `uses: ./<path>` resolves, and where `uses: <repository>/<path>@<ref>` resolves when `repository` is
   * given (the workflows `init` writes into another repository refer to this package's actions that way).
   * Default: the checked root.
   */
  actionsRoot?: string;
  /** owner/name whose action references resolve into `actionsRoot`. */
  repository?: string;
}

export function formatFinding(finding: WorkflowFinding): string {
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.severity}: ${finding.message}`;
}

/** The files checked under `root`: every workflow, the root action.yml and every actions/<name>/action.yml. */
export function workflowFiles(root: string): { workflows: string[]; actions: string[] } {
  const list = (dir: string, pattern: RegExp): string[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => pattern.test(name))
          .sort()
          .map((name) => join(dir, name))
      : [];
  const workflows = list(join(root, ".github", "workflows"), /\.ya?ml$/i);
  const actions = [
    ...list(root, /^action\.ya?ml$/i),
    ...(existsSync(join(root, "actions"))
      ? readdirSync(join(root, "actions"), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name)
          .sort()
          .flatMap((name) => list(join(root, "actions", name), /^action\.ya?ml$/i))
      : []),
  ];
  return { workflows, actions };
}

/** Every finding in the workflows and action manifests under `root`, in file order. */
export async function checkWorkflows(
  root: string,
  options: WorkflowCheckOptions = {},
): Promise<WorkflowFinding[]> {
  const { workflows, actions } = workflowFiles(root);
  const findings: WorkflowFinding[] = [];
  for (const file of [...workflows, ...actions]) {
    const text = await readFile(file, "utf8");
    findings.push(...(await checkWorkflowText(root, file, text, options)));
  }
  return findings;
}

/** One file's findings; `file` decides how it is read (a workflow under .github/workflows, or an action.yml). */
export async function checkWorkflowText(
  root: string,
  file: string,
  text: string,
  options: WorkflowCheckOptions = {},
): Promise<WorkflowFinding[]> {
  const path = resolve(root, file);
  const shown = relative(resolve(root), path).split("\\").join("/");
  const isAction = /(^|[\\/])action\.ya?ml$/i.test(path) && !/[\\/]\.github[\\/]workflows[\\/]/.test(path);
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  const at = (node: YamlNode | undefined, severity: WorkflowFinding["severity"], message: string) => {
    const position = lines.linePos(node?.range?.[0] ?? 0);
    return { file: shown, line: position.line, column: position.col, severity, message };
  };

  const findings: WorkflowFinding[] = (await languageServiceFindings(path, text)).map((finding) => ({
    ...finding,
    file: shown,
  }));
  if (document.errors.length > 0) return sortFindings(findings);
  const actionsRoot = resolve(options.actionsRoot ?? root);
  findings.push(...localActionFindings(document.contents, at, actionsRoot, options.repository));
  if (isAction) findings.push(...actionManifestFindings(document.contents, at, actionsRoot, path));
  return sortFindings(dedupe(findings));
}

function sortFindings(findings: WorkflowFinding[]): WorkflowFinding[] {
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The language service and the manifest rules sometimes say the same thing about the same spot. */
function dedupe(findings: WorkflowFinding[]): WorkflowFinding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = formatFinding(finding);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type At = (
  node: YamlNode | undefined,
  severity: WorkflowFinding["severity"],
  message: string,
) => WorkflowFinding;

function entry(map: unknown, key: string): { key: YamlNode | undefined; value: unknown } | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) {
      return { key: pair.key as YamlNode, value: pair.value };
    }
  }
  return undefined;
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

interface ActionInputSpec {
  required: boolean;
  hasDefault: boolean;
}

/** The action manifest a `uses:` value points at in this repository, or why there is none. */
function localActionDir(
  uses: string,
  actionsRoot: string,
  repository: string | undefined,
): string | undefined {
  if (uses.startsWith("./")) return join(actionsRoot, uses.slice(2));
  if (repository) {
    const prefix = `${repository.toLowerCase()}/`;
    const [reference] = uses.split("@");
    if (reference && uses.includes("@") && reference.toLowerCase().startsWith(prefix)) {
      return join(actionsRoot, reference.slice(prefix.length));
    }
    if (reference?.toLowerCase() === repository.toLowerCase() && uses.includes("@")) return actionsRoot;
  }
  return undefined;
}

interface LocalAction {
  inputs: Map<string, ActionInputSpec>;
  outputs: Set<string>;
}

function readLocalAction(dir: string): LocalAction | string {
  const manifest = ["action.yml", "action.yaml"]
    .map((name) => join(dir, name))
    .find((path) => existsSync(path));
  if (!manifest) return "no action.yml";
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(manifest, "utf8"));
  } catch (error) {
    return `its action.yml does not parse: ${(error as Error).message.split("\n")[0]}`;
  }
  const inputs = new Map<string, ActionInputSpec>();
  const { inputs: declared, outputs } = (parsed ?? {}) as { inputs?: unknown; outputs?: unknown };
  if (declared && typeof declared === "object") {
    for (const [name, spec] of Object.entries(declared as Record<string, unknown>)) {
      const input = (spec ?? {}) as { required?: unknown; default?: unknown };
      inputs.set(name.toLowerCase(), {
        required: input.required === true || input.required === "true",
        hasDefault: input.default !== undefined && input.default !== null,
      });
    }
  }
  const outputNames = outputs && typeof outputs === "object" ? Object.keys(outputs) : [];
  return { inputs, outputs: new Set(outputNames.map((name) => name.toLowerCase())) };
}

/** Each job's steps (workflow jobs, or a composite action's runs.steps), with the job's node for its text. */
function stepGroups(contents: unknown): { job: unknown; steps: unknown[] }[] {
  const groups: { job: unknown; steps: unknown[] }[] = [];
  const jobs = entry(contents, "jobs")?.value;
  if (isMap(jobs)) {
    for (const pair of jobs.items) {
      const jobSteps = entry(pair.value, "steps")?.value;
      if (isSeq(jobSteps)) groups.push({ job: pair.value, steps: jobSteps.items });
    }
  }
  const runs = entry(contents, "runs")?.value;
  const runsSteps = entry(runs, "steps")?.value;
  if (isSeq(runsSteps)) groups.push({ job: runs, steps: runsSteps.items });
  return groups;
}

function localActionFindings(
  contents: unknown,
  at: At,
  actionsRoot: string,
  repository: string | undefined,
): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  for (const group of stepGroups(contents)) {
    const outputsOf = new Map<string, { reference: string; outputs: Set<string> }>();
    for (const step of group.steps) {
      const uses = entry(step, "uses");
      const reference = scalarString(uses?.value);
      if (!uses || !reference) continue;
      const dir = localActionDir(reference, actionsRoot, repository);
      if (!dir) continue;
      const action = readLocalAction(dir);
      if (typeof action === "string") {
        const shownDir = relative(actionsRoot, dir).split("\\").join("/") || ".";
        findings.push(at(uses.value as YamlNode, "error", `uses: ${reference}: ${action} in ${shownDir}/`));
        continue;
      }
      findings.push(...inputFindings(step, uses.value as YamlNode, reference, action, at));
      const id = scalarString(entry(step, "id")?.value);
      if (id) outputsOf.set(id.toLowerCase(), { reference, outputs: action.outputs });
    }
    findings.push(...outputReferenceFindings(group.job, outputsOf, at));
  }
  return findings;
}

function inputFindings(
  step: unknown,
  usesNode: YamlNode,
  reference: string,
  action: LocalAction,
  at: At,
): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const withEntry = entry(step, "with");
  const given = new Set<string>();
  if (withEntry && isMap(withEntry.value)) {
    for (const pair of withEntry.value.items) {
      const name = scalarString(pair.key);
      if (name === undefined) continue;
      given.add(name.toLowerCase());
      if (!action.inputs.has(name.toLowerCase())) {
        const known = [...action.inputs.keys()].join(", ") || "none";
        findings.push(
          at(pair.key as YamlNode, "error", `${reference} has no input '${name}' (its inputs: ${known})`),
        );
      }
    }
  }
  const missing = [...action.inputs.entries()]
    .filter(([name, spec]) => spec.required && !spec.hasDefault && !given.has(name))
    .map(([name]) => name);
  if (missing.length > 0) {
    findings.push(
      at(
        withEntry?.key ?? usesNode,
        "error",
        `${reference}: missing required input${missing.length > 1 ? "s" : ""} ${missing.map((name) => `'${name}'`).join(", ")}`,
      ),
    );
  }
  return findings;
}

/** `steps.<id>.outputs.<name>` anywhere in the job, where step <id> runs a local action that has no such output. */
function outputReferenceFindings(
  job: unknown,
  outputsOf: Map<string, { reference: string; outputs: Set<string> }>,
  at: At,
): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  if (outputsOf.size === 0) return findings;
  visit(job as YamlNode, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      for (const match of node.value.matchAll(/\bsteps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)/g)) {
        const step = outputsOf.get(match[1]!.toLowerCase());
        if (step && !step.outputs.has(match[2]!.toLowerCase())) {
          const known = [...step.outputs].join(", ") || "none";
          findings.push(
            at(
              node,
              "error",
              `steps.${match[1]}.outputs.${match[2]}: ${step.reference} has no output '${match[2]}' (its outputs: ${known})`,
            ),
          );
        }
      }
    },
  });
  return findings;
}

/** The project's rules for its own action manifests (the schema allows older runtimes and omits descriptions). */
function actionManifestFindings(
  contents: unknown,
  at: At,
  actionsRoot: string,
  path: string,
): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  for (const key of ["name", "description"]) {
    const value = entry(contents, key);
    if (!scalarString(value?.value)?.trim()) {
      findings.push(
        at((value?.key ?? contents) as YamlNode, "error", `action.yml needs a non-empty '${key}'`),
      );
    }
  }
  const runs = entry(contents, "runs");
  if (!runs || !isMap(runs.value)) {
    findings.push(
      at((runs?.key ?? contents) as YamlNode, "error", "action.yml needs 'runs' with using and main"),
    );
  } else {
    const using = entry(runs.value, "using");
    const usingValue = scalarString(using?.value);
    if (usingValue !== "node24") {
      findings.push(
        at(
          (using?.value ?? runs.key) as YamlNode,
          "error",
          `runs.using must be node24 (GitHub's runners removed Node 20 in September 2026), not ${JSON.stringify(usingValue ?? null)}`,
        ),
      );
    }
    const main = entry(runs.value, "main");
    const mainValue = scalarString(main?.value);
    const dir = dirname(path);
    const expected =
      resolve(dir) === resolve(actionsRoot)
        ? "dist/main/index.js"
        : `../../dist/${relative(join(actionsRoot, "actions"), dir).split("\\").join("/")}/index.js`;
    if (!mainValue) {
      findings.push(at(runs.key, "error", `runs.main is missing (expected ${expected})`));
    } else if (mainValue !== expected) {
      findings.push(at(main?.value as YamlNode, "error", `runs.main is ${mainValue}, expected ${expected}`));
    }
  }
  for (const section of ["inputs", "outputs"]) {
    const block = entry(contents, section)?.value;
    if (!isMap(block)) continue;
    for (const pair of block.items) {
      const description = scalarString(entry(pair.value, "description")?.value);
      if (!description?.trim()) {
        findings.push(
          at(
            pair.key as YamlNode,
            "error",
            `${section.slice(0, -1)} '${scalarString(pair.key)}' needs a description`,
          ),
        );
      }
    }
  }
  return findings;
}

// ---- @actions/languageservice, bundled once per version ----

interface LanguageServiceDiagnostic {
  message: string;
  severity?: number;
  range: { start: { line: number; character: number } };
}

interface LanguageService {
  validate(document: unknown, config?: unknown): Promise<LanguageServiceDiagnostic[]>;
  TextDocument: { create(uri: string, languageId: string, version: number, content: string): unknown };
}

let languageService: Promise<LanguageService> | undefined;

async function languageServiceFindings(path: string, text: string): Promise<Omit<WorkflowFinding, "file">[]> {
  const service = await loadLanguageService();
  const document = service.TextDocument.create(pathToFileURL(path).href, "yaml", 1, text);
  const diagnostics = await service.validate(document);
  return diagnostics
    .filter((diagnostic) => diagnostic.severity === undefined || diagnostic.severity <= 2)
    .map((diagnostic) => ({
      line: diagnostic.range.start.line + 1,
      column: diagnostic.range.start.character + 1,
      severity: diagnostic.severity === 2 ? "warning" : "error",
      // YAML syntax errors come with a quoted excerpt below the first line; file:line already points there.
      message: diagnostic.message.split("\n")[0]!.replace(/:$/, ""),
    }));
}

function findPackageDir(name: string): string {
  let dir = fileURLToPath(new URL(".", import.meta.url));
  while (true) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `${name} is not installed: run npm ci (it comes with the devDependency @actions/languageservice)`,
      );
    }
    dir = parent;
  }
}

/**
 * `@actions/languageservice` imports its JSON schemas without import attributes, which Node 20 refuses, so it is
 * bundled with esbuild (JSON inlined) into a file under the temp folder named for both versions, and reused.
 */
export function loadLanguageService(): Promise<LanguageService> {
  languageService ??= loadBundledPackage<LanguageService>(
    "@actions/languageservice",
    'export { validate } from "@actions/languageservice";\n' +
      'export { TextDocument } from "vscode-languageserver-textdocument";\n',
  );
  languageService.catch(() => {
    languageService = undefined;
  });
  return languageService;
}

const bundledPackages = new Map<string, Promise<unknown>>();

/**
 * Imports what `exports` (an ES module's source, resolved from the installed package `name`) exports, bundled with
 * esbuild into one file under the temp folder: GitHub's packages (`@actions/languageservice`,
 * `@actions/workflow-parser`) import JSON without import attributes, which Node 20 refuses, so their JSON is
 * inlined. The file is named for the package's and esbuild's versions and the source, and reused.
 */
export function loadBundledPackage<T>(name: string, exports: string): Promise<T> {
  const key = `${name}\n${exports}`;
  let loading = bundledPackages.get(key) as Promise<T> | undefined;
  if (!loading) {
    loading = bundlePackage<T>(name, exports);
    bundledPackages.set(key, loading);
    loading.catch(() => bundledPackages.delete(key));
  }
  return loading;
}

async function bundlePackage<T>(name: string, exports: string): Promise<T> {
  const packageDir = findPackageDir(name);
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    version: string;
  };
  const esbuild = await import("esbuild");
  const source = createHash("sha256").update(exports).digest("hex").slice(0, 12);
  const bundle = join(
    tmpdir(),
    "amplitude-pipeline",
    `${name.replace(/^@/, "").replace(/\//g, "-")}-${version}-esbuild-${esbuild.version}-${source}.mjs`,
  );
  if (!existsSync(bundle)) {
    const result = await esbuild.build({
      stdin: { contents: exports, resolveDir: packageDir, loader: "js" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
      loader: { ".json": "json" },
      banner: {
        js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
      },
      logLevel: "silent",
    });
    const [output] = result.outputFiles;
    if (!output) throw new Error(`esbuild produced no bundle of ${name}`);
    await mkdir(dirname(bundle), { recursive: true });
    // Written aside and renamed: parallel checks never import half a file.
    const partial = `${bundle}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(partial, output.contents);
    await rename(partial, bundle);
  }
  return (await import(pathToFileURL(bundle).href)) as T;
}
