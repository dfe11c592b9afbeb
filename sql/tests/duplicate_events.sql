{{ config(severity='warn') }}

{#- The seed's test: sessions where more than one event_id came again at a later time. Amplitude sends
    the same event_id twice when a click is repeated, so this warns rather than fails. -#}
with event_changes as (

    select
        amplitude_id,
        session_id,
        event_id,
        event_time,
        lag(event_time) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_time,
        lag(event_id) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_id
    from {{ ref('events') }}
    where session_id <> -1
    {% if incremental_since %}
        and (amplitude_id, session_id) in (
            select amplitude_id, session_id from {{ ref('events') }} where loaded_at > {{ incremental_since }}
        )
    {% endif %}

),

time_changed as (

    select amplitude_id, session_id, event_id
    from event_changes
    where event_time <> previous_event_time
        and previous_event_id = event_id

)

select amplitude_id, session_id, count(event_id) as repeated_events
from time_changed
group by amplitude_id, session_id
having count(event_id) > 1
