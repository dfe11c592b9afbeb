import { describe, expect, it } from "vitest";
import {
  CohortQuotaError,
  createObjectsClient,
  ObjectNotInPlanError,
  OBJECT_GROUPS,
  parseObjectGroups,
  type AmplitudeObjectsClient,
} from "../src/amplitude/objects-client.ts";
import type { AmplitudeSimulator, SimulatorOptions } from "../src/amplitude/simulator/server.ts";
import { ConfigurationError, ExternalServiceError } from "../src/errors.ts";
import { simulator } from "./support/simulator.ts";

const NOW = new Date("2026-11-20T10:30:00Z");
const LAST_COMPUTED = Date.parse("2026-11-20T00:00:00Z");
const POLL_MS = 5_000;

/** A client of the simulator that never waits for real: every sleep is recorded and returns at once. */
function clientOf(sim: AmplitudeSimulator, overrides: { secretKey?: string; maxParallel?: number } = {}) {
  const sleeps: number[] = [];
  const client = createObjectsClient({
    baseUrl: sim.url,
    apiKey: sim.apiKey,
    secretKey: overrides.secretKey ?? sim.secretKey,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    pollIntervalMs: POLL_MS,
    maxParallel: overrides.maxParallel,
  });
  return { client, sleeps };
}

const objectsSimulator = (options: SimulatorOptions = {}) => simulator({ now: () => NOW, ...options });

async function collect(client: AmplitudeObjectsClient, cohortId: string) {
  const members = [];
  for await (const member of client.cohortMembers(cohortId)) members.push(member);
  return members;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

async function expected(sim: AmplitudeSimulator, cohortId: string) {
  return (await sim.objects.membersAt(LAST_COMPUTED))
    .get(cohortId)!
    .map((m) => ({ cohort_id: cohortId, amplitude_id: m.amplitude_id, user_id: m.user_id }));
}

describe("parseObjectGroups", () => {
  it("reads a comma list in a fixed order, defaults to all, and names the valid groups for a bad one", () => {
    expect(parseObjectGroups(undefined)).toEqual(OBJECT_GROUPS);
    expect(parseObjectGroups("")).toEqual(["events", "taxonomy", "cohorts"]);
    expect(parseObjectGroups(" cohorts, events ")).toEqual(["events", "cohorts"]);
    expect(parseObjectGroups("taxonomy,taxonomy")).toEqual(["taxonomy"]);
    expect(() => parseObjectGroups("events,users")).toThrow(ConfigurationError);
    expect(() => parseObjectGroups("events,users")).toThrow(/"users".*events, taxonomy, cohorts/);
  });
});

describe("the objects client against the simulator", () => {
  it("reads event types, categories and cohorts as Amplitude returns them", async () => {
    const sim = await objectsSimulator();
    const { client } = clientOf(sim);
    const types = await client.eventTypes();
    expect(types.map((t) => t.event_type)).toContain("[Amplitude] Page Viewed");
    expect(types[0]).toEqual({
      event_type: "session_start",
      category: { name: expect.any(String) },
      description: expect.any(String),
    });
    const categories = await client.eventCategories();
    expect(categories).toEqual(sim.objects.eventCategories());
    const cohorts = await client.cohorts();
    const listed = await sim.objects.cohorts();
    expect(cohorts.map((c) => c.id)).toEqual(sim.objects.cohortIds);
    for (const [i, cohort] of cohorts.entries()) {
      // The summary's lastComputed is epoch ms, whatever unit Amplitude used; the record is untouched.
      expect(cohort).toEqual({
        id: listed[i]!.id,
        name: listed[i]!.name,
        lastComputed: LAST_COMPUTED,
        size: listed[i]!.size,
        record: listed[i],
      });
    }
  });

  it("streams each cohort's members through request, poll and file, exactly the simulator's", async () => {
    const sim = await objectsSimulator({ faults: { cohortInProgressPolls: 3 } });
    const { client, sleeps } = clientOf(sim);
    const cohortId = sim.objects.cohortIds[0]!;
    const counts: number[] = [];
    const members = [];
    for await (const member of client.cohortMembers(cohortId, { onMembers: (n) => counts.push(n) })) {
      members.push(member);
    }
    expect(members).toEqual(await expected(sim, cohortId));
    expect(members.length).toBeGreaterThan(0);
    expect(
      members.some((m) => m.user_id === null) && members.some((m) => typeof m.user_id === "string"),
    ).toBe(true);
    expect(counts.at(-1)).toBe(members.length);
    // Three JOB INPROGRESS answers, each followed by one poll interval, then JOB COMPLETED.
    expect(sleeps).toEqual([POLL_MS, POLL_MS, POLL_MS]);
    expect(sim.objectCounters.requests).toMatchObject({
      "cohorts/request": 1,
      "cohorts/request-status": 4,
      "cohorts/file": 1,
    });
  });

  it("follows a large cohort's file to the pre-signed URL it redirects to", async () => {
    const sim = await objectsSimulator({ cohortFileRedirectAbove: 5 });
    const { client } = clientOf(sim);
    const cohortId = sim.objects.cohortIds[2]!;
    expect((await expected(sim, cohortId)).length).toBeGreaterThan(5);
    expect(await collect(client, cohortId)).toEqual(await expected(sim, cohortId));
    expect(sim.objectCounters.requests).toMatchObject({ "cohorts/file": 1, "cohorts/s3-file": 1 });
  });

  it("never has more than 4 cohort requests open, nor more than maxParallel", async () => {
    const sim = await objectsSimulator({ faults: { cohortInProgressPolls: 2 } });
    const { client } = clientOf(sim);
    const ids = [...sim.objects.cohortIds, ...sim.objects.cohortIds, ...sim.objects.cohortIds];
    const all = await Promise.all(ids.map((id) => collect(client, id)));
    for (const [i, id] of ids.entries()) expect(all[i]).toEqual(await expected(sim, id));
    expect(sim.objectCounters.maxParallelCohortRequests).toBe(4);
    // No request was refused: the client queued instead.
    expect(sim.objectCounters.requests["cohorts/request"]).toBe(ids.length);
    expect(sim.objectCounters.cohortRequests).toBe(ids.length);

    const narrow = await objectsSimulator();
    const two = clientOf(narrow, { maxParallel: 2 }).client;
    await Promise.all(narrow.objects.cohortIds.map((id) => collect(two, id)));
    expect(narrow.objectCounters.maxParallelCohortRequests).toBe(2);
    expect(() => clientOf(narrow, { maxParallel: 5 })).toThrow(/from 1 to 4/);
  });

  it("waits out a 429 for its Retry-After, and retries a 5xx with backoff", async () => {
    const sim = await objectsSimulator({ faults: { rateLimit: { times: 2, retryAfterSeconds: 7 } } });
    const { client, sleeps } = clientOf(sim);
    expect((await client.eventTypes()).length).toBeGreaterThan(0);
    // Retry-After plus at most a second of jitter (half of it with random 0.5).
    expect(sleeps).toEqual([7_500, 7_500]);

    sim.faults = { serverError: { times: 2, status: 503 } };
    sleeps.length = 0;
    expect((await client.cohorts()).length).toBe(sim.objects.cohortIds.length);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
  });

  it("gives up on a lasting 5xx with an error naming the endpoint and what to do", async () => {
    const sim = await objectsSimulator({ faults: { serverError: { times: 100, status: 502 } } });
    const { client, sleeps } = clientOf(sim);
    const error = await rejection(client.eventCategories());
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error.message).toMatch(/GET \/api\/2\/taxonomy\/category failed 5 times, the last with HTTP 502/);
    expect(error.message).toMatch(/try again later/);
    expect((error as ExternalServiceError).service).toBe("Amplitude Taxonomy API");
    expect((error as ExternalServiceError).retryable).toBe(true);
    expect(sleeps).toHaveLength(4);
    expect(sim.objectCounters.requests["taxonomy/category"]).toBe(5);
  });

  it("turns 401 into a configuration error about the keys", async () => {
    const sim = await objectsSimulator();
    const { client } = clientOf(sim, { secretKey: "wrong" });
    const error = await rejection(client.cohorts());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/AMP_API_KEY and AMP_SECRET_KEY/);
    expect(sim.objectCounters.requests.cohorts).toBe(1);
  });

  it("reports a plan without Taxonomy or Cohorts as ObjectNotInPlanError, and the other API still answers", async () => {
    const sim = await objectsSimulator({ plan: { taxonomy: false } });
    const { client } = clientOf(sim);
    const error = await rejection(client.eventTypes());
    expect(error).toBeInstanceOf(ObjectNotInPlanError);
    expect(error).toMatchObject({ group: "taxonomy", status: 403 });
    expect(error.message).toMatch(/plan/);
    expect((await client.cohorts()).length).toBeGreaterThan(0);

    const noCohorts = await objectsSimulator({ plan: { cohorts: false } });
    const other = clientOf(noCohorts).client;
    await expect(collect(other, noCohorts.objects.cohortIds[0]!)).rejects.toMatchObject({
      name: "ObjectNotInPlanError",
      group: "cohorts",
      status: 403,
    });
    expect((await other.eventCategories()).length).toBeGreaterThan(0);
  });

  it("stops with CohortQuotaError once the month's downloads are used, without retrying", async () => {
    const sim = await objectsSimulator({ cohortDownloadQuota: 1 });
    const { client, sleeps } = clientOf(sim);
    const [first, second] = sim.objects.cohortIds;
    expect(await collect(client, first!)).toEqual(await expected(sim, first!));
    const error = await rejection(collect(client, second!));
    expect(error).toBeInstanceOf(CohortQuotaError);
    expect(error.message).toMatch(new RegExp(`cohort ${second}.*allowance is used up`));
    expect(sleeps).toEqual([]);
    expect(sim.objectCounters.requests["cohorts/request"]).toBe(2);
  });

  it("fetches a member file cut short again and yields every member once", async () => {
    for (const mode of ["truncate", "corrupt"] as const) {
      const sim = await objectsSimulator({
        eventsPerHour: 150,
        users: 100,
        faults: { cohortFile: { times: 2, mode } },
      });
      const { client } = clientOf(sim);
      const cohortId = sim.objects.cohortIds[1]!;
      expect(await collect(client, cohortId)).toEqual(await expected(sim, cohortId));
      expect(sim.objectCounters.requests).toMatchObject({ "cohorts/request": 1, "cohorts/file": 3 });
    }
  });

  it("names the cohort when its member file stays truncated or corrupt", async () => {
    for (const mode of ["truncate", "corrupt"] as const) {
      const sim = await objectsSimulator({ faults: { cohortFile: { times: 100, mode } } });
      const { client } = clientOf(sim);
      const cohortId = sim.objects.cohortIds[2]!;
      const error = await rejection(collect(client, cohortId));
      expect(error).toBeInstanceOf(ExternalServiceError);
      expect(error.message).toMatch(
        new RegExp(`member file of cohort ${cohortId} \\(request \\w+\\) was cut short or corrupt 5 times`),
      );
      expect(error.message).toMatch(/next run requests the cohort again/);
    }
  });

  it("stops at an abort and frees the cohort slot for the next request", async () => {
    const sim = await objectsSimulator({ faults: { cohortInProgressPolls: 5 } });
    const controller = new AbortController();
    let sleeps = 0;
    const client = createObjectsClient({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      secretKey: sim.secretKey,
      maxParallel: 1,
      sleep: async () => {
        if (++sleeps === 2) controller.abort(new Error("the run was cancelled"));
      },
    });
    const [first, second] = sim.objects.cohortIds;
    const members = client.cohortMembers(first!, { signal: controller.signal });
    await expect(
      (async () => {
        for await (const _ of members) void _;
      })(),
    ).rejects.toThrow("the run was cancelled");
    expect(sim.objectCounters.requests["cohorts/request-status"]).toBe(2);
    sim.faults = {};
    expect(await collect(client, second!)).toEqual(await expected(sim, second!));
  });

  it("refuses a cohort id that cannot be one before asking Amplitude", async () => {
    const sim = await objectsSimulator();
    const { client } = clientOf(sim);
    expect(() => client.cohortMembers("../export")).toThrow(ConfigurationError);
    const missing = await rejection(collect(client, "nosuch1"));
    expect(missing).toBeInstanceOf(ExternalServiceError);
    expect(missing.message).toMatch(/cohort nosuch1.*not found.*still exists/);
    expect(sim.objectCounters.requests["cohorts/request"]).toBe(1);
  });
});
