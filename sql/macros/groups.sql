{#- The current group memberships, as a parenthesised query: one row per event and group,
    from the delivery of each event that stg_amplitude__events keeps (its loaded_at is that delivery's,
    which lets a filter on loaded_at reach both tables). -#}
{% macro current_memberships() -%}
(
    select group_deliveries.*
    from {{ ref('stg_amplitude__event_groups') }} as group_deliveries
    inner join {{ ref('stg_amplitude__events') }} as latest_deliveries
        on group_deliveries.source_file = latest_deliveries.source_file
        and group_deliveries.file_row_number = latest_deliveries.file_row_number
        and group_deliveries.loaded_at = latest_deliveries.loaded_at
)
{%- endmacro %}
