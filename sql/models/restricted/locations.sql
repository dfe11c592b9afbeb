{{ config(materialized='incremental', unique_key='uuid', tags=['amplitude', 'pii']) }}
{% from 'export_fields.sql' import parse_export_fields with context %}

{#- The only model holding IP addresses and geolocation: grant its schema to as few roles as possible.
    Staging leaves these fields out, so they are read from raw here, from the one delivery of each uuid
    that staging kept (its source_file and file_row_number): the same delivery wins in both, on a full
    build and an incremental one alike. Only those documents are parsed, and the keys (not the JSON) are
    what the engine holds in memory to find them. uuid, amplitude_id and event_time come from the same
    document with staging's casts, so they equal staging's. -#}
{%- set fields = [
    ['uuid', 'uuid', 'text'],
    ['amplitude_id', 'amplitude_id', 'integer'],
    ['event_time', 'event_time', 'timestamp'],
    ['ip_address', 'ip_address', 'text'],
    ['city', 'city', 'text'],
    ['region', 'region', 'text'],
    ['country', 'country', 'text'],
    ['dma', 'dma', 'text'],
    ['location_lat', 'location_lat', 'number'],
    ['location_lng', 'location_lng', 'number']
] -%}

with source as (

    select * from {{ source('amplitude', 'events') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

kept_deliveries as (

    {#- A staging row carries its delivery's loaded_at: the ones it changed since this model's
        watermark are newer than it in raw too. -#}
    select source_file, file_row_number
    from {{ ref('stg_amplitude__events') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

kept as (

    select json_data, loaded_at
    from source
    where (source_file, file_row_number) in (select source_file, file_row_number from kept_deliveries)

),

{{ parse_export_fields('kept', fields, ['loaded_at']) }}

final as (

    select * from typed

)

select * from final
