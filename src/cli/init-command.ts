import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, realpath, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ConfigurationError } from "../errors.ts";
import type { Output } from "./output.ts";

export interface InitOptions {
  dir?: string;
  print?: boolean;
  ref?: string;
  repo?: string;
  force?: boolean;
}

export interface InitResult {
  repo: string;
  ref: string;
  files: { path: string; status: "written" | "unchanged" | "printed" }[];
  secrets: string[];
  variables: string[];
}

/** The workflows a user's repository gets; ci.yml is this package's own. */
export const INIT_WORKFLOWS = ["pipeline.yml", "sql-check.yml", "watchdog.yml"] as const;

/** What each setting the workflows read is, and an example value; in the order a reader sets them up. */
const SETTINGS: Record<string, { secret: boolean; meaning: string; example?: string }> = {
  AMP_API_KEY: { secret: true, meaning: "the Amplitude project's API key" },
  AMP_SECRET_KEY: { secret: true, meaning: "the Amplitude project's secret key" },
  SNOWFLAKE_PRIVATE_KEY: {
    secret: true,
    meaning: "the pipeline user's private key (PEM), from the file",
    example: "< rsa_key.p8",
  },
  SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: {
    secret: true,
    meaning: "optional: the passphrase of an encrypted private key",
  },
  AWS_ACCESS_KEY_ID: { secret: true, meaning: "S3 access key; only without AWS_ROLE_ARN" },
  AWS_SECRET_ACCESS_KEY: { secret: true, meaning: "S3 secret key; only without AWS_ROLE_ARN" },
  AMPLITUDE_REGION: { secret: false, meaning: "us or eu", example: "us" },
  AMPLITUDE_APP_ID: {
    secret: false,
    meaning:
      "the Amplitude project id (Settings > Projects): lets a re-run restore windows from the Actions cache",
    example: "123456",
  },
  AWS_REGION: { secret: false, meaning: "the bucket's region", example: "us-east-1" },
  AWS_BUCKET_NAME: { secret: false, meaning: "the lake bucket", example: "my-amplitude-lake" },
  LAKE_URL: {
    secret: false,
    meaning: "optional: the lake with a prefix, instead of the bucket's root",
    example: "s3://my-amplitude-lake/amplitude",
  },
  AWS_ROLE_ARN: {
    secret: false,
    meaning: "the IAM role the jobs assume through GitHub's OIDC (preferred over access keys)",
    example: "arn:aws:iam::123456789012:role/amplitude-pipeline",
  },
  SNOWFLAKE_ACCOUNT: { secret: false, meaning: "the account identifier", example: "myorg-myaccount" },
  // The names sql/snowflake/admin/setup.sql creates (a test holds them together).
  SNOWFLAKE_USER: { secret: false, meaning: "the pipeline's user", example: "AMPLITUDE_PIPELINE" },
  SNOWFLAKE_ROLE: { secret: false, meaning: "the pipeline's role", example: "AMPLITUDE_PIPELINE" },
  SNOWFLAKE_WAREHOUSE: { secret: false, meaning: "the warehouse it runs on", example: "AMPLITUDE_PIPELINE" },
  SNOWFLAKE_DATABASE: {
    secret: false,
    meaning: "the target database (also names the run's concurrency group)",
    example: "ANALYTICS",
  },
  SNOWFLAKE_STORAGE_INTEGRATION: {
    secret: false,
    meaning: "optional: the storage integration the stage uses (default amplitude_pipeline_s3)",
    example: "AMPLITUDE_PIPELINE_S3",
  },
  SNOWFLAKE_PII_ROLE: {
    secret: false,
    meaning: "optional: a role that may read personal columns, which Snowflake masks for every other role",
    example: "PRIVACY_ANALYST",
  },
  SNOWFLAKE_MASKING: {
    secret: false,
    meaning: "optional: off on an account below Enterprise Edition, which has no masking policies",
    example: "off",
  },
  BACKUP_RETENTION_DAYS: {
    secret: false,
    meaning: "optional: days a scheduled run keeps its backup artifact (default 7)",
    example: "7",
  },
  PIPELINE_STALE_HOURS: {
    secret: false,
    meaning: "optional: hours without a successful run before the watchdog opens the issue",
    example: "6",
  },
};

/**
 * GitHub disables the scheduled workflows of a public repository after 60 days without activity in it; keeping
 * them alive takes a token that may write (a commit, or re-enabling the workflow), which the workflows do not have.
 */
export const PUBLIC_SCHEDULE_NOTE = [
  "The hourly schedule is meant for a private repository. In a public one GitHub disables scheduled workflows",
  "after 60 days without activity in the repository, such as a push: pipeline.yml and watchdog.yml then stop",
  "without failing anything. Enable them again on the Actions page, or keep the repository active.",
] as const;

/** Minutes a month of GitHub Actions included in a private repository's plan; a public repository's are free. */
const INCLUDED_MINUTES = { Free: 2000, Team: 3000 } as const;

/** How many of the values 0..size-1 a cron field (`*`, `*\/n`, `a`, `a-b`, lists of them) selects. */
function cronCount(field: string, size: number): number | undefined {
  const selected = new Set<number>();
  for (const part of field.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const from = match[1] === "*" ? 0 : Number(match[2]);
    const to =
      match[1] === "*" ? size - 1 : match[3] !== undefined ? Number(match[3]) : match[4] ? size - 1 : from;
    const step = Number(match[4] ?? 1);
    if (from > to || to >= size || step < 1) return undefined;
    for (let value = from; value <= to; value += step) selected.add(value);
  }
  return selected.size;
}

/**
 * Runs in a 31-day month of a cron schedule that runs every day (day of month, month and day of week `*`);
 * undefined for anything else.
 */
export function monthlyRuns(cron: string): number | undefined {
  const [minute, hour, ...days] = cron.trim().split(/\s+/);
  if (minute === undefined || hour === undefined || days.length !== 3 || days.some((d) => d !== "*")) {
    return undefined;
  }
  const minutes = cronCount(minute, 60);
  const hours = cronCount(hour, 24);
  return minutes === undefined || hours === undefined ? undefined : minutes * hours * 31;
}

/**
 * What a workflow's schedule costs: its scheduled run is one job, and GitHub bills a job rounded up to a whole
 * minute, so one billed minute a run (a run that catches up after an outage bills more).
 */
export function scheduleCost(name: string, text: string): string[] {
  const cron = /^\s*-\s*cron:\s*["']?([^"'\n]+?)["']?\s*$/m.exec(text)?.[1];
  if (cron === undefined) return [];
  const runs = monthlyRuns(cron);
  if (runs === undefined) return [`${name}: schedule "${cron}"; count its runs to know its billed minutes.`];
  const share = Object.entries(INCLUDED_MINUTES)
    .map(
      ([plan, minutes]) =>
        `${Math.round((runs / minutes) * 100)} % of ${plan}'s ${minutes.toLocaleString("en-US")}`,
    )
    .join(", ");
  return [
    `${name}: "${cron}" runs ${runs} times in a 31-day month, one job of 1 billed minute each: ${runs} minutes,`,
    `  ${share} included minutes in a private repository (free in a public one).`,
  ];
}

const LOCAL_USES = /^(\s*(?:-\s+)?uses:\s*)\.\/actions\/([A-Za-z0-9_.-]+)\/?\s*$/gm;

/**
 * A template with its `uses: ./actions/<name>` steps pointed at `<repo>/actions/<name>@<ref>`, under a header
 * that carries a checksum of the rest: init may replace a file whose checksum still holds (nobody edited it),
 * so moving to another version needs no --force, but never a file someone changed.
 */
export function renderWorkflow(template: string, target: { repo: string; ref: string }): string {
  const body = template.replace(LOCAL_USES, (_line, prefix: string, name: string) => {
    return `${prefix}${target.repo}/actions/${name}@${target.ref}`;
  });
  return (
    `# Written by amplitude-pipeline init from ${target.repo}@${target.ref} (checksum ${checksum(body)}); run\n` +
    `# it again with --ref to move to another version. It will not overwrite this file once edited (--force).\n` +
    body
  );
}

function checksum(body: string): string {
  return createHash("sha256").update(body).digest("hex").slice(0, 12);
}

/** Whether `text` is a file init wrote and nobody has edited since. */
export function isUneditedInitFile(text: string): boolean {
  const match = /^# Written by amplitude-pipeline init from \S+ \(checksum ([0-9a-f]{12})\).*\n#.*\n/.exec(
    text,
  );
  return match !== null && checksum(text.slice(match[0].length)) === match[1];
}

/** The secrets and variables the workflows read, each once, in the order SETTINGS lists them, then the rest. */
export function settingsOf(texts: string[]): { secrets: string[]; variables: string[] } {
  const found = (context: string) => {
    const names = new Set<string>();
    for (const text of texts) {
      for (const match of text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_]*)`, "g"))) {
        if (match[1] !== "GITHUB_TOKEN") names.add(match[1]!);
      }
    }
    const order = Object.keys(SETTINGS);
    const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
    return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  };
  return { secrets: found("secrets"), variables: found("vars") };
}

/** The `gh` commands that set them, with what each one is. */
export function settingCommands(settings: { secrets: string[]; variables: string[] }): string[] {
  const line = (command: string, name: string) => {
    const meaning = SETTINGS[name]?.meaning;
    return meaning ? `  ${command.padEnd(72)} # ${meaning}` : `  ${command}`;
  };
  return [
    "Secrets (gh asks for each value; run these inside the repository, or add -R OWNER/NAME):",
    ...settings.secrets.map((name) =>
      line(`gh secret set ${name}${SETTINGS[name]?.example ? ` ${SETTINGS[name]!.example}` : ""}`, name),
    ),
    "Variables (replace the example values):",
    ...settings.variables.map((name) =>
      line(`gh variable set ${name} --body ${shellWord(SETTINGS[name]?.example ?? "…")}`, name),
    ),
  ];
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** This package's root: src/cli/ and lib/cli/ both sit two folders below it. */
export function packageRoot(): string {
  return fileURLToPath(new URL("../..", import.meta.url));
}

/** owner/name from package.json's `repository` (a GitHub shorthand, URL, or { url }). */
export function repositoryOf(manifest: { repository?: unknown }): string | undefined {
  const { repository } = manifest;
  const url =
    typeof repository === "string"
      ? repository
      : typeof (repository as { url?: unknown } | undefined)?.url === "string"
        ? (repository as { url: string }).url
        : undefined;
  if (!url) return undefined;
  const match =
    /^(?:github:)?([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?$/.exec(url) ??
    /github\.com[/:]([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(url);
  return match?.[1];
}

/**
 * The tag a version's releases move: `v0` for 0.x.y, `v1` for 1.x.y (what the release workflow moves), as
 * actions/checkout@v4 follows v4.x.y.
 */
export function majorTag(version: string): string {
  const match = /^v?(\d+)\.\d+\.\d+(?:[-+].*)?$/.exec(version);
  if (!match) throw new Error(`package.json version ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH`);
  return `v${match[1]}`;
}

/**
 * owner/name of the GitHub repository `origin` points at, when the package itself is a git clone (a fork
 * run from its checkout): its workflows should use the fork's actions. Not when the package merely sits
 * inside another repository (node_modules of a project), whose origin is someone else's.
 */
export async function originOf(root: string): Promise<string | undefined> {
  const git = (args: string[]) =>
    promisify(execFile)("git", args, { cwd: root }).then(
      ({ stdout }) => stdout.trim(),
      () => undefined,
    );
  const top = await git(["rev-parse", "--show-toplevel"]);
  if (!top || (await realpath(top).catch(() => top)) !== (await realpath(root).catch(() => root))) {
    return undefined;
  }
  const url = await git(["remote", "get-url", "origin"]);
  return url ? repositoryOf({ repository: url }) : undefined;
}

/**
 * The GitHub repository npm installed the package from, as its hidden lockfile beside the package records it:
 * `npx github:OWNER/NAME init` installs a fork's tarball with no .git, so only npm's `resolved`
 * (`git+ssh://git@github.com/OWNER/NAME.git#<sha>`) still says which fork it was.
 */
export async function installedFrom(root: string): Promise<string | undefined> {
  const lock = await readFile(join(dirname(root), ".package-lock.json"), "utf8").catch(() => undefined);
  if (lock === undefined) return undefined;
  try {
    const packages = (JSON.parse(lock) as { packages?: Record<string, { resolved?: unknown }> }).packages;
    const resolved = packages?.[`node_modules/${basename(root)}`]?.resolved;
    return typeof resolved === "string"
      ? repositoryOf({ repository: resolved.replace(/#.*$/, "") })
      : undefined;
  } catch {
    return undefined;
  }
}

async function gitTopLevel(cwd: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)("git", ["rev-parse", "--show-toplevel"], { cwd });
    return stdout.trim();
  } catch {
    throw new ConfigurationError(`${cwd} is not inside a git repository: pass --dir DIR (or run git init)`);
  }
}

export async function runInit(
  options: InitOptions,
  deps: { output: Output; cwd?: string; packageRoot?: string },
): Promise<InitResult> {
  const root = deps.packageRoot ?? packageRoot();
  const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
    version?: string;
    repository?: unknown;
  };
  const repo =
    options.repo ?? (await originOf(root)) ?? (await installedFrom(root)) ?? repositoryOf(manifest);
  if (!repo) {
    throw new ConfigurationError(
      "the package names no GitHub repository (neither a git remote origin on GitHub nor package.json " +
        "repository): pass --repo OWNER/NAME, the repository whose actions the workflows use",
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
  const rendered: { name: string; text: string }[] = [];
  for (const name of INIT_WORKFLOWS) {
    const path = join(templates, name);
    if (!existsSync(path)) {
      throw new Error(
        `this installation of amplitude-pipeline has no ${path} (package.json files must list it)`,
      );
    }
    rendered.push({ name, text: renderWorkflow(await readFile(path, "utf8"), { repo, ref }) });
  }
  const settings = settingsOf(rendered.map((file) => file.text));
  const files: InitResult["files"] = [];

  if (options.print) {
    for (const file of rendered) {
      deps.output.out(`# ---- .github/workflows/${file.name} ----`);
      deps.output.out(file.text.replace(/\n$/, ""));
      files.push({ path: `.github/workflows/${file.name}`, status: "printed" });
    }
  } else {
    const dir = resolve(
      deps.cwd ?? process.cwd(),
      options.dir ?? (await gitTopLevel(deps.cwd ?? process.cwd())),
    );
    const target = join(dir, ".github", "workflows");
    const existing = await Promise.all(
      rendered.map((file) => readFile(join(target, file.name), "utf8").catch(() => undefined)),
    );
    // Checked before anything is written: a refusal leaves every file as it was.
    const changed = rendered.filter((file, i) => {
      const text = existing[i];
      return text !== undefined && text !== file.text && !isUneditedInitFile(text);
    });
    if (changed.length > 0 && !options.force) {
      throw new ConfigurationError(
        `${changed.map((file) => join(target, file.name)).join(", ")} ${changed.length === 1 ? "was" : "were"} ` +
          "edited since init wrote it (or not written by init): nothing was written; " +
          "compare with --print, or pass --force to overwrite",
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
  // With --print, stdout holds only the workflows, so it can be redirected; what to set goes to stderr.
  const say = (line: string) => (options.print ? deps.output.err(line) : deps.output.out(line));
  say("");
  for (const line of settingCommands(settings)) say(line);
  say("");
  for (const line of PUBLIC_SCHEDULE_NOTE) say(line);
  say("");
  say("GitHub bills each job rounded up to a whole minute:");
  for (const file of rendered) for (const line of scheduleCost(file.name, file.text)) say(`  ${line}`);
  return { repo, ref, files, ...settings };
}

/** The secrets and variables init knows, with what each one is (doctor says which are optional). */
export { SETTINGS as WORKFLOW_SETTINGS };
