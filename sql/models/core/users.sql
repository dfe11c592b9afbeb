{{ config(materialized='incremental', unique_key='amplitude_id', incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'incremental.sql' import scope_to_touched %}

with events as (

    select * from {{ ref('events') }}

),

{{ scope_to_touched('events', ['amplitude_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries')) }}

latest_user_ids as (

    {#- The latest user_id (an email on this site) wins; a later event without one never erases it. An
        event without a time or an event_id counts as the oldest (nulls last on both engines: Snowflake
        would put them first in a descending order); uuid makes the order total. #}
    select amplitude_id, user_id
    from scoped
    where user_id is not null
    qualify row_number() over (
        partition by amplitude_id
        order by event_time desc nulls last, event_id desc nulls last, uuid desc nulls last
    ) = 1

),

activity as (

    select
        amplitude_id,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as event_count,
        max(loaded_at) as loaded_at
    from scoped
    group by amplitude_id

),

final as (

    select
        activity.amplitude_id,
        latest_user_ids.user_id,
        activity.first_seen_at,
        activity.last_seen_at,
        activity.event_count,
        activity.loaded_at
    from activity
    left join latest_user_ids on activity.amplitude_id = latest_user_ids.amplitude_id

)

{{ output('final', scope='touched') }}
