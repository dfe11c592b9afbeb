{{ config(materialized='table', tags=['amplitude']) }}

{#- Groups (Amplitude's accounts: a company, a team) as the events name them in `groups`, described by
    the latest group_properties an event sent for them. Built whole on every run from core.user_groups, one
    row per user and group: a company gets events every hour, and computing it again from all its events
    read more of history every month; its users' rows are a few per user. -#}
with

memberships as (

    select * from {{ ref('user_groups') }}

),

latest_properties as (

    {#- The latest of the users' latest: the same event as the latest of all the group's events (an event is
        one user's, so amplitude_id only completes the order for the engines). #}
    select group_type, group_name, group_properties
    from memberships
    where group_properties is not null
    qualify row_number() over (
        partition by group_type, group_name
        order by group_properties_event_time desc nulls last, group_properties_uuid desc nulls last, amplitude_id
    ) = 1

),

activity as (

    select
        group_type,
        group_name,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        cast(sum(event_count) as bigint) as event_count,
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

select * from final
