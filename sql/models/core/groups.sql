{{ config(materialized='incremental', unique_key=['group_type', 'group_name'], incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'groups.sql' import current_memberships with context %}

{#- Groups (Amplitude's accounts: a company, a team) as the events name them in `groups`, described by
    the latest group_properties an event sent for them. -#}
with

{{ current_memberships(['group_type', 'group_name'], is_incremental(), incremental_since) }}

latest_properties as (

    {#- An event sending no properties for the group never erases the ones sent before. #}
    select group_type, group_name, group_properties
    from memberships
    where group_properties is not null
    qualify row_number() over (
        partition by group_type, group_name
        order by event_time desc nulls last, uuid desc nulls last
    ) = 1

),

activity as (

    select
        group_type,
        group_name,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as event_count,
        count(distinct amplitude_id) as user_count,
        max(loaded_at) as loaded_at
    from memberships
    group by group_type, group_name

),

final as (

    select
        activity.group_type,
        activity.group_name,
        latest_properties.group_properties,
        activity.first_seen_at,
        activity.last_seen_at,
        activity.event_count,
        activity.user_count,
        activity.loaded_at
    from activity
    left join latest_properties
        on activity.group_type = latest_properties.group_type
        and activity.group_name = latest_properties.group_name

)

{{ output('final', scope='touched') }}
