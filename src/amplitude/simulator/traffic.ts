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
const DEVICES = [
  { family: "Windows", type: "Windows", os: "Chrome", platform: "Web" },
  { family: "Mac OS X", type: "Mac", os: "Safari", platform: "Web" },
  { family: "Mac OS X", type: "Mac", os: "Chrome", platform: "Web" },
  { family: "Linux", type: "Linux", os: "Firefox", platform: "Web" },
  { family: "iOS", type: "Apple iPhone", os: "Mobile Safari", platform: "Web" },
  { family: "Android", type: "Android", os: "Chrome Mobile", platform: "Web" },
] as const;
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

export interface User {
  index: number;
  amplitudeId: number;
  deviceId: string;
  email: string | null;
  /** The company domain the user works at (their email's, their office network's); null for free-mail users. */
  company: string | null;
  /** Users identify themselves part of the time: the email is only sometimes on an event. */
  identifyRate: number;
  place: (typeof PLACES)[number];
  ip: string;
  device: (typeof DEVICES)[number];
  createdAt: number;
  referrer: string;
}

/** A deterministic population: the same seed always yields the same people, devices and places. */
export function makeUsers(options: TrafficOptions): User[] {
  const random = seededRandom(mixSeed(options.seed, options.appId, 1));
  const officeIps = COMPANY_DOMAINS.map((_, i) => `81.2.${70 + i}.${intBetween(random, 2, 250)}`);
  return Array.from({ length: options.users }, (_, index) => {
    const companyIndex = random() < 0.45 ? Math.floor(random() * COMPANY_DOMAINS.length) : -1;
    const known = random() < 0.7;
    const name = `${pick(random, FIRST_NAMES)}.${pick(random, LAST_NAMES)}${index}`;
    const domain = companyIndex >= 0 ? COMPANY_DOMAINS[companyIndex]! : pick(random, FREE_DOMAINS);
    return {
      index,
      amplitudeId: 500_000_000_000 + index * 7919,
      deviceId: uuidFrom(random),
      email: known ? `${name}@${domain}` : null,
      company: companyIndex >= 0 ? domain : null,
      identifyRate: 0.3 + random() * 0.6,
      place: pick(random, PLACES),
      ip:
        companyIndex >= 0 && random() < 0.8
          ? officeIps[companyIndex]!
          : `${intBetween(random, 2, 220)}.${intBetween(random, 0, 255)}.${intBetween(random, 0, 255)}.${intBetween(random, 1, 254)}`,
      device: pick(random, DEVICES),
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
  return user.company !== null && user.email !== null ? { company: [user.company] } : {};
}

export function groupPropertiesOf(user: User): Record<string, Record<string, Record<string, string>>> {
  if (user.company === null || user.email === null) return {};
  return { company: { [user.company]: { ...COMPANY_PROFILES[user.company]! } } };
}

/** Events due in an hour, before duplication; zero in quiet hours. */
export function eventCountForHour(hour: Hour, options: TrafficOptions): number {
  const hourOfDay = hourToDate(hour).getUTCHours();
  if (options.quietHours.includes(hourOfDay)) return 0;
  return Math.max(1, Math.round(options.eventsPerHour * DAILY_CURVE[hourOfDay]!));
}

/**
 * Generates the events Amplitude would export for one hour (filtered on server_upload_time), in
 * upload order, including re-deliveries of some uuids with a later processed_time.
 */
export function* eventsForHour(
  hour: Hour,
  options: TrafficOptions,
  users: User[],
): Generator<AmplitudeEvent> {
  const target = eventCountForHour(hour, options);
  if (target === 0) return;
  const random = seededRandom(mixSeed(options.seed, options.appId, hour));
  const hourStart = hour * 3_600_000;
  const hourEnd = hourStart + 3_600_000 - 1;
  const redeliveries: AmplitudeEvent[] = [];
  let produced = 0;
  while (produced < target) {
    const user = users[Math.floor(random() ** 1.6 * users.length)]!;
    let time = hourStart + Math.floor(random() * 3_300_000);
    const sessionId = time;
    // Amplitude's event_id counts events per device; derive a base that grows over time.
    let eventId = Math.floor((hourStart - Date.UTC(2024, 0, 1)) / 60_000) + user.index * 13;
    let pageCounter = 0;
    const identified = user.email !== null && random() < user.identifyRate;
    const ctx = { user, sessionId, identified, options, random };
    const plan = sessionPlan(random, Math.min(target - produced, intBetween(random, 4, 30)));
    for (const step of plan) {
      time = Math.min(hourEnd - 5_000, time + intBetween(random, 800, 45_000));
      eventId += 1;
      if (step === "[Amplitude] Page Viewed") pageCounter += 1;
      const event = buildEvent(ctx, step, time, eventId, pageCounter);
      yield event;
      produced += 1;
      // A rage click: a visitor hammers an element that does nothing. Chosen by the event's ids, not the
      // random stream, so every other event stays as it was; the burst counts toward no target either.
      if (step === "[Amplitude] Element Clicked" && (user.index + eventId) % RAGE_BURST.every === 0) {
        for (let n = 1; n < RAGE_BURST.clicks; n++) {
          eventId += 1;
          yield rageClick(event, n, eventId, hourEnd);
        }
      }
      // A repeated click: the same event_id arrives again with a later time (the seed's web-issue signal).
      if (step === "[Amplitude] Element Clicked" && random() < 0.01) {
        yield buildEvent(ctx, step, Math.min(hourEnd - 4_000, time + 400), eventId, pageCounter);
        produced += 1;
      }
      if (random() < options.duplicateRate) redeliveries.push(event);
    }
  }
  for (const original of redeliveries) {
    const processed = Math.min(
      hourEnd,
      Date.parse(original.server_upload_time + "Z") + intBetween(random, 60_000, 600_000),
    );
    yield {
      ...original,
      processed_time: amplitudeTime(processed),
      server_upload_time: amplitudeTime(Math.min(hourEnd, processed - 500)),
      // A re-delivery can carry what the first delivery lacked, here the user's email.
      user_id: original.user_id ?? (original.user_properties as { email?: string }).email ?? null,
    };
  }
}

/** One click in this many starts a burst of `clicks` clicks on its element, `gapMs` apart. */
const RAGE_BURST = { every: 61, clicks: 4, gapMs: 600 } as const;

/** The `n`th extra click of a burst: the first click again, `n` gaps later, with ids of its own. */
function rageClick(first: AmplitudeEvent, n: number, eventId: number, hourEnd: number): AmplitudeEvent {
  const shift = (field: string, limit = Infinity) =>
    amplitudeTime(Math.min(limit, Date.parse(String(first[field]) + "Z") + n * RAGE_BURST.gapMs));
  const derived = (id: unknown) => `${String(id).slice(0, -4)}${(0xface + n).toString(16).slice(-4)}`;
  return {
    ...first,
    $insert_id: derived(first.$insert_id),
    uuid: derived(first.uuid),
    event_id: eventId,
    event_time: shift("event_time"),
    client_event_time: shift("client_event_time"),
    client_upload_time: shift("client_upload_time", hourEnd),
    server_received_time: shift("server_received_time", hourEnd),
    server_upload_time: shift("server_upload_time", hourEnd),
    processed_time: shift("processed_time", hourEnd),
  };
}

type Step = (typeof EVENT_TYPES)[number];

function sessionPlan(random: () => number, length: number): Step[] {
  const steps: Step[] = ["session_start", "[Amplitude] Page Viewed"];
  while (steps.length < length) {
    const r = random();
    if (r < 0.3) steps.push("[Amplitude] Page Viewed");
    else if (r < 0.5) steps.push("[Amplitude] Element Clicked");
    else if (r < 0.55) steps.push("[Amplitude] Element Changed");
    else if (r < 0.62) steps.push("video_loaded", "video_started");
    else if (r < 0.67) steps.push("video_paused");
    else if (r < 0.72) steps.push("video_finished");
    else if (r < 0.77) steps.push("[Amplitude] Form Started");
    else if (r < 0.8) steps.push("[Amplitude] Form Submitted");
    else if (r < 0.85) steps.push("[Amplitude] File Downloaded");
    else if (r < 0.93) steps.push("Activate Modal Search");
    else steps.push("Data Skills Video");
  }
  return steps.slice(0, length);
}

interface SessionContext {
  user: User;
  sessionId: number;
  identified: boolean;
  options: TrafficOptions;
  random: () => number;
}

function buildEvent(
  ctx: SessionContext,
  type: Step,
  time: number,
  eventId: number,
  pageCounter: number,
): AmplitudeEvent {
  const { user, random, options } = ctx;
  const page = PAGES[(user.index + pageCounter * 7) % PAGES.length]!;
  const uploaded = time + intBetween(random, 200, 4_000);
  const clientTime = time - intBetween(random, 0, 300);
  const email = ctx.identified ? user.email : null;
  return {
    $insert_id: uuidFrom(random),
    $insert_key: null,
    $schema: null,
    adid: null,
    amplitude_attribution_ids: null,
    amplitude_event_type: null,
    amplitude_id: user.amplitudeId,
    app: options.appId,
    city: user.place.city,
    client_event_time: amplitudeTime(clientTime),
    client_upload_time: amplitudeTime(uploaded - 100),
    country: user.place.country,
    data: {
      group_first_event: {},
      group_ids: {},
      path: "/2/httpapi",
      user_properties_updated: pageCounter === 1,
    },
    data_type: "event",
    device_brand: null,
    device_carrier: null,
    device_family: user.device.family,
    device_id: user.deviceId,
    device_manufacturer: null,
    device_model: user.device.type === "Mac" ? "Mac" : null,
    device_type: user.device.type,
    dma: user.place.dma,
    event_id: eventId,
    event_properties: withoutPagePathFor(user, eventProperties(type, page, pageCounter, random)),
    event_time: amplitudeTime(time),
    event_type: type,
    global_user_properties: {},
    group_properties: groupPropertiesOf(user),
    groups: groupsOf(user),
    idfa: null,
    ip_address: user.ip,
    is_attribution_event: false,
    language: "English",
    library: usesOlderSdk(user) ? OLDER_SDK.library : "amplitude-ts/2.11.8",
    location_lat: user.place.lat,
    location_lng: user.place.lng,
    os_name: user.device.os,
    os_version: "131",
    partner_id: null,
    paying: null,
    plan: {},
    platform: user.device.platform,
    processed_time: amplitudeTime(uploaded + intBetween(random, 100, 2_000)),
    region: user.place.region,
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
  type: Step,
  page: readonly [string, string],
  pageCounter: number,
  random: () => number,
): Record<string, unknown> {
  const [title, path] = page;
  const pageProps = {
    "[Amplitude] Page Counter": pageCounter,
    "[Amplitude] Page Domain": "www.thedataschool.co.uk",
    "[Amplitude] Page Location": `https://www.thedataschool.co.uk${path}`,
    "[Amplitude] Page Path": path,
    "[Amplitude] Page Title": title,
    "[Amplitude] Page URL": `https://www.thedataschool.co.uk${path}`,
  };
  switch (type) {
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
    case "[Amplitude] Form Submitted":
      return { ...pageProps, "[Amplitude] Form ID": "apply-form", "[Amplitude] Form Name": "Application" };
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
