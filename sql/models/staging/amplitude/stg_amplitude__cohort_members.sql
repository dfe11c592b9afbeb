{{ config(materialized='table', tags=['amplitude', 'objects']) }}
{% from 'snapshots.sql' import latest_snapshot_records with context %}
{% from 'export_fields.sql' import parse_export_fields with context %}

{#- Cohort membership, from the latest member snapshot of each cohort (each cohort is a folder of its
    own, downloaded again only when the cohort was computed again). The whole line is kept as
    member_record: it holds whatever user properties the member file carried. -#}
{%- set fields = [
    ['cohort_id', 'cohort_id', 'text'],
    ['amplitude_id', 'amplitude_id', 'integer'],
    ['user_id', 'user_id', 'text']
] -%}

with

{{ latest_snapshot_records(source('amplitude', 'snapshots'), 'cohort_members') }}

{{ parse_export_fields('records', fields, ['json_data', 'app_id', 'snapshot_taken_at', 'source_file', 'file_row_number', 'loaded_at']) }}

final as (

    select
        cohort_id,
        amplitude_id,
        user_id,
        json_data as member_record,
        app_id,
        snapshot_taken_at,
        source_file,
        file_row_number,
        loaded_at
    from typed

)

select * from final
