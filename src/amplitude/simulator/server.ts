import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import yazl from "yazl";
import { formatApiHour, hourToDate, type Hour, type HourWindow } from "../hours.ts";
import {
  DEFAULT_COHORT_DOWNLOAD_QUOTA,
  SimulatedObjects,
  type ObjectCounters,
  type ObjectFaults,
  type SimulatorPlan,
} from "./objects.ts";
import { checkReprocessOptions, gzipMtimeFor, Reprocessor, type ReprocessOptions } from "./reprocess.ts";
import { DEFAULT_TRAFFIC, makeUsers, type AmplitudeEvent, type TrafficOptions } from "./traffic.ts";

export type { ReprocessOptions, ReprocessRates } from "./reprocess.ts";
export { DEFAULT_REPROCESS_RATES } from "./reprocess.ts";
export type { CohortMember, ObjectCounters, ObjectFaults, SimulatorPlan } from "./objects.ts";
export { COHORT_PARALLEL_LIMIT, DEFAULT_COHORT_DOWNLOAD_QUOTA } from "./objects.ts";

/**
 * Switches that make the simulator fail the way Amplitude does. Counted faults fire on the next N requests,
 * of the export and the object endpoints alike.
 */
export interface SimulatorFaults extends ObjectFaults {
  /** Answer 429 with this Retry-After (seconds) to the next `times` requests. */
  rateLimit?: { times: number; retryAfterSeconds?: number };
  /** Answer 400 "too large" to any window longer than this many hours. */
  tooLargeAboveHours?: number;
  /** Answer 504 to any window longer than this many hours. */
  timeoutAboveHours?: number;
  /** Answer 504 to any window containing one of these hours: they can never be exported. */
  failingHours?: Hour[];
  /** Answer this 5xx status to the next `times` requests. */
  serverError?: { times: number; status?: number };
  /** Cut the next `times` bodies in half: `connection` drops the socket, `zip` sends a complete but short response. */
  truncate?: { times: number; mode: "connection" | "zip" };
  /** Corrupt the gzip data of members of these hours (all members when omitted), on the next `times` requests. */
  corruptMember?: { times: number; hours?: Hour[] };
  /** Insert these malformed lines into every member: not JSON, an array, no uuid, no server_upload_time. */
  badLinesPerMember?: number;
  /** Answer every request with this status, e.g. 403 for a wrong region. */
  forceStatus?: number;
}

export interface SimulatorOptions extends Partial<TrafficOptions> {
  apiKey?: string;
  secretKey?: string;
  faults?: SimulatorFaults;
  /** Store ZIPs as deflated instead of stored entries (Amplitude's own choice is not documented). */
  deflateEntries?: boolean;
  /** Keep rendered exports and serve them again for the same window (benchmarks, the demo). */
  cache?: boolean;
  /**
   * Serve windows as a re-export in round `reprocess.round` would deliver them: some events re-processed
   * by Amplitude (same uuid, later processed_time, properties removed, moved to another session, a user
   * id gained, another event type, now and then another amplitude_id or device_id), and gzip headers
   * that differ per export. Omitted or round 0: the first export, byte for byte what the simulator
   * serves without it. `AmplitudeSimulator.reprocess` changes it between requests.
   */
  reprocess?: ReprocessOptions;
  /** Which object APIs the project's plan includes; one set to false answers 403 there (the export still works). */
  plan?: SimulatorPlan;
  /** The simulated Amplitude's clock: cohorts were last computed at the start of its UTC day. Default: real time. */
  now?: () => Date;
  /** Cohort requests allowed per calendar month (of `now`); default 500, as on Growth and Enterprise plans. */
  cohortDownloadQuota?: number;
  /** Answer member files of cohorts larger than this with a 302 to a pre-signed URL, as Amplitude does for large cohorts; default never. */
  cohortFileRedirectAbove?: number;
}

/** What the simulator has served in complete 200 responses: what an extract should report. */
export interface ServedTotals {
  requests: number;
  exports: number;
  files: number;
  events: number;
  bytes: number;
  badLines: number;
}

interface RenderedExport {
  path: string;
  size: number;
  files: number;
  events: number;
  bytes: number;
  badLines: number;
}

export const SIMULATOR_API_KEY = "simulator-api-key";
export const SIMULATOR_SECRET_KEY = "simulator-secret-key";

export class AmplitudeSimulator {
  readonly traffic: TrafficOptions;
  faults: SimulatorFaults;
  readonly served: ServedTotals = { requests: 0, exports: 0, files: 0, events: 0, bytes: 0, badLines: 0 };
  /** Every window requested, in order, as `YYYYMMDDTHH-YYYYMMDDTHH`. */
  readonly requests: string[] = [];
  /** The most export requests that were in progress at the same moment. */
  maxConcurrentRequests = 0;
  private inFlight = 0;
  private readonly users;
  /** Taxonomy and Behavioral Cohorts endpoints, from the same world. */
  readonly objects: SimulatedObjects;
  private readonly reprocessor: Reprocessor;
  private reprocessing: ReprocessOptions | undefined;
  private readonly cache = new Map<string, Promise<RenderedExport>>();
  private server: Server | null = null;
  private workDir = "";

  constructor(private readonly options: SimulatorOptions = {}) {
    this.traffic = { ...DEFAULT_TRAFFIC, ...pickTraffic(options) };
    this.faults = options.faults ?? {};
    this.users = makeUsers(this.traffic);
    this.reprocessor = new Reprocessor(this.traffic, this.users);
    this.reprocess = options.reprocess;
    this.objects = new SimulatedObjects({
      traffic: this.traffic,
      faults: () => this.faults,
      authorized: (req) => this.authorized(req),
      events: (window) => this.events(window),
      eventsVersion: () => JSON.stringify(this.reprocessing ?? null),
      now: options.now ?? (() => new Date()),
      plan: options.plan ?? {},
      cohortDownloadQuota: options.cohortDownloadQuota ?? DEFAULT_COHORT_DOWNLOAD_QUOTA,
      redirectFilesAbove: options.cohortFileRedirectAbove ?? Infinity,
    });
  }

  /** Requests and downloads of the Taxonomy and Cohorts endpoints. */
  get objectCounters(): ObjectCounters {
    return this.objects.counters;
  }

  /** The re-export round later requests are served as (see `SimulatorOptions.reprocess`). */
  get reprocess(): ReprocessOptions | undefined {
    return this.reprocessing;
  }
  set reprocess(options: ReprocessOptions | undefined) {
    if (options) checkReprocessOptions(options);
    // A copy: a caller changing its object later must not change an export already under way.
    this.reprocessing = options && { ...options, rates: options.rates && { ...options.rates } };
  }

  get apiKey(): string {
    return this.options.apiKey ?? SIMULATOR_API_KEY;
  }
  get secretKey(): string {
    return this.options.secretKey ?? SIMULATOR_SECRET_KEY;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("the simulator is not listening");
    return `http://127.0.0.1:${address.port}`;
  }

  async start(port = 0): Promise<this> {
    this.workDir = await mkdtemp(join(tmpdir(), "amplitude-simulator-"));
    this.server = createServer((req, res) => {
      this.inFlight += 1;
      this.maxConcurrentRequests = Math.max(this.maxConcurrentRequests, this.inFlight);
      this.handle(req, res)
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(`simulator error: ${(error as Error).message}`);
        })
        .finally(() => (this.inFlight -= 1));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", resolve);
    });
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (this.workDir) await rm(this.workDir, { recursive: true, force: true });
  }

  /** The events of a window exactly as a successful export would deliver them, for test expectations. */
  *events(window: HourWindow): Generator<AmplitudeEvent> {
    for (let hour = window.start; hour <= window.end; hour++)
      yield* this.reprocessor.eventsForHour(hour, this.reprocessing);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator");
    if (await this.objects.handle(req, res, url)) return;
    if (url.pathname !== "/api/2/export" || req.method !== "GET") {
      return send(res, 404, "Not Found");
    }
    this.served.requests += 1;
    if (!this.authorized(req)) return send(res, 401, "Invalid API key or secret key");
    if (this.faults.forceStatus) return send(res, this.faults.forceStatus, "Forbidden");
    const window = parseWindow(url.searchParams.get("start"), url.searchParams.get("end"));
    if (!window) return send(res, 400, "Invalid start or end: expected YYYYMMDDTHH");
    this.requests.push(`${formatApiHour(window.start)}-${formatApiHour(window.end)}`);
    const hours = window.end - window.start + 1;
    if (hours > 365 * 24) return send(res, 400, "Time range exceeds 365 days.");

    const faults = this.faults;
    if (consume(faults.rateLimit)) {
      res.setHeader("Retry-After", String(faults.rateLimit!.retryAfterSeconds ?? 1));
      return send(res, 429, "Too many requests: exceeded the concurrent request limit");
    }
    if (consume(faults.serverError))
      return send(res, faults.serverError!.status ?? 503, "Service Unavailable");
    if (faults.tooLargeAboveHours !== undefined && hours > faults.tooLargeAboveHours) {
      return send(res, 400, "Raw data files were too large to export. The limit size is 4GB.");
    }
    if (faults.timeoutAboveHours !== undefined && hours > faults.timeoutAboveHours) {
      return send(res, 504, "Gateway Timeout");
    }
    if (faults.failingHours?.some((h) => h >= window.start && h <= window.end)) {
      return send(res, 504, "Gateway Timeout");
    }
    const corrupt = consume(faults.corruptMember) ? (faults.corruptMember!.hours ?? "all") : null;
    const cacheable = Boolean(this.options.cache) && corrupt === null && !faults.badLinesPerMember;
    const rendered = await this.render(window, corrupt, cacheable, this.reprocessing);
    try {
      await this.respond(res, rendered);
    } finally {
      if (!cacheable) await rm(rendered.path, { force: true });
    }
  }

  private async respond(res: ServerResponse, rendered: RenderedExport): Promise<void> {
    if (rendered.files === 0) return send(res, 404, "No data available for the time range requested.");
    const truncate = this.faults.truncate;
    if (consume(truncate)) {
      const half = Math.floor(rendered.size / 2);
      res.writeHead(200, {
        "Content-Type": "application/zip",
        "Content-Length": String(truncate!.mode === "zip" ? half : rendered.size),
      });
      await pipeline(createReadStream(rendered.path, { start: 0, end: half - 1 }), new WriteWithoutEnd(res));
      if (truncate!.mode === "connection") res.socket?.destroy();
      else res.end();
      return;
    }
    res.writeHead(200, { "Content-Type": "application/zip", "Content-Length": String(rendered.size) });
    await pipeline(createReadStream(rendered.path), res);
    this.served.exports += 1;
    this.served.files += rendered.files;
    this.served.events += rendered.events;
    this.served.bytes += rendered.bytes;
    this.served.badLines += rendered.badLines;
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Basic ")) return false;
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    return decoded === `${this.apiKey}:${this.secretKey}`;
  }

  private render(
    window: HourWindow,
    corrupt: Hour[] | "all" | null,
    cacheable: boolean,
    reprocess: ReprocessOptions | undefined,
  ): Promise<RenderedExport> {
    if (!cacheable) return this.renderZip(window, corrupt, reprocess);
    const round = reprocess && reprocess.round > 0 ? `-${JSON.stringify(reprocess)}` : "";
    const key = `${window.start}-${window.end}${round}`;
    let rendering = this.cache.get(key);
    if (!rendering) {
      rendering = this.renderZip(window, null, reprocess);
      this.cache.set(key, rendering);
    }
    return rendering;
  }

  private async renderZip(
    window: HourWindow,
    corrupt: Hour[] | "all" | null,
    reprocess: ReprocessOptions | undefined,
  ): Promise<RenderedExport> {
    const path = join(
      this.workDir,
      `${window.start}-${window.end}-${Math.random().toString(36).slice(2)}.zip`,
    );
    const zip = new yazl.ZipFile();
    const totals = { files: 0, events: 0, bytes: 0, badLines: 0 };
    const { appId, eventsPerMember } = this.traffic;
    const badLines = this.faults.badLinesPerMember ?? 0;
    const mtime = gzipMtimeFor(window, reprocess);
    for (let hour = window.start; hour <= window.end; hour++) {
      const events = this.reprocessor.eventsForHour(hour, reprocess);
      let first = events.next();
      const date = hourToDate(hour).toISOString().slice(0, 10);
      const hourOfDay = hourToDate(hour).getUTCHours();
      for (let part = 0; !first.done; part++) {
        const batch: AmplitudeEvent[] = [];
        while (!first.done && batch.length < eventsPerMember) {
          batch.push(first.value);
          first = events.next();
        }
        totals.files += 1;
        totals.events += batch.length;
        totals.badLines += badLines;
        const damaged = corrupt === "all" || (corrupt?.includes(hour) ?? false);
        const name = `${appId}/${appId}_${date}_${hourOfDay}#${part}.json.gz`;
        zip.addReadStreamLazy(name, { compress: this.options.deflateEntries ?? false }, (callback) => {
          const counter = new ByteCounter((n) => (totals.bytes += n));
          const compressed = Readable.from(memberLines(batch, badLines)).pipe(createGzip());
          const gzip = mtime === null ? compressed : compressed.pipe(new GzipMtime(mtime));
          callback(null, damaged ? gzip.pipe(new Corrupter()).pipe(counter) : gzip.pipe(counter));
        });
      }
    }
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(path));
    const { size } = await stat(path);
    return { path, size, ...totals };
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<AmplitudeSimulator> {
  return new AmplitudeSimulator(options).start();
}

function* memberLines(batch: AmplitudeEvent[], badLines: number): Generator<string> {
  const bad = [
    "{this is not json",
    '["an array", "not an object"]',
    JSON.stringify({ event_type: "no uuid here", server_upload_time: "2025-01-01 00:00:00.000000" }),
    JSON.stringify({ uuid: "0b6a4f6e-0000-4000-a000-000000000000", event_type: "no upload time" }),
  ];
  const every = badLines > 0 ? Math.max(1, Math.floor(batch.length / (badLines + 1))) : Infinity;
  let inserted = 0;
  for (let i = 0; i < batch.length; i++) {
    if (inserted < badLines && i > 0 && i % every === 0) yield bad[inserted++ % bad.length] + "\n";
    yield JSON.stringify(batch[i]) + "\n";
  }
  while (inserted < badLines) yield bad[inserted++ % bad.length] + "\n";
}

function parseWindow(start: string | null, end: string | null): HourWindow | null {
  const parse = (text: string | null) => {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})$/.exec(text ?? "");
    return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!) / 3_600_000 : NaN;
  };
  const window = { start: parse(start), end: parse(end) };
  return Number.isNaN(window.start) || Number.isNaN(window.end) || window.end < window.start ? null : window;
}

function consume(fault: { times: number } | undefined): boolean {
  if (!fault || fault.times <= 0) return false;
  fault.times -= 1;
  return true;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function pickTraffic(options: Partial<TrafficOptions>): Partial<TrafficOptions> {
  const keys: Array<keyof TrafficOptions> = [
    "appId",
    "seed",
    "eventsPerHour",
    "quietHours",
    "duplicateRate",
    "eventsPerMember",
    "users",
  ];
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
}

class ByteCounter extends Transform {
  constructor(private readonly onBytes: (n: number) => void) {
    super();
  }
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (e?: Error | null, d?: Buffer) => void,
  ) {
    this.onBytes(chunk.length);
    callback(null, chunk);
  }
}

/** Writes MTIME (bytes 4–7, little-endian) into a gzip header: the stream stays valid, its bytes change. */
class GzipMtime extends Transform {
  private seen = 0;
  constructor(private readonly mtime: number) {
    super();
  }
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (e?: Error | null, d?: Buffer) => void,
  ) {
    let out = chunk;
    if (this.seen < 8) {
      out = Buffer.from(chunk);
      for (let i = 0; i < out.length && this.seen + i < 8; i++) {
        const offset = this.seen + i;
        if (offset >= 4) out[i] = (this.mtime >>> ((offset - 4) * 8)) & 0xff;
      }
    }
    this.seen += chunk.length;
    callback(null, out);
  }
}

/** Overwrites bytes in the middle of the deflate data so gunzip fails while the ZIP's own CRC still matches. */
class Corrupter extends Transform {
  private seen = 0;
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (e?: Error | null, d?: Buffer) => void,
  ) {
    const copy = Buffer.from(chunk);
    for (let i = 0; i < copy.length; i++) {
      const offset = this.seen + i;
      if (offset >= 20 && offset < 60) copy[i] = 0xff;
    }
    this.seen += chunk.length;
    callback(null, copy);
  }
}

/** Writes into a response without ending it, so the caller decides how the body stops. */
class WriteWithoutEnd extends Writable {
  constructor(private readonly res: ServerResponse) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (e?: Error | null) => void) {
    if (this.res.write(chunk)) callback();
    else this.res.once("drain", () => callback());
  }
}
