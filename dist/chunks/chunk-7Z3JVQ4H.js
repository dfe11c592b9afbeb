import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  GITHUB_BODY_LIMIT,
  fitMarkdown,
  gitHubError,
  gitHubStatus
} from "./chunk-KATSHUU2.js";

// src/github/failure-issue.ts
var FAILURE_MARKER = "<!-- amplitude-pipeline:failure -->";
var DEFAULT_FAILURE_LABEL = "pipeline-failure";
var ISSUE_TITLE = "Amplitude pipeline: scheduled runs are failing";
async function reportFailure(options) {
  const summary = options.summaryMarkdown?.trim();
  const lead = `Step ${code(options.step)} failed in [this run](${options.runUrl}).`;
  return openOrComment(options, lead, summary ? details("Summary of the failing step", summary) : void 0);
}
async function reportSuccess(options) {
  const { octokit, owner, repo } = options;
  const issue = await findOpenIssue(options);
  if (!issue) return { action: "none" };
  await call(
    `comment on issue #${issue.number}`,
    () => octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.number,
      body: `Recovered in [run](${options.runUrl}): the pipeline succeeded again. Closing.`
    })
  );
  await call(
    `close issue #${issue.number}`,
    () => octokit.rest.issues.update({
      owner,
      repo,
      issue_number: issue.number,
      state: "closed",
      state_reason: "completed"
    })
  );
  return { action: "closed", issue: issue.number, url: issue.html_url };
}
async function watchdog(options) {
  const { octokit, owner, repo, workflow, staleHours, now } = options;
  const { data: repository } = await call(
    "read the repository's default branch",
    () => octokit.rest.repos.get({ owner, repo })
  );
  const branch = repository.default_branch;
  const { data } = await call(
    `list the successful runs of ${workflow}`,
    () => octokit.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: workflow,
      status: "success",
      event: "schedule",
      branch,
      per_page: 20
    })
  );
  const newest = data.workflow_runs.map((run) => ({ at: run.updated_at || run.created_at, url: run.html_url, id: run.id })).sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
  const ageHours = newest ? (now.getTime() - Date.parse(newest.at)) / 36e5 : Infinity;
  const lastSuccess = newest ? { at: newest.at, url: newest.url } : void 0;
  if (ageHours <= staleHours) {
    return {
      action: "none",
      stale: false,
      lastSuccess,
      message: `${workflow} last succeeded ${hoursText(ageHours)} ago (${newest.at}), within ${staleHours} h`
    };
  }
  const backfill = await backfillInProgress(options);
  if (backfill) {
    return {
      action: "none",
      stale: false,
      lastSuccess,
      backfill,
      message: `${workflow} has not succeeded on its schedule for ${hoursText(ageHours)}, but a dispatched run (a backfill) has held the pipeline since ${backfill.since} (${backfill.url}): the scheduled runs wait behind it`
    };
  }
  const message = newest ? `${workflow} has not succeeded for ${hoursText(ageHours)}: the last successful run finished at ${newest.at}` : `${workflow} has no successful run`;
  const seen = `<!-- amplitude-pipeline:watchdog last-success=${newest?.id ?? "none"} -->`;
  const lead = `${seen}
**Watchdog:** ${message}${newest ? ` ([run](${newest.url}))` : ""}, and the limit is ${staleHours} h. Only scheduled runs on ${branch} count. A schedule GitHub dropped or a disabled workflow fails no run, so only this watchdog notices.`;
  const result = await openOrComment(options, lead, void 0, seen);
  return { ...result, stale: true, lastSuccess, message };
}
async function backfillInProgress(options) {
  const { octokit, owner, repo, workflow } = options;
  const { data } = await call(
    `list the runs of ${workflow} in progress`,
    () => octokit.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: workflow,
      status: "in_progress",
      event: "workflow_dispatch",
      per_page: 20
    })
  );
  return data.workflow_runs.map((run) => ({ since: run.run_started_at || run.created_at, url: run.html_url })).sort((a, b) => Date.parse(a.since) - Date.parse(b.since))[0];
}
async function openOrComment(options, lead, extra, onceMarker) {
  const { octokit, owner, repo } = options;
  const label = options.label ?? DEFAULT_FAILURE_LABEL;
  const existing = await findOpenIssue(options);
  if (existing) {
    if (onceMarker && await mentions(options, existing, onceMarker)) {
      return { action: "already-reported", issue: existing.number, url: existing.html_url };
    }
    const body2 = compose(lead, extra);
    const { data: data2 } = await call(
      `comment on issue #${existing.number}`,
      () => octokit.rest.issues.createComment({ owner, repo, issue_number: existing.number, body: body2 })
    );
    return { action: "commented", issue: existing.number, url: data2.html_url };
  }
  await ensureLabel(options, label);
  const intro = `${FAILURE_MARKER}
${lead}

This issue stays open while the pipeline fails: each failure adds a comment, and the next successful run closes it.`;
  const body = compose(intro, extra);
  const { data } = await call(
    "open the failure issue",
    () => octokit.rest.issues.create({ owner, repo, title: ISSUE_TITLE, body, labels: [label] })
  );
  return { action: "created", issue: data.number, url: data.html_url };
}
async function findOpenIssue(options) {
  const { octokit, owner, repo } = options;
  const label = options.label ?? DEFAULT_FAILURE_LABEL;
  const issues = await call(
    `list the open issues labelled ${label}`,
    () => octokit.paginate(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      state: "open",
      labels: label,
      per_page: 100
    })
  );
  return issues.filter((issue) => !issue.pull_request && issue.body?.includes(FAILURE_MARKER)).sort((a, b) => a.number - b.number)[0];
}
async function mentions(options, issue, marker) {
  if (issue.body?.includes(marker)) return true;
  const { octokit, owner, repo } = options;
  const comments = await call(
    `list the comments of issue #${issue.number}`,
    () => octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issue.number,
      per_page: 100
    })
  );
  return comments.some((comment) => comment.body?.includes(marker));
}
async function ensureLabel(options, name) {
  const { octokit, owner, repo } = options;
  try {
    await octokit.rest.issues.getLabel({ owner, repo, name });
    return;
  } catch (error) {
    if (gitHubStatus(error) !== 404) throw gitHubError(`read the label ${name}`, error);
  }
  try {
    await octokit.rest.issues.createLabel({
      owner,
      repo,
      name,
      color: "d73a4a",
      description: "The scheduled Amplitude pipeline is failing (opened and closed by the pipeline)"
    });
  } catch (error) {
    if (!alreadyExists(error)) throw gitHubError(`create the label ${name}`, error);
  }
}
function alreadyExists(error) {
  if (gitHubStatus(error) !== 422) return false;
  const data = error.response?.data;
  return data?.errors?.some((e) => e.code === "already_exists") ?? false;
}
async function call(doing, request) {
  try {
    return await request();
  } catch (error) {
    throw gitHubError(doing, error);
  }
}
function compose(head, extra) {
  if (!extra) return head;
  return `${head}

${extra(GITHUB_BODY_LIMIT - head.length - 2)}`;
}
function details(title, markdown) {
  const open = `<details><summary>${title}</summary>

`;
  const close = "\n\n</details>";
  return (room) => open + fitMarkdown(
    markdown,
    room - open.length - close.length,
    "**Cut to fit GitHub's 65,536-character limit**: the run's job summary has all of it."
  ) + close;
}
function code(text) {
  return `\`${text.replace(/[`\r\n]/g, " ")}\``;
}
function hoursText(hours) {
  return hours < 48 ? `${Math.floor(hours)} h` : `${Math.floor(hours / 24)} days`;
}

export {
  FAILURE_MARKER,
  DEFAULT_FAILURE_LABEL,
  reportFailure,
  reportSuccess,
  watchdog
};
