{{ config(materialized='incremental', unique_key='uuid', tags=['amplitude', 'daily']) }}
{% from 'export_fields.sql' import parse_export_fields with context %}

{#- Every field of an export line but where it was sent from (ip_address, city, region, country, dma,
    location_lat, location_lng): restricted.locations reads those from raw, for the delivery chosen here,
    so that personal data stays in the restricted schema. [key in the JSON, column name, type]. -#}
{%- set fields = [
    ['uuid', 'uuid', 'text'],
    ['$insert_id', 'insert_id', 'text'],
    ['$insert_key', 'insert_key', 'text'],
    ['$schema', 'event_schema', 'text'],
    ['adid', 'adid', 'text'],
    ['amplitude_attribution_ids', 'amplitude_attribution_ids', 'json'],
    ['amplitude_event_type', 'amplitude_event_type', 'text'],
    ['amplitude_id', 'amplitude_id', 'integer'],
    ['app', 'app_id', 'integer'],
    ['client_event_time', 'client_event_time', 'timestamp'],
    ['client_upload_time', 'client_upload_time', 'timestamp'],
    ['data', 'event_data', 'json'],
    ['data_type', 'data_type', 'text'],
    ['device_brand', 'device_brand', 'text'],
    ['device_carrier', 'device_carrier', 'text'],
    ['device_family', 'device_family', 'text'],
    ['device_id', 'device_id', 'text'],
    ['device_manufacturer', 'device_manufacturer', 'text'],
    ['device_model', 'device_model', 'text'],
    ['device_type', 'device_type', 'text'],
    ['event_id', 'event_id', 'integer'],
    ['event_properties', 'event_properties', 'json'],
    ['event_time', 'event_time', 'timestamp'],
    ['event_type', 'event_type', 'text'],
    ['global_user_properties', 'global_user_properties', 'json'],
    ['group_properties', 'group_properties', 'json'],
    ['groups', 'event_groups', 'json'],
    ['idfa', 'idfa', 'text'],
    ['is_attribution_event', 'is_attribution_event', 'bool'],
    ['language', 'language', 'text'],
    ['library', 'library', 'text'],
    ['os_name', 'os_name', 'text'],
    ['os_version', 'os_version', 'text'],
    ['partner_id', 'partner_id', 'text'],
    ['paying', 'paying', 'text'],
    ['plan', 'plan_properties', 'json'],
    ['platform', 'platform', 'text'],
    ['processed_time', 'processed_time', 'timestamp'],
    ['sample_rate', 'sample_rate', 'number'],
    ['server_received_time', 'server_received_time', 'timestamp'],
    ['server_upload_time', 'server_upload_time', 'timestamp'],
    ['session_id', 'session_id', 'integer'],
    ['source_id', 'source_id', 'text'],
    ['start_version', 'start_version', 'text'],
    ['user_creation_time', 'user_creation_time', 'timestamp'],
    ['user_id', 'user_id', 'text'],
    ['user_properties', 'user_properties', 'json'],
    ['version_name', 'version_name', 'text']
] -%}

with picked as (

    {#- Amplitude can deliver a uuid more than once: the latest processed_time wins, and of deliveries
        processed at the same time the first loaded stays, so a line delivered again unchanged (an
        overlapping or repeated export) changes nothing downstream. The pick reads the deliveries' few
        typed columns, so that only the winning lines' JSON is read and typed below (a window over every
        typed field cost twice the parse). #}
    select uuid, processed_time, source_file, file_row_number
    from {{ ref('stg_amplitude__event_deliveries') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}
    qualify row_number() over (
        partition by uuid
        order by processed_time desc nulls last, loaded_at nulls last, source_file nulls last, file_row_number nulls last
    ) = 1

),

{% if is_incremental() %}
kept as (

    {#- A new delivery replaces the held row only when it was processed later: on a tie the held row
        stays, as in a full refresh, where it was loaded first. Decided on the typed columns, before any
        line is read. #}
    select picked.source_file, picked.file_row_number
    from picked
    left join (
        select uuid, processed_time
        from {{ this }}
        where uuid in (select uuid from picked)
    ) as held
        on picked.uuid = held.uuid
    where held.uuid is null
        or picked.processed_time > held.processed_time
        or (held.processed_time is null and picked.processed_time is not null)

),
{% else %}
kept as (

    select source_file, file_row_number from picked

),
{% endif %}

source as (

    select * from {{ source('amplitude', 'events') }}
    where (source_file, file_row_number) in (select source_file, file_row_number from kept)
    {% if is_incremental() %}
        and loaded_at > {{ incremental_since }}
    {% endif %}

),

{{ parse_export_fields('source', fields, ['source_file', 'file_row_number', 'loaded_at']) }}

final as (

    select * from typed

)

select * from final
