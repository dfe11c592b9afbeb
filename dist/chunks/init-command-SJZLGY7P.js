import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";

// src/cli/init-command.ts
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, realpath, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
var INIT_WORKFLOWS = ["pipeline.yml", "sql-check.yml", "watchdog.yml"];
var SETTINGS = {
  AMP_API_KEY: { secret: true, meaning: "the Amplitude project's API key" },
  AMP_SECRET_KEY: { secret: true, meaning: "the Amplitude project's secret key" },
  SNOWFLAKE_PRIVATE_KEY: {
    secret: true,
    meaning: "the pipeline user's private key (PEM), from the file",
    example: "< rsa_key.p8"
  },
  SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: {
    secret: true,
    meaning: "optional: the passphrase of an encrypted private key"
  },
  AWS_ACCESS_KEY_ID: { secret: true, meaning: "S3 access key; only without AWS_ROLE_ARN" },
  AWS_SECRET_ACCESS_KEY: { secret: true, meaning: "S3 secret key; only without AWS_ROLE_ARN" },
  AMPLITUDE_REGION: { secret: false, meaning: "us or eu", example: "us" },
  AMPLITUDE_APP_ID: {
    secret: false,
    meaning: "the Amplitude project id (Settings > Projects): lets a re-run restore windows from the Actions cache",
    example: "123456"
  },
  AWS_REGION: { secret: false, meaning: "the bucket's region", example: "us-east-1" },
  AWS_BUCKET_NAME: { secret: false, meaning: "the lake bucket", example: "my-amplitude-lake" },
  LAKE_URL: {
    secret: false,
    meaning: "optional: the lake with a prefix, instead of the bucket's root",
    example: "s3://my-amplitude-lake/amplitude"
  },
  AWS_ROLE_ARN: {
    secret: false,
    meaning: "the IAM role the jobs assume through GitHub's OIDC (preferred over access keys)",
    example: "arn:aws:iam::123456789012:role/amplitude-pipeline"
  },
  SNOWFLAKE_ACCOUNT: { secret: false, meaning: "the account identifier", example: "myorg-myaccount" },
  // The names sql/snowflake/admin/setup.sql creates (a test holds them together).
  SNOWFLAKE_USER: { secret: false, meaning: "the pipeline's user", example: "AMPLITUDE_PIPELINE" },
  SNOWFLAKE_ROLE: { secret: false, meaning: "the pipeline's role", example: "AMPLITUDE_PIPELINE" },
  SNOWFLAKE_WAREHOUSE: { secret: false, meaning: "the warehouse it runs on", example: "AMPLITUDE_PIPELINE" },
  SNOWFLAKE_DATABASE: {
    secret: false,
    meaning: "the target database (also names the run's concurrency group)",
    example: "ANALYTICS"
  },
  SNOWFLAKE_STORAGE_INTEGRATION: {
    secret: false,
    meaning: "optional: the storage integration the stage uses (default amplitude_pipeline_s3)",
    example: "AMPLITUDE_PIPELINE_S3"
  },
  SNOWFLAKE_PII_ROLE: {
    secret: false,
    meaning: "optional: a role that may read personal columns, which Snowflake masks for every other role",
    example: "PRIVACY_ANALYST"
  },
  SNOWFLAKE_MASKING: {
    secret: false,
    meaning: "optional: off on an account below Enterprise Edition, which has no masking policies",
    example: "off"
  },
  BACKUP_RETENTION_DAYS: {
    secret: false,
    meaning: "optional: days a scheduled run keeps its backup artifact (default 7)",
    example: "7"
  },
  PIPELINE_STALE_HOURS: {
    secret: false,
    meaning: "optional: hours without a successful run before the watchdog opens the issue",
    example: "6"
  }
};
var PUBLIC_SCHEDULE_NOTE = [
  "The hourly schedule is meant for a private repository. In a public one GitHub disables scheduled workflows",
  "after 60 days without activity in the repository, such as a push: pipeline.yml and watchdog.yml then stop",
  "without failing anything. Enable them again on the Actions page, or keep the repository active."
];
var INCLUDED_MINUTES = { Free: 2e3, Team: 3e3 };
function cronCount(field, size) {
  const selected = /* @__PURE__ */ new Set();
  for (const part of field.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return void 0;
    const from = match[1] === "*" ? 0 : Number(match[2]);
    const to = match[1] === "*" ? size - 1 : match[3] !== void 0 ? Number(match[3]) : match[4] ? size - 1 : from;
    const step = Number(match[4] ?? 1);
    if (from > to || to >= size || step < 1) return void 0;
    for (let value = from; value <= to; value += step) selected.add(value);
  }
  return selected.size;
}
function monthlyRuns(cron) {
  const [minute, hour, ...days] = cron.trim().split(/\s+/);
  if (minute === void 0 || hour === void 0 || days.length !== 3 || days.some((d) => d !== "*")) {
    return void 0;
  }
  const minutes = cronCount(minute, 60);
  const hours = cronCount(hour, 24);
  return minutes === void 0 || hours === void 0 ? void 0 : minutes * hours * 31;
}
function scheduleCost(name, text) {
  const cron = /^\s*-\s*cron:\s*["']?([^"'\n]+?)["']?\s*$/m.exec(text)?.[1];
  if (cron === void 0) return [];
  const runs = monthlyRuns(cron);
  if (runs === void 0) return [`${name}: schedule "${cron}"; count its runs to know its billed minutes.`];
  const share = Object.entries(INCLUDED_MINUTES).map(
    ([plan, minutes]) => `${Math.round(runs / minutes * 100)} % of ${plan}'s ${minutes.toLocaleString("en-US")}`
  ).join(", ");
  return [
    `${name}: "${cron}" runs ${runs} times in a 31-day month, one job of 1 billed minute each: ${runs} minutes,`,
    `  ${share} included minutes in a private repository (free in a public one).`
  ];
}
var LOCAL_USES = /^(\s*(?:-\s+)?uses:\s*)\.\/actions\/([A-Za-z0-9_.-]+)\/?\s*$/gm;
function renderWorkflow(template, target) {
  const body = template.replace(LOCAL_USES, (_line, prefix, name) => {
    return `${prefix}${target.repo}/actions/${name}@${target.ref}`;
  });
  return `# Written by amplitude-pipeline init from ${target.repo}@${target.ref} (checksum ${checksum(body)}); run
# it again with --ref to move to another version. It will not overwrite this file once edited (--force).
` + body;
}
function checksum(body) {
  return createHash("sha256").update(body).digest("hex").slice(0, 12);
}
function isUneditedInitFile(text) {
  const match = /^# Written by amplitude-pipeline init from \S+ \(checksum ([0-9a-f]{12})\).*\n#.*\n/.exec(
    text
  );
  return match !== null && checksum(text.slice(match[0].length)) === match[1];
}
function settingsOf(texts) {
  const found = (context) => {
    const names = /* @__PURE__ */ new Set();
    for (const text of texts) {
      for (const match of text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_]*)`, "g"))) {
        if (match[1] !== "GITHUB_TOKEN") names.add(match[1]);
      }
    }
    const order = Object.keys(SETTINGS);
    const rank = (name) => order.includes(name) ? order.indexOf(name) : order.length;
    return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  };
  return { secrets: found("secrets"), variables: found("vars") };
}
function settingCommands(settings) {
  const line = (command, name) => {
    const meaning = SETTINGS[name]?.meaning;
    return meaning ? `  ${command.padEnd(72)} # ${meaning}` : `  ${command}`;
  };
  return [
    "Secrets (gh asks for each value; run these inside the repository, or add -R OWNER/NAME):",
    ...settings.secrets.map(
      (name) => line(`gh secret set ${name}${SETTINGS[name]?.example ? ` ${SETTINGS[name].example}` : ""}`, name)
    ),
    "Variables (replace the example values):",
    ...settings.variables.map(
      (name) => line(`gh variable set ${name} --body ${shellWord(SETTINGS[name]?.example ?? "…")}`, name)
    )
  ];
}
function shellWord(value) {
  return /^[A-Za-z0-9_./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
function packageRoot() {
  return fileURLToPath(new URL("../..", import.meta.url));
}
function repositoryOf(manifest) {
  const { repository } = manifest;
  const url = typeof repository === "string" ? repository : typeof repository?.url === "string" ? repository.url : void 0;
  if (!url) return void 0;
  const match = /^(?:github:)?([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?$/.exec(url) ?? /github\.com[/:]([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(url);
  return match?.[1];
}
function majorTag(version) {
  const match = /^v?(\d+)\.\d+\.\d+(?:[-+].*)?$/.exec(version);
  if (!match) throw new Error(`package.json version ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH`);
  return `v${match[1]}`;
}
async function originOf(root) {
  const git = (args) => promisify(execFile)("git", args, { cwd: root }).then(
    ({ stdout }) => stdout.trim(),
    () => void 0
  );
  const top = await git(["rev-parse", "--show-toplevel"]);
  if (!top || await realpath(top).catch(() => top) !== await realpath(root).catch(() => root)) {
    return void 0;
  }
  const url = await git(["remote", "get-url", "origin"]);
  return url ? repositoryOf({ repository: url }) : void 0;
}
async function installedFrom(root) {
  const lock = await readFile(join(dirname(root), ".package-lock.json"), "utf8").catch(() => void 0);
  if (lock === void 0) return void 0;
  try {
    const packages = JSON.parse(lock).packages;
    const resolved = packages?.[`node_modules/${basename(root)}`]?.resolved;
    return typeof resolved === "string" ? repositoryOf({ repository: resolved.replace(/#.*$/, "") }) : void 0;
  } catch {
    return void 0;
  }
}
async function gitTopLevel(cwd) {
  try {
    const { stdout } = await promisify(execFile)("git", ["rev-parse", "--show-toplevel"], { cwd });
    return stdout.trim();
  } catch {
    throw new ConfigurationError(`${cwd} is not inside a git repository: pass --dir DIR (or run git init)`);
  }
}
async function runInit(options, deps) {
  const root = deps.packageRoot ?? packageRoot();
  const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  const repo = options.repo ?? await originOf(root) ?? await installedFrom(root) ?? repositoryOf(manifest);
  if (!repo) {
    throw new ConfigurationError(
      "the package names no GitHub repository (neither a git remote origin on GitHub nor package.json repository): pass --repo OWNER/NAME, the repository whose actions the workflows use"
    );
  }
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repo)) {
    throw new ConfigurationError(`--repo ${JSON.stringify(repo)} is not OWNER/NAME`);
  }
  const ref = options.ref ?? majorTag(manifest.version ?? "0.0.0");
  if (!/^[A-Za-z0-9._/-]+$/.test(ref)) {
    throw new ConfigurationError(`--ref ${JSON.stringify(ref)} is not a tag, branch or commit`);
  }
  const templates = join(root, ".github", "workflows");
  const rendered = [];
  for (const name of INIT_WORKFLOWS) {
    const path = join(templates, name);
    if (!existsSync(path)) {
      throw new Error(
        `this installation of amplitude-pipeline has no ${path} (package.json files must list it)`
      );
    }
    rendered.push({ name, text: renderWorkflow(await readFile(path, "utf8"), { repo, ref }) });
  }
  const settings = settingsOf(rendered.map((file) => file.text));
  const files = [];
  if (options.print) {
    for (const file of rendered) {
      deps.output.out(`# ---- .github/workflows/${file.name} ----`);
      deps.output.out(file.text.replace(/\n$/, ""));
      files.push({ path: `.github/workflows/${file.name}`, status: "printed" });
    }
  } else {
    const dir = resolve(
      deps.cwd ?? process.cwd(),
      options.dir ?? await gitTopLevel(deps.cwd ?? process.cwd())
    );
    const target = join(dir, ".github", "workflows");
    const existing = await Promise.all(
      rendered.map((file) => readFile(join(target, file.name), "utf8").catch(() => void 0))
    );
    const changed = rendered.filter((file, i) => {
      const text = existing[i];
      return text !== void 0 && text !== file.text && !isUneditedInitFile(text);
    });
    if (changed.length > 0 && !options.force) {
      throw new ConfigurationError(
        `${changed.map((file) => join(target, file.name)).join(", ")} ${changed.length === 1 ? "was" : "were"} edited since init wrote it (or not written by init): nothing was written; compare with --print, or pass --force to overwrite`
      );
    }
    await mkdir(target, { recursive: true });
    for (const [i, file] of rendered.entries()) {
      const path = join(target, file.name);
      if (existing[i] === file.text) {
        files.push({ path, status: "unchanged" });
        continue;
      }
      const partial = `${path}.${process.pid}.tmp`;
      await writeFile(partial, file.text);
      await rename(partial, path);
      files.push({ path, status: "written" });
    }
    for (const file of files)
      deps.output.out(`${file.status === "written" ? "wrote" : "unchanged"} ${file.path}`);
    deps.output.out(`The workflows use ${repo}/actions/<name>@${ref}. Commit them, then set:`);
  }
  const say = (line) => options.print ? deps.output.err(line) : deps.output.out(line);
  say("");
  for (const line of settingCommands(settings)) say(line);
  say("");
  for (const line of PUBLIC_SCHEDULE_NOTE) say(line);
  say("");
  say("GitHub bills each job rounded up to a whole minute:");
  for (const file of rendered) for (const line of scheduleCost(file.name, file.text)) say(`  ${line}`);
  return { repo, ref, files, ...settings };
}
export {
  INIT_WORKFLOWS,
  PUBLIC_SCHEDULE_NOTE,
  SETTINGS as WORKFLOW_SETTINGS,
  installedFrom,
  isUneditedInitFile,
  majorTag,
  monthlyRuns,
  originOf,
  packageRoot,
  renderWorkflow,
  repositoryOf,
  runInit,
  scheduleCost,
  settingCommands,
  settingsOf
};
