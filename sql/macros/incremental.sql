{#- Entities (sessions, users, devices) an incremental model must compute again, and all the rows of
    those entities: an incremental model computes each of them again from all its rows, so it holds what a
    full refresh would. An entity is touched when an event delivered since the model was last built
    belongs to it in any delivery: the entity the event joined, and the one a re-processed event left.
    Renders the CTEs `touched` and `scoped`, each followed by a comma; end the model with
    `{{ output('final', scope='touched') }}` so that entities left with no rows are removed.
    On a full build, `scoped` is every row. -#}
{% macro scope_to_touched(relation, keys, incremental, since, deliveries) -%}
{% if incremental %}
redelivered as (

    select distinct uuid
    from {{ deliveries }}
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
