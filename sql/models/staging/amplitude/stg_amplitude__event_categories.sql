{{ config(materialized='table', tags=['amplitude', 'objects']) }}
{% from 'snapshots.sql' import latest_snapshot_records with context %}
{% from 'export_fields.sql' import parse_export_fields with context %}

{#- The Taxonomy API's event categories, from the latest snapshot: a small table rebuilt every run. -#}
{%- set fields = [
    ['id', 'category_id', 'integer'],
    ['name', 'category_name', 'text']
] -%}

with

{{ latest_snapshot_records(source('amplitude', 'snapshots'), 'event_categories') }}

{{ parse_export_fields('records', fields, ['app_id', 'snapshot_taken_at', 'source_file', 'file_row_number', 'loaded_at']) }}

final as (

    select * from typed

)

select * from final
