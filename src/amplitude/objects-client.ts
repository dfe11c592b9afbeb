import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import fetch, { type Response } from "node-fetch";
import pLimit from "p-limit";
import { backoffDelay, DEFAULT_BACKOFF, realSleep, type BackoffPolicy } from "../backoff.ts";
import { ConfigurationError, errorMessage, ExternalServiceError } from "../errors.ts";
import { parseRetryAfter } from "./export-client.ts";

/** What `extract --objects` can fetch: events from the Export API, the rest from Taxonomy and Cohorts. */
export type ObjectGroup = "events" | "taxonomy" | "cohorts";
export const OBJECT_GROUPS: readonly ObjectGroup[] = ["events", "taxonomy", "cohorts"];

/** `"events,cohorts"` → `["events", "cohorts"]` in OBJECT_GROUPS order; empty or undefined → all of them. */
export function parseObjectGroups(text: string | undefined): ObjectGroup[] {
  const names = (text ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
  if (names.length === 0) return [...OBJECT_GROUPS];
  const unknown = names.filter((name) => !OBJECT_GROUPS.includes(name as ObjectGroup));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `unknown object group${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")} in ` +
        `--objects "${text}": use a comma-separated list of ${OBJECT_GROUPS.join(", ")}`,
    );
  }
  return OBJECT_GROUPS.filter((group) => names.includes(group));
}

/** 403 on Taxonomy or Cohorts: the project's plan lacks that API. Not a failure of the run. */
export class ObjectNotInPlanError extends Error {
  override readonly name = "ObjectNotInPlanError";
  constructor(
    readonly group: "taxonomy" | "cohorts",
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The monthly cohort download allowance is used up: membership keeps its last snapshot. */
export class CohortQuotaError extends Error {
  override readonly name = "CohortQuotaError";
}

export interface CohortSummary {
  id: string;
  name: string;
  /** Epoch ms, as Amplitude sends it; null when the cohort was never computed. */
  lastComputed: number | null;
  size: number | null;
  /** The cohort object exactly as `/api/3/cohorts` returned it. */
  record: Record<string, unknown>;
}

export interface AmplitudeObjectsClient {
  eventTypes(signal?: AbortSignal): Promise<Record<string, unknown>[]>;
  eventCategories(signal?: AbortSignal): Promise<Record<string, unknown>[]>;
  cohorts(signal?: AbortSignal): Promise<CohortSummary[]>;
  /** request → poll → file, streamed; each member as `{cohort_id, amplitude_id, user_id, ...props}`. At most 4 in flight per client. */
  cohortMembers(
    cohortId: string,
    options?: { signal?: AbortSignal; onMembers?: (count: number) => void },
  ): AsyncIterable<Record<string, unknown>>;
}

export interface ObjectsClientOptions {
  baseUrl: string;
  apiKey: string;
  secretKey: string;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Between two polls of a cohort request's status; default 5 s. */
  pollIntervalMs?: number;
  /** Cohort requests in flight at once; default and maximum 4 (Amplitude's limit per app). */
  maxParallel?: number;
}

const SERVICES = { taxonomy: "Amplitude Taxonomy API", cohorts: "Amplitude Behavioral Cohorts API" } as const;
/** Amplitude allows 4 parallel cohort requests per app. */
export const MAX_PARALLEL_COHORT_REQUESTS = 4;
const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** How long a cohort request may stay `JOB INPROGRESS` before the client gives up. */
const MAX_POLL_WAIT_MS = 30 * 60_000;
/** Tries per request (and per member file) before a retryable failure becomes an error. */
const MAX_ATTEMPTS = 5;
const ON_MEMBERS_EVERY = 1_000;

type Group = "taxonomy" | "cohorts";

/** Talks to Amplitude's Taxonomy and Behavioral Cohorts APIs with the project's API and secret key. */
export function createObjectsClient(options: ObjectsClientOptions): AmplitudeObjectsClient {
  return new HttpObjectsClient(options);
}

class HttpObjectsClient implements AmplitudeObjectsClient {
  private readonly authorization: string;
  private readonly baseUrl: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoff: BackoffPolicy;
  private readonly pollIntervalMs: number;
  private readonly limit;

  constructor(options: ObjectsClientOptions) {
    this.authorization = "Basic " + Buffer.from(`${options.apiKey}:${options.secretKey}`).toString("base64");
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.sleep = options.sleep ?? realSleep;
    this.backoff = { ...DEFAULT_BACKOFF, random: options.random ?? Math.random };
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    const parallel = options.maxParallel ?? MAX_PARALLEL_COHORT_REQUESTS;
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL_COHORT_REQUESTS) {
      throw new ConfigurationError(
        `maxParallel must be a whole number from 1 to ${MAX_PARALLEL_COHORT_REQUESTS} ` +
          `(Amplitude's limit of parallel cohort requests per app), not ${parallel}`,
      );
    }
    this.limit = pLimit(parallel);
  }

  async eventTypes(signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    return this.taxonomyList("/api/2/taxonomy/event", signal);
  }

  async eventCategories(signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    return this.taxonomyList("/api/2/taxonomy/category", signal);
  }

  async cohorts(signal?: AbortSignal): Promise<CohortSummary[]> {
    const path = "/api/3/cohorts";
    const body = await this.json("cohorts", path, signal);
    const cohorts = (body as { cohorts?: unknown }).cohorts;
    if (!Array.isArray(cohorts) || !cohorts.every(isRecord)) {
      throw this.malformed("cohorts", path, "no cohorts array");
    }
    return cohorts.map((record) => {
      if (record.id === undefined || record.id === null || record.id === "") {
        throw this.malformed("cohorts", path, "a cohort without an id");
      }
      return {
        id: String(record.id),
        name: typeof record.name === "string" ? record.name : String(record.id),
        lastComputed: epochMs(record.lastComputed),
        size: typeof record.size === "number" ? record.size : null,
        record,
      };
    });
  }

  cohortMembers(
    cohortId: string,
    options: { signal?: AbortSignal; onMembers?: (count: number) => void } = {},
  ): AsyncIterable<Record<string, unknown>> {
    if (!/^[A-Za-z0-9_-]+$/.test(cohortId)) {
      throw new ConfigurationError(
        `"${cohortId}" is not an Amplitude cohort id: use the id /api/3/cohorts lists (letters, digits, - and _)`,
      );
    }
    return this.members(cohortId, options);
  }

  private async *members(
    cohortId: string,
    { signal, onMembers }: { signal?: AbortSignal; onMembers?: (count: number) => void },
  ): AsyncGenerator<Record<string, unknown>> {
    const release = await this.slot();
    try {
      signal?.throwIfAborted();
      const requestPath = `/api/5/cohorts/request/${encodeURIComponent(cohortId)}`;
      const requested = await this.json("cohorts", requestPath, signal, cohortId);
      const requestId = (requested as { request_id?: unknown }).request_id;
      if (typeof requestId !== "string" || requestId === "") {
        throw this.malformed("cohorts", requestPath, "no request_id");
      }
      await this.waitForJob(cohortId, requestId, signal);
      yield* this.memberFile(cohortId, requestId, signal, onMembers);
    } finally {
      release();
    }
  }

  /** Holds one of the client's cohort slots until the returned function is called. */
  private slot(): Promise<() => void> {
    return new Promise((acquired) => {
      void this.limit(() => new Promise<void>((release) => acquired(release)));
    });
  }

  private async waitForJob(cohortId: string, requestId: string, signal?: AbortSignal): Promise<void> {
    const path = `/api/5/cohorts/request-status/${encodeURIComponent(requestId)}`;
    const maxPolls = Math.max(1, Math.ceil(MAX_POLL_WAIT_MS / Math.max(1, this.pollIntervalMs)));
    for (let poll = 1; ; poll++) {
      const status = (await this.json("cohorts", path, signal, cohortId)) as { async_status?: unknown };
      if (status.async_status === "JOB COMPLETED") return;
      if (status.async_status !== "JOB INPROGRESS") {
        throw new ExternalServiceError(
          SERVICES.cohorts,
          `GET ${path}: Amplitude reported ${JSON.stringify(status.async_status ?? null)} for the membership ` +
            `of cohort ${cohortId} (request ${requestId}); the next run requests it again`,
          { retryable: true },
        );
      }
      if (poll >= maxPolls) {
        throw new ExternalServiceError(
          SERVICES.cohorts,
          `GET ${path}: the membership of cohort ${cohortId} (request ${requestId}) was still being computed ` +
            `after ${poll} polls; the next run requests it again`,
          { retryable: true },
        );
      }
      await this.sleep(this.pollIntervalMs);
    }
  }

  /**
   * Streams the member file, parsing rows as they arrive. A file cut short or unreadable is fetched
   * again (Amplitude keeps the link for seven days and a retry costs no download), skipping the rows
   * already yielded, so every member comes exactly once.
   */
  private async *memberFile(
    cohortId: string,
    requestId: string,
    signal: AbortSignal | undefined,
    onMembers: ((count: number) => void) | undefined,
  ): AsyncGenerator<Record<string, unknown>> {
    const path = `/api/5/cohorts/request/${encodeURIComponent(requestId)}/file`;
    let yielded = 0;
    for (let attempt = 1; ; attempt++) {
      const response = await this.request("cohorts", path, signal, cohortId);
      const body = response.body as unknown as Readable;
      let row = 0;
      try {
        for await (const record of parseMemberCsv(body)) {
          row += 1;
          if (row <= yielded) continue;
          yield memberRecord(record, cohortId, row);
          yielded += 1;
          if (yielded % ON_MEMBERS_EVERY === 0) onMembers?.(yielded);
        }
        onMembers?.(yielded);
        return;
      } catch (error) {
        if (error instanceof MemberRowError) {
          throw new ExternalServiceError(
            SERVICES.cohorts,
            `GET ${path}: the member file of cohort ${cohortId} (request ${requestId}) is malformed: ` +
              `${error.message}; the next run requests it again`,
            { retryable: false, cause: error },
          );
        }
        signal?.throwIfAborted();
        if (attempt >= MAX_ATTEMPTS) {
          throw new ExternalServiceError(
            SERVICES.cohorts,
            `GET ${path}: the member file of cohort ${cohortId} (request ${requestId}) was cut short or ` +
              `corrupt ${attempt} times, the last after ${row} rows: ${errorMessage(error)}; ` +
              "check the network, and the next run requests the cohort again",
            { retryable: true, cause: error },
          );
        }
        await this.sleep(backoffDelay(attempt, this.backoff));
      } finally {
        // Stopped early (a consumer's break, an error): let go of the connection.
        body.destroy();
      }
    }
  }

  private async taxonomyList(path: string, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const body = (await this.json("taxonomy", path, signal)) as { success?: unknown; data?: unknown };
    if (body.success === false || !Array.isArray(body.data) || !body.data.every(isRecord)) {
      throw this.malformed("taxonomy", path, "no data array");
    }
    return body.data;
  }

  private async json(group: Group, path: string, signal?: AbortSignal, cohortId?: string): Promise<unknown> {
    const response = await this.request(group, path, signal, cohortId);
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw this.malformed(group, path, `not JSON: ${snippet(text)}`);
    }
  }

  /** GET with retries: 429 waits for Retry-After, 5xx and network failures back off. Resolves on 200 or 202. */
  private async request(
    group: Group,
    path: string,
    signal?: AbortSignal,
    cohortId?: string,
  ): Promise<Response> {
    const service = SERVICES[group];
    const what = `GET ${path}${cohortId ? ` (cohort ${cohortId})` : ""}`;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      let response: Response;
      try {
        response = await fetch(this.baseUrl + path, {
          headers: { Authorization: this.authorization, Accept: "application/json, text/csv" },
          signal,
        });
      } catch (error) {
        signal?.throwIfAborted();
        if (attempt >= MAX_ATTEMPTS) {
          throw new ExternalServiceError(
            service,
            `${what}: could not reach ${this.baseUrl} after ${attempt} tries: ${errorMessage(error)} ` +
              "(check AMPLITUDE_API_URL or AMPLITUDE_REGION and the network)",
            { retryable: true, cause: error },
          );
        }
        await this.sleep(backoffDelay(attempt, this.backoff));
        continue;
      }
      const status = response.status;
      if (status === 200 || status === 202) return response;
      const body = snippet(await response.text().catch(() => ""));
      const answer = `HTTP ${status}${body ? `: ${body}` : ""}`;
      if (status === 401) {
        throw new ConfigurationError(
          `Amplitude refused the credentials for ${what} (${answer}): check that AMP_API_KEY and AMP_SECRET_KEY ` +
            "are the project's API key and secret key, and that AMPLITUDE_REGION (us or eu) is the project's region",
        );
      }
      if (status === 403) {
        throw new ObjectNotInPlanError(
          group,
          status,
          `${service} answered 403 to ${what} (${answer}): the project's Amplitude plan does not include it, ` +
            `so ${group === "taxonomy" ? "event types and categories" : "cohorts and their members"} are skipped; ` +
            `leave ${group} out of --objects to stop asking, or upgrade the plan`,
        );
      }
      if (status === 429 && group === "cohorts" && /month/i.test(body)) {
        throw new CohortQuotaError(
          `${what}: the monthly cohort download allowance is used up (${answer}); memberships keep their ` +
            "last snapshot until the allowance renews next month (or Amplitude raises it)",
        );
      }
      const retryable = status === 429 || status >= 500;
      if (!retryable || attempt >= MAX_ATTEMPTS) {
        throw new ExternalServiceError(
          service,
          retryable
            ? `${what} failed ${attempt} times, the last with ${answer}: Amplitude is busy or failing; ` +
                "try again later (status.amplitude.com shows incidents)"
            : status === 404
              ? `${what}: not found (${answer}): check AMPLITUDE_API_URL (${this.baseUrl})` +
                (cohortId ? ` and that cohort ${cohortId} still exists` : "")
              : `${what}: Amplitude rejected the request (${answer})`,
          { status, retryable },
        );
      }
      const retryAfter =
        status === 429 ? parseRetryAfter(response.headers.get("retry-after"), Date.now()) : undefined;
      await this.sleep(backoffDelay(attempt, this.backoff, retryAfter));
    }
  }

  private malformed(group: Group, path: string, what: string): ExternalServiceError {
    return new ExternalServiceError(
      SERVICES[group],
      `GET ${path}: Amplitude's answer is not what its API documents (${what}); check AMPLITUDE_API_URL (${this.baseUrl})`,
      { retryable: false },
    );
  }
}

/** A member row that can never be read, whatever the transfer: the file itself is wrong. */
class MemberRowError extends Error {}

/** The member file as CSV rows: a header row (amplitude_id, user_id, then any user properties), quoted fields. */
function parseMemberCsv(body: Readable): AsyncIterable<Record<string, string>> {
  const parser = parse({
    columns: (header: string[]) => header.map((name) => name.trim()),
    bom: true,
    skip_empty_lines: true,
  });
  body.on("error", (error) => parser.destroy(error));
  body.pipe(parser);
  return parser;
}

function memberRecord(row: Record<string, string>, cohortId: string, line: number): Record<string, unknown> {
  const { amplitude_id: rawId, user_id: rawUserId, ...props } = row;
  if (rawId === undefined) throw new MemberRowError("its header has no amplitude_id column");
  const amplitudeId = /^\d+$/.test(rawId) && Number.isSafeInteger(Number(rawId)) ? Number(rawId) : null;
  if (amplitudeId === null) throw new MemberRowError(`row ${line} has amplitude_id ${JSON.stringify(rawId)}`);
  const record: Record<string, unknown> = {
    cohort_id: cohortId,
    amplitude_id: amplitudeId,
    user_id: rawUserId ? rawUserId : null,
  };
  for (const [key, value] of Object.entries(props)) record[key] = value === "" ? null : value;
  return record;
}

/** Amplitude's docs show cohort timestamps in seconds; milliseconds and ISO text are accepted too. */
function epochMs(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value))
    return value < 100_000_000_000 ? value * 1000 : value;
  if (typeof value === "string" && value !== "") {
    const parsed = /^\d+$/.test(value) ? epochMs(Number(value)) : Date.parse(value);
    return parsed === null || Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? flat.slice(0, 300) + "…" : flat;
}
