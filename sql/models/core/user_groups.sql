{{ config(materialized='incremental', unique_key=['amplitude_id', 'group_type', 'group_name'], incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'incremental.sql' import entity_rows, appended_activity with context %}
{% from 'groups.sql' import current_memberships with context %}

{#- Which groups each user's events named, and when. A membership any re-delivered event belonged to in
    any delivery, or whose new events are not all later than what the model holds, is computed again from
    all its rows; any other goes on from its held row (see entity_rows). -#}
with

{{ entity_rows(current_memberships(), 'true', ['amplitude_id', 'group_type', 'group_name'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries'), 'event_time', 'last_seen_at', ref('stg_amplitude__event_groups')) }}

activity as (

    select
        amplitude_id,
        group_type,
        group_name,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as event_count,
        max(loaded_at) as loaded_at
    from entity_rows
    group by amplitude_id, group_type, group_name

),

final as (

    {#- A membership appended to goes on from its held row: every new event is later than the held ones. #}
    select
        activity.amplitude_id,
        activity.group_type,
        activity.group_name,
        {{ appended_activity(is_incremental()) }}
        activity.loaded_at
    from activity
    {% if is_incremental() %}
    left join held
        on activity.amplitude_id = held.amplitude_id
        and activity.group_type = held.group_type
        and activity.group_name = held.group_name
    {% endif %}

)

{{ output('final', scope='touched') }}
