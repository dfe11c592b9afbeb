import { hourToDate, type Hour } from "../hours.ts";
import { intBetween, mixSeed, pick, seededRandom, uuidFrom } from "./random.ts";

export interface TrafficOptions {
  appId: number;
  seed: number;
  /** Average events in a busy hour; the daily curve scales it down at night. */
  eventsPerHour: number;
  /** Hours of the UTC day with no traffic at all (Amplitude answers 404 for them). */
  quietHours: number[];
  /** Share of events delivered a second time with a later processed_time. */
  duplicateRate: number;
  /** Events per member file; an hour with more is cut into `#0`, `#1`, … */
  eventsPerMember: number;
  users: number;
}

export const DEFAULT_TRAFFIC: TrafficOptions = {
  appId: 187520,
  seed: 42,
  eventsPerHour: 250,
  quietHours: [3],
  duplicateRate: 0.01,
  eventsPerMember: 20_000,
  users: 400,
};

export type AmplitudeEvent = Record<string, unknown> & { uuid: string; server_upload_time: string };

/** The event types the website sends: the seed's accepted-values list. */
export const EVENT_TYPES = [
  "session_start",
  "[Amplitude] Page Viewed",
  "[Amplitude] Element Clicked",
  "[Amplitude] Element Changed",
  "[Amplitude] Form Started",
  "[Amplitude] Form Submitted",
  "[Amplitude] File Downloaded",
  "video_loaded",
  "video_started",
  "video_paused",
  "video_finished",
  "Activate Modal Search",
  "Data Skills Video",
] as const;

const PAGES = [
  ["Home | The Data School", "/"],
  ["Courses | The Data School", "/courses"],
  ["SQL for Analysts | The Data School", "/courses/sql-for-analysts"],
  ["Intro to Snowflake | The Data School", "/courses/intro-to-snowflake"],
  ["dbt Fundamentals | The Data School", "/courses/dbt-fundamentals"],
  ["Python for Data | The Data School", "/courses/python-for-data"],
  ["Tableau Essentials | The Data School", "/courses/tableau-essentials"],
  ["Blog | The Data School", "/blog"],
  ["Window Functions Explained | The Data School", "/blog/window-functions-explained"],
  ["Apply | The Data School", "/apply"],
  ["Contact | The Data School", "/contact"],
  ["Downloads | The Data School", "/downloads"],
] as const;

const COMPANY_DOMAINS = [
  "acme-analytics.com",
  "northwind.co.uk",
  "globex.io",
  "initech.com",
  "umbrella-data.de",
];
/** What the website's group call sends for each company (Amplitude's `group_properties`), by domain. */
const COMPANY_PROFILES: Record<string, { industry: string; employees: string }> = {
  "acme-analytics.com": { industry: "Software", employees: "51-200" },
  "northwind.co.uk": { industry: "Retail", employees: "201-500" },
  "globex.io": { industry: "Energy", employees: "1001-5000" },
  "initech.com": { industry: "Financial Services", employees: "501-1000" },
  "umbrella-data.de": { industry: "Healthcare", employees: "11-50" },
};
const FREE_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"];
const FIRST_NAMES = [
  "alex",
  "sam",
  "jo",
  "priya",
  "li",
  "maria",
  "tom",
  "fatima",
  "noah",
  "emma",
  "omar",
  "zoe",
];
const LAST_NAMES = [
  "smith",
  "patel",
  "jones",
  "nguyen",
  "garcia",
  "brown",
  "kowalski",
  "okafor",
  "muller",
  "rossi",
];
const PLACES = [
  { city: "London", region: "England", country: "United Kingdom", lat: 51.5072, lng: -0.1276, dma: null },
  { city: "Manchester", region: "England", country: "United Kingdom", lat: 53.4808, lng: -2.2426, dma: null },
  { city: "Berlin", region: "Land Berlin", country: "Germany", lat: 52.52, lng: 13.405, dma: null },
  {
    city: "New York",
    region: "New York",
    country: "United States",
    lat: 40.7128,
    lng: -74.006,
    dma: "New York, NY",
  },
  { city: "Dublin", region: "Leinster", country: "Ireland", lat: 53.3498, lng: -6.2603, dma: null },
  { city: "Paris", region: "Ile-de-France", country: "France", lat: 48.8566, lng: 2.3522, dma: null },
] as const;
type Place = (typeof PLACES)[number];
/** Where each company's office is (an index into PLACES), in the order of COMPANY_DOMAINS. */
const OFFICE_PLACES = [0, 1, 3, 4, 2] as const;

const DEVICES = [
  { family: "Windows", type: "Windows", os: "Chrome", version: "131", platform: "Web", mobile: false },
  { family: "Mac OS X", type: "Mac", os: "Safari", version: "18.1", platform: "Web", mobile: false },
  { family: "Mac OS X", type: "Mac", os: "Chrome", version: "131", platform: "Web", mobile: false },
  { family: "Linux", type: "Linux", os: "Firefox", version: "132", platform: "Web", mobile: false },
  {
    family: "iOS",
    type: "Apple iPhone",
    os: "Mobile Safari",
    version: "18.1",
    platform: "Web",
    mobile: true,
  },
  { family: "Android", type: "Android", os: "Chrome Mobile", version: "131", platform: "Web", mobile: true },
] as const;
type DeviceProfile = (typeof DEVICES)[number];
const COMPUTERS: readonly DeviceProfile[] = DEVICES.filter((d) => !d.mobile);
const PHONES: readonly DeviceProfile[] = DEVICES.filter((d) => d.mobile);

/** First octets of the mobile carriers' address ranges a phone off Wi-Fi is seen on. */
const CARRIER_PREFIXES = [31, 46, 82, 176, 188] as const;

/**
 * Every tenth user's browser runs an older SDK with hand-made page tracking: its events carry the page's
 * URL and title but no `[Amplitude] Page Path`. Chosen by index, not by the random stream, so the rest
 * of the traffic stays as it was.
 */
const OLDER_SDK = { library: "amplitude-js/8.21.9", everyNthUser: 10 } as const;
const usesOlderSdk = (user: User) => user.index % OLDER_SDK.everyNthUser === OLDER_SDK.everyNthUser - 1;

const REFERRERS = [
  "https://www.google.com/",
  "https://www.linkedin.com/",
  "$direct",
  "https://duckduckgo.com/",
];

/** Share of a busy hour's traffic in each UTC hour of the day: quiet nights, a working-day peak. */
const DAILY_CURVE = [
  0.15, 0.1, 0.08, 0.06, 0.08, 0.15, 0.35, 0.6, 0.85, 1, 1, 0.95, 0.9, 0.95, 1, 1, 0.9, 0.75, 0.6, 0.5, 0.45,
  0.4, 0.3, 0.2,
];

/** The shape of a visit; the shares are per step of a session. */
const SESSION = {
  /** Share of page views that go back to the page before the current one (A → B → A). */
  backShare: 0.08,
  /** Share of started forms that are submitted; the rest are abandoned. */
  submitShare: 0.75,
  /** A session ends this long after the start of its hour at the latest, so it spills into one hour only. */
  maxSpanMs: 105 * 60_000,
} as const;

/** The website's forms, each on its own page (an index into PAGES). */
const FORMS = [
  { id: "apply-form", name: "Application", page: 9 },
  { id: "contact-form", name: "Contact", page: 10 },
] as const;
type Form = (typeof FORMS)[number];
/** Pages a visit starts on, repeated by weight: the home page, then courses and the blog post search finds. */
const ENTRY_PAGES: readonly number[] = [0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8];

export interface Device {
  id: string;
  profile: DeviceProfile;
}

/** Where a session came from: an address and the place Amplitude's geolocation gives it. */
interface Network {
  ip: string;
  place: Place;
}

export interface User {
  index: number;
  amplitudeId: number;
  /** The device the user mostly browses on: `devices[0].id`. */
  deviceId: string;
  /** One to three devices: a computer and a phone, some a work laptop too; `devices[0]` is the usual one. */
  devices: Device[];
  email: string | null;
  /** The company domain of the user's email; null for free-mail users and users with no email. */
  company: string | null;
  /**
   * The company the user works at, whose office network they browse from on working days; null for
   * users with no office. A quarter of employees identify with a free-mail address instead of the company's.
   */
  employer: string | null;
  /** Users identify themselves part of the time: the email is only sometimes on an event. */
  identifyRate: number;
  /** Home: where the user's home network (`ip`) places them. */
  place: Place;
  ip: string;
  office: Network | null;
  createdAt: number;
  referrer: string;
}

/** A deterministic population: the same seed always yields the same people, devices and places. */
export function makeUsers(options: TrafficOptions): User[] {
  const random = seededRandom(mixSeed(options.seed, options.appId, 1));
  // Devices, and which employees use a personal address, from a stream of their own.
  const more = seededRandom(mixSeed(options.seed, options.appId, 2));
  const offices: Network[] = COMPANY_DOMAINS.map((_, i) => ({
    ip: `81.2.${70 + i}.${intBetween(random, 2, 250)}`,
    place: PLACES[OFFICE_PLACES[i]!],
  }));
  return Array.from({ length: options.users }, (_, index) => {
    const companyIndex = random() < 0.45 ? Math.floor(random() * COMPANY_DOMAINS.length) : -1;
    const known = random() < 0.7;
    const name = `${pick(random, FIRST_NAMES)}.${pick(random, LAST_NAMES)}${index}`;
    const personalMail = companyIndex < 0 || more() < 0.25;
    const domain = personalMail ? pick(random, FREE_DOMAINS) : COMPANY_DOMAINS[companyIndex]!;
    const email = known ? `${name}@${domain}` : null;
    const homeIp = `${intBetween(random, 2, 220)}.${intBetween(random, 0, 255)}.${intBetween(random, 0, 255)}.${intBetween(random, 1, 254)}`;
    const first = pick(more, DEVICES);
    const devices: Device[] = [{ id: uuidFrom(random), profile: first }];
    if (more() < 0.45)
      devices.push({ id: uuidFrom(more), profile: pick(more, first.mobile ? COMPUTERS : PHONES) });
    if (devices.length === 2 && more() < 0.25)
      devices.push({ id: uuidFrom(more), profile: pick(more, COMPUTERS) });
    return {
      index,
      amplitudeId: 500_000_000_000 + index * 7919,
      deviceId: devices[0]!.id,
      devices,
      email,
      company: email !== null && !personalMail ? domain : null,
      employer: companyIndex >= 0 ? COMPANY_DOMAINS[companyIndex]! : null,
      identifyRate: 0.3 + random() * 0.6,
      place: pick(random, PLACES),
      ip: homeIp,
      office: companyIndex >= 0 ? offices[companyIndex]! : null,
      createdAt: Date.UTC(2024, 0, 1) + Math.floor(random() * 600) * 86_400_000,
      referrer: pick(random, REFERRERS),
    };
  });
}

/**
 * The user's Amplitude groups: a user with an email at a company domain is in that company's group on
 * every event (the website calls setGroup once it knows the email; Amplitude keeps it on the user).
 * Derived from the user alone, so adding groups took no draw from the random streams.
 */
export function groupsOf(user: User): Record<string, string[]> {
  return user.company !== null ? { company: [user.company] } : {};
}

/** How often a company's licensed seats change, and how many plans of seats it goes through. */
const SEATS_PERIOD_MS = 6 * 3_600_000;
const SEATS_STEPS = 5;

/**
 * What an event at `time` (epoch ms) sends as `group_properties` for its user's company: the company's
 * profile and its licensed seats, which change every six hours, so that which event's properties are the
 * latest matters. Every fifth event (by `event_id`) sends none: an SDK call made before the group call.
 */
export function groupPropertiesOf(
  user: User,
  time: number,
  eventId: number | undefined,
): Record<string, Record<string, Record<string, string | number>>> {
  if (user.company === null || (eventId !== undefined && eventId % 5 === 0)) return {};
  const profile = COMPANY_PROFILES[user.company]!;
  const seats = 10 * (1 + (Math.floor(time / SEATS_PERIOD_MS) % SEATS_STEPS));
  return { company: { [user.company]: { ...profile, licensed_seats: seats } } };
}

/** Events due in an hour, before duplication; zero in quiet hours. */
export function eventCountForHour(hour: Hour, options: TrafficOptions): number {
  const hourOfDay = hourToDate(hour).getUTCHours();
  if (options.quietHours.includes(hourOfDay)) return 0;
  return Math.max(1, Math.round(options.eventsPerHour * DAILY_CURVE[hourOfDay]!));
}

const HOUR_MS = 3_600_000;

/**
 * Generates the events Amplitude would export for one hour (filtered on server_upload_time), including
 * re-deliveries of some uuids with a later processed_time. Sessions start at any time of an hour and run
 * on into the next, so an hour's export holds the end of sessions that started in the hour before it and
 * the beginning of its own; each hour's sessions are drawn from a stream of that hour alone, so an hour
 * is the same whichever window asks for it. A quiet hour delivers nothing: sessions stop at its start.
 */
export function* eventsForHour(
  hour: Hour,
  options: TrafficOptions,
  users: User[],
): Generator<AmplitudeEvent> {
  if (eventCountForHour(hour, options) === 0) return;
  const hourStart = hour * HOUR_MS;
  const inHour = (event: AmplitudeEvent) => {
    const uploaded = Date.parse(event.server_upload_time.replace(" ", "T") + "Z");
    return uploaded >= hourStart && uploaded < hourStart + HOUR_MS;
  };
  for (const started of [hour - 1, hour]) {
    for (const event of sessionsStartedInCached(started, options, users)) if (inHour(event)) yield event;
  }
}

/** Hours whose sessions are kept once generated, for the next hour's export (the ones spilling into it). */
const generated = new WeakMap<User[], Map<string, AmplitudeEvent[]>>();
/** Only hours this small are kept: a bigger one is generated again rather than held in memory. */
const CACHED_EVENTS_AT_MOST = 5_000;

/**
 * `sessionsStartedIn`, kept for the two hours generated last: an export of consecutive hours generates
 * each hour once, not once for itself and again for the hour after it. The events are shared between the
 * callers, who only read them.
 */
function sessionsStartedInCached(
  hour: Hour,
  options: TrafficOptions,
  users: User[],
): Iterable<AmplitudeEvent> {
  if (eventCountForHour(hour, options) > CACHED_EVENTS_AT_MOST)
    return sessionsStartedIn(hour, options, users);
  let cache = generated.get(users);
  if (!cache) generated.set(users, (cache = new Map()));
  const key = `${hour} ${JSON.stringify(options)}`;
  let events = cache.get(key);
  if (!events) {
    events = [...sessionsStartedIn(hour, options, users)];
    cache.set(key, events);
    for (const old of cache.keys()) if (cache.size > 2) cache.delete(old);
  }
  return events;
}

/** Every event of the sessions that start in `hour`, and their re-deliveries, wherever their upload time falls. */
function* sessionsStartedIn(hour: Hour, options: TrafficOptions, users: User[]): Generator<AmplitudeEvent> {
  const target = eventCountForHour(hour, options);
  if (target === 0) return;
  const random = seededRandom(mixSeed(options.seed, options.appId, hour));
  const hourStart = hour * HOUR_MS;
  // Before a quiet hour the site goes quiet: sessions end with the hour instead of running on.
  const sessionEnd =
    eventCountForHour(hour + 1, options) === 0 ? hourStart + HOUR_MS - 10_000 : hourStart + SESSION.maxSpanMs;
  const redeliveries: AmplitudeEvent[] = [];
  let produced = 0;
  while (produced < target) {
    const user = users[Math.floor(random() ** 1.6 * users.length)]!;
    let time = hourStart + Math.floor(random() * HOUR_MS);
    const sessionId = time;
    // Amplitude's event_id counts events per device; derive a base that grows over time.
    let eventId = Math.floor((hourStart - Date.UTC(2024, 0, 1)) / 60_000) + user.index * 13;
    let pageCounter = 0;
    const identified = user.email !== null && random() < user.identifyRate;
    const device = sessionDevice(user, random);
    const network = sessionNetwork(user, device, sessionId, options, random);
    const ctx = { user, device, network, sessionId, identified, options, random };
    const plan = sessionPlan(random, Math.min(target - produced, intBetween(random, 4, 30)));
    for (const step of plan) {
      time +=
        step.type === "[Amplitude] Page Viewed"
          ? intBetween(random, 5_000, 90_000)
          : intBetween(random, 800, 45_000);
      if (time > sessionEnd) break;
      eventId += 1;
      if (step.type === "[Amplitude] Page Viewed") pageCounter += 1;
      const event = buildEvent(ctx, step, time, eventId, pageCounter);
      yield event;
      produced += 1;
      // A rage click: a visitor hammers an element that does nothing. Chosen by the event's ids, not the
      // random stream, so every other event stays as it was; the burst counts toward no target either.
      if (step.type === "[Amplitude] Element Clicked" && (user.index + eventId) % RAGE_BURST.every === 0) {
        for (let n = 1; n < RAGE_BURST.clicks; n++) {
          eventId += 1;
          yield rageClick(event, n, eventId);
        }
      }
      // A repeated click: the same event_id arrives again with a later time (the seed's web-issue signal).
      if (step.type === "[Amplitude] Element Clicked" && random() < 0.01) {
        yield buildEvent(ctx, step, time + 400, eventId, pageCounter);
        produced += 1;
      }
      if (random() < options.duplicateRate) redeliveries.push(event);
    }
  }
  for (const original of redeliveries) {
    const processed = Date.parse(original.server_upload_time + "Z") + intBetween(random, 60_000, 600_000);
    yield {
      ...original,
      processed_time: amplitudeTime(processed),
      server_upload_time: amplitudeTime(processed - 500),
      // A re-delivery can carry what the first delivery lacked, here the user's email.
      user_id: original.user_id ?? (original.user_properties as { email?: string }).email ?? null,
    };
  }
}

/** One click in this many starts a burst of `clicks` clicks on its element, `gapMs` apart. */
const RAGE_BURST = { every: 61, clicks: 4, gapMs: 600 } as const;

/** The `n`th extra click of a burst: the first click again, `n` gaps later, with ids of its own. */
function rageClick(first: AmplitudeEvent, n: number, eventId: number): AmplitudeEvent {
  const shift = (field: string) =>
    amplitudeTime(Date.parse(String(first[field]) + "Z") + n * RAGE_BURST.gapMs);
  const derived = (id: unknown) => `${String(id).slice(0, -4)}${(0xface + n).toString(16).slice(-4)}`;
  return {
    ...first,
    $insert_id: derived(first.$insert_id),
    uuid: derived(first.uuid),
    event_id: eventId,
    event_time: shift("event_time"),
    client_event_time: shift("client_event_time"),
    client_upload_time: shift("client_upload_time"),
    server_received_time: shift("server_received_time"),
    server_upload_time: shift("server_upload_time"),
    processed_time: shift("processed_time"),
  };
}

/** The device of a session: mostly the usual one, now and then the user's other ones. */
function sessionDevice(user: User, random: () => number): Device {
  const r = random();
  if (r < 0.6 || user.devices.length === 1) return user.devices[0]!;
  return r < 0.85 || user.devices.length === 2 ? user.devices[1]! : user.devices[2]!;
}

/**
 * The network of a session: a phone is on its carrier's network about half the time (an address that
 * changes from day to day); an employee on a working day (Monday to Friday, 07:00 to 17:59 UTC) is mostly
 * on the office network; everyone else is at home.
 */
function sessionNetwork(
  user: User,
  device: Device,
  start: number,
  options: TrafficOptions,
  random: () => number,
): Network {
  const onCarrier = random() < 0.5;
  const atOffice = random() < 0.8;
  if (device.profile.mobile && onCarrier) {
    const day = Math.floor(start / 86_400_000);
    const carrier = seededRandom(mixSeed(options.seed, options.appId, 3, user.index, day));
    return {
      ip: `${pick(carrier, CARRIER_PREFIXES)}.${intBetween(carrier, 0, 255)}.${intBetween(carrier, 0, 255)}.${intBetween(carrier, 1, 254)}`,
      place: user.place,
    };
  }
  const date = new Date(start);
  const workingTime =
    date.getUTCDay() >= 1 && date.getUTCDay() <= 5 && date.getUTCHours() >= 7 && date.getUTCHours() < 18;
  if (user.office && workingTime && atOffice) return user.office;
  return { ip: user.ip, place: user.place };
}

type Step = (typeof EVENT_TYPES)[number];

interface PlannedStep {
  type: Step;
  /** The page the visitor is on (an index into PAGES). */
  page: number;
  form?: Form;
}

/**
 * What a visitor does in a session, in order. Pages follow one another as on a site (now and then back to
 * the page before, A → B → A); a form is filled in on its own page, started before it is submitted, and
 * a quarter of the forms started are left unsubmitted. At most one form per session; a form that is
 * started is finished (or abandoned) even when that makes the session a few steps longer.
 */
function sessionPlan(random: () => number, length: number): PlannedStep[] {
  const entry = pick(random, ENTRY_PAGES);
  const steps: PlannedStep[] = [
    { type: "session_start", page: entry },
    { type: "[Amplitude] Page Viewed", page: entry },
  ];
  const visited = [entry];
  let page = entry;
  let formDone = false;
  const view = (next: number) => {
    page = next;
    visited.push(next);
    steps.push({ type: "[Amplitude] Page Viewed", page });
  };
  while (steps.length < length) {
    const r = random();
    const on = (type: Step) => steps.push({ type, page });
    if (r < 0.3) {
      const before = visited.length >= 2 ? visited[visited.length - 2]! : page;
      if (before !== page && random() < SESSION.backShare) view(before);
      else {
        // Onward, mostly to a page not seen yet in the session.
        const unseen = PAGES.map((_, i) => i).filter((i) => !visited.includes(i));
        view(
          unseen.length > 0 && random() < 0.85
            ? pick(random, unseen)
            : (page + intBetween(random, 1, PAGES.length - 1)) % PAGES.length,
        );
      }
    } else if (r < 0.5) on("[Amplitude] Element Clicked");
    else if (r < 0.55) on("[Amplitude] Element Changed");
    else if (r < 0.62) steps.push({ type: "video_loaded", page }, { type: "video_started", page });
    else if (r < 0.67) on("video_paused");
    else if (r < 0.72) on("video_finished");
    else if (r < 0.74 && !formDone) {
      formDone = true;
      const form = random() < 0.7 ? FORMS[0] : FORMS[1];
      if (page !== form.page) view(form.page);
      steps.push({ type: "[Amplitude] Form Started", page, form });
      for (let i = intBetween(random, 1, 3); i > 0; i--) on("[Amplitude] Element Changed");
      if (random() < SESSION.submitShare) steps.push({ type: "[Amplitude] Form Submitted", page, form });
    } else if (r < 0.8) on("[Amplitude] Element Clicked");
    else if (r < 0.85) on("[Amplitude] File Downloaded");
    else if (r < 0.93) on("Activate Modal Search");
    else on("Data Skills Video");
  }
  return steps;
}

interface SessionContext {
  user: User;
  device: Device;
  network: Network;
  sessionId: number;
  identified: boolean;
  options: TrafficOptions;
  random: () => number;
}

function buildEvent(
  ctx: SessionContext,
  step: PlannedStep,
  time: number,
  eventId: number,
  pageCounter: number,
): AmplitudeEvent {
  const { user, device, network, random, options } = ctx;
  const type = step.type;
  const page = PAGES[step.page]!;
  const uploaded = time + intBetween(random, 200, 4_000);
  const clientTime = time - intBetween(random, 0, 300);
  const email = ctx.identified ? user.email : null;
  // Some sources send events without an event_id (undefined leaves the key out of the line).
  const eventIdSent = type === "[Amplitude] Page Viewed" && pageCounter % 7 === 0 ? undefined : eventId;
  return {
    $insert_id: uuidFrom(random),
    $insert_key: null,
    $schema: null,
    adid: null,
    amplitude_attribution_ids: null,
    amplitude_event_type: null,
    amplitude_id: user.amplitudeId,
    app: options.appId,
    city: network.place.city,
    client_event_time: amplitudeTime(clientTime),
    client_upload_time: amplitudeTime(uploaded - 100),
    country: network.place.country,
    data: {
      group_first_event: {},
      group_ids: {},
      path: "/2/httpapi",
      user_properties_updated: pageCounter === 1,
    },
    data_type: "event",
    device_brand: null,
    device_carrier: null,
    device_family: device.profile.family,
    device_id: device.id,
    device_manufacturer: null,
    device_model: device.profile.type === "Mac" ? "Mac" : null,
    device_type: device.profile.type,
    dma: network.place.dma,
    event_id: eventIdSent,
    event_properties: withoutPagePathFor(user, eventProperties(step, page, pageCounter, random)),
    event_time: amplitudeTime(time),
    event_type: type,
    global_user_properties: {},
    group_properties: groupPropertiesOf(user, time, eventIdSent),
    groups: groupsOf(user),
    idfa: null,
    ip_address: network.ip,
    is_attribution_event: false,
    language: "English",
    library: usesOlderSdk(user) ? OLDER_SDK.library : "amplitude-ts/2.11.8",
    location_lat: network.place.lat,
    location_lng: network.place.lng,
    os_name: device.profile.os,
    os_version: device.profile.version,
    partner_id: null,
    paying: null,
    plan: {},
    platform: device.profile.platform,
    processed_time: amplitudeTime(uploaded + intBetween(random, 100, 2_000)),
    region: network.place.region,
    sample_rate: null,
    server_received_time: amplitudeTime(uploaded - 50),
    server_upload_time: amplitudeTime(uploaded),
    session_id: type === "Data Skills Video" && random() < 0.2 ? -1 : ctx.sessionId,
    source_id: null,
    start_version: null,
    user_creation_time: amplitudeTime(user.createdAt),
    user_id: email,
    user_properties: {
      ...(email ? { email } : {}),
      initial_dclid: "EMPTY",
      initial_fbclid: "EMPTY",
      initial_gbraid: "EMPTY",
      initial_gclid: "EMPTY",
      initial_ko_click_id: "EMPTY",
      initial_li_fat_id: "EMPTY",
      initial_msclkid: "EMPTY",
      initial_referrer: user.referrer,
      initial_referring_domain: user.referrer === "$direct" ? "$direct" : new URL(user.referrer).hostname,
      initial_rtd_cid: "EMPTY",
      initial_ttclid: "EMPTY",
      initial_twclid: "EMPTY",
      initial_utm_campaign: "EMPTY",
      initial_utm_content: "EMPTY",
      initial_utm_id: "EMPTY",
      initial_utm_medium: "EMPTY",
      initial_utm_source: "EMPTY",
      initial_utm_term: "EMPTY",
      initial_wbraid: "EMPTY",
      referrer: user.referrer,
      referring_domain: user.referrer === "$direct" ? "$direct" : new URL(user.referrer).hostname,
    },
    uuid: uuidFrom(random),
    version_name: null,
  };
}

function eventProperties(
  step: PlannedStep,
  page: readonly [string, string],
  pageCounter: number,
  random: () => number,
): Record<string, unknown> {
  const [title, path] = page;
  const pageProps = {
    // Hand-made tracking sends the counter as text now and then: the models read both alike.
    "[Amplitude] Page Counter": pageCounter % 5 === 0 ? String(pageCounter) : pageCounter,
    "[Amplitude] Page Domain": "www.thedataschool.co.uk",
    "[Amplitude] Page Location": `https://www.thedataschool.co.uk${path}`,
    "[Amplitude] Page Path": path,
    "[Amplitude] Page Title": title,
    "[Amplitude] Page URL": `https://www.thedataschool.co.uk${path}`,
  };
  switch (step.type) {
    case "[Amplitude] Page Viewed":
      return pageProps;
    case "[Amplitude] Element Clicked":
    case "[Amplitude] Element Changed":
      return {
        ...pageProps,
        "[Amplitude] Element Tag": pick(random, ["a", "button", "input", "select"]),
        "[Amplitude] Element Text": pick(random, [
          "Enrol now",
          "Read more",
          "Next",
          "Search",
          "Download syllabus",
        ]),
        "[Amplitude] Element Selector": `#main > div:nth-child(${intBetween(random, 1, 9)}) > button`,
        "[Amplitude] Element Hierarchy": [{ tag: "body" }, { tag: "main", id: "main" }, { tag: "div" }],
      };
    case "[Amplitude] Form Started":
    case "[Amplitude] Form Submitted": {
      const form = step.form ?? FORMS[0];
      return { ...pageProps, "[Amplitude] Form ID": form.id, "[Amplitude] Form Name": form.name };
    }
    case "[Amplitude] File Downloaded":
      return { ...pageProps, "[Amplitude] File Extension": "pdf", "[Amplitude] File Name": "syllabus.pdf" };
    case "video_loaded":
    case "video_started":
    case "video_paused":
    case "video_finished":
      return {
        video_title: `${title.split(" |")[0]} intro`,
        video_position_seconds: intBetween(random, 0, 600),
      };
    case "Activate Modal Search":
      return { search_term: pick(random, ["snowflake", "sql", "dbt", "python", "tableau", "fees"]) };
    case "Data Skills Video":
      return { skill: pick(random, ["SQL", "Python", "Tableau", "Power BI"]) };
    case "session_start":
      return {};
  }
}

function withoutPagePathFor(user: User, properties: Record<string, unknown>): Record<string, unknown> {
  if (!usesOlderSdk(user)) return properties;
  const { "[Amplitude] Page Path": _path, ...rest } = properties;
  return rest;
}

/** Amplitude's export time format: `YYYY-MM-DD HH:MM:SS.ffffff`, UTC. */
export function amplitudeTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "000");
}
