// Bundles each action (src/actions/<name>.ts) into dist/<name>/index.js, with the code they share written once under
// dist/chunks/. `--outdir DIR` builds elsewhere; `--check` builds into a temporary folder and fails when the result
// differs from the committed dist/ in any file (CI's freshness check).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { version: VERSION } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));

/** Every action, in the order of the root action's `command` input; each has src/actions/<name>.ts. */
export const ACTIONS = ["extract", "upload", "provision", "transform", "validate", "plan-backfill", "report"];

/**
 * Packages that stay out of the bundles and are loaded from the workspace's node_modules when used: DuckDB's native
 * library (70 MB) and polyglot's WebAssembly file (22 MB). Each import of one is redirected to a shim that does so
 * (or, for a native checksum, computes it with Node's own).
 */
const FROM_WORKSPACE = {
  "@duckdb/node-api": "src/actions/workspace/duckdb-node-api.ts",
  "@polyglot-sql/sdk": "src/actions/workspace/polyglot-sql-sdk.ts",
  // Not loaded from the workspace: Node's zlib computes the same checksum.
  "@node-rs/crc32": "src/actions/workspace/crc32.ts",
};

/**
 * Workers a module starts with `new Worker(new URL("./<file>", import.meta.url))`: esbuild leaves that URL alone, so
 * the worker is built as an entry of its own beside whichever output holds the module.
 */
const WORKERS = [{ module: "src/amplitude/validation-pool.ts", entry: "src/amplitude/validation-worker.ts" }];

// With splitting the banner heads every chunk, beside whatever a bundled module declares at its top level: the names it
// imports are unique (validation-pool.ts imports createRequire itself), and `__dirname`/`__filename` are defined to
// unique names below, because an ES module may declare its own (the `open` package does). `require` may stay: esbuild
// renames a module's own top-level `require`.
const BANNER = [
  'import { createRequire as __amplitudePipelineCreateRequire } from "node:module";',
  'import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";',
  "const require = __amplitudePipelineCreateRequire(import.meta.url);",
  "const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);",
  'const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));',
].join("\n");

const fromWorkspace = {
  name: "from-workspace",
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(FROM_WORKSPACE).map(escapeRegExp).join("|")})$`);
    build.onResolve({ filter }, (args) => {
      // The shims import their package's types only; a value import from a shim would be a loop.
      if (args.importer.startsWith(join(root, "src", "actions", "workspace"))) return { external: true };
      return { path: join(root, FROM_WORKSPACE[args.path]) };
    });
    build.onResolve({ filter: /\.node$/ }, (args) => ({
      errors: [
        { text: `${args.path}: a native binary cannot go into dist/; load it from the workspace instead` },
      ],
    }));
  },
};

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function entries() {
  const names = ACTIONS.filter((name) => existsSync(join(root, "src", "actions", `${name}.ts`)));
  return [...names, "main"].map((name) => ({ in: `src/actions/${name}.ts`, out: `${name}/index` }));
}

function options(outdir, entryPoints) {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    // The actions run on node24; the tests run them on the Node 20 here too.
    target: "node20",
    chunkNames: "chunks/[name]-[hash]",
    banner: { js: BANNER },
    // Only where a CommonJS module uses them unbound; a module's own declarations keep theirs.
    // The version alone, not package.json: a change to its scripts or dependencies leaves the bundles as they are.
    define: {
      __dirname: "__amplitudePipelineDirname",
      __filename: "__amplitudePipelineFilename",
      AMPLITUDE_PIPELINE_VERSION: JSON.stringify(VERSION),
    },
    plugins: [fromWorkspace],
    metafile: true,
    logLevel: "warning",
    legalComments: "eof",
    charset: "utf8",
  };
}

const toPosix = (path) => path.split(sep).join("/");

/** Builds into `outdir` (emptied first) and returns esbuild's metafile. */
export async function buildActions(outdir) {
  const absolute = resolve(root, outdir);
  await rm(absolute, { recursive: true, force: true });
  let entryPoints = entries();
  // First pass in memory: where does each module that starts a worker land?
  const probe = await esbuild.build({ ...options(absolute, entryPoints), write: false });
  const workerEntries = WORKERS.flatMap((worker) =>
    outputsHolding(probe.metafile, worker.module).map((output) => ({
      in: worker.entry,
      out: toPosix(join(relative(absolute, dirname(output)), basename(worker.entry))),
    })),
  );
  entryPoints = [...entryPoints, ...workerEntries];
  const result = await esbuild.build(options(absolute, entryPoints));
  for (const worker of WORKERS) {
    for (const output of outputsHolding(result.metafile, worker.module)) {
      const file = join(dirname(output), `${basename(worker.entry)}.js`);
      if (!existsSync(file)) throw new Error(`${output} starts ${file}, which was not built`);
    }
  }
  await writeFile(join(absolute, "package.json"), '{ "type": "module" }\n');
  for (const output of Object.keys(result.metafile.outputs)) {
    const check = spawnSync(process.execPath, ["--check", resolve(root, output)], { encoding: "utf8" });
    if (check.status !== 0) throw new Error(`${output} does not parse:\n${check.stderr}`);
  }
  return result.metafile;
}

function basename(entry) {
  return entry.slice(entry.lastIndexOf("/") + 1).replace(/\.ts$/, "");
}

function outputsHolding(metafile, module) {
  return Object.entries(metafile.outputs)
    .filter(([, output]) => Object.keys(output.inputs).includes(module))
    .map(([path]) => resolve(root, path));
}

/** Each entry's size: its own file plus the chunks it imports statically; lazily imported chunks apart. */
export function bundleSizes(metafile) {
  const outputs = metafile.outputs;
  const closure = (start, kinds) => {
    const seen = new Set();
    const visit = (path) => {
      for (const item of outputs[path]?.imports ?? []) {
        if (item.external || !kinds.includes(item.kind) || seen.has(item.path)) continue;
        seen.add(item.path);
        visit(item.path);
      }
    };
    visit(start);
    return seen;
  };
  return Object.entries(outputs)
    .filter(([path, output]) => output.entryPoint?.startsWith("src/actions/") && path.endsWith("/index.js"))
    .map(([path, output]) => {
      const eager = closure(path, ["import-statement"]);
      const all = closure(path, ["import-statement", "dynamic-import"]);
      const sum = (paths) => [...paths].reduce((total, p) => total + outputs[p].bytes, 0);
      return {
        bundle: toPosix(relative(root, resolve(root, path))),
        entry: output.bytes,
        loaded: output.bytes + sum(eager),
        withLazy: output.bytes + sum(all),
      };
    })
    .sort((a, b) => a.bundle.localeCompare(b.bundle));
}

async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => toPosix(relative(dir, join(e.parentPath, e.name))))
    .sort();
}

/** Files that differ between two folders: missing on either side or with other bytes. */
export async function differences(expected, actual) {
  const [left, right] = await Promise.all([listFiles(expected), listFiles(actual)]);
  const problems = [];
  for (const file of left) if (!right.includes(file)) problems.push(`${file}: not built any more`);
  for (const file of right) if (!left.includes(file)) problems.push(`${file}: built but not committed`);
  for (const file of left.filter((f) => right.includes(f))) {
    const [a, b] = await Promise.all([readFile(join(expected, file)), readFile(join(actual, file))]);
    if (!a.equals(b)) problems.push(`${file}: differs`);
  }
  return problems;
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function cli() {
  const { values } = parseArgs({ options: { outdir: { type: "string" }, check: { type: "boolean" } } });
  if (values.check) {
    const temp = await mkdtemp(join(tmpdir(), "dist-check-"));
    try {
      await buildActions(temp);
      const committed = join(root, "dist");
      if (!(await stat(committed).catch(() => null)))
        throw new Error("there is no dist/: run npm run build:actions");
      const problems = await differences(committed, temp);
      if (problems.length > 0) {
        console.error(`dist/ is not what the sources build (run npm run build:actions and commit dist/):`);
        for (const problem of problems) console.error(`  ${problem}`);
        process.exitCode = 1;
      } else console.log("dist/ is what the sources build");
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    return;
  }
  const outdir = values.outdir ?? "dist";
  await mkdir(resolve(root, outdir), { recursive: true });
  const metafile = await buildActions(outdir);
  for (const size of bundleSizes(metafile)) {
    console.log(
      `${size.bundle}: ${mib(size.loaded)} loaded at start (entry ${mib(size.entry)}), ${mib(size.withLazy)} with lazy chunks`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
