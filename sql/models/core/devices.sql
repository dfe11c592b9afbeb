{{ config(materialized='incremental', unique_key='device_id', incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'incremental.sql' import scope_to_touched %}

with events as (

    select * from {{ ref('stg_amplitude__events') }}
    where device_id is not null

),

{{ scope_to_touched('events', ['device_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries')) }}

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

final as (

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

)

{{ output('final', scope='touched') }}
