{{ config(materialized='table', tags=['amplitude', 'objects']) }}
{% from 'snapshots.sql' import latest_snapshot_records with context %}
{% from 'export_fields.sql' import parse_export_fields with context %}

{#- The Taxonomy API's event types, from the latest snapshot: a small table rebuilt every run. -#}
{%- set fields = [
    ['event_type', 'event_type', 'text'],
    ['category', 'category', 'json'],
    ['description', 'description', 'text']
] -%}

with

{{ latest_snapshot_records(source('amplitude', 'snapshots'), 'event_types') }}

{{ parse_export_fields('records', fields, ['app_id', 'snapshot_taken_at', 'source_file', 'file_row_number', 'loaded_at']) }}

final as (

    select
        event_type,
        {{ json_field('category', 'name') }} as category_name,
        description,
        app_id,
        snapshot_taken_at,
        source_file,
        file_row_number,
        loaded_at
    from typed

)

select * from final
