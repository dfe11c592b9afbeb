import type { Env } from "../config.ts";

export const DEFAULT_LAKE = "file://data/lake";

/** The lake a command uses when `--lake` is not given: the team's bucket when configured, else the local folder. */
export function defaultLakeUrl(env: Env): string {
  return env.AWS_BUCKET_NAME ? `s3://${env.AWS_BUCKET_NAME}/` : DEFAULT_LAKE;
}
