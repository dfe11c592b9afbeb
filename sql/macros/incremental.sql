{#- Entities (sessions, users, devices) that gained rows since the model was last built, and all the
    rows of those entities: an incremental model computes each of them again from all its rows, so it
    holds what a full refresh would. Renders the CTEs `touched` and `scoped`, each followed by a comma.
    On a full build, `scoped` is every row. -#}
{% macro scope_to_touched(relation, keys, incremental, since) -%}
{% if incremental %}
touched as (

    select distinct {{ keys | join(', ') }}
    from {{ relation }}
    where loaded_at > {{ since }}

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
