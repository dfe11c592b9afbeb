import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.ts";
import { planBackfill } from "../src/pipeline/backfill-plan.ts";

const now = new Date("2026-03-01T12:30:00Z");

describe("planBackfill", () => {
  it("cuts a range into chunks aligned to UTC days with inclusive ends and artifact-safe names", () => {
    const plan = planBackfill({ start: "2026-01-01", end: "2026-01-20", chunkDays: 7, maxParallel: 3, now });
    expect(plan).toEqual({
      include: [
        { start: "2026-01-01T00", end: "2026-01-07T23", name: "2026-01-01T00--2026-01-07T23" },
        { start: "2026-01-08T00", end: "2026-01-14T23", name: "2026-01-08T00--2026-01-14T23" },
        { start: "2026-01-15T00", end: "2026-01-20T23", name: "2026-01-15T00--2026-01-20T23" },
      ],
      chunks: 3,
      maxParallel: 3,
      notices: [],
    });
    for (const { name } of plan.include) expect(name).toMatch(/^[\w-]+$/);
  });

  it("starts the first chunk at the hour asked and ends the last one at the hour asked, other edges at midnight", () => {
    const plan = planBackfill({ start: "2026-01-01T05", end: "20260103T10", chunkDays: 1, now });
    expect(plan.include.map((c) => [c.start, c.end])).toEqual([
      ["2026-01-01T05", "2026-01-01T23"],
      ["2026-01-02T00", "2026-01-02T23"],
      ["2026-01-03T00", "2026-01-03T10"],
    ]);
  });

  it("makes one chunk of a single hour, and of a range shorter than chunk-days", () => {
    expect(planBackfill({ start: "2026-02-01T07", end: "2026-02-01T07", now }).include).toEqual([
      { start: "2026-02-01T07", end: "2026-02-01T07", name: "2026-02-01T07--2026-02-01T07" },
    ]);
    expect(planBackfill({ start: "2026-02-01", end: "2026-02-03", chunkDays: 31, now }).chunks).toBe(1);
  });

  it("defaults to 7-day chunks and 4 in parallel", () => {
    const plan = planBackfill({ start: "2026-01-01", end: "2026-01-31", now });
    expect(plan.chunks).toBe(5);
    expect(plan.include[4]).toEqual({
      start: "2026-01-29T00",
      end: "2026-01-31T23",
      name: "2026-01-29T00--2026-01-31T23",
    });
    expect(plan.maxParallel).toBe(4);
  });

  it("covers every hour of the range exactly once", () => {
    const plan = planBackfill({ start: "2025-12-30T13", end: "2026-02-11T02", chunkDays: 5, now });
    const hours = (text: string) => Date.parse(`${text}:00:00Z`) / 3_600_000;
    let next = hours("2025-12-30T13");
    for (const c of plan.include) {
      expect(hours(c.start)).toBe(next);
      expect(hours(c.end)).toBeGreaterThanOrEqual(hours(c.start));
      next = hours(c.end) + 1;
    }
    expect(next - 1).toBe(hours("2026-02-11T02"));
  });

  it("clamps the end to the last settled hour, with a notice", () => {
    // At 12:30 with 2 settle hours, hour 09 (ended 10:00) settled at 12:00; hour 10 settles only at 13:00.
    const plan = planBackfill({ start: "2026-02-27", end: "2026-03-05", now, settleHours: 2 });
    expect(plan.include.at(-1)!.end).toBe("2026-03-01T09");
    expect(plan.notices).toEqual([expect.stringContaining("input end 2026-03-05 is after the last hour")]);
    expect(plan.notices[0]).toContain("2026-03-01T09");
    expect(planBackfill({ start: "2026-02-27", end: "2026-03-01T09", now }).notices).toEqual([]);
  });

  it("ends at the last settled hour when no end is given, without a notice", () => {
    const plan = planBackfill({ start: "2026-02-27", now, settleHours: 2 });
    expect(plan.include.map((c) => [c.start, c.end])).toEqual([["2026-02-27T00", "2026-03-01T09"]]);
    expect(plan.notices).toEqual([]);
    expect(planBackfill({ start: "2026-02-27", end: "", now }).include.at(-1)!.end).toBe("2026-03-01T09");
    expect(() => planBackfill({ start: "2026-03-01T10", now, settleHours: 2 })).toThrow(
      /input start 2026-03-01T10 is after the last hour Amplitude has settled/,
    );
  });

  it("refuses a start after the last settled hour", () => {
    expect(() => planBackfill({ start: "2026-03-01T11", end: "2026-03-02", now })).toThrow(
      /input start 2026-03-01T11 is after the last hour Amplitude has settled \(2026-03-01T09/,
    );
  });

  it.each([
    [{ start: undefined, end: "2026-01-02" }, /input start is required/],
    [{ start: "2026-01-01", end: "yesterday" }, /input end "yesterday" is not an hour/],
    [{ start: "2026-02-30", end: "2026-03-01" }, /input start "2026-02-30" is not a real date/],
    [{ start: "2026-01-05", end: "2026-01-04" }, /input end 2026-01-04 is before input start 2026-01-05/],
    [
      { start: "2026-01-01", end: "2026-01-02", chunkDays: 0 },
      /input chunk-days must be a whole number from 1 to 31, not 0/,
    ],
    [{ start: "2026-01-01", end: "2026-01-02", chunkDays: 32 }, /input chunk-days .* not 32/],
    [{ start: "2026-01-01", end: "2026-01-02", chunkDays: 1.5 }, /input chunk-days .* not 1.5/],
    [
      { start: "2026-01-01", end: "2026-01-02", maxParallel: 5 },
      /input max-parallel must be a whole number from 1 to 4 \(Amplitude allows 5 concurrent/,
    ],
    [{ start: "2026-01-01", end: "2026-01-02", maxParallel: 0 }, /input max-parallel .* not 0/],
    [{ start: "2026-01-01", end: "2026-01-02", settleHours: -1 }, /input settle-hours .* not -1/],
  ])("refuses %j with a ConfigurationError naming the input", (inputs, message) => {
    const attempt = () => planBackfill({ now, ...inputs });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(message);
  });

  it("accepts 256 chunks, GitHub's matrix limit, and refuses 257 naming chunk-days as the remedy", () => {
    // 2025-01-01 + 255 days = 2025-09-13.
    expect(planBackfill({ start: "2025-01-01", end: "2025-09-13", chunkDays: 1, now }).chunks).toBe(256);
    const attempt = () => planBackfill({ start: "2025-01-01", end: "2025-09-14", chunkDays: 1, now });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      /input chunk-days 1 cuts .* \(257 days\) into 257 chunks, more than the 256 jobs .*set chunk-days to 2 or more/,
    );
  });

  it("says to split the range when even 31-day chunks are too many", () => {
    expect(() => planBackfill({ start: "2000-01-01", end: "2026-01-01", chunkDays: 31, now })).toThrow(
      /even chunk-days 31 is not enough; split the range/,
    );
  });
});
