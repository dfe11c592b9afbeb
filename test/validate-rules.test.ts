import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readProject } from "../src/models/project.ts";
import { compileEverything } from "../src/validate/compile-check.ts";
import { checkEngineParity } from "../src/validate/engine-parity.ts";
import { Diagnostics, type Diagnostic } from "../src/validate/report.ts";
import { validateProject } from "../src/validate/validate.ts";

// The three rules that keep DuckDB and Snowflake from giving different rows, on small models in a temporary
// project: compiled as validate compiles them and checked without the sample run (the rules read the SQL only).

const SOURCES = `version: 2

sources:
  - name: amplitude
    schema: raw
    tables:
      - name: events
        identifier: amplitude_events
        data_tests:
          - unique_combination_of_columns:
              combination_of_columns: [source_file, file_row_number]
        columns:
          - name: json_data
          - name: source_file
          - name: file_row_number
          - name: loaded_at
`;

// A model the others read, whose click_id the project declares unique.
const CLICKS = `{{ config(materialized='table') }}

select
    {{ json_field('json_data', 'click_id') }} as click_id,
    {{ json_field('json_data', 'user_id') }} as user_id,
    {{ json_field('json_data', 'clicked_at', 'timestamp') }} as clicked_at,
    {{ json_field('json_data', 'page') }} as page
from {{ source('amplitude', 'events') }}
`;
const CLICKS_YML = `version: 2

models:
  - name: clicks
    columns:
      - name: click_id
        data_tests:
          - unique
`;

/** A model whose Snowflake rendering is `snowflake` and whose DuckDB rendering is `select 1 as x`. */
function snowflakeOnly(lines: string[]): string {
  return [
    "{% if target.type == 'snowflake' %}",
    ...lines,
    "{% else %}",
    "select 1 as x",
    "{% endif %}",
    "",
  ].join("\n");
}

const work: string[] = [];
afterAll(async () => {
  await Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A project of the sources, clicks and the given models (path → text), below a new folder. */
async function project(models: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "amplitude-pipeline-validate-rules-"));
  work.push(root);
  const files: Record<string, string> = {
    "models/staging/_sources.yml": SOURCES,
    "models/core/clicks.sql": CLICKS,
    "models/core/clicks.yml": CLICKS_YML,
    ...models,
  };
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, "sql", path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return root;
}

/** The rules' findings on a project, as validate reports them. */
async function findings(models: Record<string, string>): Promise<Diagnostic[]> {
  const root = await project(models);
  const loaded = await readProject(join(root, "sql"));
  const diagnostics = new Diagnostics();
  const compiled = await compileEverything(loaded, {
    targetDir: join(root, "target"),
    diagnostics,
    clock: () => 0,
  });
  expect(diagnostics.list()).toEqual([]);
  checkEngineParity(loaded, compiled.statements, diagnostics);
  return diagnostics.list();
}

const at = (file: string, line: number, rule: string, message: RegExp) =>
  expect.objectContaining({
    check: "parity",
    severity: "error",
    file: expect.stringMatching(new RegExp(`sql/models/${file.replace(".", "\\.")}$`)),
    line,
    message: expect.stringMatching(new RegExp(`${message.source}.*\\(rule ${rule}\\)$`)),
  });

describe("variant-cast: a plain cast of a VARIANT path on Snowflake", () => {
  it("names each cast at its model line with the TRY_ form that replaces it", async () => {
    const found = await findings({
      "models/core/casts.sql": snowflakeOnly([
        "select",
        '    json_data:"[Amplitude] Page Counter"::number(38, 0) as page_counter,',
        "    cast(json_data:amount as float) as amount,",
        "    json_data['paying']::boolean as paying,",
        "    to_double(json_data:ratio) as ratio,",
        "    try_cast(json_data:size as int) as size,",
        "    props.value::number as property,",
        // Text and VARIANT never fail to convert; a TRY_ function on the text is the remedy itself.
        '    json_data:"user_id"::varchar as user_id,',
        "    json_data:data::variant as data,",
        "    try_to_number(json_data:count::varchar) as counted,",
        "    try_cast(json_data:other::varchar as int) as other,",
        // A cast the SQL guards by the value's type cannot fail; a guard for another type does not help.
        "    case typeof(props.value) when 'DECIMAL' then props.value::double when 'VARCHAR' then props.value::double end as guarded",
        "from {{ source('amplitude', 'events') }},",
        "    lateral flatten(input => json_data:props) as props",
      ]),
    });
    expect(found).toEqual([
      at(
        "core/casts.sql",
        3,
        "variant-cast",
        /^core\.casts: json_data:"\[Amplitude\] Page Counter"::NUMBER\(38, 0\) is a plain cast of a VARIANT path: on Snowflake one value that does not convert .* fails the model .* where DuckDB reads it as NULL; convert its text with a TRY_ function, which gives NULL as DuckDB does: try_to_number\(json_data:"\[Amplitude\] Page Counter"::varchar, 38, 0\)/,
      ),
      at(
        "core/casts.sql",
        4,
        "variant-cast",
        /json_data:amount::FLOAT .* try_to_double\(json_data:amount::varchar\)/,
      ),
      at("core/casts.sql", 5, "variant-cast", /json_data\['paying'\]::BOOLEAN .* try_to_boolean\(/),
      at(
        "core/casts.sql",
        6,
        "variant-cast",
        /TO_DOUBLE\(json_data:ratio\) is a plain cast .* try_to_double\(/,
      ),
      at(
        "core/casts.sql",
        7,
        "variant-cast",
        /try_cast\(json_data:size as INT\) is refused by Snowflake, whose TRY_CAST takes text and not a VARIANT/,
      ),
      at("core/casts.sql", 8, "variant-cast", /props\.value::NUMBER is a plain cast of a VARIANT path/),
      at("core/casts.sql", 13, "variant-cast", /props\.value::DOUBLE is a plain cast of a VARIANT path/),
    ]);
  });

  it("points at the field's own line when a loop or macro wrote the cast", async () => {
    const found = await findings({
      "models/core/fields.sql": [
        "{%- set fields = [",
        "    ['width', 'integer'],",
        "    ['height', 'integer']",
        "] -%}",
        "{% if target.type == 'snowflake' %}",
        "select",
        "{%- for key, type in fields %}",
        '    json_data:"{{ key }}"::varchar as {{ key }}_text,',
        "    json_data:{{ key }}::number(38, 0) as {{ key }},",
        "{%- endfor %}",
        "    loaded_at",
        "from {{ source('amplitude', 'events') }}",
        "{% else %}",
        "select 1 as x",
        "{% endif %}",
        "",
      ].join("\n"),
    });
    expect(found).toEqual([
      at("core/fields.sql", 2, "variant-cast", /json_data:width::NUMBER\(38, 0\)/),
      at("core/fields.sql", 3, "variant-cast", /json_data:height::NUMBER\(38, 0\)/),
    ]);
  });

  it("passes the corrected model", async () => {
    expect(
      await findings({
        "models/core/casts.sql": snowflakeOnly([
          "select",
          '    try_to_number(json_data:"[Amplitude] Page Counter"::varchar, 38, 0) as page_counter,',
          "    try_to_double(json_data:amount::varchar) as amount,",
          "    try_to_boolean(json_data['paying']::varchar) as paying,",
          "    try_cast(props.value::varchar as number) as property",
          "from {{ source('amplitude', 'events') }},",
          "    lateral flatten(input => json_data:props) as props",
        ]),
      }),
    ).toEqual([]);
  });
});

describe("desc-nulls: a descending order without a NULLS placement", () => {
  const model = (order: (column: string) => string) =>
    [
      "with ranked as (",
      "    select",
      "        click_id,",
      "        user_id,",
      "        clicked_at,",
      "        rank() over (",
      "            partition by user_id",
      `            order by ${order("clicked_at")}, ${order("page")}`,
      "        ) as recency",
      "    from {{ ref('clicks') }}",
      ")",
      "select * from ranked",
      `order by ${order("recency")}, click_id`,
      "",
    ].join("\n");

  it("names each ORDER BY with a bare desc, in windows and in the final order", async () => {
    const found = await findings({ "models/marts/recent.sql": model((c) => `${c} desc`) });
    expect(found).toEqual([
      at(
        "marts/recent.sql",
        8,
        "desc-nulls",
        /^marts\.recent: clicked_at desc, page desc without NULLS FIRST or NULLS LAST: DuckDB puts NULLs last in both directions, Snowflake takes NULL as the largest value and puts it first in a descending order.*write `desc nulls last`.*Ascending orders need nothing: both engines put NULLs last/,
      ),
      at(
        "marts/recent.sql",
        13,
        "desc-nulls",
        /^marts\.recent: recency desc without NULLS FIRST or NULLS LAST/,
      ),
    ]);
  });

  it("passes explicit NULLS placements and ascending orders", async () => {
    expect(await findings({ "models/marts/recent.sql": model((c) => `${c} desc nulls last`) })).toEqual([]);
    expect(await findings({ "models/marts/recent.sql": model((c) => `${c} desc nulls first`) })).toEqual([]);
    expect(await findings({ "models/marts/recent.sql": model((c) => c) })).toEqual([]);
    expect(await findings({ "models/marts/recent.sql": model((c) => `${c} asc`) })).toEqual([]);
  });
});

describe("total-order: a row pick without a total order", () => {
  const picks = (tieBreak: string, byClick: string) =>
    [
      "with clicks as (",
      "    select * from {{ ref('clicks') }}",
      "),",
      "",
      "first_clicks as (",
      "    select user_id, page",
      "    from clicks",
      "    qualify row_number() over (",
      "        partition by user_id",
      `        order by clicked_at nulls last${tieBreak}`,
      "    ) = 1",
      "),",
      "",
      "numbered as (",
      "    select",
      "        user_id,",
      "        page,",
      `        row_number() over (partition by user_id, page order by clicked_at${tieBreak}) as visit`,
      "    from clicks",
      "),",
      "",
      "landing as (",
      "    select",
      "        user_id,",
      `        first_value(page) over (partition by user_id order by clicked_at${tieBreak}) as landing_page,`,
      "    from clicks",
      "),",
      "",
      "last_pages as (",
      `    select user_id, max_by(page, ${byClick}) as last_page`,
      "    from clicks",
      "    group by user_id",
      ")",
      "",
      "select numbered.user_id, numbered.page, landing.landing_page, last_pages.last_page",
      "from numbered",
      "left join landing on numbered.user_id = landing.user_id",
      "left join last_pages on numbered.user_id = last_pages.user_id",
      "where numbered.visit = 1",
      "",
    ].join("\n");

  it("names each pick at its ordering's line and says what a total order is here", async () => {
    const found = await findings({ "models/marts/firsts.sql": picks("", "clicked_at") });
    const total =
      /An order is total here when its columns, with the PARTITION BY \(or GROUP BY\) columns, hold every column of a unique key the project declares for a relation the model reads .*; declared here: core\.clicks \(click_id\)/;
    expect(found).toEqual([
      at(
        "marts/firsts.sql",
        10,
        "total-order",
        new RegExp(
          /^marts\.firsts: row_number\(\) compared with 1 picks one row per partition ordered by clicked_at within user_id, which is not a total order: rows that tie are picked differently by DuckDB and Snowflake, and by Snowflake from run to run.*/
            .source +
            total.source +
            /\. End the ORDER BY with such a key/.source,
        ),
      ),
      at(
        "marts/firsts.sql",
        18,
        "total-order",
        /row_number\(\) compared with 1 .* ordered by clicked_at within user_id, page/,
      ),
      at("marts/firsts.sql", 25, "total-order", /first_value\(\) takes its value from one row per partition/),
      at(
        "marts/firsts.sql",
        30,
        "total-order",
        /max_by\(page, …\) picks the row with the greatest clicked_at in each group of user_id, and rows can tie: .*Pick the row with row_number\(\)/,
      ),
    ]);
  });

  it("passes orderings that end in a declared unique key, and row numbers nothing picks from", async () => {
    expect(await findings({ "models/marts/firsts.sql": picks(", click_id", "click_id") })).toEqual([]);
    // The same row number, never compared with 1, only numbers rows.
    const numbering = picks(", click_id", "click_id").replace("where numbered.visit = 1", "where true");
    expect(
      await findings({
        "models/marts/firsts.sql": numbering.replace(
          "clicked_at, click_id) as visit",
          "clicked_at) as visit",
        ),
      }),
    ).toEqual([]);
  });

  it("takes a row number over a total order as unique within its partition, and a source's declared key", async () => {
    const model = (sourceOrder: string) =>
      [
        "with steps as (",
        "    select",
        "        user_id,",
        "        page,",
        "        row_number() over (partition by user_id order by clicked_at, click_id) as step",
        "    from {{ ref('clicks') }}",
        "),",
        "",
        "latest as (",
        "    select json_data, loaded_at",
        "    from {{ source('amplitude', 'events') }}",
        "    qualify row_number() over (",
        "        partition by json_data:uuid::varchar",
        `        order by loaded_at desc nulls last${sourceOrder}`,
        "    ) = 1",
        ")",
        "",
        "select user_id, page",
        "from steps",
        "qualify row_number() over (partition by user_id order by step desc nulls last) = 1",
        "",
      ].join("\n");
    expect(
      await findings({
        "models/marts/steps.sql": model(", source_file desc nulls last, file_row_number desc nulls last"),
      }),
    ).toEqual([]);
    expect(await findings({ "models/marts/steps.sql": model(", source_file desc nulls last") })).toEqual([
      at(
        "marts/steps.sql",
        14,
        "total-order",
        /ordered by loaded_at, source_file, which is not a total order.*declared here: core\.clicks \(click_id\), raw\.amplitude_events \(source_file, file_row_number\)/,
      ),
    ]);
  });
});

describe("total-order: a text made to order rows", () => {
  const latest = (order: string) =>
    [
      "with ordered as (",
      "    select user_id, page, " + order + " as click_order",
      "    from {{ ref('clicks') }}",
      ")",
      "",
      "select user_id, {{ latest_non_null('page', 'click_order') }} as last_page",
      "from ordered",
      "group by user_id",
      "",
    ].join("\n");

  it("takes time_then_id ending with a unique column as a total order, named or written in the pick", async () => {
    const byKey = "{{ time_then_id('clicked_at', number_text('page_count') ~ \" || click_id\") }}";
    expect(await findings({ "models/marts/latest.sql": latest(byKey) })).toEqual([]);
    expect(
      await findings({
        "models/marts/latest.sql": [
          "select user_id, {{ latest_non_null('page', time_then_id('clicked_at', 'click_id')) }} as last_page",
          "from {{ ref('clicks') }}",
          "group by user_id",
          "",
        ].join("\n"),
      }),
    ).toEqual([]);
  });

  it("flags one that ends with a column that is not unique, or whose parts before it vary in width", async () => {
    for (const order of [
      "{{ time_then_id('clicked_at', 'page') }}",
      "coalesce(to_char(clicked_at, 'YYYY-MM-DD'), '0000-00-00 00:00:00.000000') || coalesce(click_id, '')",
      "coalesce(to_varchar(page_count), '') || click_id",
    ]) {
      expect(await findings({ "models/marts/latest.sql": latest(order) })).toEqual([
        at(
          "marts/latest.sql",
          6,
          "total-order",
          /max_by\(page, …\) picks the row with the greatest click_order/,
        ),
      ]);
    }
  });
});

describe("validate with the rules", () => {
  it("fails the pull-request check on a rule's finding and counts it under parity", async () => {
    const root = await project({
      "models/marts/recent.sql": [
        "select click_id, user_id",
        "from {{ ref('clicks') }}",
        "order by clicked_at desc",
        "",
      ].join("\n"),
    });
    const report = await validateProject({
      project: join(root, "sql"),
      targetDir: join(root, "target"),
      sqlfluff: false,
    });
    expect(report.diagnostics.filter((d) => d.severity === "error")).toEqual([
      at("marts/recent.sql", 3, "desc-nulls", /^marts\.recent: clicked_at desc without NULLS FIRST/),
    ]);
    expect(report.checks.find((c) => c.check === "parity")).toMatchObject({ passed: 1, failed: 1 });
    expect(report.failed).toBe(true);
  }, 120_000);
});
