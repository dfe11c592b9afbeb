{{ config(materialized='incremental', unique_key=['amplitude_id', 'group_type', 'group_name'], incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'groups.sql' import current_memberships with context %}

{#- Which groups each user's events named, and when, with the latest properties the user's events sent
    for the group (core.groups takes the latest of its users', so it never reads the events). -#}
with

{{ current_memberships(['amplitude_id', 'group_type', 'group_name'], is_incremental(), incremental_since) }}

membership_rows as (

    {#- A key computed again brings all its memberships; one appended to, its new ones alone. #}
    select * from memberships
    {% if is_incremental() %}
    union all
    select * from appended
    {% endif %}

),

property_candidates as (

    {#- An event sending no properties for the group never erases the ones sent before. #}
    select amplitude_id, group_type, group_name, group_properties, event_time, uuid
    from membership_rows
    where group_properties is not null
    {% if is_incremental() %}
    union all
    {#- A key appended to keeps its held properties unless a new event sent some: its new events are all later. #}
    select amplitude_id, group_type, group_name, group_properties, group_properties_event_time, group_properties_uuid
    from held
    where group_properties is not null
    {% endif %}

),

latest_properties as (

    select *
    from property_candidates
    qualify row_number() over (
        partition by amplitude_id, group_type, group_name
        order by event_time desc nulls last, uuid desc nulls last
    ) = 1

),

activity as (

    select
        amplitude_id,
        group_type,
        group_name,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as event_count,
        max(loaded_at) as loaded_at
    from membership_rows
    group by amplitude_id, group_type, group_name

),

final as (

    {#- A key appended to goes on from its held row: its new events are all later than the held ones, so
        the held first time stays and the counts add up. `held` has only those keys, so the others are what
        their memberships make. #}
    select
        activity.amplitude_id,
        activity.group_type,
        activity.group_name,
        {% if is_incremental() %}coalesce(held.first_seen_at, activity.first_seen_at){% else %}activity.first_seen_at{% endif %} as first_seen_at,
        activity.last_seen_at,
        {% if is_incremental() %}activity.event_count + coalesce(held.event_count, 0){% else %}activity.event_count{% endif %} as event_count,
        latest_properties.group_properties,
        latest_properties.event_time as group_properties_event_time,
        latest_properties.uuid as group_properties_uuid,
        activity.loaded_at
    from activity
    left join latest_properties
        on activity.amplitude_id = latest_properties.amplitude_id
        and activity.group_type = latest_properties.group_type
        and activity.group_name = latest_properties.group_name
    {% if is_incremental() %}
    left join held
        on activity.amplitude_id = held.amplitude_id
        and activity.group_type = held.group_type
        and activity.group_name = held.group_name
    {% endif %}

)

{{ output('final', scope='recomputed') }}
