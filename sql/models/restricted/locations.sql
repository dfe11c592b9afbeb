{{ config(materialized='incremental', unique_key='uuid', tags=['amplitude', 'pii']) }}

{#- The only model holding IP addresses and geolocation: grant its schema to as few roles as possible.
    Staging leaves these fields out, so they are read from raw here, from the one delivery of each uuid
    that staging chose (its source_file and file_row_number): the same delivery wins in both, on a full
    build and an incremental one alike, and only the winning documents are parsed. -#}
{%- set fields = [
    ['ip_address', 'ip_address', 'text'],
    ['city', 'city', 'text'],
    ['region', 'region', 'text'],
    ['country', 'country', 'text'],
    ['dma', 'dma', 'text'],
    ['location_lat', 'location_lat', 'number'],
    ['location_lng', 'location_lng', 'number']
] -%}

with events as (

    select uuid, amplitude_id, event_time, source_file, file_row_number, loaded_at
    from {{ ref('stg_amplitude__events') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

source as (

    {#- A staging row carries its delivery's loaded_at, so the deliveries it chose in this run are
        newer than the watermark too. -#}
    select json_data, source_file, file_row_number
    from {{ source('amplitude', 'events') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

winning_deliveries as (

    select
        events.uuid,
        events.amplitude_id,
        events.event_time,
        events.loaded_at,
        {{ json_record('source.json_data', fields) }} as record
    from events
    inner join source
        on events.source_file = source.source_file
        and events.file_row_number = source.file_row_number

),

final as (

    select
        uuid,
        amplitude_id,
        event_time,
        {%- for key, column, type in fields %}
        {{ record_field('record', key, type) }} as {{ column }},
        {%- endfor %}
        loaded_at
    from winning_deliveries

)

select * from final
