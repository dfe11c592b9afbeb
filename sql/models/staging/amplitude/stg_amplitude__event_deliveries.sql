{{ config(materialized='incremental', unique_key=['source_file', 'file_row_number'], incremental_strategy='append', tags=['amplitude']) }}
{% from 'export_fields.sql' import parse_export_fields with context %}

{#- The fields that place an event (its user, session, device and groups) in every delivery of it, not
    only the latest: when Amplitude re-processes an event into another session or user, the incremental
    models read here which entities it left, and compute those again too. Every line of raw is parsed
    here once; stg_amplitude__events then parses only the lines it keeps, and the groups are read from
    here, not from raw again. -#}
{%- set fields = [
    ['uuid', 'uuid', 'text'],
    ['processed_time', 'processed_time', 'timestamp'],
    ['amplitude_id', 'amplitude_id', 'integer'],
    ['session_id', 'session_id', 'integer'],
    ['device_id', 'device_id', 'text'],
    ['event_time', 'event_time', 'timestamp'],
    ['groups', 'event_groups', 'json'],
    ['group_properties', 'group_properties', 'json']
] -%}

with source as (

    select * from {{ source('amplitude', 'events') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

{{ parse_export_fields('source', fields, ['source_file', 'file_row_number', 'loaded_at']) }}

final as (

    select * from typed

)

select * from final
