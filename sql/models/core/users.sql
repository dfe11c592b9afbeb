{{ config(materialized='incremental', unique_key='amplitude_id', incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'incremental.sql' import entity_rows with context %}

with

{{ entity_rows(ref('events'), 'true', ['amplitude_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries'), 'event_time', 'last_seen_at') }}

latest_user_ids as (

    {#- The latest user_id (an email on this site) wins; a later event without one never erases it. An
        event without a time or an event_id counts as the oldest; uuid makes the order total. One value
        per event orders them, not a window: the aggregate costs half as much. latest_non_null skips a null
        user_id itself; the where clause keeps those events out of the aggregate (a third less time). #}
    select
        amplitude_id,
        {{ latest_non_null('user_id', time_then_id('event_time', number_text('event_id') ~ " || coalesce(uuid, '')")) }} as user_id
    from entity_rows
    where user_id is not null
    group by amplitude_id

),

activity as (

    select
        amplitude_id,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as event_count,
        max(loaded_at) as loaded_at
    from entity_rows
    group by amplitude_id

),

final as (

    {#- A user appended to goes on from its held row: every new event is later than all the held ones.
        `held` has only those users, so the others are what their events make. #}
    select
        activity.amplitude_id,
        {% if is_incremental() %}
        coalesce(latest_user_ids.user_id, held.user_id) as user_id,
        coalesce(held.first_seen_at, activity.first_seen_at) as first_seen_at,
        activity.last_seen_at,
        coalesce(held.event_count, 0) + activity.event_count as event_count,
        {% else %}
        latest_user_ids.user_id,
        activity.first_seen_at,
        activity.last_seen_at,
        activity.event_count,
        {% endif %}
        activity.loaded_at
    from activity
    left join latest_user_ids on activity.amplitude_id = latest_user_ids.amplitude_id
    {% if is_incremental() %}
    left join held on activity.amplitude_id = held.amplitude_id
    {% endif %}

)

{{ output('final', scope='recomputed') }}
