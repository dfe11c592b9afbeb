// Usage: node --import tsx scripts/simulated-run.mjs [--keep]
//
// One run of the committed bundles the way ci.yml's actions job runs them: the built-in Amplitude simulator on
// 127.0.0.1 (a free port), then dist/extract (history 48h, cache false), dist/upload (a file:// lake) and
// dist/transform (the embedded warehouse, with the repository's node_modules installed in the workspace), each run
// by test/support/action-runner.ts with the runner's environment (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
// RUNNER_TEMP, GITHUB_WORKSPACE). Prints each step's exit code and outputs, writes the three job summaries to
// target/simulated-run/summary.html, renders them with scripts/render-summary-picture.mjs (the whole page:
// target/simulated-run/job-summary-full.png) and keeps the first 1600 px of that, by a Chromium screenshot of it, as
// docs/images/job-summary.png (extract, upload, the transform's models and the first data tests). --keep leaves
// the temporary workspace in place and prints its path.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, realpath, rm, stat, symlink, writeFile } from "node:fs/promises";
import { register } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL, URL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const SUMMARY = join(ROOT, "target", "simulated-run", "summary.html");
const PICTURE = join(ROOT, "docs", "images", "job-summary.png");
/** The whole summary, rendered before the picture is cut to its first CROP_HEIGHT pixels. */
const FULL_PICTURE = join(ROOT, "target", "simulated-run", "job-summary-full.png");
const WIDTH = 1000;
const CROP_HEIGHT = 1600;
const keep = process.argv.includes("--keep");

// action-runner.ts registers its clean-up with vitest's afterEach, which throws outside a test run: give it an
// afterEach that only collects the clean-ups, and run them at the end.
const collected = (globalThis.__simulatedRunCleanups = []);
const afterEachStub = "export const afterEach = (fn) => { globalThis.__simulatedRunCleanups.push(fn); };";
register(
  "data:text/javascript," +
    encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === "vitest" && context.parentURL?.endsWith("/test/support/action-runner.ts"))
          return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(afterEachStub)}`)}, shortCircuit: true };
        return next(specifier, context);
      }`),
);
const { runBundle } = await import("../test/support/action-runner.ts");
const { AmplitudeSimulator } = await import("../src/amplitude/simulator/server.ts");
const { DEFAULT_EVENTS_PER_HOUR } = await import("../src/pipeline/defaults.ts");

/** The job's workspace as `npm ci` leaves the checkout: the repository's packages (a link) and its sql/. */
async function workspace() {
  const scratch = await mkdtemp(join(tmpdir(), "simulated-run-"));
  const dir = join(scratch, "workspace");
  const runnerTemp = join(scratch, "runner-temp");
  await mkdir(dir, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  await symlink(await realpath(join(ROOT, "node_modules")), join(dir, "node_modules"), "dir");
  await cp(join(ROOT, "sql"), join(dir, "sql"), { recursive: true });
  return { scratch, dir, runnerTemp };
}

/** The top WIDTH×CROP_HEIGHT of a picture: Chromium's screenshot of a page showing it from its top left corner. */
async function crop(from, to) {
  const dir = await mkdtemp(join(tmpdir(), "simulated-run-crop-"));
  try {
    const html = join(dir, "crop.html");
    await writeFile(
      html,
      `<!doctype html><html><body style="margin:0;overflow:hidden"><img src="${pathToFileURL(from).href}"></body></html>`,
    );
    const binary = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"]
      .filter(Boolean)
      .find((path) => existsSync(path));
    if (!binary)
      throw new Error("no Chromium: install Debian's package (apt-get install chromium) or set CHROMIUM");
    execFileSync(
      binary,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        // Wait for the picture to be decoded and painted whole before the screenshot (else its bottom can be blank).
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=10000",
        `--window-size=${WIDTH},${CROP_HEIGHT}`,
        `--screenshot=${to}`,
        pathToFileURL(html).href,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    if (!existsSync(to)) throw new Error(`Chromium wrote no picture at ${to}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function report(name, run) {
  console.log(`\n== ${name}: exit ${run.code}`);
  for (const [key, value] of Object.entries(run.outputs)) console.log(`   ${key}=${value}`);
  const problems = run.stdout.split("\n").filter((line) => /^::(error|warning|notice)/.test(line));
  for (const line of problems) console.log(`   ${line}`);
  if (run.code !== 0 && run.stderr) console.log(run.stderr.trimEnd().replace(/^/gm, "   stderr: "));
}

const sim = await new AmplitudeSimulator({ eventsPerHour: DEFAULT_EVENTS_PER_HOUR, cache: true }).start(0);
const ws = await workspace();
let failed = false;
try {
  console.log(`simulator: ${sim.url}\nworkspace: ${ws.dir}`);
  // What the simulator step appends to GITHUB_ENV, and the job's runner: one workspace and RUNNER_TEMP for all steps.
  const job = {
    workspace: ws.dir,
    runnerTemp: ws.runnerTemp,
    env: { AMPLITUDE_API_URL: sim.url, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey },
  };
  const steps = [
    ["extract", { history: "48h", out: "data/exports", lake: "file://data/lake", cache: "false" }],
    ["upload", { from: "data/exports", lake: "file://data/lake" }],
    ["transform", { warehouse: "duckdb:data/warehouse.duckdb", lake: "file://data/lake" }],
  ];
  const summaries = [];
  for (const [name, inputs] of steps) {
    const run = await runBundle(DIST, name, { ...job, inputs });
    report(name, run);
    summaries.push(run.summary);
    if (run.code !== 0) {
      failed = true;
      break;
    }
  }
  await mkdir(join(SUMMARY, ".."), { recursive: true });
  await writeFile(SUMMARY, summaries.join("\n"));
  console.log(`\n${SUMMARY}: ${(await stat(SUMMARY)).size} bytes`);
  execFileSync(
    process.execPath,
    [join(ROOT, "scripts", "render-summary-picture.mjs"), SUMMARY, FULL_PICTURE, "--width", String(WIDTH)],
    { stdio: "inherit" },
  );
  await mkdir(join(PICTURE, ".."), { recursive: true });
  await crop(FULL_PICTURE, PICTURE);
  console.log(`${PICTURE}: ${WIDTH}×${CROP_HEIGHT}, ${(await stat(PICTURE)).size} bytes`);
} finally {
  await sim.close();
  await Promise.all(collected.splice(0).map((cleanup) => cleanup()));
  if (keep) console.log(`kept ${ws.scratch}`);
  else await rm(ws.scratch, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
