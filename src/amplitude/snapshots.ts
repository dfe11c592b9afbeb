import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import pLimit from "p-limit";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { compactTime } from "../lake/lake.ts";
import {
  backupSnapshotFolder,
  checkCohortId,
  snapshotDelivery,
  snapshotFileName,
  snapshotSlot,
  SNAPSHOT_MANIFEST_FILE,
  type LatestSnapshot,
  type SnapshotId,
  type SnapshotManifest,
  type SnapshotObject,
} from "../lake/snapshot-keys.ts";
import { makeFolder } from "../make-folder.ts";
import {
  CohortQuotaError,
  ObjectNotInPlanError,
  type AmplitudeObjectsClient,
  type CohortSummary,
  type ObjectGroup,
} from "./objects-client.ts";

/** What became of one snapshot (one object, or one cohort's members) in a run. */
export type SnapshotOutcome = {
  object: SnapshotObject;
  /** cohort_members only. */
  cohortId?: string;
  cohortName?: string;
} & (
  | {
      /** A new snapshot is in the backup folder. */
      status: "written";
      records: number;
      bytes: number;
      delivery: string;
      /** Its folder in the backup. */
      folder: string;
    }
  | {
      /**
       * The same content as the latest snapshot known (same delivery), or, for a cohort's members, a cohort
       * not computed again since its latest snapshot: nothing was written (nor, for members, downloaded).
       */
      status: "unchanged";
      records: number;
      delivery: string;
    }
  | {
      /**
       * `not-in-plan`: the project's plan lacks the API (403), not a failure. `quota`: the month's cohort
       * downloads are used up; the cohort keeps its latest membership snapshot.
       */
      status: "skipped";
      cause: "not-in-plan" | "quota";
      reason: string;
    }
  | { status: "failed"; error: string }
);

export interface SnapshotReporter {
  snapshotFinished?(outcome: SnapshotOutcome): void;
  /** Once per object group the plan lacks (403). */
  groupSkipped?(event: { group: "taxonomy" | "cohorts"; reason: string }): void;
  warning?(message: string): void;
}

export interface ExtractSnapshotsOptions {
  client: AmplitudeObjectsClient;
  /** The groups to take; `events` is not this function's and is ignored. */
  groups: readonly ObjectGroup[];
  /** The backup folder. */
  outDir: string;
  appId: string;
  /** The latest snapshot known of each object and cohort (the lake's, else the backup's), by `snapshotSlot`. */
  previous: ReadonlyMap<string, LatestSnapshot>;
  now?: () => Date;
  runId: string;
  signal?: AbortSignal;
  reporter?: SnapshotReporter;
  /** Cohort memberships downloaded at once (the client holds at most 4 in flight anyway). */
  concurrency?: number;
}

export interface SnapshotsSummary {
  outcomes: SnapshotOutcome[];
  /** The groups the plan lacks, each with its reason once. */
  skipped: Array<{ group: "taxonomy" | "cohorts"; reason: string }>;
  written: number;
  unchanged: number;
  failed: number;
}

/** The request each object's records come from, for manifests and messages. */
export const SNAPSHOT_REQUESTS: Record<SnapshotObject, string> = {
  event_types: "GET /api/2/taxonomy/event",
  event_categories: "GET /api/2/taxonomy/category",
  cohorts: "GET /api/3/cohorts",
  cohort_members: "GET /api/5/cohorts/request/:id",
};

/**
 * Takes a full snapshot of each object of `groups` into `<outDir>/<appId>/_objects/`: event types and
 * categories (taxonomy), the cohorts, and each cohort's members, downloaded only when the cohort was
 * computed again since its latest snapshot. A snapshot with the same content as the latest known one is
 * not written again. Each snapshot is a folder renamed into place whole, so a failure part-way leaves the
 * earlier snapshots as they were and no partial one. A plan without an API (403) skips its objects; other
 * failures are returned per object, after everything else is saved. A configuration error (bad keys)
 * stops at once.
 */
export async function extractSnapshots(options: ExtractSnapshotsOptions): Promise<SnapshotsSummary> {
  const writer = new SnapshotWriter(options);
  const outcomes: SnapshotOutcome[] = [];
  const skipped: SnapshotsSummary["skipped"] = [];
  const finish = (outcome: SnapshotOutcome) => {
    outcomes.push(outcome);
    options.reporter?.snapshotFinished?.(outcome);
  };
  const notInPlan = (
    group: "taxonomy" | "cohorts",
    error: ObjectNotInPlanError,
    objects: SnapshotObject[],
  ) => {
    if (!skipped.some((s) => s.group === group)) {
      const reason = planReason(group, error);
      skipped.push({ group, reason });
      options.reporter?.groupSkipped?.({ group, reason });
    }
    const reason = skipped.find((s) => s.group === group)!.reason;
    for (const object of objects) finish({ object, status: "skipped", cause: "not-in-plan", reason });
  };
  try {
    if (options.groups.includes("taxonomy")) {
      for (const [object, fetch] of [
        ["event_types", (signal?: AbortSignal) => options.client.eventTypes(signal)],
        ["event_categories", (signal?: AbortSignal) => options.client.eventCategories(signal)],
      ] as const) {
        if (options.signal?.aborted) break;
        // Once one taxonomy endpoint says the plan lacks it, the other says the same: ask once.
        if (skipped.some((s) => s.group === "taxonomy")) {
          notInPlan("taxonomy", new ObjectNotInPlanError("taxonomy", 403, ""), [object]);
          continue;
        }
        try {
          const records = await fetch(options.signal);
          finish(await writer.write({ object, records, request: SNAPSHOT_REQUESTS[object] }));
        } catch (error) {
          if (error instanceof ObjectNotInPlanError) notInPlan("taxonomy", error, [object]);
          else finish(failure(object, error));
        }
      }
    }
    if (options.groups.includes("cohorts") && !options.signal?.aborted) {
      let cohorts: CohortSummary[] | undefined;
      try {
        cohorts = await options.client.cohorts(options.signal);
      } catch (error) {
        if (error instanceof ObjectNotInPlanError) notInPlan("cohorts", error, ["cohorts", "cohort_members"]);
        else {
          finish(failure("cohorts", error));
          finish(failure("cohort_members", error));
        }
      }
      if (cohorts) {
        finish(
          await writer
            .write({
              object: "cohorts",
              records: cohorts.map((c) => c.record),
              request: SNAPSHOT_REQUESTS.cohorts,
            })
            .catch((error: unknown) => failure("cohorts", error)),
        );
        await cohortMembers(options, writer, cohorts, finish, (error) => notInPlan("cohorts", error, []));
      }
    }
  } finally {
    await writer.close();
  }
  return {
    outcomes,
    skipped,
    written: outcomes.filter((o) => o.status === "written").length,
    unchanged: outcomes.filter((o) => o.status === "unchanged").length,
    failed: outcomes.filter((o) => o.status === "failed").length,
  };
}

/** Each cohort's members, when its lastComputed changed; the month's quota ends the downloads, not the run. */
async function cohortMembers(
  options: ExtractSnapshotsOptions,
  writer: SnapshotWriter,
  cohorts: CohortSummary[],
  finish: (outcome: SnapshotOutcome) => void,
  notInPlan: (error: ObjectNotInPlanError) => void,
): Promise<void> {
  const limit = pLimit(options.concurrency ?? 4);
  let stopped: { cause: "quota" | "not-in-plan"; reason: string } | undefined;
  let quotaCohorts = 0;
  await Promise.all(
    cohorts.map((cohort) =>
      limit(async () => {
        const base = { object: "cohort_members" as const, cohortId: cohort.id, cohortName: cohort.name };
        if (options.signal?.aborted) return;
        let cohortId: string;
        try {
          cohortId = checkCohortId(cohort.id);
        } catch (error) {
          finish({ ...base, status: "failed", error: errorMessage(error) });
          return;
        }
        const lastComputed =
          cohort.lastComputed === null ? null : new Date(cohort.lastComputed).toISOString();
        const previous = options.previous.get(snapshotSlot("cohort_members", options.appId, cohortId));
        if (previous && (previous.manifest.cohort?.last_computed ?? null) === lastComputed) {
          finish({
            ...base,
            status: "unchanged",
            records: previous.manifest.totals.records,
            delivery: previous.delivery,
          });
          return;
        }
        if (stopped) {
          if (stopped.cause === "quota") quotaCohorts += 1;
          finish({ ...base, status: "skipped", cause: stopped.cause, reason: stopped.reason });
          return;
        }
        const snapshot = {
          object: "cohort_members" as const,
          cohort: { id: cohortId, name: cohort.name, last_computed: lastComputed },
          request: `GET /api/5/cohorts/request/${cohortId}`,
        };
        try {
          // A cohort never computed has no members to download: its snapshot says so with no records.
          const records =
            lastComputed === null ? [] : options.client.cohortMembers(cohortId, { signal: options.signal });
          finish({ ...base, ...(await writer.write({ ...snapshot, records })) });
        } catch (error) {
          if (error instanceof CohortQuotaError) {
            stopped ??= { cause: "quota", reason: errorMessage(error) };
            quotaCohorts += 1;
            finish({ ...base, status: "skipped", cause: "quota", reason: errorMessage(error) });
          } else if (error instanceof ObjectNotInPlanError) {
            stopped ??= { cause: "not-in-plan", reason: planReason("cohorts", error) };
            notInPlan(error);
            finish({
              ...base,
              status: "skipped",
              cause: "not-in-plan",
              reason: planReason("cohorts", error),
            });
          } else if (error instanceof ConfigurationError) {
            throw error;
          } else {
            finish({ ...base, status: "failed", error: errorMessage(error) });
          }
        }
      }),
    ),
  );
  if (stopped?.cause === "quota") {
    options.reporter?.warning?.(
      `${quotaCohorts} cohort(s) computed again were not downloaded and keep their latest membership snapshot ` +
        `(if any); a later run downloads them. ${stopped.reason}`,
    );
  }
}

function planReason(group: "taxonomy" | "cohorts", error: ObjectNotInPlanError): string {
  // The client's message names the API, the answer and the remedy; this is for one that says nothing.
  if (error.message) return error.message;
  const api = group === "taxonomy" ? "Taxonomy API" : "Behavioral Cohorts API";
  const objects = group === "taxonomy" ? "event types and categories" : "cohorts and their members";
  return (
    `the project's Amplitude plan does not include the ${api} (HTTP ${error.status}): ${objects} are skipped ` +
    `and their tables stay empty; events are not affected. Leave ${group} out of --objects to stop asking`
  );
}

function failure(object: SnapshotObject, error: unknown): SnapshotOutcome {
  // Only the user can fix a configuration error, and it would fail every object alike: stop.
  if (error instanceof ConfigurationError) throw error;
  // The error alone: each report names the object beside it (a prefix here made "event_types: event_types: …").
  return { object, status: "failed", error: errorMessage(error) };
}

interface SnapshotInput {
  object: SnapshotObject;
  records: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>;
  request: string;
  cohort?: { id: string; name: string; last_computed: string | null };
}

/** Writes snapshot folders: temp folder first, renamed into place when complete. */
class SnapshotWriter {
  private readonly tmpRoot: string;
  private readonly now: () => Date;

  constructor(private readonly options: ExtractSnapshotsOptions) {
    this.tmpRoot = join(options.outDir, ".tmp");
    this.now = options.now ?? (() => new Date());
  }

  async write(input: SnapshotInput): Promise<SnapshotOutcome & { status: "written" | "unchanged" }> {
    const { appId } = this.options;
    const takenAt = this.now();
    const work = join(this.tmpRoot, `snapshot-${input.object}-${randomBytes(4).toString("hex")}`);
    await makeFolder(work).catch((error: unknown) => {
      throw new ConfigurationError(
        `the backup folder ${this.options.outDir} cannot be written (${errorMessage(error)}): choose another --out`,
      );
    });
    try {
      const name = snapshotFileName(input.object);
      // The header says how many records follow, known only at the end: the records go to a scratch file first.
      const scratch = join(work, "records.ndjson.gz");
      let records = 0;
      await pipeline(
        Readable.from(ndjson(input.records, () => (records += 1))),
        createGzip({ level: 1 }),
        createWriteStream(scratch),
      );
      const header = {
        $snapshot: {
          object: input.object,
          app_id: appId,
          records,
          ...(input.cohort ? { cohort_id: input.cohort.id, last_computed: input.cohort.last_computed } : {}),
        },
      };
      const content = createHash("sha256");
      const file = createHash("sha256");
      let bytes = 0;
      await pipeline(
        Readable.from(
          withHeader(JSON.stringify(header) + "\n", createReadStream(scratch).pipe(createGunzip())),
        ),
        tap((chunk) => content.update(chunk)),
        createGzip(),
        tap((chunk) => {
          file.update(chunk);
          bytes += chunk.length;
        }),
        createWriteStream(join(work, name)),
      );
      await rm(scratch);
      const delivery = snapshotDelivery(content.digest("hex"));
      const slot = snapshotSlot(input.object, appId, input.cohort?.id);
      const previous = this.options.previous.get(slot);
      if (previous?.delivery === delivery) {
        return { object: input.object, status: "unchanged", records, delivery };
      }
      const id: SnapshotId = {
        object: input.object,
        appId,
        ...(input.cohort ? { cohortId: input.cohort.id } : {}),
        takenAt: compactTime(takenAt),
        delivery,
      };
      const lines = records + 1;
      const manifest: SnapshotManifest = {
        manifest_version: 2,
        kind: "snapshot",
        object: input.object,
        app_id: appId,
        taken_at: takenAt.toISOString(),
        run_id: this.options.runId,
        request: input.request,
        delivery,
        ...(input.cohort ? { cohort: input.cohort } : {}),
        totals: { files: 1, bytes, lines, records },
        files: [{ name, bytes, sha256: file.digest("hex"), lines, records }],
      };
      await writeFile(join(work, SNAPSHOT_MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
      const target = backupSnapshotFolder(this.options.outDir, id);
      await makeFolder(dirname(target));
      // The same delivery taken again in the same millisecond is the same folder: keep the one there.
      if (!(await stat(target).catch(() => null))) await rename(work, target);
      return { object: input.object, status: "written", records, bytes, delivery, folder: target };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    // Leave no empty scaffolding behind; a folder another step is still using is not empty and stays.
    await rmdir(this.tmpRoot).catch(() => {});
  }
}

async function* ndjson(
  records: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
  counted: () => void,
): AsyncIterable<string> {
  let batch = "";
  for await (const record of records) {
    batch += JSON.stringify(record) + "\n";
    counted();
    if (batch.length >= 1 << 16) {
      yield batch;
      batch = "";
    }
  }
  if (batch) yield batch;
}

async function* withHeader(header: string, rest: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  yield Buffer.from(header);
  for await (const chunk of rest) yield chunk;
}

function tap(see: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      see(chunk);
      callback(null, chunk);
    },
  });
}
