import { readFile } from "node:fs/promises";

/** This run's page, from what the runner sets; undefined outside a job. */
export function runUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** The pull request a pull_request (or pull_request_target) event is about, from the event's JSON. */
export async function pullRequestNumber(env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  if (!/^pull_request(_target)?$/.test(env.GITHUB_EVENT_NAME ?? "") || !env.GITHUB_EVENT_PATH)
    return undefined;
  const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8")) as {
    pull_request?: { number?: unknown };
  };
  const number = event.pull_request?.number;
  return typeof number === "number" && Number.isInteger(number) && number > 0 ? number : undefined;
}
