{#- Amplitude export fields read from the raw JSON of `relation`: each document parsed once (json_record),
    then every field typed with the same cast wherever it is read, so staging, the deliveries and the
    locations agree on what a field holds. `keep` names the columns of `relation` carried along.
    Renders the CTEs `parsed` and `typed`, each followed by a comma; import it `with context`. -#}
{% macro parse_export_fields(relation, fields, keep) -%}
parsed as (

    select
        {{ json_record('json_data', fields) }} as record,
        {{ keep | join(',\n        ') }}
    from {{ relation }}

),

typed as (

    select
        {%- for key, column, type in fields %}
        {{ record_field('record', key, type) }} as {{ column }},
        {%- endfor %}
        {{ keep | join(',\n        ') }}
    from parsed

),
{%- endmacro %}
