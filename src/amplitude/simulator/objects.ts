import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";
import type { HourWindow } from "../hours.ts";
import { mixSeed } from "./random.ts";
import { EVENT_TYPES, type AmplitudeEvent, type TrafficOptions } from "./traffic.ts";

/**
 * The simulator's Taxonomy and Behavioral Cohorts APIs, served from the same generated world as the
 * export: the event types are the ones the events carry, and cohort members are users who had events
 * in the day before the cohort's `lastComputed`.
 */

/** Which of the two APIs the simulated project's plan includes (both by default). */
export interface SimulatorPlan {
  taxonomy?: boolean;
  cohorts?: boolean;
}

/** Faults of the object APIs; the export's rateLimit, serverError and forceStatus apply to them as well. */
export interface ObjectFaults {
  /** Every cohort request answers `JOB INPROGRESS` to this many polls before `JOB COMPLETED`. */
  cohortInProgressPolls?: number;
  /** Spoil the next `times` member files: `truncate` drops the connection halfway, `corrupt` sends a broken CSV. */
  cohortFile?: { times: number; mode: "truncate" | "corrupt" };
}

/** What the object endpoints were asked and served, for tests. */
export interface ObjectCounters {
  /**
   * Requests per endpoint: `taxonomy/event`, `taxonomy/category`, `cohorts`, `cohorts/request`,
   * `cohorts/request-status`, `cohorts/file`, and `cohorts/s3-file` (the pre-signed URL a large file redirects to).
   */
  requests: Record<string, number>;
  /** Cohort requests accepted (each counts toward the monthly download allowance, as on Amplitude). */
  cohortRequests: number;
  /** Member files served whole. */
  cohortFiles: number;
  /** Members in the files served whole. */
  cohortMembers: number;
  /** The most cohort requests that were open (requested, file not yet served) at the same moment. */
  maxParallelCohortRequests: number;
}

/** Amplitude: "4 parallel requests per minute per app" for cohort downloads. */
export const COHORT_PARALLEL_LIMIT = 4;
/** Amplitude: "500 requests per month" on Growth and Enterprise plans. */
export const DEFAULT_COHORT_DOWNLOAD_QUOTA = 500;

const CATEGORIES = ["Navigation", "Engagement", "Conversion", "Video"] as const;
const CATEGORY_ID_BASE = 412_931;

type EventType = (typeof EVENT_TYPES)[number];

const EVENT_TAXONOMY: Record<
  EventType,
  { category: (typeof CATEGORIES)[number]; description: string | null }
> = {
  session_start: { category: "Navigation", description: "A visit to the website began." },
  "[Amplitude] Page Viewed": { category: "Navigation", description: "A page of the website was viewed." },
  "[Amplitude] Element Clicked": { category: "Engagement", description: "A link or button was clicked." },
  "[Amplitude] Element Changed": { category: "Engagement", description: "A form field's value changed." },
  "[Amplitude] Form Started": { category: "Conversion", description: "The application form was started." },
  "[Amplitude] Form Submitted": {
    category: "Conversion",
    description: "The application form was submitted.",
  },
  "[Amplitude] File Downloaded": {
    category: "Conversion",
    description: "A syllabus or brochure was downloaded.",
  },
  video_loaded: { category: "Video", description: "A course video was loaded in the player." },
  video_started: { category: "Video", description: "A course video started playing." },
  video_paused: { category: "Video", description: "A course video was paused." },
  video_finished: { category: "Video", description: "A course video was watched to the end." },
  "Activate Modal Search": { category: "Engagement", description: "The site search was opened." },
  // Amplitude sends null for an event type nobody described.
  "Data Skills Video": { category: "Video", description: null },
};

interface CohortDefinition {
  name: string;
  description: string;
  /** Which users of the day are members. */
  matches: (event: AmplitudeEvent) => boolean;
  /** Amplitude's own representation, shortened: a "did event X at least once in the last day" clause. */
  eventType: string;
}

const COHORT_DEFINITIONS: CohortDefinition[] = [
  {
    name: "Applicants",
    description: "Submitted the application form in the last day.",
    eventType: "[Amplitude] Form Submitted",
    matches: (e) => e.event_type === "[Amplitude] Form Submitted",
  },
  {
    name: "Video learners",
    description: "Watched a course video to the end in the last day.",
    eventType: "video_finished",
    matches: (e) => e.event_type === "video_finished",
  },
  {
    name: "Syllabus downloaders",
    description: "Downloaded a file in the last day.",
    eventType: "[Amplitude] File Downloaded",
    matches: (e) => e.event_type === "[Amplitude] File Downloaded",
  },
  {
    name: "Company visitors",
    description: "Active in the last day while in a company group.",
    eventType: "_active",
    matches: (e) => Object.keys((e.groups as Record<string, unknown> | undefined) ?? {}).length > 0,
  },
];

export interface CohortMember {
  amplitude_id: number;
  /** The user's email when one of their events that day carried it. */
  user_id: string | null;
  country: string | null;
  city: string | null;
}

interface CohortJob {
  requestId: string;
  cohortId: string;
  lastComputed: number;
  pollsLeft: number;
  props: boolean;
  open: boolean;
  /** Real time, not `now`: an abandoned request stops counting toward the parallel limit after a minute. */
  openedAt: number;
}

const ABANDONED_AFTER_MS = 60_000;

/** What the object endpoints need from the simulator around them. */
export interface ObjectsContext {
  traffic: TrafficOptions;
  faults: () => {
    rateLimit?: { times: number; retryAfterSeconds?: number };
    serverError?: { times: number; status?: number };
    forceStatus?: number;
  } & ObjectFaults;
  authorized: (req: IncomingMessage) => boolean;
  events: (window: HourWindow) => Iterable<AmplitudeEvent>;
  /** A key that changes when the events served change (the re-export round), so memberships are recomputed. */
  eventsVersion: () => string;
  now: () => Date;
  plan: SimulatorPlan;
  cohortDownloadQuota: number;
  /** Member files of cohorts larger than this are answered with a 302 to a pre-signed "S3" URL, as Amplitude does. */
  redirectFilesAbove: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export class SimulatedObjects {
  readonly counters: ObjectCounters = {
    requests: {},
    cohortRequests: 0,
    cohortFiles: 0,
    cohortMembers: 0,
    maxParallelCohortRequests: 0,
  };
  private readonly jobs = new Map<string, CohortJob>();
  private readonly memberships = new Map<string, Promise<Map<string, CohortMember[]>>>();
  private readonly downloadsByMonth = new Map<string, number>();
  private nextRequest = 0;

  constructor(private readonly context: ObjectsContext) {}

  /** Ids of the cohorts, in the order `/api/3/cohorts` lists them. */
  get cohortIds(): string[] {
    return COHORT_DEFINITIONS.map((_, index) => this.cohortId(index));
  }

  /** The start of the UTC day of `now`: when the simulated Amplitude last computed every cohort (epoch ms). */
  lastComputed(): number {
    const now = this.context.now().getTime();
    return now - (((now % DAY_MS) + DAY_MS) % DAY_MS);
  }

  /** The hours a cohort computed at `lastComputed` looks at: the 24 before it. */
  static window(lastComputed: number): HourWindow {
    const end = lastComputed / HOUR_MS - 1;
    return { start: end - 23, end };
  }

  eventTypes(): Record<string, unknown>[] {
    return EVENT_TYPES.map((eventType) => ({
      event_type: eventType,
      category: { name: EVENT_TAXONOMY[eventType].category },
      description: EVENT_TAXONOMY[eventType].description,
    }));
  }

  eventCategories(): Array<{ id: number; name: string }> {
    return CATEGORIES.map((name, index) => ({ id: CATEGORY_ID_BASE + index * 10, name }));
  }

  /** Members of every cohort as computed at `lastComputed`, computed once per day and events version. */
  membersAt(lastComputed: number): Promise<Map<string, CohortMember[]>> {
    const key = `${lastComputed}:${this.context.eventsVersion()}`;
    let computed = this.memberships.get(key);
    if (!computed) {
      computed = Promise.resolve().then(() => this.computeMembers(lastComputed));
      this.memberships.set(key, computed);
    }
    return computed;
  }

  async cohorts(): Promise<Record<string, unknown>[]> {
    const lastComputed = this.lastComputed();
    const members = await this.membersAt(lastComputed);
    const seconds = Math.floor(lastComputed / 1000);
    return COHORT_DEFINITIONS.map((definition, index) => {
      const id = this.cohortId(index);
      const createdAt = Math.floor(Date.UTC(2025, 0, 6 + index * 3, 9) / 1000);
      return {
        appId: this.context.traffic.appId,
        archived: false,
        definition: {
          version: 3,
          countGroup: { name: "User", is_computed: false },
          cohortType: "UNIQUES",
          andClauses: [
            {
              negated: false,
              orClauses: [
                {
                  type: "event",
                  time_type: "rolling",
                  time_value: 1,
                  offset: 0,
                  interval: 1,
                  type_value: definition.eventType,
                  operator: ">=",
                  operator_value: 1,
                  group_by: definition.eventType === "_active" ? [{ type: "group", value: "company" }] : [],
                  metric: null,
                },
              ],
            },
          ],
          referenceFrameTimeParams: {},
        },
        description: definition.description,
        finished: true,
        id,
        name: definition.name,
        owners: ["analytics@thedataschool.co.uk"],
        viewers: [],
        published: true,
        size: members.get(id)!.length,
        type: "redshift",
        lastMod: createdAt,
        createdAt,
        // The docs show epoch seconds; the last cohort sends ISO text, which the client and the models
        // read too.
        lastComputed:
          index === COHORT_DEFINITIONS.length - 1 ? new Date(lastComputed).toISOString() : seconds,
        hidden: false,
        metadata: null,
        view_count: null,
        popularity: null,
        last_viewed: null,
        chart_id: null,
        edit_id: null,
        is_predictive: false,
        is_official_content: false,
        location_id: null,
        shortcut_ids: [],
      };
    });
  }

  /** Answers the request when it is for an object endpoint; false leaves it to the export. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const presigned = /^\/simulator-s3\/cohort-files\/([^/]+)\.csv\.gz$/.exec(url.pathname);
    if (presigned) {
      // A pre-signed URL carries its own authorisation: no Basic auth, no plan, no rate limit.
      const counters = this.counters.requests;
      counters["cohorts/s3-file"] = (counters["cohorts/s3-file"] ?? 0) + 1;
      await this.file(res, decodeURIComponent(presigned[1]!), true);
      return true;
    }
    const route = routeOf(url.pathname);
    if (!route) return false;
    if (req.method !== "GET") {
      sendJson(res, 405, { error: { http_code: 405, type: "MethodNotAllowed", message: "Use GET" } });
      return true;
    }
    const counters = this.counters.requests;
    counters[route.endpoint] = (counters[route.endpoint] ?? 0) + 1;
    if (!this.context.authorized(req)) {
      sendText(res, 401, "Invalid API key or secret key");
      return true;
    }
    const faults = this.context.faults();
    if (faults.forceStatus) {
      sendText(res, faults.forceStatus, "Forbidden");
      return true;
    }
    if (this.context.plan[route.api] === false) {
      sendNotInPlan(res, route.api);
      return true;
    }
    if (consume(faults.rateLimit)) {
      res.setHeader("Retry-After", String(faults.rateLimit!.retryAfterSeconds ?? 1));
      sendJson(res, 429, tooMany("Too many requests: exceeded the concurrent request limit"));
      return true;
    }
    if (consume(faults.serverError)) {
      sendText(res, faults.serverError!.status ?? 503, "Service Unavailable");
      return true;
    }
    switch (route.endpoint) {
      case "taxonomy/event":
        sendJson(res, 200, { success: true, data: this.eventTypes() });
        break;
      case "taxonomy/category":
        sendJson(res, 200, { success: true, data: this.eventCategories() });
        break;
      case "cohorts":
        sendJson(res, 200, { cohorts: await this.cohorts() });
        break;
      case "cohorts/request":
        this.request(res, route.id, url.searchParams.get("props") === "1");
        break;
      case "cohorts/request-status":
        this.status(res, route.id);
        break;
      case "cohorts/file":
        await this.file(res, route.id, false);
        break;
    }
    return true;
  }

  private request(res: ServerResponse, cohortId: string, props: boolean): void {
    if (!this.cohortIds.includes(cohortId)) {
      sendJson(res, 404, notFound(`Cohort ${cohortId} not found`));
      return;
    }
    const open = [...this.jobs.values()].filter(
      (job) => job.open && Date.now() - job.openedAt < ABANDONED_AFTER_MS,
    ).length;
    if (open >= COHORT_PARALLEL_LIMIT) {
      res.setHeader("Retry-After", "60");
      sendJson(
        res,
        429,
        tooMany(`Too many parallel cohort requests: at most ${COHORT_PARALLEL_LIMIT} per app at a time`),
      );
      return;
    }
    const month = this.context.now().toISOString().slice(0, 7);
    const used = this.downloadsByMonth.get(month) ?? 0;
    if (used >= this.context.cohortDownloadQuota) {
      sendJson(
        res,
        429,
        tooMany(
          `Exceeded the monthly limit of ${this.context.cohortDownloadQuota} cohort download requests ` +
            `(${used} used in ${month})`,
        ),
      );
      return;
    }
    this.downloadsByMonth.set(month, used + 1);
    this.counters.cohortRequests += 1;
    const requestId = this.requestId();
    this.jobs.set(requestId, {
      requestId,
      cohortId,
      lastComputed: this.lastComputed(),
      pollsLeft: this.context.faults().cohortInProgressPolls ?? 0,
      props,
      open: true,
      openedAt: Date.now(),
    });
    this.counters.maxParallelCohortRequests = Math.max(this.counters.maxParallelCohortRequests, open + 1);
    sendJson(res, 202, { request_id: requestId, cohort_id: cohortId });
  }

  private status(res: ServerResponse, requestId: string): void {
    const job = this.jobs.get(requestId);
    if (!job) {
      sendJson(res, 404, notFound(`Request ${requestId} not found`));
      return;
    }
    const done = job.pollsLeft <= 0;
    if (!done) job.pollsLeft -= 1;
    sendJson(res, done ? 200 : 202, {
      request_id: job.requestId,
      cohort_id: job.cohortId,
      async_status: done ? "JOB COMPLETED" : "JOB INPROGRESS",
    });
  }

  private async file(res: ServerResponse, requestId: string, presigned: boolean): Promise<void> {
    const job = this.jobs.get(requestId);
    if (!job) {
      sendJson(res, 404, notFound(`Request ${requestId} not found`));
      return;
    }
    if (job.pollsLeft > 0) {
      sendJson(res, 400, {
        error: { http_code: 400, type: "BadRequest", message: `Request ${requestId} has not completed yet` },
      });
      return;
    }
    const members = (await this.membersAt(job.lastComputed)).get(job.cohortId)!;
    if (!presigned && members.length > this.context.redirectFilesAbove) {
      const location = `/simulator-s3/cohort-files/${encodeURIComponent(requestId)}.csv.gz`;
      res.writeHead(302, { Location: `${location}?X-Amz-Expires=60&X-Amz-Signature=simulated` });
      res.end();
      return;
    }
    const spoil = this.context.faults().cohortFile;
    const mode = consume(spoil) ? spoil!.mode : null;
    const lines = memberCsv(members, job.props, mode === "corrupt");
    res.writeHead(200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Encoding": "gzip",
      "Content-Disposition": `attachment; filename="${job.cohortId}_${requestId}.csv"`,
    });
    if (mode === "truncate") {
      const whole = gzipSync(Buffer.from([...lines].join("")));
      res.write(whole.subarray(0, Math.floor(whole.length / 2)));
      await new Promise((resolve) => setImmediate(resolve));
      res.socket?.destroy();
      return;
    }
    // The request is over once its file is being fetched (a re-fetch of the file needs no slot), and
    // marking it first lets a client that starts its next request on the last byte find the slot free.
    if (mode === null) job.open = false;
    await pipeline(Readable.from(lines), createGzip(), res);
    if (mode === null) {
      this.counters.cohortFiles += 1;
      this.counters.cohortMembers += members.length;
    }
  }

  private computeMembers(lastComputed: number): Map<string, CohortMember[]> {
    const byCohort = COHORT_DEFINITIONS.map(() => new Set<number>());
    const users = new Map<number, CohortMember>();
    for (const event of this.context.events(SimulatedObjects.window(lastComputed))) {
      const amplitudeId = event.amplitude_id as number;
      let user = users.get(amplitudeId);
      if (!user) {
        user = {
          amplitude_id: amplitudeId,
          user_id: null,
          country: (event.country as string | null) ?? null,
          city: (event.city as string | null) ?? null,
        };
        users.set(amplitudeId, user);
      }
      if (user.user_id === null && typeof event.user_id === "string") user.user_id = event.user_id;
      COHORT_DEFINITIONS.forEach((definition, index) => {
        if (definition.matches(event)) byCohort[index]!.add(amplitudeId);
      });
    }
    return new Map(
      COHORT_DEFINITIONS.map((_, index) => [
        this.cohortId(index),
        [...byCohort[index]!].sort((a, b) => a - b).map((id) => users.get(id)!),
      ]),
    );
  }

  private cohortId(index: number): string {
    const { seed, appId } = this.context.traffic;
    return mixSeed(seed, appId, 7_000 + index)
      .toString(36)
      .padStart(7, "0")
      .slice(-7);
  }

  private requestId(): string {
    this.nextRequest += 1;
    const { seed, appId } = this.context.traffic;
    return mixSeed(seed, appId, 9_000 + this.nextRequest)
      .toString(36)
      .padStart(6, "0")
      .slice(-6);
  }
}

type Route =
  | { api: "taxonomy"; endpoint: "taxonomy/event" | "taxonomy/category"; id: "" }
  | {
      api: "cohorts";
      endpoint: "cohorts" | "cohorts/request" | "cohorts/request-status" | "cohorts/file";
      id: string;
    };

function routeOf(pathname: string): Route | null {
  if (pathname === "/api/2/taxonomy/event") return { api: "taxonomy", endpoint: "taxonomy/event", id: "" };
  if (pathname === "/api/2/taxonomy/category")
    return { api: "taxonomy", endpoint: "taxonomy/category", id: "" };
  if (pathname === "/api/3/cohorts") return { api: "cohorts", endpoint: "cohorts", id: "" };
  let m = /^\/api\/5\/cohorts\/request-status\/([^/]+)$/.exec(pathname);
  if (m) return { api: "cohorts", endpoint: "cohorts/request-status", id: decodeURIComponent(m[1]!) };
  m = /^\/api\/5\/cohorts\/request\/([^/]+)\/file$/.exec(pathname);
  if (m) return { api: "cohorts", endpoint: "cohorts/file", id: decodeURIComponent(m[1]!) };
  m = /^\/api\/5\/cohorts\/request\/([^/]+)$/.exec(pathname);
  if (m) return { api: "cohorts", endpoint: "cohorts/request", id: decodeURIComponent(m[1]!) };
  return null;
}

/** Amplitude's member file: quoted CSV, a header row, one member a row; an unknown user_id is empty. */
function* memberCsv(members: CohortMember[], props: boolean, corrupt: boolean): Generator<string> {
  const columns = props ? ["amplitude_id", "user_id", "country", "city"] : ["amplitude_id", "user_id"];
  yield columns.map(quote).join(",") + "\n";
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!;
    if (corrupt && i === Math.floor(members.length / 2)) {
      // An opening quote that never closes: the rest of the file runs into one field.
      yield `"${member.amplitude_id},"broken\n`;
      continue;
    }
    const values = [String(member.amplitude_id), member.user_id ?? ""];
    if (props) values.push(member.country ?? "", member.city ?? "");
    yield values.map(quote).join(",") + "\n";
  }
}

function quote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function sendNotInPlan(res: ServerResponse, api: "taxonomy" | "cohorts"): void {
  const message =
    api === "taxonomy"
      ? "The Taxonomy API is not available on your plan: it needs an Enterprise plan or the Govern add-on."
      : "The Behavioral Cohorts API is not available on your plan: it needs a Growth or Enterprise plan.";
  if (api === "taxonomy") sendJson(res, 403, { success: false, errors: [{ message }] });
  else sendJson(res, 403, { error: { http_code: 403, type: "Forbidden", message } });
}

function tooMany(message: string) {
  return { error: { http_code: 429, type: "TooManyRequests", message } };
}

function notFound(message: string) {
  return { error: { http_code: 404, type: "NotFound", message } };
}

function consume(fault: { times: number } | undefined): boolean {
  if (!fault || fault.times <= 0) return false;
  fault.times -= 1;
  return true;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}
