import {
  createObjectsClient,
  type AmplitudeObjectsClient,
  type CohortSummary,
  type ObjectGroup,
} from "../amplitude/objects-client.ts";
import {
  extractSnapshots,
  type SnapshotOutcome,
  type SnapshotReporter,
  type SnapshotsSummary,
} from "../amplitude/snapshots.ts";
import { amplitudeConfig, type AmplitudeConfig, type Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import { isoFromCompactTime, type Lake } from "../lake/lake.ts";
import {
  GROUP_OBJECTS,
  latestBackupSnapshots,
  latestSnapshots,
  latestSnapshotTimes,
  type LatestSnapshot,
} from "../lake/snapshot-keys.ts";

export type { SnapshotOutcome, SnapshotsSummary } from "../amplitude/snapshots.ts";

/** The figures `extract --json` adds when objects other than events were asked for. */
export interface SnapshotFigures {
  snapshots: { written: number; unchanged: number; failed: number; records: number };
  /** The object groups the Amplitude plan lacks (403), each with why, once. */
  skipped: Array<{ objects: "taxonomy" | "cohorts"; reason: string }>;
}

export function snapshotFigures(summary: SnapshotsSummary): SnapshotFigures {
  return {
    snapshots: {
      written: summary.written,
      unchanged: summary.unchanged,
      failed: summary.failed,
      records: summary.outcomes.reduce(
        (total, o) => total + (o.status === "written" || o.status === "unchanged" ? o.records : 0),
        0,
      ),
    },
    skipped: summary.skipped.map(({ group, reason }) => ({ objects: group, reason })),
  };
}

/** A group of snapshots not taken this run: taken less than the interval ago. */
export interface SnapshotDeferral {
  group: "taxonomy" | "cohorts";
  /** ISO times. */
  lastTaken: string;
  nextAfter: string;
}

/**
 * Which snapshot groups are due: those never taken, or taken `every` ms ago or longer. A group is dated by
 * the oldest of its objects' latest snapshots (so an object that failed last time is tried again), read
 * from key names only. `every` 0 takes them all.
 */
export async function snapshotsDue(options: {
  groups: readonly ("taxonomy" | "cohorts")[];
  every: number;
  out: string;
  appId: string;
  lake?: Lake;
  now: Date;
}): Promise<{ due: Array<"taxonomy" | "cohorts">; deferred: SnapshotDeferral[] }> {
  if (options.every <= 0 || options.groups.length === 0) return { due: [...options.groups], deferred: [] };
  const times = await latestSnapshotTimes(options.out, options.appId, options.lake);
  const due: Array<"taxonomy" | "cohorts"> = [];
  const deferred: SnapshotDeferral[] = [];
  for (const group of options.groups) {
    const taken = GROUP_OBJECTS[group].map((object) => times.get(object));
    if (taken.some((t) => t === undefined)) {
      due.push(group);
      continue;
    }
    const lastTaken = new Date(isoFromCompactTime(taken.sort()[0]!));
    const nextAfter = new Date(lastTaken.getTime() + options.every);
    if (options.now >= nextAfter) due.push(group);
    else deferred.push({ group, lastTaken: lastTaken.toISOString(), nextAfter: nextAfter.toISOString() });
  }
  return { due, deferred };
}

/**
 * The latest snapshot known of each object and cohort: the lake's manifests when a lake is given, and the
 * backup folder's, the later of the two where both hold one (a snapshot taken and not uploaded yet counts:
 * its cohorts are not downloaded again before it is).
 */
export async function previousSnapshots(
  out: string,
  appId: string,
  lake?: Lake,
): Promise<Map<string, LatestSnapshot>> {
  const known = lake ? await latestSnapshots(lake, appId) : new Map<string, LatestSnapshot>();
  for (const [slot, backup] of await latestBackupSnapshots(out, appId)) {
    const inLake = known.get(slot);
    if (!inLake || backup.takenAt > inLake.takenAt) known.set(slot, backup);
  }
  return known;
}

/** The snapshots part of extract: taxonomy and cohorts from their APIs into the backup folder. */
export async function snapshotObjects(options: {
  groups: readonly ObjectGroup[];
  out: string;
  appId: string | undefined;
  lake?: Lake;
  env: Env;
  amplitude?: AmplitudeConfig;
  sleep?: (ms: number) => Promise<void>;
  now: () => Date;
  runId: string;
  signal?: AbortSignal;
  reporter?: SnapshotReporter;
}): Promise<SnapshotsSummary> {
  const objectGroups = options.groups.filter((g): g is "taxonomy" | "cohorts" => g !== "events");
  const config = options.amplitude ?? amplitudeConfig(options.env);
  const client = listingCohortsOnce(
    createObjectsClient({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      secretKey: config.secretKey,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    }),
  );
  const appId =
    options.appId ??
    (objectGroups.includes("cohorts") ? await appIdOfCohorts(client, options.signal) : undefined);
  if (!appId) {
    const error =
      "the Amplitude app id is not known yet (no window with data in the backup folder or the lake): " +
      "set AMPLITUDE_APP_ID to the project's numeric id (Settings > Projects), or extract events first";
    const outcomes: SnapshotOutcome[] = objectGroups.flatMap((group) =>
      (group === "taxonomy" ? (["event_types", "event_categories"] as const) : (["cohorts"] as const)).map(
        (object) => ({ object, status: "failed" as const, error }),
      ),
    );
    for (const outcome of outcomes) options.reporter?.snapshotFinished?.(outcome);
    return { outcomes, skipped: [], written: 0, unchanged: 0, failed: outcomes.length };
  }
  return extractSnapshots({
    client,
    groups: objectGroups,
    outDir: options.out,
    appId,
    previous: await previousSnapshots(options.out, appId, options.lake),
    now: options.now,
    runId: options.runId,
    signal: options.signal,
    reporter: options.reporter,
  });
}

/**
 * A project's first run with no events to say its app id: Amplitude's cohort records carry it (`appId`). Null when
 * the cohorts cannot tell (none, several apps, or the list cannot be read: the snapshot step reports why itself).
 */
async function appIdOfCohorts(
  client: AmplitudeObjectsClient,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const cohorts = await client.cohorts(signal).catch((error: unknown) => {
    // Wrong keys say so; anything else (a plan without Cohorts, a 5xx) the snapshot step reports itself.
    if (error instanceof ConfigurationError) throw error;
    return [];
  });
  const apps = new Set(
    cohorts.map((cohort) => cohort.record.appId).filter((id) => id !== undefined && id !== null),
  );
  return apps.size === 1 ? String([...apps][0]) : undefined;
}

/** The run's client, asking for the cohort list once: finding the app id and the snapshot read the same list. */
function listingCohortsOnce(client: AmplitudeObjectsClient): AmplitudeObjectsClient {
  let listing: Promise<CohortSummary[]> | undefined;
  return {
    eventTypes: (signal) => client.eventTypes(signal),
    eventCategories: (signal) => client.eventCategories(signal),
    cohorts: (signal) => (listing ??= client.cohorts(signal)),
    cohortMembers: (cohortId, options) => client.cohortMembers(cohortId, options),
  };
}
