{{ config(materialized='incremental', unique_key=['amplitude_id', 'group_type', 'group_name'], incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'groups.sql' import current_memberships with context %}

{#- Which groups each user's events named, and when. -#}
with

{{ current_memberships(['amplitude_id', 'group_type', 'group_name'], is_incremental(), incremental_since) }}

final as (

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

)

{{ output('final', scope='touched') }}
