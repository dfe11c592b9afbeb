{{ config(materialized='table', tags=['amplitude', 'objects']) }}
{% from 'snapshots.sql' import latest_snapshot_records with context %}
{% from 'export_fields.sql' import parse_export_fields with context %}

{#- The Behavioral Cohorts API's cohorts, from the latest snapshot: a small table rebuilt every run.
    lastComputed and lastMod are epoch milliseconds. -#}
{%- set fields = [
    ['id', 'cohort_id', 'text'],
    ['name', 'cohort_name', 'text'],
    ['description', 'description', 'text'],
    ['archived', 'archived', 'bool'],
    ['published', 'published', 'bool'],
    ['size', 'size', 'integer'],
    ['lastComputed', 'last_computed_ms', 'integer'],
    ['lastMod', 'last_modified_ms', 'integer'],
    ['type', 'cohort_type', 'text'],
    ['owners', 'owners', 'json'],
    ['definition', 'definition', 'json']
] -%}

with

{{ latest_snapshot_records(source('amplitude', 'snapshots'), 'cohorts') }}

{{ parse_export_fields('records', fields, ['app_id', 'snapshot_taken_at', 'source_file', 'file_row_number', 'loaded_at']) }}

final as (

    select
        cohort_id,
        cohort_name,
        description,
        archived,
        published,
        size,
        {{ epoch_ms_timestamp('last_computed_ms') }} as last_computed_at,
        {{ epoch_ms_timestamp('last_modified_ms') }} as last_modified_at,
        cohort_type,
        owners,
        definition,
        app_id,
        snapshot_taken_at,
        source_file,
        file_row_number,
        loaded_at
    from typed

)

select * from final
