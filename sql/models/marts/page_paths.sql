{{ config(materialized='incremental', unique_key=['amplitude_id', 'session_id'], incremental_strategy='delete+insert', tags=['amplitude', 'marts']) }}
{% from 'incremental.sql' import scope_to_touched %}

{#- Each event of a session with the page it happened on: the page counter, URL and title are carried
    forward from the last page view, so clicks, videos and forms sit on their page. -#}
with events as (

    select * from {{ ref('events') }}
    where session_id is not null and session_id <> -1

),

{{ scope_to_touched('events', ['amplitude_id', 'session_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries')) }}

carried as (

    select
        uuid,
        amplitude_id,
        session_id,
        event_id,
        event_time,
        event_type,
        loaded_at,
        row_number() over (
            partition by amplitude_id, session_id
            order by event_time, event_id, uuid
        ) as step_in_session,
        {{ last_non_null('page_counter') }} over (
            partition by amplitude_id, session_id
            order by event_time, event_id, uuid
            rows between unbounded preceding and current row
        ) as page_counter,
        {#- A page view with no path still starts a new page: '' (never a path in core.events) marks it,
            so neither it nor the events after it are put on the page before it, and nullif makes it null. #}
        nullif(
            {{ last_non_null("case when event_type = '[Amplitude] Page Viewed' then coalesce(page_path, '') else page_path end") }} over (
                partition by amplitude_id, session_id
                order by event_time, event_id, uuid
                rows between unbounded preceding and current row
            ),
            ''
        ) as page_path,
        {{ last_non_null('page_title') }} over (
            partition by amplitude_id, session_id
            order by event_time, event_id, uuid
            rows between unbounded preceding and current row
        ) as page_title
    from scoped

),

final as (

    select
        uuid,
        amplitude_id,
        session_id,
        step_in_session,
        event_id,
        event_time,
        event_type,
        page_counter,
        page_path,
        page_title,
        lag(page_path) over (
            partition by amplitude_id, session_id
            order by step_in_session
        ) as previous_step_page_path,
        max(loaded_at) over (partition by amplitude_id, session_id) as loaded_at
    from carried

)

{{ output('final', scope='touched') }}
