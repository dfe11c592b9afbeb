import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { validateGzip, type LineStats, type LineValidatorOptions } from "./line-validator.ts";

/** Messages to a validation worker. */
export type ToWorker =
  | { type: "start"; id: number; options: LineValidatorOptions }
  | { type: "chunk"; id: number; data: ArrayBuffer }
  | { type: "end"; id: number }
  | { type: "abort"; id: number };

/** Messages from a validation worker. */
export type FromWorker =
  | { type: "ack"; id: number }
  | { type: "done"; id: number; stats: LineStats }
  | { type: "error"; id: number; message: string };

export interface MemberValidation {
  /** Write the member's gzip bytes here; it decompresses and validates them. */
  sink: Writable;
  /** Settles once every line has been checked and the rejected files are closed. */
  done: Promise<LineStats>;
}

/**
 * A worker holds one line at a time (long lines live in Buffers, outside these heaps), so a small young
 * generation keeps its memory flat instead of letting garbage pile up between collections.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 };

/** Chunks in flight to a worker before the sender waits: enough to keep it busy, little enough to stay small. */
const MAX_UNACKNOWLEDGED = 8;

/**
 * Decompresses and validates members on worker threads so both cores work on an export: the main thread
 * only reads the ZIP and writes files. With `threads: 0` everything runs on the calling thread.
 */
export class ValidationPool {
  private readonly workers: WorkerSlot[] = [];
  private closing = false;
  private readonly sinks = new Map<number, WorkerSink>();
  private nextId = 1;

  private constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const slot: WorkerSlot = { worker: startWorker(), active: 0, failure: null };
      slot.worker.on("message", (message: FromWorker) => this.receive(message));
      slot.worker.on("error", (error) => this.fail(slot, `validation worker crashed: ${error.message}`));
      slot.worker.on("exit", (code) => this.fail(slot, `validation worker exited with code ${code}`));
      this.workers.push(slot);
    }
  }

  static create(threads = defaultThreads()): ValidationPool {
    return new ValidationPool(threads);
  }

  validate(options: LineValidatorOptions): MemberValidation {
    if (this.workers.length === 0) return validateGzip(options);
    const slot = this.workers.reduce((a, b) => (b.active < a.active ? b : a));
    const id = this.nextId++;
    const sink = new WorkerSink(id, slot.worker, () => {
      slot.active -= 1;
      this.sinks.delete(id);
    });
    if (slot.failure) {
      sink.destroy(new Error(slot.failure));
      return { sink, done: sink.done };
    }
    slot.active += 1;
    this.sinks.set(id, sink);
    slot.worker.postMessage({ type: "start", id, options } satisfies ToWorker);
    return { sink, done: sink.done };
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.splice(0).map(({ worker }) => worker.terminate()));
  }

  private receive(message: FromWorker): void {
    const sink = this.sinks.get(message.id);
    if (!sink) return;
    if (message.type === "ack") sink.acknowledged();
    else if (message.type === "done") sink.finished(message.stats);
    else sink.destroy(new Error(message.message));
  }

  /** A worker that died fails its members now and every member given to it later. */
  private fail(slot: WorkerSlot, reason: string): void {
    if (this.closing || slot.failure) return;
    slot.failure = reason;
    for (const sink of this.sinks.values()) {
      if (sink.worker === slot.worker) sink.destroy(new Error(reason));
    }
  }
}

interface WorkerSlot {
  worker: Worker;
  active: number;
  failure: string | null;
}

class WorkerSink extends Writable {
  readonly done: Promise<LineStats>;
  private resolveDone!: (stats: LineStats) => void;
  private rejectDone!: (error: Error) => void;
  private unacknowledged = 0;
  private waitingWrite: (() => void) | null = null;
  private waitingFinal: ((error?: Error | null) => void) | null = null;
  private settled = false;

  constructor(
    private readonly id: number,
    readonly worker: Worker,
    private readonly release: () => void,
  ) {
    super({ highWaterMark: 1 << 16 });
    this.done = new Promise<LineStats>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => {});
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Copy into a buffer of its own: the chunk may share memory with others and cannot be transferred.
    const data = new Uint8Array(chunk.length);
    data.set(chunk);
    this.worker.postMessage({ type: "chunk", id: this.id, data: data.buffer } satisfies ToWorker, [
      data.buffer,
    ]);
    this.unacknowledged += 1;
    if (this.unacknowledged < MAX_UNACKNOWLEDGED) callback();
    else this.waitingWrite = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.waitingFinal = callback;
    this.worker.postMessage({ type: "end", id: this.id } satisfies ToWorker);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.settled) {
      this.settled = true;
      this.worker.postMessage({ type: "abort", id: this.id } satisfies ToWorker);
      this.release();
      this.rejectDone(error ?? new Error("validation aborted"));
    }
    callback(error);
  }

  acknowledged(): void {
    this.unacknowledged -= 1;
    const resume = this.waitingWrite;
    this.waitingWrite = null;
    resume?.();
  }

  finished(stats: LineStats): void {
    if (this.settled) return;
    this.settled = true;
    this.release();
    this.resolveDone(stats);
    this.waitingFinal?.();
  }
}

function defaultThreads(): number {
  return Math.min(2, availableParallelism());
}

/**
 * The compiled worker beside this module. From TypeScript sources (tests, benchmarks) the worker is
 * bootstrapped through tsx's API, because Node 20 does not apply `--import` to a worker's entry module.
 */
function startWorker(): Worker {
  const options = { resourceLimits: WORKER_LIMITS };
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./validation-worker.js", import.meta.url), options);
  const tsx = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const api = pathToFileURL(join(tsx, "dist", "esm", "api", "index.mjs")).href;
  const entry = new URL("./validation-worker.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
