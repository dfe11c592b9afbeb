{{ config(materialized='table', tags=['amplitude', 'objects']) }}
{% from 'snapshots.sql' import latest_snapshot_records with context %}
{% from 'export_fields.sql' import parse_export_fields with context %}

{#- The Behavioral Cohorts API's cohorts, from the latest snapshot: a small table rebuilt every run.
    Amplitude documents lastComputed, lastMod and createdAt in epoch seconds; epoch milliseconds are read
    too (a number from 1e11 on is taken as milliseconds: in seconds that is the year 5138), and so is a
    time written as text (`2026-12-01T18:30:05.123Z`), which the cohorts client also accepts. -#}
{%- set fields = [
    ['id', 'cohort_id', 'text'],
    ['name', 'cohort_name', 'text'],
    ['description', 'description', 'text'],
    ['archived', 'archived', 'bool'],
    ['published', 'published', 'bool'],
    ['size', 'size', 'integer'],
    ['lastComputed', 'last_computed_epoch', 'integer'],
    ['lastMod', 'last_modified_epoch', 'integer'],
    ['createdAt', 'created_epoch', 'integer'],
    ['lastComputed', 'last_computed_text', 'timestamp'],
    ['lastMod', 'last_modified_text', 'timestamp'],
    ['createdAt', 'created_text', 'timestamp'],
    ['hidden', 'hidden', 'bool'],
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
        hidden,
        {%- for epoch, text, column in [['last_computed_epoch', 'last_computed_text', 'last_computed_at'], ['last_modified_epoch', 'last_modified_text', 'last_modified_at'], ['created_epoch', 'created_text', 'created_at']] %}
        coalesce(
            {{ epoch_ms_timestamp('case when ' ~ epoch ~ ' < 100000000000 then ' ~ epoch ~ ' * 1000 else ' ~ epoch ~ ' end') }},
            {{ text }}
        ) as {{ column }},
        {%- endfor %}
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
