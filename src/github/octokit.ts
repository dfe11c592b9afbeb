import { Octokit } from "@octokit/rest";
import { ConfigurationError, ExternalServiceError, errorMessage } from "../errors.ts";

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

/** GitHub refuses an issue or comment body longer than this many characters. */
export const GITHUB_BODY_LIMIT = 65_536;

/** A client and the repository it works on: what the issue and comment functions take. */
export interface GitHubRepository {
  octokit: Octokit;
  owner: string;
  repo: string;
}

export interface CreateOctokitOptions {
  token: string;
  /** The REST API root; else GITHUB_API_URL (set by the runner, and on GitHub Enterprise Server), else api.github.com. */
  baseUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export function createOctokit(options: CreateOctokitOptions): Octokit {
  const env = options.env ?? process.env;
  if (!options.token) {
    throw new ConfigurationError(
      "input github-token is empty: pass `github-token: ${{ github.token }}` (the default) or a token with issues: write",
    );
  }
  return new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl || env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL).replace(/\/+$/, ""),
    userAgent: "amplitude-pipeline",
    // Octokit logs every failed request to stderr; the callers turn the failures they do not expect into
    // one clear error, and a 404 for a missing label or a fork's 403 is expected.
    log: { debug: () => {}, info: () => {}, warn: console.warn, error: () => {} },
  });
}

/** owner/repo from GITHUB_REPOSITORY, which the runner sets. */
export function repositoryFromEnv(env: NodeJS.ProcessEnv = process.env): { owner: string; repo: string } {
  const value = env.GITHUB_REPOSITORY ?? "";
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(value);
  if (!match) {
    throw new ConfigurationError(
      value
        ? `GITHUB_REPOSITORY ${JSON.stringify(value)} is not owner/repo`
        : "GITHUB_REPOSITORY is not set: run this inside a GitHub Actions job, or set it to owner/repo",
    );
  }
  return { owner: match[1]!, repo: match[2]! };
}

/** The client for the repository the job runs in. */
export function gitHubFromEnv(options: CreateOctokitOptions): GitHubRepository {
  return { octokit: createOctokit(options), ...repositoryFromEnv(options.env) };
}

/** The HTTP status of an Octokit failure, or undefined when GitHub never answered. */
export function gitHubStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  // Octokit reports a connection that failed as status 500 with no response.
  if (!("response" in error) || error.response === undefined) return undefined;
  return typeof error.status === "number" ? error.status : undefined;
}

const REMEDIES: Record<number, string> = {
  401: "the token is invalid or expired: check the github-token input",
  403: "the token may not do this: give the job the permission it needs (issues: write, pull-requests: write, actions: read)",
  404: "the repository, issue or workflow does not exist, or the token cannot see it",
  410: "issues are turned off in this repository: turn them on in its settings",
  422: "GitHub refused the request's content",
  429: "GitHub's rate limit: wait and re-run the job",
};

/** An Octokit failure as an ExternalServiceError that says what was tried, GitHub's status and what to do. */
export function gitHubError(doing: string, error: unknown): ExternalServiceError {
  const status = gitHubStatus(error);
  if (status === undefined) {
    return new ExternalServiceError(
      "GitHub",
      `GitHub could not be reached to ${doing}: ${errorMessage(error)}`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
  const remedy = REMEDIES[status] ?? (status >= 500 ? "GitHub is failing: re-run the job later" : undefined);
  return new ExternalServiceError(
    "GitHub",
    `GitHub answered ${status} to ${doing}: ${errorMessage(error)}${remedy ? ` (${remedy})` : ""}`,
    { status, retryable: status === 429 || status >= 500, cause: error },
  );
}

/**
 * Cuts markdown to fit `limit` characters at a line end, closing a code fence left open and ending with
 * `note`, so a reader sees that something is missing. Text that fits is returned as it is.
 */
export function fitMarkdown(text: string, limit: number, note: string): string {
  if (text.length <= limit) return text;
  const room = limit - note.length - "\n```\n\n".length;
  if (room <= 0) return note.slice(0, limit);
  let cut = text.slice(0, room);
  const lineEnd = cut.lastIndexOf("\n");
  if (lineEnd > room / 2) cut = cut.slice(0, lineEnd);
  // Do not leave half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const fences = cut.match(/^\s*```/gm)?.length ?? 0;
  return `${cut}${fences % 2 === 1 ? "\n```" : ""}\n\n${note}`;
}
