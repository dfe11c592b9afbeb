{#- Entities (sessions, users, devices) an incremental model must compute again, and all the rows of
    those entities: an incremental model computes each of them again from all its rows, so it holds what a
    full refresh would. An entity is touched when an event whose kept delivery changed since the model was
    last built (a row of `kept`, a table of one row per uuid such as core.events, loaded since) belongs to
    it in any delivery: the entity the event joined, and the one a re-processed event left. A delivery
    that did not change the kept row (the same event delivered again) touches nothing.
    Renders the CTEs `touched` and `scoped`, each followed by a comma; end the model with
    `{{ output('final', scope='touched') }}` so that entities left with no rows are removed.
    On a full build, `scoped` is every row. -#}
{% macro scope_to_touched(relation, keys, incremental, since, deliveries, kept) -%}
{% if incremental %}
redelivered as (

    select uuid
    from {{ kept }}
    where loaded_at > {{ since }}

),

touched as (

    select distinct {{ keys | join(', ') }}
    from {{ deliveries }}
    where uuid in (select uuid from redelivered)

),

scoped as (

    select {{ relation }}.*
    from {{ relation }}
    inner join touched
        on {% for key in keys %}{{ relation }}.{{ key }} = touched.{{ key }}{% if not loop.last %}
        and {% endif %}{% endfor %}

),
{% else %}
scoped as (

    select * from {{ relation }}

),
{% endif %}
{%- endmacro %}

{#- The same scope as scope_to_touched, split in two so that an hour's run does not read the whole
    history of every returning entity. An entity (a user, a device) is appended to when every event of
    it whose kept delivery changed since the last build is a first delivery (no earlier delivery of its
    uuid exists, so no event joined or left it by re-processing) and happened after the latest time the model holds for it
    (`time` later than `held_time`): its new row is then the held row combined with its new events
    alone. Every other touched entity is recomputed from all its rows, as scope_to_touched does.
    Renders the CTEs `new_rows` (the rows of `relation` loaded since), `recomputed` (the keys computed
    again from all their rows), `scoped` (those rows), `appended` (the new rows of every other key, the
    entities new to the model included) and `held` (what the model holds for the appended keys), each
    followed by a comma; end the model with `{{ output('final', scope='recomputed') }}`: an appended key
    is replaced through its new row, and the runner deletes every recomputed key first, so that one left
    with no rows is removed (the runner rebuilds the whole model when those are half its rows or more).
    Only for an incremental build. `relation`
    is a table of one row per uuid whose rows loaded since are the events whose kept delivery changed
    (core.events, stg_amplitude__events), not a CTE (read twice, a CTE would be copied whole), and
    `condition` filters its rows. -#}
{% macro scope_to_appended(relation, condition, keys, since, deliveries, time, held_time) -%}
{%- set on_keys %}{% for key in keys %}{{ '' if loop.first else ' and ' }}{left}.{{ key }} = {right}.{{ key }}{% endfor %}{% endset -%}
new_rows as (

    select *
    from {{ relation }}
    where loaded_at > {{ since }}
        and {{ condition }}

),

{%- set delivered_again_keys %}
    select distinct {{ keys | join(', ') }}
    from {{ deliveries }}
    where uuid in (select uuid from delivered_again)
        and {{ keys | join(' is not null and ') }} is not null
{%- endset %}
{{ append_or_recompute('new_rows', keys, time, held_time, deliveries, since, delivered_again_keys, relation) }}

scoped as (

    select source_rows.*
    from (select * from {{ relation }} where {{ condition }}) as source_rows
    inner join recomputed
        on {{ on_keys | replace('{left}', 'source_rows') | replace('{right}', 'recomputed') }}

),
{%- endmacro %}

{#- The rows an entity model (users, devices) aggregates, as the CTE `entity_rows` (with those of
    scope_to_appended on an incremental build, `held` among them): on a full build every row of `relation`
    that `condition` keeps; on an incremental build all the rows of each entity computed again and only the
    new rows of each entity appended to. Each CTE is followed by a comma. -#}
{% macro entity_rows(relation, condition, keys, incremental, since, deliveries, time, held_time) -%}
{% if incremental %}
{{ scope_to_appended(relation, condition, keys, since, deliveries, time, held_time) }}

entity_rows as (

    {#- An entity computed again brings all its rows; one appended to, its new rows alone. #}
    select * from scoped
    union all
    select * from appended

),
{% else %}
entity_rows as (

    select * from {{ relation }}
    where {{ condition }}

),
{% endif %}
{%- endmacro %}

{#- The keys of an incremental model split in two (see scope_to_appended). Renders the CTEs
    `delivered_again` (the uuids whose kept delivery changed since `since`, rows of `kept` (a table of one
    row per uuid) loaded since, that `deliveries` holds an earlier delivery of);
    `recomputed`, every key `delivered_again_keys` (a query reading `delivered_again`) gives and every key
    whose new rows (`new_rows`, a CTE or table) are not all later than what the model holds for it (`time`
    against the model's `held_time`); `appended`, the new rows of every other key (keys new to the model
    among them); `held`, what the model holds for the appended keys. Each CTE is followed by a comma. -#}
{% macro append_or_recompute(new_rows, keys, time, held_time, deliveries, since, delivered_again_keys, kept) -%}
{%- set on_keys %}{% for key in keys %}{{ '' if loop.first else ' and ' }}{left}.{{ key }} = {right}.{{ key }}{% endfor %}{% endset -%}
delivered_again as (

    {#- Events whose kept delivery changed since and that had a delivery before: re-processed. Every
        event counts, with or without the fields a model reads: a new delivery without them still leaves
        the old ones. #}
    select uuid
    from {{ deliveries }}
    where loaded_at <= {{ since }}
        and uuid in (select uuid from {{ kept }} where loaded_at > {{ since }})

),

recomputed as (

    {#- Every key any delivery of an event delivered again belongs to, and the keys whose new rows are
        not all later than what the model holds for them. #}
    {{ delivered_again_keys }}

    union

    select distinct {% for key in keys %}{{ new_rows }}.{{ key }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ new_rows }}
    inner join {{ this }} as model
        on {{ on_keys | replace('{left}', new_rows) | replace('{right}', 'model') }}
    where {{ new_rows }}.{{ time }} is null
        or model.{{ held_time }} is null
        or {{ new_rows }}.{{ time }} <= model.{{ held_time }}

),

appended as (

    select {{ new_rows }}.*
    from {{ new_rows }}
    where not exists (
        select 1 from recomputed
        where {{ on_keys | replace('{left}', 'recomputed') | replace('{right}', new_rows) }}
    )

),

held as (

    select model.*
    from {{ this }} as model
    where ({{ keys | join(', ') }}) in (select {{ keys | join(', ') }} from appended)

),
{%- endmacro %}
