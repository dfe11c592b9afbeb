import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { ValidationPool } from "../src/amplitude/validation-pool.ts";
import { tempDir } from "./support/files.ts";

const pools: ValidationPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(threads: number) {
  const created = ValidationPool.create(threads);
  pools.push(created);
  return created;
}

const lines = [
  '{"uuid":"a","server_upload_time":"2025-11-04 07:00:01.000000"}',
  "not json",
  '{"uuid":"b","server_upload_time":"2025-11-04 07:59:00.000000"}',
  '{"uuid":"c","server_upload_time":"2025-11-04 07:30:00.\xff"}',
];

async function validateWith(threads: number, body: Buffer) {
  const dir = await tempDir();
  const validation = pool(threads).validate({
    file: "m.json.gz",
    rejectedLinesPath: join(dir, "m.lines"),
    rejectedReasonsPath: join(dir, "m.reasons.jsonl"),
    maxLineBytes: 1_000,
  });
  // Feed it in small pieces, as a ZIP entry stream does, to exercise the worker's backpressure.
  const pieces = [];
  for (let i = 0; i < body.length; i += 7) pieces.push(body.subarray(i, i + 7));
  await pipeline(Readable.from(pieces), validation.sink);
  const stats = await validation.done;
  return { stats, rejected: await readFile(join(dir, "m.reasons.jsonl"), "utf8").catch(() => "") };
}

describe("ValidationPool", () => {
  it("gives the same verdicts on worker threads as on the calling thread", async () => {
    const body = gzipSync(Buffer.concat([...lines.map((l) => Buffer.from(l + "\n", "latin1"))]));
    const inThread = await validateWith(0, body);
    const inWorker = await validateWith(2, body);
    expect(inWorker).toEqual(inThread);
    expect(inWorker.stats).toMatchObject({
      lines: 4,
      events: 2,
      rejected: 2,
      minServerUploadTime: "2025-11-04 07:00:01.000000",
      maxServerUploadTime: "2025-11-04 07:59:00.000000",
    });
    expect(inWorker.rejected).toMatch(/"line":2,"reason":"not valid JSON/);
    expect(inWorker.rejected).toMatch(/"line":4,"reason":"not valid UTF-8"/);
  });

  it("reports a corrupt gzip stream from a worker as an error", async () => {
    const body = gzipSync("{}\n");
    body[body.length - 6] = body[body.length - 6]! ^ 0xff; // break the CRC
    await expect(validateWith(1, body)).rejects.toThrow(/incorrect data check|invalid/i);
  });

  it("fails every member of a worker that dies, now and later, instead of waiting forever", async () => {
    const p = pool(1);
    const dir = await tempDir();
    const options = {
      file: "m",
      rejectedLinesPath: join(dir, "l"),
      rejectedReasonsPath: join(dir, "r"),
      maxLineBytes: 10,
    };
    const first = p.validate(options);
    first.sink.on("error", () => {});
    // Stop the worker behind the pool's back, as a crash would.
    await (
      p as unknown as { workers: Array<{ worker: { terminate(): Promise<number> } }> }
    ).workers[0]!.worker.terminate();
    await expect(first.done).rejects.toThrow(/validation worker exited/);
    const second = p.validate(options);
    second.sink.on("error", () => {});
    await expect(second.done).rejects.toThrow(/validation worker exited/);
  });
});
