// doctor's GitHub Actions lines: the secrets and variables the workflows read (names only) and the token's
// permissions, each proven with a harmless request.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "../errors.ts";
import { fail, pass, warn, type Add, type DoctorContext } from "./doctor-check.ts";

// GitHub Actions

/** The permissions the workflows' jobs need, each with a harmless request that proves it. */
const PERMISSIONS = [
  { permission: "actions: read", why: "reading the artifacts of earlier attempts and the watchdog's runs" },
  { permission: "issues: write", why: "opening and closing the failure issue" },
] as const;

export async function checkActions(context: DoctorContext, add: Add): Promise<void> {
  const { env } = context;
  await checkSettings(context, add);
  const name = "github token";
  const token = context.githubToken || env.GITHUB_TOKEN;
  if (!token) {
    add(
      fail(
        name,
        "no token: the step has no github-token input and no GITHUB_TOKEN",
        "pass `github-token: ${{ github.token }}` to the doctor step (the default)",
      ),
    );
    return;
  }
  const { createOctokit, repositoryFromEnv, gitHubStatus } = await import("../github/octokit.ts");
  const { DEFAULT_FAILURE_LABEL } = await import("../github/failure-issue.ts");
  let repository;
  try {
    repository = repositoryFromEnv(env);
  } catch (error) {
    add(fail(name, errorMessage(error), "run doctor inside a GitHub Actions job"));
    return;
  }
  const octokit = createOctokit({ token, env });
  const { owner, repo } = repository;
  const missing: string[] = [];
  const notes: string[] = [];
  // A 403 names the permission GitHub wanted in x-accepted-github-permissions.
  const refused = (error: unknown, permission: string): boolean => {
    if (gitHubStatus(error) !== 403) throw error;
    const accepted = (error as { response?: { headers?: Record<string, string> } }).response?.headers?.[
      "x-accepted-github-permissions"
    ];
    missing.push(permission);
    if (accepted) notes.push(`GitHub accepts ${accepted}`);
    return true;
  };
  try {
    try {
      // The watchdog's own request: the runs of the pipeline's workflow.
      await octokit.rest.actions.listWorkflowRuns({
        owner,
        repo,
        workflow_id: context.workflow ?? "pipeline.yml",
        per_page: 1,
      });
    } catch (error) {
      refused(error, PERMISSIONS[0].permission);
    }
    try {
      // Creating the label the failure issue uses: what report does anyway; "already exists" (422) proves the
      // write as well, since GitHub checks the permission before the content.
      await octokit.rest.issues.createLabel({
        owner,
        repo,
        name: DEFAULT_FAILURE_LABEL,
        color: "d73a4a",
        description: "The scheduled Amplitude pipeline is failing (opened and closed by the pipeline)",
      });
    } catch (error) {
      if (gitHubStatus(error) !== 422) refused(error, PERMISSIONS[1].permission);
    }
  } catch (error) {
    add(
      fail(
        name,
        `GitHub could not be asked: ${errorMessage(error)}`,
        "run doctor again; check GITHUB_API_URL",
      ),
    );
    return;
  }
  if (missing.length === 0) {
    add(pass(name, `the token has ${PERMISSIONS.map((p) => p.permission).join(", ")} on ${owner}/${repo}`));
    return;
  }
  add(
    fail(
      name,
      `the token lacks ${missing.join(", ")} on ${owner}/${repo} (${PERMISSIONS.filter((p) =>
        missing.includes(p.permission),
      )
        .map((p) => p.why)
        .join("; ")})${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
      `give the workflow's job: permissions: { contents: read, ${PERMISSIONS.map((p) => p.permission).join(", ")} }`,
    ),
  );
}

/**
 * The secrets and variables the repository's workflows read (`secrets.X`, `vars.X`), present or not in
 * this step's environment: names only, never a value.
 */
async function checkSettings(context: DoctorContext, add: Add): Promise<void> {
  const name = "github settings";
  const { env } = context;
  const workspace = context.workspace ?? env.GITHUB_WORKSPACE ?? ".";
  const folder = join(workspace, ".github", "workflows");
  const files = (await readdir(folder).catch(() => [] as string[])).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    add(
      warn(
        name,
        `no workflows in ${folder}`,
        "run init to write the workflows, and check out the repository before the doctor step",
      ),
    );
    return;
  }
  const texts = await Promise.all(files.map((file) => readFile(join(folder, file), "utf8")));
  const { settingsOf, settingCommands, WORKFLOW_SETTINGS } = await import("../cli/init-command.ts");
  const settings = settingsOf(texts);
  const optional = (setting: string) => {
    const meaning = WORKFLOW_SETTINGS[setting]?.meaning ?? "";
    if (/^optional/.test(meaning)) return true;
    // Access keys are needed only where no role is assumed.
    return /only without AWS_ROLE_ARN/.test(meaning) && Boolean(env.AWS_ROLE_ARN);
  };
  const present = (setting: string) => Boolean(env[setting]?.trim());
  const missing = {
    secrets: settings.secrets.filter((s) => !present(s) && !optional(s)),
    variables: settings.variables.filter((v) => !present(v) && !optional(v)),
  };
  const all = [...settings.secrets, ...settings.variables];
  const found = all.filter(present);
  if (missing.secrets.length + missing.variables.length === 0) {
    add(
      pass(
        name,
        `the workflows read ${all.length} setting(s); present here: ${found.join(", ") || "none needed"}`,
      ),
    );
    return;
  }
  add(
    fail(
      name,
      `missing: ${[...missing.secrets.map((s) => `secret ${s}`), ...missing.variables.map((v) => `variable ${v}`)].join(", ")}` +
        ` (present: ${found.join(", ") || "none"}; pass them to the doctor step as the pipeline's jobs do)`,
      settingCommands(missing)
        .filter((line) => /^\s+gh /.test(line))
        .map((line) => line.trim().replace(/\s+#.*$/, ""))
        .join("; "),
    ),
  );
}
