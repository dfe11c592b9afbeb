{{ config(materialized='incremental', unique_key='device_id', incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'incremental.sql' import scope_to_touched, scope_to_appended with context %}

with events as (

    select * from {{ ref('stg_amplitude__events') }}
    where device_id is not null

),

{% if is_incremental() %}
{{ scope_to_appended(ref('stg_amplitude__events'), 'device_id is not null', ['device_id'], incremental_since, ref('stg_amplitude__event_deliveries'), 'event_time', 'last_seen_at') }}
{% else %}
{{ scope_to_touched('events', ['device_id'], false, none, none) }}
{% endif %}

ordered as (

    {#- A total order of each device's events (uuid breaks ties of event_time), so that the latest value
        is the same on every run and engine; events without a time count as the oldest. #}
    select
        scoped.*,
        row_number() over (
            partition by device_id
            order by event_time asc nulls first, uuid asc nulls first
        ) as event_order
    from scoped

),

computed as (

    {#- A device as it last described itself: each field's latest non-null value. #}
    select
        device_id,
        {{ latest_non_null('device_family', 'event_order') }} as device_family,
        {{ latest_non_null('device_type', 'event_order') }} as device_type,
        {{ latest_non_null('device_model', 'event_order') }} as device_model,
        {{ latest_non_null('os_name', 'event_order') }} as os_name,
        {{ latest_non_null('os_version', 'event_order') }} as os_version,
        {{ latest_non_null('platform', 'event_order') }} as platform,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        max(loaded_at) as loaded_at
    from ordered
    group by device_id

),

{% if is_incremental() %}
appended_ordered as (

    select
        appended.*,
        row_number() over (
            partition by device_id
            order by event_time asc nulls first, uuid asc nulls first
        ) as event_order
    from appended

),

appended_devices as (

    select
        device_id,
        {{ latest_non_null('device_family', 'event_order') }} as device_family,
        {{ latest_non_null('device_type', 'event_order') }} as device_type,
        {{ latest_non_null('device_model', 'event_order') }} as device_model,
        {{ latest_non_null('os_name', 'event_order') }} as os_name,
        {{ latest_non_null('os_version', 'event_order') }} as os_version,
        {{ latest_non_null('platform', 'event_order') }} as platform,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        max(loaded_at) as loaded_at
    from appended_ordered
    group by device_id

),

final as (

    select * from computed

    union all

    {#- Every new event is later than all the held ones: a field the new events report replaces the
        held value, the others keep it. #}
    select
        appended_devices.device_id,
        coalesce(appended_devices.device_family, held.device_family) as device_family,
        coalesce(appended_devices.device_type, held.device_type) as device_type,
        coalesce(appended_devices.device_model, held.device_model) as device_model,
        coalesce(appended_devices.os_name, held.os_name) as os_name,
        coalesce(appended_devices.os_version, held.os_version) as os_version,
        coalesce(appended_devices.platform, held.platform) as platform,
        coalesce(held.first_seen_at, appended_devices.first_seen_at) as first_seen_at,
        appended_devices.last_seen_at,
        appended_devices.loaded_at
    from appended_devices
    left join held on appended_devices.device_id = held.device_id

)
{% else %}
final as (

    select * from computed

)
{% endif %}

{{ output('final', scope='touched') }}
