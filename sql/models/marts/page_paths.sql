{{ config(materialized='incremental', unique_key=['amplitude_id', 'session_id'], incremental_strategy='delete+insert', tags=['amplitude', 'marts']) }}
{% from 'incremental.sql' import scope_to_touched %}

{#- Each event of a session with the page it happened on: the page counter, URL and title are carried
    forward from the last page view, so clicks, videos and forms sit on their page. Page views also say
    how long the visitor stayed (until the next page view of the session) and whether they entered or
    left the site there. -#}
with events as (

    select * from {{ ref('events') }}
    where session_id is not null and session_id <> -1

),

{{ scope_to_touched('events', ['amplitude_id', 'session_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries'), ref('events')) }}

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
        ) as page_title,
        element_selector,
        element_text,
        form_id
    from scoped

),

page_views as (

    select
        uuid,
        lead(event_time) over (
            partition by amplitude_id, session_id
            order by step_in_session
        ) as next_page_view_at,
        row_number() over (
            partition by amplitude_id, session_id
            order by step_in_session
        ) as page_view_in_session,
        count(*) over (partition by amplitude_id, session_id) as page_views_in_session
    from carried
    where event_type = '[Amplitude] Page Viewed'

),

final as (

    select
        carried.uuid,
        carried.amplitude_id,
        carried.session_id,
        carried.step_in_session,
        carried.event_id,
        carried.event_time,
        carried.event_type,
        carried.page_counter,
        carried.page_path,
        carried.page_title,
        carried.element_selector,
        carried.element_text,
        carried.form_id,
        lag(carried.page_path) over (
            partition by carried.amplitude_id, carried.session_id
            order by carried.step_in_session
        ) as previous_step_page_path,
        {#- The last page view of a session has no next one: how long it was read is not known. #}
        datediff('millisecond', carried.event_time, page_views.next_page_view_at) / 1000.0 as time_on_page_seconds,
        coalesce(page_views.page_view_in_session = 1, false) as is_entry_page,
        coalesce(page_views.page_view_in_session = page_views.page_views_in_session, false) as is_exit_page,
        max(carried.loaded_at) over (partition by carried.amplitude_id, carried.session_id) as loaded_at
    from carried
    left join page_views on carried.uuid = page_views.uuid

)

{{ output('final', scope='touched') }}
