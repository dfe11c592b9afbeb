import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { once } from "node:events";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, type Gunzip } from "node:zlib";
import { isUtf8 } from "node:buffer";
import { checkJsonLine } from "./json-line.ts";

export interface LineStats {
  /** Non-blank lines seen. */
  lines: number;
  /** Lines that passed validation: the events. */
  events: number;
  rejected: number;
  minServerUploadTime: string | null;
  maxServerUploadTime: string | null;
}

export interface LineValidatorOptions {
  /** The member's name, recorded with each rejected line. */
  file: string;
  /** Where rejected lines go, byte for byte, one per line; created only when a line is rejected. */
  rejectedLinesPath: string;
  /** One JSON object per rejected line, in the same order: file, line number, reason, bytes. */
  rejectedReasonsPath: string;
  maxLineBytes: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Consumes decompressed NDJSON and checks that every line is valid UTF-8 and a JSON object with a `uuid`
 * and a `server_upload_time`. Holds at most one line in memory: a line longer than `maxLineBytes` is
 * streamed to the rejected file as it arrives instead of being buffered.
 */
export class LineValidator extends Writable {
  readonly stats: LineStats = {
    lines: 0,
    events: 0,
    rejected: 0,
    minServerUploadTime: null,
    maxServerUploadTime: null,
  };
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set while streaming an oversized line to the rejected file: bytes written so far. */
  private oversizeBytes: number | null = null;
  private lineNumber = 0;
  private rejectedLines: WriteStream | null = null;
  private rejectedReasons: WriteStream | null = null;

  constructor(private readonly options: LineValidatorOptions) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.consume(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finish().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.rejectedLines?.destroy();
    this.rejectedReasons?.destroy();
    callback(error);
  }

  private async consume(chunk: Buffer): Promise<void> {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.oversizeBytes !== null) {
        await this.writeRejectedBytes(chunk.subarray(start, end));
        this.oversizeBytes += end - start;
        if (newline !== -1) await this.endOversizeLine();
      } else if (newline === -1) {
        this.hold(chunk.subarray(start));
        if (this.pendingBytes > this.options.maxLineBytes) await this.startOversizeLine();
      } else if (this.pendingBytes === 0) {
        if (end - start > this.options.maxLineBytes) {
          this.hold(chunk.subarray(start, end));
          await this.startOversizeLine();
          await this.endOversizeLine();
        } else {
          const rejection = this.checkLine(chunk, start, end);
          if (rejection) await rejection;
        }
      } else {
        this.hold(chunk.subarray(start, end));
        if (this.pendingBytes > this.options.maxLineBytes) {
          await this.startOversizeLine();
          await this.endOversizeLine();
        } else {
          const line = Buffer.concat(this.pending, this.pendingBytes);
          this.pending = [];
          this.pendingBytes = 0;
          const rejection = this.checkLine(line, 0, line.length);
          if (rejection) await rejection;
        }
      }
      start = end + 1;
    }
  }

  private async finish(): Promise<void> {
    if (this.oversizeBytes !== null) {
      await this.endOversizeLine();
    } else if (this.pendingBytes > 0) {
      const line = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      await this.checkLine(line, 0, line.length);
    }
    await Promise.all([closeStream(this.rejectedLines), closeStream(this.rejectedReasons)]);
  }

  private hold(bytes: Buffer): void {
    // Copy: the chunk's memory belongs to the decompressor and may be reused.
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }

  /** Validates one line; returns a promise only when the line has to be written to the rejected files. */
  private checkLine(buffer: Buffer, start: number, end: number): Promise<void> | null {
    if (end > start && buffer[end - 1] === CARRIAGE_RETURN) end -= 1;
    this.lineNumber += 1;
    if (isBlank(buffer, start, end)) return null;
    this.stats.lines += 1;
    const reason = this.validate(buffer, start, end);
    return reason === null ? null : this.reject(buffer.subarray(start, end), reason, end - start);
  }

  /** Returns null when the line is a valid event, otherwise the reason it is not. */
  private validate(buffer: Buffer, start: number, end: number): string | null {
    const verdict = checkJsonLine(buffer, start, end);
    if (!verdict.ok) return verdict.reason;
    // Snowflake refuses invalid UTF-8 at load time; catch it here, where the line can still be set aside.
    if (!isUtf8(buffer.subarray(start, end))) return "not valid UTF-8";
    this.stats.events += 1;
    const uploaded = verdict.serverUploadTime;
    const { minServerUploadTime: min, maxServerUploadTime: max } = this.stats;
    if (min === null || uploaded < min) this.stats.minServerUploadTime = uploaded;
    if (max === null || uploaded > max) this.stats.maxServerUploadTime = uploaded;
    return null;
  }

  private async startOversizeLine(): Promise<void> {
    this.lineNumber += 1;
    this.stats.lines += 1;
    this.oversizeBytes = 0;
    for (const part of this.pending) {
      await this.writeRejectedBytes(part);
      this.oversizeBytes += part.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  private async endOversizeLine(): Promise<void> {
    const bytes = this.oversizeBytes ?? 0;
    this.oversizeBytes = null;
    await this.writeRejectedBytes(Buffer.from("\n"));
    await this.writeReason(`line exceeds the ${this.options.maxLineBytes}-byte limit`, bytes);
  }

  private async reject(raw: Buffer, reason: string, bytes: number): Promise<void> {
    await this.writeRejectedBytes(Buffer.from(raw));
    await this.writeRejectedBytes(Buffer.from("\n"));
    await this.writeReason(reason, bytes);
  }

  private async writeReason(reason: string, bytes: number): Promise<void> {
    this.stats.rejected += 1;
    if (!this.rejectedReasons) this.rejectedReasons = await openForWrite(this.options.rejectedReasonsPath);
    const record = { file: this.options.file, line: this.lineNumber, reason, bytes };
    await write(this.rejectedReasons, JSON.stringify(record) + "\n");
  }

  private async writeRejectedBytes(bytes: Buffer): Promise<void> {
    if (!this.rejectedLines) this.rejectedLines = await openForWrite(this.options.rejectedLinesPath);
    await write(this.rejectedLines, bytes);
  }
}

function isBlank(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buffer[i];
    if (c !== 0x20 && c !== 0x09 && c !== CARRIAGE_RETURN) return false;
  }
  return true;
}

async function openForWrite(path: string): Promise<WriteStream> {
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(path);
  await once(stream, "open");
  return stream;
}

async function write(stream: WriteStream, data: Buffer | string): Promise<void> {
  if (!stream.write(data)) await once(stream, "drain");
}

async function closeStream(stream: WriteStream | null): Promise<void> {
  if (!stream) return;
  stream.end();
  await once(stream, "finish");
}

/** Larger than zlib's 16 KiB default: a sixteenth of the callbacks and chunks per megabyte decompressed. */
const GUNZIP_CHUNK = 256 * 1024;

/**
 * A member's gzip bytes in, validated lines out: write into `sink`; `done` settles once every line has
 * been checked and the rejected files are closed. The same on the calling thread and in a worker.
 */
export function validateGzip(options: LineValidatorOptions): { sink: Gunzip; done: Promise<LineStats> } {
  const sink = createGunzip({ chunkSize: GUNZIP_CHUNK });
  const validator = new LineValidator(options);
  const done = pipeline(sink, validator).then(() => validator.stats);
  // The caller awaits `done`; this keeps a failure from counting as unhandled before it does.
  done.catch(() => {});
  return { sink, done };
}
