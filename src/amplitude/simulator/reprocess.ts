import type { Hour, HourWindow } from "../hours.ts";
import { mixSeed, pick, seededRandom, uuidFrom } from "./random.ts";
import {
  amplitudeTime,
  EVENT_TYPES,
  eventsForHour,
  groupPropertiesOf,
  groupsOf,
  type AmplitudeEvent,
  type TrafficOptions,
  type User,
} from "./traffic.ts";

/**
 * Makes a re-export of a window deliver events as Amplitude re-processed them since the first export:
 * the same `uuid`, a later `processed_time`, and some fields changed. Round 0 is the first export and
 * is exactly what the simulator serves without this switch.
 *
 * An event's version in round r is the one of the latest round k ≤ r that re-processed it (round 0
 * when none did), so a re-export never brings an older version than the export before it, and serving
 * round 1 after round 2 delivers the older versions again, with their earlier processed_time. A round's
 * changes are drawn against the original event, as Amplitude re-processes from the raw data it
 * received: a later round can undo an earlier one (a property back, a session moved back).
 */
export interface ReprocessOptions {
  /** Which export of a window this is: 0 the first, 1, 2, … later re-processings. */
  round: number;
  /** Mixed into every draw with the traffic seed, so two runs can re-process the same traffic differently; default 0. */
  seed?: number;
  /** Share of events each kind of change hits in a round (each kind drawn on its own); see DEFAULT_REPROCESS_RATES. */
  rates?: Partial<ReprocessRates>;
}

export interface ReprocessRates {
  /** Some `event_properties` keys removed (each with even odds, at least one); a third of the events hit lose all (`{}`). */
  propertiesRemoved: number;
  /**
   * `session_id` changed: half to another session of the same user from the last day (a new session
   * when the user has none), a quarter to −1 (no session), a quarter to a new session.
   */
  sessionMoved: number;
  /** `user_id` (and `user_properties.email`) set to the user's email where the event had none; users without one stay anonymous. */
  userIdGained: number;
  /** `event_type` changed to another of the website's types, e.g. a page view becoming a click. */
  eventTypeChanged: number;
  /** `amplitude_id` changed to another user's: Amplitude merged the two (`groups` follow the new user). */
  amplitudeIdChanged: number;
  /** `device_id` changed to another user's device or to a new one. */
  deviceIdChanged: number;
}

export const DEFAULT_REPROCESS_RATES: ReprocessRates = {
  propertiesRemoved: 0.1,
  sessionMoved: 0.08,
  userIdGained: 0.15,
  eventTypeChanged: 0.05,
  amplitudeIdChanged: 0.02,
  deviceIdChanged: 0.02,
};

const KINDS = Object.keys(DEFAULT_REPROCESS_RATES) as Array<keyof ReprocessRates>;

/** Hours before an event's own in which "another existing session of the same user" is looked for. */
const SESSION_LOOKBACK_HOURS = 24;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Throws on a round or a rate that cannot be meant, so a typo in a test does not pass as "no change". */
export function checkReprocessOptions(options: ReprocessOptions): void {
  if (!Number.isInteger(options.round) || options.round < 0) {
    throw new RangeError(`reprocess.round must be a whole number ≥ 0, not ${options.round}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new RangeError(`reprocess.seed must be a whole number, not ${options.seed}`);
  }
  for (const [kind, rate] of Object.entries(options.rates ?? {})) {
    if (!KINDS.includes(kind as keyof ReprocessRates)) {
      throw new RangeError(`reprocess.rates.${kind} is not a kind of change (${KINDS.join(", ")})`);
    }
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`reprocess.rates.${kind} must be a share from 0 to 1, not ${String(rate)}`);
    }
  }
}

/**
 * The 32-bit MTIME to write into the gzip headers of an export's members, or null to keep Node's 0.
 * Amplitude's members differ byte for byte between exports even where no event changed; round 0 keeps
 * the simulator's historical bytes.
 */
export function gzipMtimeFor(window: HourWindow, options: ReprocessOptions | undefined): number | null {
  if (!options || options.round === 0) return null;
  // A plausible export time: a few hours after the window, a day later per round, a seeded second.
  const seconds = (window.end + 3) * 3600 + options.round * 86_400 + (mixSeed(options.seed ?? 0) % 3600);
  return seconds >>> 0;
}

/** Re-processes the simulator's traffic; holds the index of users' sessions the moves draw from. */
export class Reprocessor {
  private readonly byAmplitudeId: Map<number, User>;
  private readonly sessionsByHour = new Map<Hour, Map<number, number[]>>();

  constructor(
    private readonly traffic: TrafficOptions,
    private readonly users: User[],
  ) {
    this.byAmplitudeId = new Map(users.map((user) => [user.amplitudeId, user]));
  }

  /** The hour's events as an export in `options.round` delivers them (unchanged without options or in round 0). */
  *eventsForHour(hour: Hour, options: ReprocessOptions | undefined): Generator<AmplitudeEvent> {
    if (!options || options.round === 0) {
      yield* eventsForHour(hour, this.traffic, this.users);
      return;
    }
    const rates = { ...DEFAULT_REPROCESS_RATES, ...options.rates };
    for (const event of eventsForHour(hour, this.traffic, this.users)) {
      yield this.version(event, hour, options.round, options.seed ?? 0, rates);
    }
  }

  private version(
    event: AmplitudeEvent,
    hour: Hour,
    round: number,
    seed: number,
    rates: ReprocessRates,
  ): AmplitudeEvent {
    const uuid = hashText(event.uuid);
    // Each kind draws from its own stream, so changing one rate leaves the other kinds' choices alone.
    const streams = (k: number) =>
      KINDS.map((_, kind) =>
        seededRandom(mixSeed(this.traffic.seed, this.traffic.appId, seed, k, kind, uuid)),
      );
    for (let k = round; k >= 1; k--) {
      const random = streams(k);
      const hits = KINDS.map((kind, i) => random[i]!() < rates[kind]);
      if (hits.some(Boolean)) return this.reprocessed(event, hour, k, seed, hits, random);
    }
    return event;
  }

  private reprocessed(
    original: AmplitudeEvent,
    hour: Hour,
    round: number,
    seed: number,
    hits: boolean[],
    random: Array<() => number>,
  ): AmplitudeEvent {
    const event: AmplitudeEvent = { ...original };
    const hit = (kind: keyof ReprocessRates) => hits[KINDS.indexOf(kind)]!;
    const draw = (kind: keyof ReprocessRates) => random[KINDS.indexOf(kind)]!;
    const amplitudeId = original.amplitude_id as number;
    const user = this.byAmplitudeId.get(amplitudeId);

    if (hit("propertiesRemoved")) {
      const r = draw("propertiesRemoved");
      const properties = original.event_properties as Record<string, unknown>;
      const keys = Object.keys(properties);
      if (keys.length > 0) {
        if (r() < 1 / 3) event.event_properties = {};
        else {
          const removed = new Set(keys.filter(() => r() < 0.5));
          if (removed.size === 0) removed.add(pick(r, keys));
          event.event_properties = Object.fromEntries(
            Object.entries(properties).filter(([key]) => !removed.has(key)),
          );
        }
      }
    }
    if (hit("sessionMoved")) {
      const r = draw("sessionMoved");
      const u = r();
      const current = original.session_id as number;
      const others = this.sessionsOf(amplitudeId, hour).filter((s) => s !== current);
      // A session of its own starts at the event: Amplitude split the session.
      const own = Date.parse(String(original.event_time).replace(" ", "T") + "Z");
      if (u < 0.5) event.session_id = others.length > 0 ? pick(r, others) : own;
      else if (u < 0.75) event.session_id = current === -1 ? own : -1;
      else event.session_id = own;
    }
    if (hit("userIdGained") && original.user_id === null && user?.email) {
      event.user_id = user.email;
      event.user_properties = { email: user.email, ...(original.user_properties as object) };
    }
    if (hit("eventTypeChanged")) {
      const r = draw("eventTypeChanged");
      event.event_type = pick(
        r,
        EVENT_TYPES.filter((type) => type !== original.event_type),
      );
    }
    if (hit("amplitudeIdChanged") && this.users.length > 1) {
      const r = draw("amplitudeIdChanged");
      const merged = pick(
        r,
        this.users.filter((other) => other.amplitudeId !== amplitudeId),
      );
      event.amplitude_id = merged.amplitudeId;
      // Groups belong to the user: an event moved to another user carries that user's groups.
      event.groups = groupsOf(merged);
      event.group_properties = groupPropertiesOf(
        merged,
        Date.parse(`${String(original.event_time).replace(" ", "T")}Z`),
        original.event_id as number | undefined,
      );
    }
    if (hit("deviceIdChanged")) {
      const r = draw("deviceIdChanged");
      event.device_id =
        r() < 0.5
          ? pick(
              r,
              this.users.filter((other) => other.deviceId !== original.device_id),
            ).deviceId
          : uuidFrom(r);
    }
    // Later than every earlier round's (a day apart, jitter under an hour), and than the first export's
    // re-deliveries, which come minutes later; a uuid's lines keep their order.
    const jitterRandom = seededRandom(mixSeed(this.traffic.seed, seed, round, hashText(original.uuid)));
    const jitter = Math.floor(jitterRandom() * HOUR_MS);
    const processed = Date.parse(String(original.processed_time).replace(" ", "T") + "Z");
    event.processed_time = amplitudeTime(processed + round * DAY_MS + jitter);
    return event;
  }

  /** Session ids of the user's first-export events uploaded in this hour or the few before it. */
  private sessionsOf(amplitudeId: number, hour: Hour): number[] {
    const sessions = new Set<number>();
    for (let h = hour - SESSION_LOOKBACK_HOURS; h <= hour; h++) {
      for (const id of this.sessionIndex(h).get(amplitudeId) ?? []) sessions.add(id);
    }
    return [...sessions].sort((a, b) => a - b);
  }

  private sessionIndex(hour: Hour): Map<number, number[]> {
    let index = this.sessionsByHour.get(hour);
    if (!index) {
      const sets = new Map<number, Set<number>>();
      for (const event of eventsForHour(hour, this.traffic, this.users)) {
        const session = event.session_id as number;
        if (session === -1) continue;
        const id = event.amplitude_id as number;
        if (!sets.has(id)) sets.set(id, new Set());
        sets.get(id)!.add(session);
      }
      index = new Map([...sets].map(([id, set]) => [id, [...set]]));
      this.sessionsByHour.set(hour, index);
    }
    return index;
  }
}

/** FNV-1a of a string: uuids become seeds, so an event's draws do not depend on which window carries it. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
