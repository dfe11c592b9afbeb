{{ config(materialized='incremental', unique_key=['amplitude_id', 'group_type', 'group_name'], incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'groups.sql' import current_memberships with context %}

{#- Which groups each user's events named, and when, with the latest properties the user's events sent
    for the group (core.groups takes the latest of its users', so it never reads the events). -#}
with

{{ current_memberships(['amplitude_id', 'group_type', 'group_name'], is_incremental(), incremental_since) }}

latest_properties as (

    {#- An event sending no properties for the group never erases the ones sent before. #}
    select amplitude_id, group_type, group_name, group_properties, event_time, uuid
    from memberships
    where group_properties is not null
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
    from memberships
    group by amplitude_id, group_type, group_name

),

final as (

    select
        activity.amplitude_id,
        activity.group_type,
        activity.group_name,
        activity.first_seen_at,
        activity.last_seen_at,
        activity.event_count,
        latest_properties.group_properties,
        latest_properties.event_time as group_properties_event_time,
        latest_properties.uuid as group_properties_uuid,
        activity.loaded_at
    from activity
    left join latest_properties
        on activity.amplitude_id = latest_properties.amplitude_id
        and activity.group_type = latest_properties.group_type
        and activity.group_name = latest_properties.group_name

)

{{ output('final', scope='touched') }}
