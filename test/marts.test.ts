// The marts on a few hand-written sessions whose right answers are written below: page paths (carry
// forward, time on page, entry and exit), web issues (loops, returns, repeated and rage clicks, abandoned
// forms) and company traffic (email domain, office network, anonymous inheritance). The sessions arrive
// in two deliveries, each loaded and transformed incrementally, so the answers also hold for a session
// built in two steps.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalLake } from "../src/lake/local-lake.ts";
import { readProject, type Project } from "../src/models/project.ts";
import { transform, type TransformResult } from "../src/models/runner.ts";
import { DuckDbWarehouse } from "../src/warehouse/duckdb.ts";
import { load } from "../src/warehouse/load.ts";
import type { Row } from "../src/warehouse/warehouse.ts";
import { tempDir } from "./support/files.ts";
import { eventLine, PROJECT_DIR, uploadWindow, type TestEvent } from "./support/warehouse.ts";

const SESSION = 1_762_246_800_000; // 2025-11-04 09:00 UTC
const OFFICE = "203.0.113.10";
const HOME = "198.51.100.7";

interface Step {
  at: string; // mm:ss after 09:00
  type?: string;
  page?: { path: string; counter: number; title: string };
  element?: { selector?: string; text?: string };
  form?: string;
  eventId?: number;
}

/** One session's events, uuids `<prefix>-01`…, page properties only on page views (the rest carry them). */
function session(
  prefix: string,
  user: { amplitudeId: number; userId: string | null; ip: string },
  steps: Step[],
): TestEvent[] {
  return steps.map((step, i) => {
    const properties: Record<string, unknown> = {};
    if (step.page) {
      properties["[Amplitude] Page Path"] = step.page.path;
      properties["[Amplitude] Page Counter"] = step.page.counter;
      properties["[Amplitude] Page Title"] = step.page.title;
    }
    if (step.element?.selector) properties["[Amplitude] Element Selector"] = step.element.selector;
    if (step.element?.text) properties["[Amplitude] Element Text"] = step.element.text;
    if (step.form) properties["[Amplitude] Form ID"] = step.form;
    return {
      uuid: `${prefix}-${String(i + 1).padStart(2, "0")}`,
      event_type: step.type ?? (step.page ? "[Amplitude] Page Viewed" : "[Amplitude] Element Clicked"),
      event_time: `2025-11-04 09:${step.at}.000000`,
      amplitude_id: user.amplitudeId,
      user_id: user.userId,
      session_id: SESSION + user.amplitudeId,
      event_id: step.eventId ?? i + 1,
      device_id: `device-${user.amplitudeId}`,
      ip_address: user.ip,
      event_properties: properties,
    };
  });
}

const ENROL = { selector: "#hero > button.enrol", text: "Enrol now" };
const MORE = { selector: "#hero > a.more", text: "Read more" };
const NEXT = { selector: "#carousel > button.next", text: "Next" };
const home = (counter: number) => ({ path: "/", counter, title: "Home" });
const courses = { path: "/courses", counter: 2, title: "Courses" };
const apply = { path: "/apply", counter: 4, title: "Apply" };

// Ana's session: every sign a page can give, and two that are not signs.
const ANA = session("ana", { amplitudeId: 1, userId: "ana@acme-analytics.com", ip: OFFICE }, [
  { at: "00:00", page: home(1) }, // 01 entry page, 20 s on it
  { at: "00:05", element: ENROL }, // 02 ┐ rage: 3 clicks on Enrol now, 1 s apart
  { at: "00:06", element: ENROL }, // 03 │
  { at: "00:07", element: ENROL }, // 04 ┘
  { at: "00:08", element: MORE }, // 05 ┐ 2 clicks are no rage; the second is a repeated send of event 5
  { at: "00:09", element: MORE, eventId: 5 }, // 06 ┘
  { at: "00:20", page: courses }, // 07 40 s on it
  { at: "00:30", type: "[Amplitude] Form Started", form: "course-search" }, // 08 ┐ submitted: no sign
  { at: "00:50", type: "[Amplitude] Form Submitted", form: "course-search" }, // 09 ┘
  { at: "01:00", page: home(3) }, // 10 a return to / and a loop / -> /courses -> /; 45 s on it
  { at: "01:10", element: NEXT }, // 11 ┐ 3 clicks on Next, but 5 s apart: no rage
  { at: "01:15", element: NEXT }, // 12 │
  { at: "01:20", element: NEXT }, // 13 ┘
  { at: "01:30", type: "video_started" }, // 14 carries page counter 3 and / forward
  { at: "01:45", page: apply }, // 15 exit page: no next page view, so no time on it
  { at: "02:00", type: "[Amplitude] Form Started", form: "apply-form" }, // 16 abandoned
]);
// Colleagues and strangers on the office network and elsewhere, one page view each.
const single = (prefix: string, amplitudeId: number, userId: string | null, ip: string) =>
  session(prefix, { amplitudeId, userId, ip }, [{ at: "00:00", page: home(1) }]);
const OTHERS = [
  ...single("bo", 2, "bo@Acme-Analytics.com", OFFICE), // a colleague: makes OFFICE acme's office network
  ...single("cy", 3, "cy@fastmail.com", OFFICE), // free mail (freemail's list, not the old 15) on the office network
  ...single("dee", 4, null, OFFICE), // anonymous on the office network: inherits acme, low confidence
  ...single("di", 5, "di@globex.io", HOME), // a company email, alone on its network
  ...single("ed", 6, "ed@yahoo.co.uk", HOME), // free mail on a network with one company user: nobody's office
  ...single("fay", 7, null, "192.0.2.55"), // anonymous elsewhere: no company
];

let warehouse: DuckDbWarehouse;
let project: Project;
const results: TransformResult[] = [];

async function rows(sql: string): Promise<Row[]> {
  return warehouse.query(sql);
}

beforeAll(async () => {
  const dir = await tempDir();
  const lake = new LocalLake(join(dir, "lake"));
  warehouse = await DuckDbWarehouse.open(join(dir, "warehouse.duckdb"), { create: true });
  project = await readProject(PROJECT_DIR);
  // First delivery: Ana's first nine events (her session is open at /courses), and everyone else.
  // Second: the rest of her session, which changes her /courses row (time on page, no longer the exit).
  const deliveries = [[...ANA.slice(0, 9), ...OTHERS], [...ANA.slice(9)]];
  for (const [i, events] of deliveries.entries()) {
    const hour = String(9 + i).padStart(2, "0");
    await uploadWindow(lake, { start: `2025-11-04T${hour}`, end: `2025-11-04T${hour}` }, [
      { name: `187520_2025-11-04_${9 + i}#0.json.gz`, lines: events.map(eventLine) },
    ]);
    await load({ lake, warehouse });
    results.push(await transform({ warehouse, project, fullTests: true }));
  }
});

afterAll(async () => {
  await warehouse?.close();
});

describe("the marts on hand-written sessions", () => {
  it("build with every test passing, and the free-mail seed is loaded once", () => {
    for (const result of results) {
      expect(result.tests.filter((t) => t.status !== "pass").map((t) => `${t.name}: ${t.message}`)).toEqual(
        [],
      );
      expect(result.models.every((m) => m.status === "success")).toBe(true);
    }
    expect(results.map((r) => r.seeds?.map((s) => [s.relation, s.status, s.rows]))).toEqual([
      [["seeds.free_email_domains", "loaded", 4462]],
      [["seeds.free_email_domains", "unchanged", 4462]],
    ]);
    expect(results[1]!.models.find((m) => m.name === "web_issues")!.incremental).toBe(true);
  });

  it("page_paths: carries the page forward and times each page view until the next", async () => {
    expect(
      await rows(
        `select uuid, step_in_session, page_counter, page_path, page_title, time_on_page_seconds,
                is_entry_page, is_exit_page
         from marts.page_paths where amplitude_id = 1 order by step_in_session`,
      ),
    ).toEqual(
      [
        ["ana-01", 1, 1, "/", "Home", 20, true, false],
        ["ana-02", 2, 1, "/", "Home", null, false, false],
        ["ana-03", 3, 1, "/", "Home", null, false, false],
        ["ana-04", 4, 1, "/", "Home", null, false, false],
        ["ana-05", 5, 1, "/", "Home", null, false, false],
        ["ana-06", 6, 1, "/", "Home", null, false, false],
        ["ana-07", 7, 2, "/courses", "Courses", 40, false, false],
        ["ana-08", 8, 2, "/courses", "Courses", null, false, false],
        ["ana-09", 9, 2, "/courses", "Courses", null, false, false],
        ["ana-10", 10, 3, "/", "Home", 45, false, false],
        ["ana-11", 11, 3, "/", "Home", null, false, false],
        ["ana-12", 12, 3, "/", "Home", null, false, false],
        ["ana-13", 13, 3, "/", "Home", null, false, false],
        ["ana-14", 14, 3, "/", "Home", null, false, false],
        ["ana-15", 15, 4, "/apply", "Apply", null, false, true],
        ["ana-16", 16, 4, "/apply", "Apply", null, false, false],
      ].map(([uuid, step, counter, path, title, seconds, entry, exit]) => ({
        uuid,
        step_in_session: BigInt(step as number),
        page_counter: BigInt(counter as number),
        page_path: path,
        page_title: title,
        time_on_page_seconds: seconds,
        is_entry_page: entry,
        is_exit_page: exit,
      })),
    );
    // A session of one page view: it is both the entry and the exit, with no time on it.
    expect(
      await rows(
        `select uuid, time_on_page_seconds, is_entry_page, is_exit_page from marts.page_paths where amplitude_id = 2`,
      ),
    ).toEqual([{ uuid: "bo-01", time_on_page_seconds: null, is_entry_page: true, is_exit_page: true }]);
  });

  it("web_issues: rage clicks, a repeated click, an abandoned form, a return and a loop, with their evidence", async () => {
    const at = (mmss: string) => new Date(`2025-11-04T09:${mmss}.000Z`);
    expect(
      await rows(
        `select uuid, issue_type, page_path, detail, element_selector, element_text, form_id,
                evidence_events, first_event_time, last_event_time
         from marts.web_issues order by amplitude_id, event_time, uuid, issue_type`,
      ),
    ).toEqual([
      {
        uuid: "ana-02",
        issue_type: "rage_click",
        page_path: "/",
        detail: "3 clicks on Enrol now",
        element_selector: ENROL.selector,
        element_text: ENROL.text,
        form_id: null,
        evidence_events: 3n,
        first_event_time: at("00:05"),
        last_event_time: at("00:07"),
      },
      {
        uuid: "ana-06",
        issue_type: "repeated_click",
        page_path: "/",
        detail: "[Amplitude] Element Clicked",
        element_selector: MORE.selector,
        element_text: MORE.text,
        form_id: null,
        evidence_events: 2n,
        first_event_time: at("00:08"),
        last_event_time: at("00:09"),
      },
      {
        uuid: "ana-10",
        issue_type: "page_loop",
        page_path: "/",
        detail: "back from /courses",
        element_selector: null,
        element_text: null,
        form_id: null,
        evidence_events: 3n,
        first_event_time: at("00:00"),
        last_event_time: at("01:00"),
      },
      {
        uuid: "ana-10",
        issue_type: "page_return",
        page_path: "/",
        detail: "visit 2 of this page",
        element_selector: null,
        element_text: null,
        form_id: null,
        evidence_events: 2n,
        first_event_time: at("00:00"),
        last_event_time: at("01:00"),
      },
      {
        uuid: "ana-16",
        issue_type: "form_abandoned",
        page_path: "/apply",
        detail: "form id apply-form started, never submitted",
        element_selector: null,
        element_text: null,
        form_id: "apply-form",
        evidence_events: 1n,
        first_event_time: at("02:00"),
        last_event_time: at("02:00"),
      },
    ]);
  });

  it("company_traffic: by email domain, by office network, and anonymous users inherit with low confidence", async () => {
    // The mart names the email's domain, never the email itself.
    expect((await rows("describe marts.company_traffic")).map((column) => column.column_name)).not.toContain(
      "user_id",
    );
    expect(
      await rows(
        `select amplitude_id, email_domain, suspected_company, reasoning, confidence, colleagues_on_network
         from marts.company_traffic order by amplitude_id`,
      ),
    ).toEqual(
      [
        [1, "acme-analytics.com", "acme-analytics.com", "email_domain+office_network", "high", 2],
        [2, "acme-analytics.com", "acme-analytics.com", "email_domain+office_network", "high", 2],
        [3, "fastmail.com", "acme-analytics.com", "office_network", "medium", 2],
        [4, null, "acme-analytics.com", "anonymous_office_network", "low", 2],
        [5, "globex.io", "globex.io", "email_domain", "high", 0],
      ].map(([id, domain, company, reasoning, confidence, colleagues]) => ({
        amplitude_id: BigInt(id as number),
        email_domain: domain,
        suspected_company: company,
        reasoning,
        confidence,
        colleagues_on_network: BigInt(colleagues as number),
      })),
    );
  });
});
