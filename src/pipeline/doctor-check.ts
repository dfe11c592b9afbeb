// What every doctor check is made of: its line (name, status, detail, remedy) and the options it reads.
import type { Env } from "../config.ts";

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** One line of doctor's report: what was checked, what was found, and what to change when it is not a pass. */
export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  /** The command, SQL or setting that fixes it; null for a pass (and for a skip, whose detail says why). */
  remedy: string | null;
}

export interface DoctorResult {
  checks: DoctorCheck[];
  failed: number;
  warned: number;
}

export interface DoctorOptions {
  lake: string;
  warehouse: string;
  /** The model project provision renders the Snowflake objects from. */
  project: string;
  /** The storage integration (default SNOWFLAKE_STORAGE_INTEGRATION or amplitude_pipeline_s3). */
  integration?: string;
}

export interface DoctorContext {
  env: Env;
  /** Each check as it is made, so a front end prints it at once. */
  onCheck?: (check: DoctorCheck) => void;
  signal?: AbortSignal;
  /** The GitHub token the Actions checks use (the root action's github-token); default GITHUB_TOKEN. */
  githubToken?: string;
  /** The Actions checks read the workflows the repository holds here; default GITHUB_WORKSPACE. */
  workspace?: string;
  /** The workflow file whose runs the token must read (the watchdog's); default pipeline.yml. */
  workflow?: string;
}

/** Under a prefix no pipe reads (the pipes read amplitude/events/, amplitude/_manifests/ and the snapshot folders). */
export const PROBE_PREFIX = "amplitude/_doctor/";

export type Add = (check: DoctorCheck) => DoctorCheck;

export function pass(name: string, detail: string): DoctorCheck {
  return { name, status: "pass", detail, remedy: null };
}
export function fail(name: string, detail: string, remedy: string): DoctorCheck {
  return { name, status: "fail", detail, remedy };
}
export function warn(name: string, detail: string, remedy: string): DoctorCheck {
  return { name, status: "warn", detail, remedy };
}
export function skip(name: string, reason: string): DoctorCheck {
  return { name, status: "skip", detail: reason, remedy: null };
}
