import { afterEach, describe, expect, it, vi } from "vitest";
import { runAction } from "../src/actions/run-action.ts";
import { ConfigurationError } from "../src/errors.ts";

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function capture(): string[] {
  const writes: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (writes.push(String(chunk)), true));
  return writes;
}

describe("runAction", () => {
  it("exits 0 when main succeeds", async () => {
    capture();
    const exit = vi.fn();
    await runAction("extract", async () => {}, { exit });
    expect(exit).toHaveBeenCalledWith(0);
  });

  it("fails the step with the action's name for any thrown value, and exits 1", async () => {
    const writes = capture();
    const exit = vi.fn();
    await runAction(
      "upload",
      async () => {
        throw "not an Error";
      },
      { exit },
    );
    expect(exit).toHaveBeenCalledWith(1);
    expect(writes.join("")).toContain("::error::upload failed: not an Error");
  });

  it("passes a ConfigurationError's message as it is", async () => {
    const writes = capture();
    const exit = vi.fn();
    await runAction(
      "provision",
      async () => {
        throw new ConfigurationError("input lake is required");
      },
      { exit },
    );
    expect(exit).toHaveBeenCalledWith(1);
    expect(writes.join("")).toContain("::error::input lake is required");
  });
});
