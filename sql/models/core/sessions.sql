{{ config(materialized='incremental', unique_key=['amplitude_id', 'session_id'], incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'incremental.sql' import scope_to_touched %}

{#- session_id -1 means the event belongs to no session. -#}
with events as (

    select * from {{ ref('events') }}
    where session_id is not null and session_id <> -1

),

{{ scope_to_touched('events', ['amplitude_id', 'session_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries'), ref('events')) }}

ordered as (

    select
        amplitude_id,
        session_id,
        event_time,
        loaded_at,
        page_url,
        first_value(device_id) over (
            partition by amplitude_id, session_id
            order by event_time, event_id, uuid
        ) as device_id
    from scoped

),

final as (

    select
        amplitude_id,
        session_id,
        min(event_time) as session_start,
        max(event_time) as session_end,
        count(*) as event_count,
        count(distinct page_url) as pages_viewed,
        max(device_id) as device_id,
        max(loaded_at) as loaded_at
    from ordered
    group by amplitude_id, session_id

)

{{ output('final', scope='touched') }}
