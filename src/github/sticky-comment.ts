import { errorMessage } from "../errors.ts";
import {
  fitMarkdown,
  GITHUB_BODY_LIMIT,
  gitHubError,
  gitHubStatus,
  type GitHubRepository,
} from "./octokit.ts";

export interface StickyCommentOptions extends GitHubRepository {
  /** The pull request (or issue) number. */
  issueNumber: number;
  /** A hidden HTML comment, e.g. `<!-- amplitude-pipeline:sql-check -->`, that marks the one comment to keep. */
  marker: string;
  body: string;
}

export type StickyCommentResult =
  { action: "created" | "updated" | "unchanged"; url: string } | { action: "skipped"; reason: string };

const CUT_NOTE =
  "**This comment was cut to fit GitHub's 65,536-character limit.** The job summary of this run has all of it.";

/**
 * Keeps one comment per marker on a pull request: updates the comment that holds the marker, or creates
 * it. A read-only token (a pull request from a fork) gets 403 or 404: that is reported as skipped, so the
 * caller falls back to the job summary instead of failing the check.
 */
export async function upsertStickyComment(options: StickyCommentOptions): Promise<StickyCommentResult> {
  const { octokit, owner, repo, issueNumber, marker } = options;
  const withMarker = options.body.includes(marker) ? options.body : `${marker}\n${options.body}`;
  const body = fitMarkdown(withMarker, GITHUB_BODY_LIMIT, CUT_NOTE);
  let doing = `list the comments of #${issueNumber} in ${owner}/${repo}`;
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    const existing = comments.find((comment) => comment.body?.includes(marker));
    if (existing && existing.body === body) return { action: "unchanged", url: existing.html_url };
    if (existing) {
      doing = `update comment ${existing.id} on #${issueNumber} in ${owner}/${repo}`;
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body,
      });
      return { action: "updated", url: data.html_url };
    }
    doing = `comment on #${issueNumber} in ${owner}/${repo}`;
    const { data } = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body,
    });
    return { action: "created", url: data.html_url };
  } catch (error) {
    const status = gitHubStatus(error);
    if (status === 403 || status === 404) {
      return {
        action: "skipped",
        reason:
          `GitHub answered ${status} when asked to ${doing} (${errorMessage(error)}): a pull request from a fork ` +
          "gets a read-only token; the results are in the job summary and the annotations instead",
      };
    }
    throw gitHubError(doing, error);
  }
}
