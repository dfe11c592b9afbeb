import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  fail,
  pass,
  warn
} from "./chunk-ZM6U7B7L.js";
import {
  errorMessage
} from "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";

// src/pipeline/doctor-actions.ts
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
var PERMISSIONS = [
  { permission: "actions: read", why: "reading the artifacts of earlier attempts and the watchdog's runs" },
  { permission: "issues: write", why: "opening and closing the failure issue" }
];
async function checkActions(context, add) {
  const { env } = context;
  await checkSettings(context, add);
  const name = "github token";
  const token = context.githubToken || env.GITHUB_TOKEN;
  if (!token) {
    add(
      fail(
        name,
        "no token: the step has no github-token input and no GITHUB_TOKEN",
        "pass `github-token: ${{ github.token }}` to the doctor step (the default)"
      )
    );
    return;
  }
  const { createOctokit, repositoryFromEnv, gitHubStatus } = await import("./octokit-PJQ3LGAG.js");
  const { DEFAULT_FAILURE_LABEL } = await import("./failure-issue-NL2BPAIN.js");
  let repository;
  try {
    repository = repositoryFromEnv(env);
  } catch (error) {
    add(fail(name, errorMessage(error), "run doctor inside a GitHub Actions job"));
    return;
  }
  const octokit = createOctokit({ token, env });
  const { owner, repo } = repository;
  const missing = [];
  const notes = [];
  const refused = (error, permission) => {
    if (gitHubStatus(error) !== 403) throw error;
    const accepted = error.response?.headers?.["x-accepted-github-permissions"];
    missing.push(permission);
    if (accepted) notes.push(`GitHub accepts ${accepted}`);
    return true;
  };
  try {
    try {
      await octokit.rest.actions.listWorkflowRuns({
        owner,
        repo,
        workflow_id: context.workflow ?? "pipeline.yml",
        per_page: 1
      });
    } catch (error) {
      refused(error, PERMISSIONS[0].permission);
    }
    try {
      await octokit.rest.issues.createLabel({
        owner,
        repo,
        name: DEFAULT_FAILURE_LABEL,
        color: "d73a4a",
        description: "The scheduled Amplitude pipeline is failing (opened and closed by the pipeline)"
      });
    } catch (error) {
      if (gitHubStatus(error) !== 422) refused(error, PERMISSIONS[1].permission);
    }
  } catch (error) {
    add(
      fail(
        name,
        `GitHub could not be asked: ${errorMessage(error)}`,
        "run doctor again; check GITHUB_API_URL"
      )
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
      `the token lacks ${missing.join(", ")} on ${owner}/${repo} (${PERMISSIONS.filter(
        (p) => missing.includes(p.permission)
      ).map((p) => p.why).join("; ")})${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
      `give the workflow's job: permissions: { contents: read, ${PERMISSIONS.map((p) => p.permission).join(", ")} }`
    )
  );
}
async function checkSettings(context, add) {
  const name = "github settings";
  const { env } = context;
  const workspace = context.workspace ?? env.GITHUB_WORKSPACE ?? ".";
  const folder = join(workspace, ".github", "workflows");
  const files = (await readdir(folder).catch(() => [])).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    add(
      warn(
        name,
        `no workflows in ${folder}`,
        "run init to write the workflows, and check out the repository before the doctor step"
      )
    );
    return;
  }
  const texts = await Promise.all(files.map((file) => readFile(join(folder, file), "utf8")));
  const { settingsOf, settingCommands, WORKFLOW_SETTINGS } = await import("./init-command-SJZLGY7P.js");
  const settings = settingsOf(texts);
  const optional = (setting) => {
    const meaning = WORKFLOW_SETTINGS[setting]?.meaning ?? "";
    if (/^optional/.test(meaning)) return true;
    return /only without AWS_ROLE_ARN/.test(meaning) && Boolean(env.AWS_ROLE_ARN);
  };
  const present = (setting) => Boolean(env[setting]?.trim());
  const missing = {
    secrets: settings.secrets.filter((s) => !present(s) && !optional(s)),
    variables: settings.variables.filter((v) => !present(v) && !optional(v))
  };
  const all = [...settings.secrets, ...settings.variables];
  const found = all.filter(present);
  if (missing.secrets.length + missing.variables.length === 0) {
    add(
      pass(
        name,
        `the workflows read ${all.length} setting(s); present here: ${found.join(", ") || "none needed"}`
      )
    );
    return;
  }
  add(
    fail(
      name,
      `missing: ${[...missing.secrets.map((s) => `secret ${s}`), ...missing.variables.map((v) => `variable ${v}`)].join(", ")} (present: ${found.join(", ") || "none"}; pass them to the doctor step as the pipeline's jobs do)`,
      settingCommands(missing).filter((line) => /^\s+gh /.test(line)).map((line) => line.trim().replace(/\s+#.*$/, "")).join("; ")
    )
  );
}
export {
  checkActions
};
