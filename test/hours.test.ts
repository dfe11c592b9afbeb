import { describe, expect, it } from "vitest";
import {
  cutWindows,
  formatApiHour,
  formatHour,
  formatWindow,
  lastSettledHour,
  parseHour,
  splitWindow,
} from "../src/amplitude/hours.ts";
import { ConfigurationError } from "../src/errors.ts";

const h = (iso: string) => Date.parse(`${iso}:00:00Z`) / 3_600_000;

describe("parseHour", () => {
  it("reads the three formats DESIGN.md lists, in UTC", () => {
    expect(parseHour("2025-11-04T07", "start")).toBe(h("2025-11-04T07"));
    expect(parseHour("20251104T07", "start")).toBe(h("2025-11-04T07"));
    expect(parseHour("2025-11-04", "start")).toBe(h("2025-11-04T00"));
  });

  it("takes a bare date as its last hour when it ends a range, so both ends are inclusive", () => {
    expect(parseHour("2025-11-04", "end")).toBe(h("2025-11-04T23"));
  });

  it.each(["2025-13-01", "2025-02-30", "2025-11-04T24", "yesterday", "2025-11-4", "20251104"])(
    "rejects %s with a configuration error naming the option",
    (text) => {
      expect(() => parseHour(text, "start")).toThrow(ConfigurationError);
      expect(() => parseHour(text, "start")).toThrow(/--start/);
    },
  );
});

describe("windows", () => {
  it("formats hours for the API and for folder names", () => {
    expect(formatApiHour(h("2025-11-04T07"))).toBe("20251104T07");
    expect(formatHour(h("2025-11-04T07"))).toBe("2025-11-04T07");
    expect(formatWindow({ start: h("2025-11-04T00"), end: h("2025-11-04T23") })).toBe(
      "2025-11-04T00_2025-11-04T23",
    );
  });

  it("cuts a range into windows aligned to UTC days", () => {
    const windows = cutWindows({ start: h("2025-11-04T20"), end: h("2025-11-06T03") }, 24);
    expect(windows.map(formatWindow)).toEqual([
      "2025-11-04T20_2025-11-04T23",
      "2025-11-05T00_2025-11-05T23",
      "2025-11-06T00_2025-11-06T03",
    ]);
  });

  it("cuts into smaller windows when asked, covering every hour once", () => {
    const windows = cutWindows({ start: h("2025-11-04T00"), end: h("2025-11-04T23") }, 6);
    expect(windows).toHaveLength(4);
    expect(windows[0]!.start).toBe(h("2025-11-04T00"));
    expect(windows[3]!.end).toBe(h("2025-11-04T23"));
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.start).toBe(windows[i - 1]!.end + 1);
  });

  it("refuses a range that ends before it starts", () => {
    expect(() => cutWindows({ start: 10, end: 9 }, 24)).toThrow(ConfigurationError);
  });

  it("halves a window, the halves covering it exactly", () => {
    const [a, b] = splitWindow({ start: 100, end: 123 });
    expect(a).toEqual({ start: 100, end: 111 });
    expect(b).toEqual({ start: 112, end: 123 });
    const [c, d] = splitWindow({ start: 100, end: 102 });
    expect(c).toEqual({ start: 100, end: 100 });
    expect(d).toEqual({ start: 101, end: 102 });
  });

  it("knows the last hour Amplitude has settled", () => {
    // At 10:30 with a 2 h settle, hour 07 (07:00-08:00) completed at 10:00; hour 08 not until 11:00.
    expect(formatHour(lastSettledHour(new Date("2025-11-04T10:30:00Z"), 2))).toBe("2025-11-04T07");
    expect(formatHour(lastSettledHour(new Date("2025-11-04T10:00:00Z"), 2))).toBe("2025-11-04T07");
  });
});
