import { describe, expect, it } from "vitest";
import { uploadStep, type UploadStepReporter } from "../src/pipeline/upload.ts";
import { tempDir } from "./support/files.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";

const DAY = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") };

/** The library API the GitHub Actions call: typed options in, typed reporter events and result out. */
describe("uploadStep", () => {
  it("uploads a backup into a file:// lake, reports each file and window, and returns the figures", async () => {
    const sim = await simulator();
    const out = await tempDir();
    const { summary: extracted } = await extractFrom(sim, { range: DAY, outDir: out, validationThreads: 0 });
    const lakeDir = await tempDir();
    const events: string[] = [];
    const finished: Array<{ outcome: string; description: string }> = [];
    const reporter: UploadStepReporter = {
      started: ({ from, lakeUrl, concurrency }) => events.push(`started ${from} ${lakeUrl} ${concurrency}`),
      fileFinished: ({ outcome, description }) => finished.push({ outcome, description }),
      windowFinished: (window) => events.push(`window ${window.outcome}`),
    };

    const result = await uploadStep(
      { from: out, lake: `file://${lakeDir}`, concurrency: 2 },
      { env: {}, reporter },
    );

    expect(result.failed).toBe(false);
    expect(result.lakeUrl).toContain(lakeDir);
    expect(result.figures).toEqual({ files: extracted.files, bytes: extracted.bytes, skipped: 0 });
    expect(result.summary.failures).toEqual([]);
    expect(events[0]).toBe(`started ${out} ${result.lakeUrl} 2`);
    expect(events.slice(1).every((e) => e === "window uploaded")).toBe(true);
    expect(events.length - 1).toBe(result.summary.windows);
    expect(finished).toHaveLength(extracted.files);
    expect(finished.every((f) => f.outcome === "uploaded" && f.description.includes(lakeDir))).toBe(true);

    const again = await uploadStep({ from: out, lake: `file://${lakeDir}`, concurrency: 2 }, { env: {} });
    expect(again.figures).toEqual({ files: 0, bytes: 0, skipped: extracted.files });
  });

  it("throws before opening the lake when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      uploadStep(
        { from: "nowhere", lake: "file:///nowhere", concurrency: 1 },
        { env: {}, signal: controller.signal },
      ),
    ).rejects.toThrow();
  });
});
