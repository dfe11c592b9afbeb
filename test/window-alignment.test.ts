import { describe, expect, it } from "vitest";
import {
  cutWindows,
  formatWindow,
  splitWindow,
  windowHours,
  type HourWindow,
} from "../src/amplitude/hours.ts";
import { ConfigurationError } from "../src/errors.ts";

const h = (iso: string) => Date.parse(`${iso}:00:00Z`) / 3_600_000;
const names = (windows: HourWindow[]) => windows.map(formatWindow);

/** Every hour of the range in exactly one window, in order, and no window across midnight unless whole days. */
function expectDayAligned(range: HourWindow, windows: HourWindow[]) {
  expect(windows[0]!.start).toBe(range.start);
  expect(windows.at(-1)!.end).toBe(range.end);
  for (let i = 1; i < windows.length; i++) expect(windows[i]!.start).toBe(windows[i - 1]!.end + 1);
  for (const w of windows) {
    const sameDay = Math.floor(w.start / 24) === Math.floor(w.end / 24);
    const wholeDays = w.start % 24 === 0 && windowHours(w) % 24 === 0;
    expect(sameDay || wholeDays, `${formatWindow(w)} crosses midnight`).toBe(true);
  }
}

describe("windows aligned to UTC days (--window-hours)", () => {
  it("restarts a size that does not divide 24 at each midnight: 5 h never crosses into the next day", () => {
    const range = { start: h("2025-11-04T00"), end: h("2025-11-05T23") };
    const windows = cutWindows(range, 5);
    expect(names(windows).slice(0, 6)).toEqual([
      "2025-11-04T00_2025-11-04T04",
      "2025-11-04T05_2025-11-04T09",
      "2025-11-04T10_2025-11-04T14",
      "2025-11-04T15_2025-11-04T19",
      "2025-11-04T20_2025-11-04T23",
      "2025-11-05T00_2025-11-05T04",
    ]);
    expectDayAligned(range, windows);
  });

  it("cuts 7 h windows the same way on every day, whatever the range's first hour", () => {
    const range = { start: h("2025-11-04T09"), end: h("2025-11-06T02") };
    const windows = cutWindows(range, 7);
    expect(names(windows)).toEqual([
      "2025-11-04T09_2025-11-04T13",
      "2025-11-04T14_2025-11-04T20",
      "2025-11-04T21_2025-11-04T23",
      "2025-11-05T00_2025-11-05T06",
      "2025-11-05T07_2025-11-05T13",
      "2025-11-05T14_2025-11-05T20",
      "2025-11-05T21_2025-11-05T23",
      "2025-11-06T00_2025-11-06T02",
    ]);
    expectDayAligned(range, windows);
  });

  it("tiles each day with a size that divides 24", () => {
    for (const size of [1, 2, 3, 4, 6, 8, 12, 24]) {
      const range = { start: h("2025-11-04T00"), end: h("2025-11-06T23") };
      const windows = cutWindows(range, size);
      expect(windows).toHaveLength((3 * 24) / size);
      expect(windows.every((w) => windowHours(w) === size)).toBe(true);
      expectDayAligned(range, windows);
    }
  });

  it("rounds 25 h down to one UTC day per window instead of 17, 12, 13 and 6 hours", () => {
    const range = { start: h("2025-11-04T00"), end: h("2025-11-05T23") };
    expect(names(cutWindows(range, 25))).toEqual([
      "2025-11-04T00_2025-11-04T23",
      "2025-11-05T00_2025-11-05T23",
    ]);
  });

  it("starts multi-day windows at midnight, aligned from the epoch, and ends a cut-short one at a midnight", () => {
    // 2025-11-04 is day 20396 from the epoch: 48 h windows pair 11-04 with 11-05, 11-06 with 11-07, …
    const range = { start: h("2025-11-04T18"), end: h("2025-11-08T05") };
    const windows = cutWindows(range, 48);
    expect(names(windows)).toEqual([
      "2025-11-04T18_2025-11-04T23",
      "2025-11-05T00_2025-11-05T23",
      "2025-11-06T00_2025-11-07T23",
      "2025-11-08T00_2025-11-08T05",
    ]);
    expectDayAligned(range, windows);
    // The same hours land in the same windows when the range is wider: backups replace one another.
    expect(names(cutWindows({ start: h("2025-11-01T00"), end: h("2025-11-10T23") }, 48))).toContain(
      "2025-11-06T00_2025-11-07T23",
    );
  });

  it("keeps every size from 1 to 24 × 8 day-aligned over an awkward range", () => {
    const range = { start: h("2025-11-04T13"), end: h("2025-11-19T09") };
    for (let size = 1; size <= 24 * 8; size++) expectDayAligned(range, cutWindows(range, size));
  });

  it("refuses a size below one hour instead of looping for ever", () => {
    expect(() => cutWindows({ start: 0, end: 10 }, 0)).toThrow(ConfigurationError);
  });

  it("splits a window of whole days at a midnight, and other windows in half", () => {
    const [a, b] = splitWindow({ start: h("2025-11-04T00"), end: h("2025-11-06T23") });
    expect([formatWindow(a), formatWindow(b)]).toEqual([
      "2025-11-04T00_2025-11-04T23",
      "2025-11-05T00_2025-11-06T23",
    ]);
    const [c, d] = splitWindow({ start: h("2025-11-04T00"), end: h("2025-11-04T23") });
    expect([formatWindow(c), formatWindow(d)]).toEqual([
      "2025-11-04T00_2025-11-04T11",
      "2025-11-04T12_2025-11-04T23",
    ]);
  });
});
