import { ConfigurationError } from "../errors.ts";

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

/** Talks to Amplitude's Taxonomy and Behavioral Cohorts APIs with the project's API and secret key. */
export function createObjectsClient(options: ObjectsClientOptions): AmplitudeObjectsClient {
  void options;
  throw new Error("createObjectsClient: not implemented yet (lands in the next commit)");
}
