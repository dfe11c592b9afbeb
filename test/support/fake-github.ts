// A loopback GitHub REST API holding issues, comments, labels and workflow runs in memory: only the
// endpoints src/github/ calls, with GitHub's pagination (Link headers), defaults and refusals, so tests
// drive the real Octokit through `baseUrl`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason?: string | null;
  labels: string[];
  /** Set for a pull request: the issues list returns those too. */
  pull_request?: { url: string };
  created_at: string;
}

export interface FakeComment {
  id: number;
  issue_number: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface FakeLabel {
  name: string;
  color: string;
  description?: string;
}

export interface FakeRun {
  id: number;
  /** The workflow file, as in `.github/workflows/<file>`. */
  workflow: string;
  status: "completed" | "in_progress" | "queued";
  conclusion: "success" | "failure" | "cancelled" | null;
  created_at: string;
  updated_at: string;
  /** What started it, as GitHub's `event` (default `schedule`). */
  event?: string;
  /** The branch it ran on (default `main`). */
  head_branch?: string;
}

export interface FakeRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
  authorization?: string;
}

export interface FakeGitHub {
  url: string;
  owner: string;
  repo: string;
  issues: FakeIssue[];
  comments: FakeComment[];
  labels: FakeLabel[];
  runs: FakeRun[];
  /** The repository's default branch, as GET /repos/{owner}/{repo} answers it (default `main`). */
  defaultBranch: string;
  /** Workflow files the repository has; runs of another file are a 404, as on GitHub. */
  workflows: Set<string>;
  requests: FakeRequest[];
  /** Answers requests matching method and path with `status` (forever, or `times` times) instead of serving them. */
  failWith(
    method: string,
    path: RegExp,
    status: number,
    options?: { message?: string; times?: number },
  ): void;
  addIssue(issue: Partial<FakeIssue> & { title: string }): FakeIssue;
  addComment(issueNumber: number, body: string): FakeComment;
  /** The requests that changed something (POST, PATCH). */
  writes(): FakeRequest[];
  close(): Promise<void>;
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  message: string;
  times: number;
}

const BODY_LIMIT = 65_536;

export async function startFakeGitHub(options: { owner?: string; repo?: string } = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? "acme";
  const repo = options.repo ?? "analytics";
  const failures: Failure[] = [];
  let nextId = 1000;
  let clock = Date.UTC(2026, 0, 1);
  const stamp = () => new Date((clock += 1000)).toISOString();

  const fake: Omit<FakeGitHub, "url" | "close"> = {
    owner,
    repo,
    issues: [],
    comments: [],
    labels: [],
    runs: [],
    defaultBranch: "main",
    workflows: new Set(["pipeline.yml"]),
    requests: [],
    failWith(method, path, status, opts = {}) {
      failures.push({
        method,
        path,
        status,
        message: opts.message ?? defaultMessage(status),
        times: opts.times ?? Infinity,
      });
    },
    addIssue(issue) {
      const created: FakeIssue = {
        number: fake.issues.length + 1,
        body: "",
        state: "open",
        labels: [],
        created_at: stamp(),
        ...issue,
      };
      fake.issues.push(created);
      return created;
    },
    addComment(issueNumber, body) {
      const at = stamp();
      const comment = { id: nextId++, issue_number: issueNumber, body, created_at: at, updated_at: at };
      fake.comments.push(comment);
      return comment;
    },
    writes() {
      return fake.requests.filter((r) => r.method !== "GET");
    },
  };

  let base = "";
  const issueJson = (issue: FakeIssue) => ({
    ...issue,
    id: issue.number + 500_000,
    html_url: `https://github.com/${owner}/${repo}/${issue.pull_request ? "pull" : "issues"}/${issue.number}`,
    labels: issue.labels.map((name) => ({ name })),
  });
  const commentJson = (comment: FakeComment) => ({
    ...comment,
    html_url: `https://github.com/${owner}/${repo}/issues/${comment.issue_number}#issuecomment-${comment.id}`,
  });
  const runJson = (run: FakeRun) => ({
    event: "schedule",
    head_branch: "main",
    ...run,
    path: `.github/workflows/${run.workflow}`,
    html_url: `https://github.com/${owner}/${repo}/actions/runs/${run.id}`,
  });

  function page<T>(req: FakeRequest, items: T[]): { items: T[]; link?: string } {
    const perPage = Math.min(Number(req.query.per_page ?? 30), 100);
    const number = Number(req.query.page ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const href = (n: number) => {
      const url = new URL(base + req.path);
      for (const [key, value] of Object.entries({ ...req.query, page: String(n) }))
        url.searchParams.set(key, value);
      return url.href;
    };
    const links = [];
    if (number < last) links.push(`<${href(number + 1)}>; rel="next"`, `<${href(last)}>; rel="last"`);
    if (number > 1) links.push(`<${href(1)}>; rel="first"`, `<${href(number - 1)}>; rel="prev"`);
    return {
      items: items.slice((number - 1) * perPage, number * perPage),
      link: links.length ? links.join(", ") : undefined,
    };
  }

  type Reply = { status: number; body?: unknown; link?: string };
  const tooLong = (body: unknown): Reply | undefined =>
    typeof body === "string" && body.length > BODY_LIMIT
      ? {
          status: 422,
          body: {
            message: "Validation Failed",
            errors: [
              {
                resource: "Issue",
                code: "custom",
                field: "body",
                message: "body is too long (maximum is 65536 characters)",
              },
            ],
          },
        }
      : undefined;

  function route(req: FakeRequest): Reply {
    const prefix = `/repos/${owner}/${repo}`;
    // GET /repos/{owner}/{repo} answers the repository, with its default_branch
    // (https://docs.github.com/rest/repos/repos#get-a-repository); lenient on purpose: only the fields the code reads.
    if (req.path === prefix && req.method === "GET") {
      return {
        status: 200,
        body: { name: repo, full_name: `${owner}/${repo}`, default_branch: fake.defaultBranch },
      };
    }
    if (!req.path.startsWith(prefix + "/")) return { status: 404, body: { message: "Not Found" } };
    const path = req.path.slice(prefix.length);
    const body = req.body ?? {};
    let m: RegExpExecArray | null;

    if (path === "/issues" && req.method === "GET") {
      const state = req.query.state ?? "open";
      const wanted = (req.query.labels ?? "").split(",").filter(Boolean);
      const found = fake.issues
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => wanted.every((label) => i.labels.includes(label)))
        .sort((a, b) => b.number - a.number);
      const { items, link } = page(req, found);
      return { status: 200, body: items.map(issueJson), link };
    }
    if (path === "/issues" && req.method === "POST") {
      if (typeof body.title !== "string" || !body.title) {
        return {
          status: 422,
          body: { message: "Validation Failed", errors: [{ field: "title", code: "missing_field" }] },
        };
      }
      const rejected = tooLong(body.body);
      if (rejected) return rejected;
      const labels = Array.isArray(body.labels) ? body.labels.map(String) : [];
      const issue = fake.addIssue({ title: body.title, body: String(body.body ?? ""), labels });
      return { status: 201, body: issueJson(issue) };
    }
    if ((m = /^\/issues\/(\d+)$/.exec(path)) && req.method === "PATCH") {
      const issue = fake.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return { status: 404, body: { message: "Not Found" } };
      const rejected = tooLong(body.body);
      if (rejected) return rejected;
      if (body.state === "open" || body.state === "closed") issue.state = body.state;
      if (typeof body.state_reason === "string") issue.state_reason = body.state_reason;
      if (typeof body.body === "string") issue.body = body.body;
      if (typeof body.title === "string") issue.title = body.title;
      return { status: 200, body: issueJson(issue) };
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const number = Number(m[1]);
      if (!fake.issues.some((i) => i.number === number))
        return { status: 404, body: { message: "Not Found" } };
      if (req.method === "GET") {
        const { items, link } = page(
          req,
          fake.comments.filter((c) => c.issue_number === number),
        );
        return { status: 200, body: items.map(commentJson), link };
      }
      if (req.method === "POST") {
        const rejected = tooLong(body.body);
        if (rejected) return rejected;
        return { status: 201, body: commentJson(fake.addComment(number, String(body.body ?? ""))) };
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path)) && req.method === "PATCH") {
      const comment = fake.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return { status: 404, body: { message: "Not Found" } };
      const rejected = tooLong(body.body);
      if (rejected) return rejected;
      comment.body = String(body.body ?? "");
      comment.updated_at = stamp();
      return { status: 200, body: commentJson(comment) };
    }
    if ((m = /^\/labels\/([^/]+)$/.exec(path)) && req.method === "GET") {
      const name = decodeURIComponent(m[1]!);
      const label = fake.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
      return label ? { status: 200, body: label } : { status: 404, body: { message: "Not Found" } };
    }
    if (path === "/labels" && req.method === "POST") {
      const name = String(body.name ?? "");
      if (fake.labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) {
        return {
          status: 422,
          body: {
            message: "Validation Failed",
            errors: [{ resource: "Label", code: "already_exists", field: "name" }],
          },
        };
      }
      const label: FakeLabel = {
        name,
        color: String(body.color ?? "ededed"),
        description: body.description as string,
      };
      fake.labels.push(label);
      return { status: 201, body: label };
    }
    if ((m = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(path)) && req.method === "GET") {
      const workflow = decodeURIComponent(m[1]!);
      if (!fake.workflows.has(workflow)) return { status: 404, body: { message: "Not Found" } };
      const runs = fake.runs
        .filter((r) => r.workflow === workflow)
        .filter(
          (r) => !req.query.status || r.conclusion === req.query.status || r.status === req.query.status,
        )
        // "event: Returns workflow run triggered by the event you specify"; "branch: Returns workflow runs associated
        // with a branch" (https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow).
        .filter((r) => !req.query.event || (r.event ?? "schedule") === req.query.event)
        .filter((r) => !req.query.branch || (r.head_branch ?? "main") === req.query.branch)
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      const { items, link } = page(req, runs);
      return { status: 200, body: { total_count: runs.length, workflow_runs: items.map(runJson) }, link };
    }
    return { status: 404, body: { message: "Not Found" } };
  }

  async function handle(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? "/", base);
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const req: FakeRequest = {
      method: incoming.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      authorization: incoming.headers.authorization,
    };
    fake.requests.push(req);
    const failure = failures.find((f) => f.times > 0 && f.method === req.method && f.path.test(req.path));
    let reply: Reply;
    if (failure) {
      failure.times -= 1;
      reply = { status: failure.status, body: { message: failure.message } };
    } else if (!req.authorization) {
      reply = { status: 401, body: { message: "Requires authentication" } };
    } else {
      reply = route(req);
    }
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    if (reply.link) headers.link = reply.link;
    res.writeHead(reply.status, headers).end(JSON.stringify(reply.body ?? {}));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ message: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    ...fake,
    // A scalar: the routes read the one in `fake`.
    get defaultBranch() {
      return fake.defaultBranch;
    },
    set defaultBranch(branch: string) {
      fake.defaultBranch = branch;
    },
    url: base,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function defaultMessage(status: number): string {
  if (status === 403) return "Resource not accessible by integration";
  if (status === 404) return "Not Found";
  if (status >= 500) return "Server Error";
  return `HTTP ${status}`;
}
