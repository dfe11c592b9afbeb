import type { Hour } from "./hours.ts";

/** `<appId>_<YYYY-MM-DD>_<H>#<N>.json.gz`: the hour is not zero-padded and N counts parts of an hour. */
const MEMBER_NAME = /^(\d+)_(\d{4}-\d{2}-\d{2})_(\d{1,2})#(\d+)\.json\.gz$/;

export interface MemberName {
  appId: string;
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** `HH`, zero-padded. */
  hourOfDay: string;
  /** The hour as epoch hours, for matching against windows. */
  hour: Hour;
}

/** Reads what an Amplitude member's base name says of itself; null for any other name. */
export function parseMemberName(name: string): MemberName | null {
  const match = MEMBER_NAME.exec(name);
  if (!match) return null;
  const [year, month, day] = match[2]!.split("-").map(Number) as [number, number, number];
  return {
    appId: match[1]!,
    date: match[2]!,
    hourOfDay: match[3]!.padStart(2, "0"),
    hour: Date.UTC(year, month - 1, day, Number(match[3])) / 3_600_000,
  };
}
