{{ config(materialized='incremental', unique_key='amplitude_id', tags=['amplitude']) }}

with events as (

    select * from {{ ref('events') }}

),

{% if is_incremental() %}
touched as (

    select distinct amplitude_id
    from events
    where loaded_at > (select coalesce(max(loaded_at), cast('1970-01-01' as timestamp)) from {{ this }})

),

scoped as (

    select events.*
    from events
    inner join touched on events.amplitude_id = touched.amplitude_id

),
{% else %}
scoped as (

    select * from events

),
{% endif %}

known as (

    {#- The latest user_id (an email on this site) wins; a later event without one never erases it. #}
    select
        amplitude_id,
        event_time,
        loaded_at,
        last_value(user_id ignore nulls) over (
            partition by amplitude_id
            order by event_time, event_id, uuid
            rows between unbounded preceding and unbounded following
        ) as latest_user_id
    from scoped

),

final as (

    select
        amplitude_id,
        max(latest_user_id) as user_id,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as event_count,
        max(loaded_at) as loaded_at
    from known
    group by amplitude_id

)

select * from final
