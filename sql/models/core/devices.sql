{{ config(materialized='incremental', unique_key='device_id', tags=['amplitude']) }}

with events as (

    select * from {{ ref('stg_amplitude__events') }}
    where device_id is not null

),

{% if is_incremental() %}
touched as (

    select distinct device_id
    from events
    where loaded_at > (select coalesce(max(loaded_at), cast('1970-01-01' as timestamp)) from {{ this }})

),

scoped as (

    select events.*
    from events
    inner join touched on events.device_id = touched.device_id

),
{% else %}
scoped as (

    select * from events

),
{% endif %}

latest as (

    {#- A device's description as most recently reported. #}
    select
        device_id,
        event_time,
        loaded_at,
        {{ last_non_null('device_family') }} over (
            partition by device_id
            order by event_time, uuid
            rows between unbounded preceding and unbounded following
        ) as device_family,
        {{ last_non_null('device_type') }} over (
            partition by device_id
            order by event_time, uuid
            rows between unbounded preceding and unbounded following
        ) as device_type,
        {{ last_non_null('device_model') }} over (
            partition by device_id
            order by event_time, uuid
            rows between unbounded preceding and unbounded following
        ) as device_model,
        {{ last_non_null('os_name') }} over (
            partition by device_id
            order by event_time, uuid
            rows between unbounded preceding and unbounded following
        ) as os_name,
        {{ last_non_null('os_version') }} over (
            partition by device_id
            order by event_time, uuid
            rows between unbounded preceding and unbounded following
        ) as os_version,
        {{ last_non_null('platform') }} over (
            partition by device_id
            order by event_time, uuid
            rows between unbounded preceding and unbounded following
        ) as platform
    from scoped

),

final as (

    select
        device_id,
        max(device_family) as device_family,
        max(device_type) as device_type,
        max(device_model) as device_model,
        max(os_name) as os_name,
        max(os_version) as os_version,
        max(platform) as platform,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        max(loaded_at) as loaded_at
    from latest
    group by device_id

)

select * from final
