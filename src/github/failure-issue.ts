import {
  fitMarkdown,
  GITHUB_BODY_LIMIT,
  gitHubError,
  gitHubStatus,
  type GitHubRepository,
} from "./octokit.ts";

/** Marks the one issue the pipeline keeps open while it fails; only an open issue holding it is reused. */
export const FAILURE_MARKER = "<!-- amplitude-pipeline:failure -->";
export const DEFAULT_FAILURE_LABEL = "pipeline-failure";
const ISSUE_TITLE = "Amplitude pipeline: scheduled runs are failing";

export interface FailureIssueTarget extends GitHubRepository {
  /** The label the issue is found by (default `pipeline-failure`); created when the repository lacks it. */
  label?: string;
}

export interface IssueResult {
  action: "created" | "commented" | "closed" | "none" | "already-reported";
  /** The issue's number, when there is one. */
  issue?: number;
  url?: string;
}

export interface ReportFailureOptions extends FailureIssueTarget {
  /** The step (action) that failed. */
  step: string;
  runUrl: string;
  /** The failing step's job summary, as markdown; cut to fit the issue. */
  summaryMarkdown?: string;
}

/** Opens the failure issue, or adds a comment to the open one, naming the failing step and its summary. */
export async function reportFailure(options: ReportFailureOptions): Promise<IssueResult> {
  const summary = options.summaryMarkdown?.trim();
  const lead = `Step ${code(options.step)} failed in [this run](${options.runUrl}).`;
  return openOrComment(options, lead, summary ? details("Summary of the failing step", summary) : undefined);
}

/** Comments "recovered" on the open failure issue and closes it; with no open issue, does nothing. */
export async function reportSuccess(options: FailureIssueTarget & { runUrl: string }): Promise<IssueResult> {
  const { octokit, owner, repo } = options;
  const issue = await findOpenIssue(options);
  if (!issue) return { action: "none" };
  await call(`comment on issue #${issue.number}`, () =>
    octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.number,
      body: `Recovered in [run](${options.runUrl}): the pipeline succeeded again. Closing.`,
    }),
  );
  await call(`close issue #${issue.number}`, () =>
    octokit.rest.issues.update({
      owner,
      repo,
      issue_number: issue.number,
      state: "closed",
      state_reason: "completed",
    }),
  );
  return { action: "closed", issue: issue.number, url: issue.html_url };
}

export interface WatchdogOptions extends FailureIssueTarget {
  /** The workflow file whose successful runs count, e.g. `pipeline.yml`. */
  workflow: string;
  staleHours: number;
  now: Date;
}

export interface WatchdogResult extends IssueResult {
  stale: boolean;
  /** When the newest successful run finished (ISO), and where it is. */
  lastSuccess?: { at: string; url: string };
  /** A dispatched run (a backfill) in progress: it holds the concurrency group, so the schedule waits behind it. */
  backfill?: { since: string; url: string };
  message: string;
}

/**
 * A dropped schedule produces no failed run, so nothing else would notice: when the newest successful scheduled
 * run of the workflow on the default branch is older than `staleHours` (or there is none), opens or comments on the
 * failure issue, once per last success, so an hourly watchdog does not add a comment every hour. Dispatches (a
 * backfill, a dry run) and other branches do not count: they say nothing about the schedule. While a dispatched run
 * is in progress it holds the concurrency group and the scheduled runs wait behind it: no alarm then.
 */
export async function watchdog(options: WatchdogOptions): Promise<WatchdogResult> {
  const { octokit, owner, repo, workflow, staleHours, now } = options;
  const { data: repository } = await call("read the repository's default branch", () =>
    octokit.rest.repos.get({ owner, repo }),
  );
  const branch = repository.default_branch;
  const { data } = await call(`list the successful runs of ${workflow}`, () =>
    octokit.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: workflow,
      status: "success",
      event: "schedule",
      branch,
      per_page: 20,
    }),
  );
  // Runs come newest first by creation; the one that finished last is the one that matters.
  const newest = data.workflow_runs
    .map((run) => ({ at: run.updated_at || run.created_at, url: run.html_url, id: run.id }))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
  const ageHours = newest ? (now.getTime() - Date.parse(newest.at)) / 3_600_000 : Infinity;
  const lastSuccess = newest ? { at: newest.at, url: newest.url } : undefined;
  if (ageHours <= staleHours) {
    return {
      action: "none",
      stale: false,
      lastSuccess,
      message: `${workflow} last succeeded ${hoursText(ageHours)} ago (${newest!.at}), within ${staleHours} h`,
    };
  }
  const backfill = await backfillInProgress(options);
  if (backfill) {
    return {
      action: "none",
      stale: false,
      lastSuccess,
      backfill,
      message:
        `${workflow} has not succeeded on its schedule for ${hoursText(ageHours)}, but a dispatched run (a backfill) ` +
        `has held the pipeline since ${backfill.since} (${backfill.url}): the scheduled runs wait behind it`,
    };
  }
  const message = newest
    ? `${workflow} has not succeeded for ${hoursText(ageHours)}: the last successful run finished at ${newest.at}`
    : `${workflow} has no successful run`;
  const seen = `<!-- amplitude-pipeline:watchdog last-success=${newest?.id ?? "none"} -->`;
  const lead =
    `${seen}\n**Watchdog:** ${message}${newest ? ` ([run](${newest.url}))` : ""}, and the limit is ${staleHours} h. ` +
    `Only scheduled runs on ${branch} count. ` +
    "A schedule GitHub dropped or a disabled workflow fails no run, so only this watchdog notices.";
  const result = await openOrComment(options, lead, undefined, seen);
  return { ...result, stale: true, lastSuccess, message };
}

/** The oldest dispatched run of the workflow in progress, on any branch: the concurrency group is per database. */
async function backfillInProgress(
  options: WatchdogOptions,
): Promise<{ since: string; url: string } | undefined> {
  const { octokit, owner, repo, workflow } = options;
  const { data } = await call(`list the runs of ${workflow} in progress`, () =>
    octokit.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: workflow,
      status: "in_progress",
      event: "workflow_dispatch",
      per_page: 20,
    }),
  );
  return data.workflow_runs
    .map((run) => ({ since: run.run_started_at || run.created_at, url: run.html_url }))
    .sort((a, b) => Date.parse(a.since) - Date.parse(b.since))[0];
}

type Issue = { number: number; html_url: string; body?: string | null };

async function openOrComment(
  options: FailureIssueTarget,
  lead: string,
  extra: ((room: number) => string) | undefined,
  onceMarker?: string,
): Promise<IssueResult> {
  const { octokit, owner, repo } = options;
  const label = options.label ?? DEFAULT_FAILURE_LABEL;
  const existing = await findOpenIssue(options);
  if (existing) {
    if (onceMarker && (await mentions(options, existing, onceMarker))) {
      return { action: "already-reported", issue: existing.number, url: existing.html_url };
    }
    const body = compose(lead, extra);
    const { data } = await call(`comment on issue #${existing.number}`, () =>
      octokit.rest.issues.createComment({ owner, repo, issue_number: existing.number, body }),
    );
    return { action: "commented", issue: existing.number, url: data.html_url };
  }
  await ensureLabel(options, label);
  const intro =
    `${FAILURE_MARKER}\n${lead}\n\n` +
    "This issue stays open while the pipeline fails: each failure adds a comment, and the next successful run closes it.";
  const body = compose(intro, extra);
  const { data } = await call("open the failure issue", () =>
    octokit.rest.issues.create({ owner, repo, title: ISSUE_TITLE, body, labels: [label] }),
  );
  return { action: "created", issue: data.number, url: data.html_url };
}

/** The open issue with the label whose body holds the marker: listed by label, never found through search. */
async function findOpenIssue(options: FailureIssueTarget): Promise<Issue | undefined> {
  const { octokit, owner, repo } = options;
  const label = options.label ?? DEFAULT_FAILURE_LABEL;
  const issues = await call(`list the open issues labelled ${label}`, () =>
    octokit.paginate(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      state: "open",
      labels: label,
      per_page: 100,
    }),
  );
  return issues
    .filter((issue) => !issue.pull_request && issue.body?.includes(FAILURE_MARKER))
    .sort((a, b) => a.number - b.number)[0];
}

async function mentions(options: FailureIssueTarget, issue: Issue, marker: string): Promise<boolean> {
  if (issue.body?.includes(marker)) return true;
  const { octokit, owner, repo } = options;
  const comments = await call(`list the comments of issue #${issue.number}`, () =>
    octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issue.number,
      per_page: 100,
    }),
  );
  return comments.some((comment) => comment.body?.includes(marker));
}

async function ensureLabel(options: FailureIssueTarget, name: string): Promise<void> {
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
      description: "The scheduled Amplitude pipeline is failing (opened and closed by the pipeline)",
    });
  } catch (error) {
    // Another run created it between the two calls.
    if (!alreadyExists(error)) throw gitHubError(`create the label ${name}`, error);
  }
}

function alreadyExists(error: unknown): boolean {
  if (gitHubStatus(error) !== 422) return false;
  const data = (error as { response?: { data?: { errors?: Array<{ code?: string }> } } }).response?.data;
  return data?.errors?.some((e) => e.code === "already_exists") ?? false;
}

async function call<T>(doing: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw gitHubError(doing, error);
  }
}

/** The body: `head`, then what `extra` makes of the room left under GitHub's limit. */
function compose(head: string, extra: ((room: number) => string) | undefined): string {
  if (!extra) return head;
  return `${head}\n\n${extra(GITHUB_BODY_LIMIT - head.length - 2)}`;
}

/** A collapsed section holding `markdown`, cut to the room it is given. */
function details(title: string, markdown: string): (room: number) => string {
  const open = `<details><summary>${title}</summary>\n\n`;
  const close = "\n\n</details>";
  return (room) =>
    open +
    fitMarkdown(
      markdown,
      room - open.length - close.length,
      "**Cut to fit GitHub's 65,536-character limit**: the run's job summary has all of it.",
    ) +
    close;
}

/** Inline code for a name taken from input: backticks and line breaks would end it early. */
function code(text: string): string {
  return `\`${text.replace(/[`\r\n]/g, " ")}\``;
}

function hoursText(hours: number): string {
  return hours < 48 ? `${Math.floor(hours)} h` : `${Math.floor(hours / 24)} days`;
}
