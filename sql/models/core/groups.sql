{{ config(materialized='incremental', unique_key=['group_type', 'group_name'], incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'groups.sql' import current_memberships with context %}

{#- Groups (Amplitude's accounts: a company, a team) as the events name them in `groups`, described by
    the latest group_properties an event sent for them. The counts and times come from core.user_groups
    (built before this model, one row per user and group), so a group computed again reads its members,
    not its events: a company's group is touched every hour, and its events grow with history. -#}
with

{%- if is_incremental() %}

new_memberships as (

    select * from {{ current_memberships() }}
    where loaded_at > {{ incremental_since }}

),

delivered_again as (

    {#- Events delivered since that had a delivery before: re-processed, or sent twice. #}
    select uuid
    from {{ ref('stg_amplitude__event_deliveries') }}
    where loaded_at <= {{ incremental_since }}
        and uuid in (
            select uuid from {{ ref('stg_amplitude__event_deliveries') }}
            where loaded_at > {{ incremental_since }}
        )

),

left_groups as (

    {#- Every group any delivery of such an event named: the one it left among them. #}
    select distinct group_type, group_name
    from {{ ref('stg_amplitude__event_groups') }}
    where uuid in (select uuid from delivered_again)

),

touched as (

    select group_type, group_name from new_memberships
    union
    select group_type, group_name from left_groups

),

held as (

    select group_type, group_name, group_properties, last_seen_at
    from {{ this }}
    where (group_type, group_name) in (select group_type, group_name from touched)

),

new_properties as (

    {#- The latest properties among the memberships delivered since. #}
    select group_type, group_name, group_properties, event_time
    from new_memberships
    where group_properties is not null
    qualify row_number() over (
        partition by group_type, group_name
        order by event_time desc nulls last, uuid desc nulls last
    ) = 1

),

properties_recomputed as (

    {#- Held groups whose latest properties the new memberships do not settle: none of them is later than
        every held event, and an event left the group or a new one sent properties (which may be later
        than the held ones). Their properties are read again from all their events. #}
    select held.group_type, held.group_name
    from held
    left join new_properties
        on held.group_type = new_properties.group_type
        and held.group_name = new_properties.group_name
    where not coalesce(new_properties.event_time > held.last_seen_at, false)
        and (
            new_properties.group_type is not null
            or (held.group_type, held.group_name) in (select group_type, group_name from left_groups)
        )

),

recomputed_properties as (

    select group_type, group_name, group_properties
    from {{ current_memberships() }}
    where group_properties is not null
        and (group_type, group_name) in (select group_type, group_name from properties_recomputed)
    qualify row_number() over (
        partition by group_type, group_name
        order by event_time desc nulls last, uuid desc nulls last
    ) = 1

),

latest_properties as (

    {#- A group new to the model has no event but the new ones; a later new event's properties win; a
        group read again has what its events say; any other keeps what it holds (an event sending no
        properties never erases the ones sent before). #}
    select
        touched.group_type,
        touched.group_name,
        case
            when held.group_type is null or new_properties.event_time > held.last_seen_at
                then new_properties.group_properties
            when properties_recomputed.group_type is not null then recomputed_properties.group_properties
            else held.group_properties
        end as group_properties
    from touched
    left join held
        on touched.group_type = held.group_type
        and touched.group_name = held.group_name
    left join new_properties
        on touched.group_type = new_properties.group_type
        and touched.group_name = new_properties.group_name
    left join properties_recomputed
        on touched.group_type = properties_recomputed.group_type
        and touched.group_name = properties_recomputed.group_name
    left join recomputed_properties
        on touched.group_type = recomputed_properties.group_type
        and touched.group_name = recomputed_properties.group_name

),

{%- else %}

latest_properties as (

    {#- An event sending no properties for the group never erases the ones sent before. #}
    select group_type, group_name, group_properties
    from {{ current_memberships() }}
    where group_properties is not null
    qualify row_number() over (
        partition by group_type, group_name
        order by event_time desc nulls last, uuid desc nulls last
    ) = 1

),

{%- endif %}

members as (

    {#- A user counts once however many events name the group. #}
    select
        group_type,
        group_name,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        cast(sum(event_count) as bigint) as event_count,
        count(amplitude_id) as user_count,
        max(loaded_at) as loaded_at
    from {{ ref('user_groups') }}
    {% if is_incremental() %}
    where (group_type, group_name) in (select group_type, group_name from touched)
    {% endif %}
    group by group_type, group_name

),

final as (

    {#- A group left with no member is gone: touched, it has no row here, so its held row is removed. #}
    select
        members.group_type,
        members.group_name,
        latest_properties.group_properties,
        members.first_seen_at,
        members.last_seen_at,
        members.event_count,
        members.user_count,
        members.loaded_at
    from members
    left join latest_properties
        on members.group_type = latest_properties.group_type
        and members.group_name = latest_properties.group_name

)

{{ output('final', scope='touched') }}
