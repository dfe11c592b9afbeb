import { afterEach, describe, expect, it, vi } from "vitest";
import {
  booleanInput,
  intInput,
  listInput,
  optionalInput,
  requiredInput,
  secretInput,
} from "../src/actions/io.ts";
import { ConfigurationError } from "../src/errors.ts";

const set: string[] = [];
function input(name: string, value: string): void {
  const key = `INPUT_${name.toUpperCase()}`;
  process.env[key] = value;
  set.push(key);
}
afterEach(() => {
  for (const key of set.splice(0)) delete process.env[key];
  vi.restoreAllMocks();
});

describe("action input readers", () => {
  it("read INPUT_* with hyphens kept", () => {
    input("settle-hours", "6");
    input("full-refresh", "true");
    input("select", "stg_events, core_users\nmarts_daily");
    input("out", "");
    expect(intInput("settle-hours")).toBe(6);
    expect(booleanInput("full-refresh", false)).toBe(true);
    expect(booleanInput("dry-run", true)).toBe(true);
    expect(listInput("select")).toEqual(["stg_events", "core_users", "marts_daily"]);
    expect(optionalInput("out")).toBeUndefined();
  });

  it("throw a ConfigurationError naming the input", () => {
    input("max-hours", "ten");
    input("plan", "maybe");
    expect(() => requiredInput("start")).toThrow(ConfigurationError);
    expect(() => requiredInput("start")).toThrow(/start/);
    expect(() => intInput("max-hours")).toThrow(/max-hours/);
    expect(() => booleanInput("plan", false)).toThrow(/plan/);
  });

  it("mask a secret the moment it is read, from the input or the environment", () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (writes.push(String(chunk)), true));
    input("amp-api-key", "key-from-input");
    expect(secretInput("amp-api-key")).toBe("key-from-input");
    expect(secretInput("amp-secret-key", { AMP_SECRET_KEY: "secret-from-env" })).toBe("secret-from-env");
    expect(secretInput("snowflake-password", {})).toBeUndefined();
    expect(writes.join("")).toContain("::add-mask::key-from-input");
    expect(writes.join("")).toContain("::add-mask::secret-from-env");
  });
});
