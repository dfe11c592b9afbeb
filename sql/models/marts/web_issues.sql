{{ config(materialized='incremental', unique_key=['amplitude_id', 'session_id'], incremental_strategy='delete+insert', tags=['amplitude', 'marts']) }}

{#- Signs that a page gets in a visitor's way, one row per sign:
    repeated_click  the same event_id arrives again at a later time (a click that seemed to do nothing),
    page_return     a page viewed again later in the same session,
    page_loop       A -> B -> A: the visitor went back to the page they had just left. -#}
{% from 'incremental.sql' import scope_to_touched %}
with page_paths as (

    select * from {{ ref('page_paths') }}

),

{{ scope_to_touched('page_paths', ['amplitude_id', 'session_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries')) }}

steps as (

    select
        *,
        lag(event_id) over (partition by amplitude_id, session_id order by step_in_session) as previous_event_id,
        lag(event_time) over (partition by amplitude_id, session_id order by step_in_session) as previous_event_time
    from scoped

),

page_views as (

    select
        *,
        lag(page_path) over (partition by amplitude_id, session_id order by step_in_session) as previous_page,
        lag(page_path, 2) over (partition by amplitude_id, session_id order by step_in_session) as page_before_previous,
        -- A page view with no path shows no known page: it is never a visit again. (It is never part of
        -- a loop either: comparing null paths in page_loops is never true.)
        case when page_path is not null then row_number() over (
            partition by amplitude_id, session_id, page_path
            order by step_in_session
        ) end as visit_of_page
    from scoped
    where event_type = '[Amplitude] Page Viewed'

),

repeated_clicks as (

    select
        amplitude_id, session_id, uuid, event_time, page_path,
        'repeated_click' as issue_type,
        event_type as detail
    from steps
    where event_id = previous_event_id and event_time <> previous_event_time

),

page_returns as (

    select
        amplitude_id, session_id, uuid, event_time, page_path,
        'page_return' as issue_type,
        'visit ' || cast(visit_of_page as varchar) || ' of this page' as detail
    from page_views
    where visit_of_page > 1

),

page_loops as (

    select
        amplitude_id, session_id, uuid, event_time, page_path,
        'page_loop' as issue_type,
        'back from ' || previous_page as detail
    from page_views
    where page_path = page_before_previous and page_path <> previous_page

),

unioned as (

    select * from repeated_clicks
    union all
    select * from page_returns
    union all
    select * from page_loops

),

final as (

    select
        unioned.*,
        session_loads.loaded_at
    from unioned
    inner join (
        select amplitude_id, session_id, max(loaded_at) as loaded_at
        from scoped
        group by amplitude_id, session_id
    ) as session_loads
        on unioned.amplitude_id = session_loads.amplitude_id
        and unioned.session_id = session_loads.session_id

)

{{ output('final', scope='touched') }}
