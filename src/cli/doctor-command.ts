import type { Env } from "../config.ts";
import { doctor, type DoctorCheck, type DoctorOptions, type DoctorResult } from "../pipeline/doctor.ts";
import { printJson, type Output } from "./output.ts";

export interface DoctorCommandOptions extends DoctorOptions {
  json?: boolean;
}

const MARKS: Record<DoctorCheck["status"], string> = {
  pass: "pass",
  warn: "WARN",
  fail: "FAIL",
  skip: "skip",
};

/** One line per check (stdout), the remedy indented under it; with --json, the checks as one JSON line. */
export function describeCheck(check: DoctorCheck): string[] {
  const lines = [`${MARKS[check.status].padEnd(4)}  ${check.name}: ${check.detail}`];
  if (check.remedy) lines.push(`      remedy: ${check.remedy}`);
  return lines;
}

export async function runDoctor(
  options: DoctorCommandOptions,
  deps: { env: Env; output: Output; signal?: AbortSignal },
): Promise<DoctorResult> {
  const { output } = deps;
  const result = await doctor(options, {
    env: deps.env,
    signal: deps.signal,
    onCheck: (check) => describeCheck(check).forEach((line) => output.out(line)),
  });
  output.err(
    result.failed > 0
      ? `${result.failed} check(s) failed, ${result.warned} warned: fix each with its remedy, then run doctor again.`
      : `No check failed${result.warned > 0 ? ` (${result.warned} warned)` : ""}.`,
  );
  if (options.json)
    printJson(output, { checks: result.checks, failed: result.failed, warned: result.warned });
  return result;
}
