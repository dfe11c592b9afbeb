import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError, ExternalServiceError } from "../src/errors.ts";
import { FAILURE_MARKER, reportFailure, reportSuccess, watchdog } from "../src/github/failure-issue.ts";
import {
  createOctokit,
  fitMarkdown,
  GITHUB_BODY_LIMIT,
  gitHubFromEnv,
  repositoryFromEnv,
  type GitHubRepository,
} from "../src/github/octokit.ts";
import { upsertStickyComment } from "../src/github/sticky-comment.ts";
import { startFakeGitHub, type FakeGitHub, type FakeRun } from "./support/fake-github.ts";

const MARKER = "<!-- amplitude-pipeline:sql-check -->";
const RUN = "https://github.com/acme/analytics/actions/runs/77";

let fake: FakeGitHub;
let gh: GitHubRepository;

beforeEach(async () => {
  fake = await startFakeGitHub();
  gh = {
    octokit: createOctokit({ token: "ghs_test", baseUrl: fake.url, env: {} }),
    owner: fake.owner,
    repo: fake.repo,
  };
});
afterEach(() => fake.close());

async function rejection(promise: Promise<unknown>): Promise<ExternalServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExternalServiceError);
  return error as ExternalServiceError;
}

describe("createOctokit and the repository from the environment", () => {
  it("honours GITHUB_API_URL and sends the token", async () => {
    const { octokit, owner, repo } = gitHubFromEnv({
      token: "ghs_env",
      env: { GITHUB_API_URL: `${fake.url}/`, GITHUB_REPOSITORY: "acme/analytics" },
    });
    expect([owner, repo]).toEqual(["acme", "analytics"]);
    await octokit.rest.issues.listForRepo({ owner, repo });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.authorization).toBe("token ghs_env");
  });

  it("prefers an explicit baseUrl over GITHUB_API_URL", async () => {
    const octokit = createOctokit({
      token: "t",
      baseUrl: fake.url,
      env: { GITHUB_API_URL: "http://127.0.0.1:9" },
    });
    await octokit.rest.issues.listForRepo({ owner: fake.owner, repo: fake.repo });
    expect(fake.requests).toHaveLength(1);
  });

  it("refuses an empty token and a missing or malformed GITHUB_REPOSITORY", () => {
    expect(() => createOctokit({ token: "", env: {} })).toThrow(ConfigurationError);
    expect(() => createOctokit({ token: "", env: {} })).toThrow(/input github-token is empty/);
    expect(() => repositoryFromEnv({})).toThrow(/GITHUB_REPOSITORY is not set/);
    expect(() => repositoryFromEnv({ GITHUB_REPOSITORY: "just-a-name" })).toThrow(
      /"just-a-name" is not owner\/repo/,
    );
  });

  it("names GitHub and says it could not be reached when nothing listens", async () => {
    const octokit = createOctokit({ token: "t", baseUrl: "http://127.0.0.1:1", env: {} });
    const error = await rejection(
      upsertStickyComment({
        octokit,
        owner: "acme",
        repo: "analytics",
        issueNumber: 1,
        marker: MARKER,
        body: "x",
      }),
    );
    expect(error.service).toBe("GitHub");
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/GitHub could not be reached to list the comments of #1/);
  });
});

describe("fitMarkdown", () => {
  it("returns text that fits as it is, and cuts longer text at a line end with the note, closing a fence", () => {
    expect(fitMarkdown("short", 10, "cut")).toBe("short");
    const text = "intro\n```sql\n" + "select 1;\n".repeat(100) + "```\n";
    const cut = fitMarkdown(text, 200, "NOTE");
    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut.endsWith("\n```\n\nNOTE")).toBe(true);
    expect(cut).not.toContain("select 1;select");
  });

  it("never leaves half of a surrogate pair", () => {
    const cut = fitMarkdown("😀".repeat(100), 51, "n");
    expect(cut.length).toBeLessThanOrEqual(51);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("upsertStickyComment", () => {
  let pr: number;
  beforeEach(() => {
    pr = fake.addIssue({ title: "Change a model", pull_request: { url: "x" } }).number;
  });
  const upsert = (body: string) => upsertStickyComment({ ...gh, issueNumber: pr, marker: MARKER, body });

  it("creates the comment, with the marker, when none holds it", async () => {
    fake.addComment(pr, "a reviewer's comment");
    const result = await upsert("## SQL check\n2 models changed");
    expect(result.action).toBe("created");
    expect(fake.comments).toHaveLength(2);
    const created = fake.comments[1]!;
    expect(created.body).toBe(`${MARKER}\n## SQL check\n2 models changed`);
    expect(result).toEqual({
      action: "created",
      url: expect.stringContaining(`#issuecomment-${created.id}`),
    });
  });

  it("updates the comment holding the marker instead of adding one", async () => {
    await upsert("first");
    const result = await upsert("second");
    expect(result.action).toBe("updated");
    expect(fake.comments.map((c) => c.body)).toEqual([`${MARKER}\nsecond`]);
    expect(fake.writes().map((r) => r.method)).toEqual(["POST", "PATCH"]);
  });

  it("writes nothing when the comment already says the same", async () => {
    await upsert("same");
    const result = await upsert("same");
    expect(result.action).toBe("unchanged");
    expect(fake.writes()).toHaveLength(1);
  });

  it("keeps a body that already holds the marker as it is", async () => {
    await upsert(`intro\n${MARKER}`);
    expect(fake.comments[0]!.body).toBe(`intro\n${MARKER}`);
  });

  it("finds the comment on a later page", async () => {
    for (let i = 0; i < 130; i++) fake.addComment(pr, `chatter ${i}`);
    const sticky = fake.addComment(pr, `${MARKER}\nold`);
    const result = await upsert("new");
    expect(result.action).toBe("updated");
    expect(sticky.body).toBe(`${MARKER}\nnew`);
    expect(fake.comments).toHaveLength(131);
    const pages = fake.requests.filter((r) => r.method === "GET").map((r) => r.query.page ?? "1");
    expect(pages).toEqual(["1", "2"]);
  });

  it("cuts a body over 65,536 characters with a visible note, and GitHub accepts it", async () => {
    const result = await upsert("| model | change |\n".repeat(5000));
    expect(result.action).toBe("created");
    const body = fake.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toContain("cut to fit GitHub's 65,536-character limit");
    expect(body.startsWith(MARKER)).toBe(true);
  });

  it("skips without throwing when a fork's read-only token gets 403", async () => {
    fake.failWith("POST", /\/comments$/, 403);
    const result = await upsert("results");
    expect(result).toEqual({ action: "skipped", reason: expect.stringContaining("GitHub answered 403") });
    expect(result.action === "skipped" && result.reason).toMatch(/fork .*read-only token.*job summary/);
    expect(fake.comments).toHaveLength(0);
  });

  it("skips on 404 too (the token cannot see the pull request)", async () => {
    fake.failWith("GET", /\/comments$/, 404);
    expect((await upsert("results")).action).toBe("skipped");
  });

  it("throws an ExternalServiceError naming GitHub, the status and the remedy on 500", async () => {
    await upsert("first");
    fake.failWith("PATCH", /\/issues\/comments\/\d+$/, 500);
    const error = await rejection(upsert("second"));
    expect(error.service).toBe("GitHub");
    expect(error.status).toBe(500);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      /GitHub answered 500 to update comment \d+ on #1 in acme\/analytics: .*re-run the job later/,
    );
    expect(fake.comments[0]!.body).toBe(`${MARKER}\nfirst`);
  });

  it("says which permission is missing on 401", async () => {
    fake.failWith("GET", /\/comments$/, 401, { message: "Bad credentials" });
    const error = await rejection(upsert("x"));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/401 .*Bad credentials.*check the github-token input/);
  });
});

describe("the failure issue", () => {
  const failure = (step = "extract", summaryMarkdown = "<h2>Extract</h2>\n3 windows failed") =>
    reportFailure({ ...gh, step, runUrl: RUN, summaryMarkdown });
  const openIssues = () => fake.issues.filter((i) => i.state === "open");

  it("is created with the label, created first when the repository lacks it", async () => {
    const result = await failure();
    expect(result).toEqual({
      action: "created",
      issue: 1,
      url: "https://github.com/acme/analytics/issues/1",
    });
    expect(fake.labels.map((l) => l.name)).toEqual(["pipeline-failure"]);
    const [issue] = fake.issues;
    expect(issue!.labels).toEqual(["pipeline-failure"]);
    expect(issue!.body).toContain(FAILURE_MARKER);
    expect(issue!.body).toContain("Step `extract` failed in [this run](" + RUN + ")");
    expect(issue!.body).toContain(
      "<details><summary>Summary of the failing step</summary>\n\n<h2>Extract</h2>\n3 windows failed",
    );
    expect(fake.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /repos/acme/analytics/labels",
      "POST /repos/acme/analytics/issues",
    ]);
  });

  it("uses the label the repository already has, and tolerates one created meanwhile", async () => {
    fake.labels.push({ name: "pipeline-failure", color: "000000" });
    await failure();
    expect(fake.writes().map((r) => r.path)).toEqual(["/repos/acme/analytics/issues"]);

    const other = await startFakeGitHub();
    try {
      other.failWith("GET", /\/labels\//, 404, { times: 1 });
      other.labels.push({ name: "pipeline-failure", color: "000000" });
      const octokit = createOctokit({ token: "t", baseUrl: other.url, env: {} });
      const result = await reportFailure({
        octokit,
        owner: other.owner,
        repo: other.repo,
        step: "upload",
        runUrl: RUN,
      });
      expect(result.action).toBe("created");
      expect(other.labels).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("throws when GitHub refuses the label for another reason", async () => {
    fake.failWith("POST", /\/labels$/, 422, { message: "Validation Failed" });
    const error = await rejection(failure());
    expect(error.message).toMatch(/422 to create the label pipeline-failure/);
    expect(fake.issues).toHaveLength(0);
  });

  it("gets a comment on the second failure, not a second issue", async () => {
    await failure("extract");
    const second = await failure("transform", "<p>2 tests failed</p>");
    expect(second.action).toBe("commented");
    expect(second.issue).toBe(1);
    expect(fake.issues).toHaveLength(1);
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]!.body).toContain("Step `transform` failed");
    expect(fake.comments[0]!.body).toContain("<p>2 tests failed</p>");
  });

  it("is found on a later page of labelled issues, and only by its marker", async () => {
    // The pull request is older than ours and holds the marker too: only an issue may be picked.
    fake.addIssue({
      title: "a PR",
      labels: ["pipeline-failure"],
      body: FAILURE_MARKER,
      pull_request: { url: "x" },
    });
    const ours = fake.addIssue({
      title: "ours",
      labels: ["pipeline-failure"],
      body: `${FAILURE_MARKER}\nold`,
    });
    for (let i = 0; i < 120; i++)
      fake.addIssue({ title: `flaky ${i}`, labels: ["pipeline-failure"], body: "by hand" });
    // GitHub lists newest first: the 120 newer ones fill page 1, ours is on page 2.
    const result = await failure();
    expect(result).toMatchObject({ action: "commented", issue: ours.number });
    const lists = fake.requests.filter((r) => r.method === "GET" && r.path.endsWith("/issues"));
    expect(lists.map((r) => [r.query.state, r.query.labels, r.query.page ?? "1"])).toEqual([
      ["open", "pipeline-failure", "1"],
      ["open", "pipeline-failure", "2"],
    ]);
    expect(fake.requests.some((r) => r.path.startsWith("/search"))).toBe(false);
  });

  it("does not reuse a closed issue holding the marker", async () => {
    fake.addIssue({ title: "old", labels: ["pipeline-failure"], body: FAILURE_MARKER, state: "closed" });
    const result = await failure();
    expect(result).toMatchObject({ action: "created", issue: 2 });
    expect(fake.issues[0]!.state).toBe("closed");
    expect(fake.comments).toHaveLength(0);
  });

  it("caps a huge summary so the issue and the comment stay under 65,536 characters", async () => {
    const huge = "<tr><td>window</td><td>failed</td></tr>\n".repeat(20_000);
    expect((await failure("extract", huge)).action).toBe("created");
    expect((await failure("extract", huge)).action).toBe("commented");
    for (const body of [fake.issues[0]!.body, fake.comments[0]!.body]) {
      expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
      expect(body).toContain("Cut to fit GitHub's 65,536-character limit");
      expect(body.endsWith("</details>")).toBe(true);
    }
  });

  it("keeps a step name from ending its code span", async () => {
    await failure("ext`ract\nx");
    expect(fake.issues[0]!.body).toContain("Step `ext ract x` failed");
  });

  it("is commented on and closed by the next success", async () => {
    await failure();
    const result = await reportSuccess({
      ...gh,
      runUrl: "https://github.com/acme/analytics/actions/runs/78",
    });
    expect(result).toMatchObject({ action: "closed", issue: 1 });
    expect(fake.issues[0]).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(fake.comments.at(-1)!.body).toContain(
      "Recovered in [run](https://github.com/acme/analytics/actions/runs/78)",
    );
  });

  it("success with no open issue does nothing", async () => {
    fake.addIssue({ title: "old", labels: ["pipeline-failure"], body: FAILURE_MARKER, state: "closed" });
    expect(await reportSuccess({ ...gh, runUrl: RUN })).toEqual({ action: "none" });
    expect(fake.writes()).toEqual([]);
    expect(fake.issues[0]!.state).toBe("closed");
  });

  it("honours another label", async () => {
    await reportFailure({ ...gh, label: "etl-down", step: "load", runUrl: RUN });
    expect(fake.issues[0]!.labels).toEqual(["etl-down"]);
    expect((await reportSuccess({ ...gh, runUrl: RUN })).action).toBe("none");
    expect((await reportSuccess({ ...gh, label: "etl-down", runUrl: RUN })).action).toBe("closed");
  });

  it("throws an ExternalServiceError with the remedy when the token may not write issues", async () => {
    fake.failWith("POST", /\/issues$/, 403);
    const error = await rejection(failure());
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/GitHub answered 403 to open the failure issue: .*issues: write/);
    expect(fake.issues).toHaveLength(0);
  });

  it("throws when closing fails, after the recovery comment", async () => {
    await failure();
    fake.failWith("PATCH", /\/issues\/1$/, 502);
    const error = await rejection(reportSuccess({ ...gh, runUrl: RUN }));
    expect(error.message).toMatch(/502 to close issue #1/);
    expect(error.retryable).toBe(true);
    expect(fake.issues[0]!.state).toBe("open");
  });

  it("throws when the label cannot be read for another reason than 404", async () => {
    fake.failWith("GET", /\/labels\//, 500);
    const error = await rejection(failure());
    expect(error.message).toMatch(/500 to read the label pipeline-failure/);
    expect(openIssues()).toHaveLength(0);
  });
});

describe("watchdog", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  let nextRun: number;
  beforeEach(() => {
    nextRun = 1;
  });
  const run = (
    updatedAt: string,
    conclusion: "success" | "failure" | null = "success",
    workflow = "pipeline.yml",
    more: Partial<FakeRun> = {},
  ) =>
    fake.runs.push({
      id: nextRun++,
      workflow,
      status: conclusion === null ? "in_progress" : "completed",
      conclusion,
      created_at: new Date(Date.parse(updatedAt) - 600_000).toISOString(),
      updated_at: updatedAt,
      ...more,
    });
  const check = (staleHours = 6) => watchdog({ ...gh, workflow: "pipeline.yml", staleHours, now });

  it("does nothing while the newest success is within stale-hours", async () => {
    run("2026-03-01T02:00:00Z");
    run("2026-03-01T07:00:00Z");
    run("2026-03-01T11:00:00Z", "failure");
    const result = await check(6);
    expect(result).toMatchObject({
      action: "none",
      stale: false,
      lastSuccess: { at: "2026-03-01T07:00:00Z" },
    });
    expect(result.message).toMatch(/last succeeded 5 h ago/);
    expect(fake.writes()).toEqual([]);
    const list = fake.requests.find((r) => r.path.endsWith("/runs"))!;
    expect(list.path).toBe("/repos/acme/analytics/actions/workflows/pipeline.yml/runs");
    expect(list.query.status).toBe("success");
  });

  it("opens the issue when the newest success is older than stale-hours, saying when it was", async () => {
    run("2026-03-01T05:00:00Z");
    run("2026-03-01T11:30:00Z", "failure");
    run("2026-03-01T11:00:00Z", "success", "other.yml");
    fake.workflows.add("other.yml");
    const result = await check(6);
    expect(result).toMatchObject({ action: "created", stale: true, issue: 1 });
    expect(result.message).toBe(
      "pipeline.yml has not succeeded for 7 h: the last successful run finished at 2026-03-01T05:00:00Z",
    );
    const body = fake.issues[0]!.body;
    expect(body).toContain(FAILURE_MARKER);
    expect(body).toContain("**Watchdog:** pipeline.yml has not succeeded for 7 h");
    expect(body).toContain("and the limit is 6 h");
    expect(body).toContain("2026-03-01T05:00:00Z ([run](https://github.com/acme/analytics/actions/runs/1))");
    expect(fake.issues[0]!.labels).toEqual(["pipeline-failure"]);
  });

  it("opens the issue when the workflow has never succeeded", async () => {
    run("2026-03-01T11:00:00Z", "failure");
    const result = await check();
    expect(result).toMatchObject({
      action: "created",
      stale: true,
      message: "pipeline.yml has no successful run",
    });
    expect(result.lastSuccess).toBeUndefined();
  });

  it("comments on the open failure issue once per last success, not every time it runs", async () => {
    run("2026-03-01T01:00:00Z");
    await reportFailure({ ...gh, step: "extract", runUrl: RUN });
    expect(await check()).toMatchObject({ action: "commented", issue: 1 });
    expect(await check()).toMatchObject({ action: "already-reported", issue: 1 });
    expect(fake.issues).toHaveLength(1);
    expect(fake.comments).toHaveLength(1);
    // A newer success that is stale again is news.
    run("2026-03-01T04:00:00Z");
    expect(await check()).toMatchObject({ action: "commented" });
    expect(fake.comments).toHaveLength(2);
  });

  it("counts scheduled successes on the default branch only: not dispatches, dry runs or other branches", async () => {
    run("2026-03-01T05:00:00Z");
    run("2026-03-01T11:00:00Z", "success", "pipeline.yml", { event: "workflow_dispatch" });
    run("2026-03-01T11:10:00Z", "success", "pipeline.yml", { head_branch: "feature" });
    const result = await check(6);
    expect(result).toMatchObject({
      action: "created",
      stale: true,
      lastSuccess: { at: "2026-03-01T05:00:00Z" },
    });
    expect(fake.issues[0]!.body).toContain("Only scheduled runs on main count.");
    const list = fake.requests.find((r) => r.path.endsWith("/runs"))!;
    expect(list.query).toMatchObject({ status: "success", event: "schedule", branch: "main" });
  });

  it("takes the repository's default branch, whatever its name", async () => {
    fake.defaultBranch = "trunk";
    run("2026-03-01T10:00:00Z", "success", "pipeline.yml", { head_branch: "trunk" });
    run("2026-03-01T11:00:00Z");
    expect(await check(6)).toMatchObject({ action: "none", lastSuccess: { at: "2026-03-01T10:00:00Z" } });
  });

  it("does not alarm while a backfill holds the pipeline, and says so", async () => {
    run("2026-03-01T01:00:00Z");
    run("2026-03-01T11:00:00Z", null, "pipeline.yml", {
      event: "workflow_dispatch",
      created_at: "2026-03-01T02:00:00Z",
    });
    const result = await check(6);
    expect(result).toMatchObject({
      action: "none",
      stale: false,
      backfill: { since: "2026-03-01T02:00:00Z", url: "https://github.com/acme/analytics/actions/runs/2" },
    });
    expect(result.message).toMatch(
      /a dispatched run \(a backfill\) has held the pipeline since 2026-03-01T02:00:00Z/,
    );
    expect(fake.issues).toHaveLength(0);
    // A scheduled run in progress is no backfill: the schedule itself is late.
    fake.runs.pop();
    run("2026-03-01T11:00:00Z", null);
    expect(await check(6)).toMatchObject({ action: "created", stale: true });
  });

  it("throws an ExternalServiceError naming the workflow when GitHub does not know it", async () => {
    const error = await rejection(watchdog({ ...gh, workflow: "missing.yml", staleHours: 6, now }));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/404 to list the successful runs of missing\.yml: .*does not exist/);
    expect(fake.issues).toHaveLength(0);
  });
});
