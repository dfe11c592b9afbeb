import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { LineValidator } from "../src/amplitude/line-validator.ts";
import { listFiles, tempDir } from "./support/files.ts";

const event = (uuid: string, uploaded: string) =>
  JSON.stringify({ uuid, server_upload_time: uploaded, event_type: "session_start" });

async function validate(chunks: Array<string | Buffer>, maxLineBytes = 1_000_000) {
  const dir = await tempDir();
  const validator = new LineValidator({
    file: "1_2025-11-04_7#0.json.gz",
    rejectedLinesPath: join(dir, "rejected", "m.lines"),
    rejectedReasonsPath: join(dir, "rejected", "m.reasons.jsonl"),
    maxLineBytes,
  });
  await pipeline(Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))), validator);
  const read = (name: string) => readFile(join(dir, "rejected", name), "utf8").catch(() => null);
  const reasons = (await read("m.reasons.jsonl"))
    ?.trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { file: string; line: number; reason: string; bytes: number });
  return {
    stats: validator.stats,
    lines: await read("m.lines"),
    reasons: reasons ?? [],
    files: await listFiles(dir),
  };
}

describe("LineValidator", () => {
  it("counts valid events and tracks the server_upload_time range, writing nothing when all lines pass", async () => {
    const { stats, files } = await validate([
      event("a", "2025-11-04 07:10:00.000000") + "\n",
      event("b", "2025-11-04 07:05:00.000000") + "\n" + event("c", "2025-11-04 07:59:00.000000"),
    ]);
    expect(stats).toEqual({
      lines: 3,
      events: 3,
      rejected: 0,
      minServerUploadTime: "2025-11-04 07:05:00.000000",
      maxServerUploadTime: "2025-11-04 07:59:00.000000",
    });
    expect(files).toEqual([]);
  });

  it("reassembles lines split across chunks, even mid-character", async () => {
    const line = event("é-uuid", "2025-11-04 07:10:00.000000");
    const bytes = Buffer.from(line + "\n" + line + "\n");
    const cut = bytes.indexOf(Buffer.from("é")) + 1; // inside the two-byte character
    const { stats } = await validate([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(stats.events).toBe(2);
    expect(stats.rejected).toBe(0);
  });

  it("quarantines each kind of bad line byte for byte, with file, line number and reason, keeping the valid ones", async () => {
    const good = event("a", "2025-11-04 07:10:00.000000");
    const bad = [
      "{not json",
      "[1,2]",
      '{"server_upload_time":"x"}',
      '{"uuid":"u"}',
      '"just a string"',
      "null",
    ];
    const input = [good, ...bad, good].join("\n") + "\n";
    const { stats, lines, reasons } = await validate([input]);
    expect(stats.events).toBe(2);
    expect(stats.rejected).toBe(bad.length);
    expect(lines).toBe(bad.join("\n") + "\n");
    expect(reasons.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(reasons.map((r) => r.reason)).toEqual([
      expect.stringMatching(/not valid JSON/),
      "not a JSON object",
      "no uuid",
      "no server_upload_time",
      "not a JSON object",
      "not a JSON object",
    ]);
    expect(reasons.every((r) => r.file === "1_2025-11-04_7#0.json.gz")).toBe(true);
  });

  it("skips blank lines and strips CRLF endings without counting them", async () => {
    const good = event("a", "2025-11-04 07:10:00.000000");
    const { stats } = await validate([`${good}\r\n\r\n   \n${good}\r\n`]);
    expect(stats).toMatchObject({ lines: 2, events: 2, rejected: 0 });
  });

  it("rejects a line over the size limit without buffering it, whole and in order, then carries on", async () => {
    const good = event("a", "2025-11-04 07:10:00.000000");
    const huge = event("big", "2025-11-04 07:10:00.000000").replace("session_start", "x".repeat(5_000));
    // Arrive in small pieces so the line crosses the limit mid-stream.
    const input = Buffer.from(`${good}\n${huge}\n${good}\n`);
    const chunks = [];
    for (let i = 0; i < input.length; i += 700) chunks.push(input.subarray(i, i + 700));
    const { stats, lines, reasons } = await validate(chunks, 1_000);
    expect(stats).toMatchObject({ lines: 3, events: 2, rejected: 1 });
    expect(lines).toBe(huge + "\n");
    expect(reasons).toEqual([
      {
        file: "1_2025-11-04_7#0.json.gz",
        line: 2,
        reason: "line exceeds the 1000-byte limit",
        bytes: huge.length,
      },
    ]);
  });

  it("rejects an oversized last line that has no newline", async () => {
    const huge = "y".repeat(3_000);
    const { stats, lines } = await validate([huge.slice(0, 1_500), huge.slice(1_500)], 1_000);
    expect(stats).toMatchObject({ lines: 1, rejected: 1, events: 0 });
    expect(lines).toBe(huge + "\n");
  });
});
