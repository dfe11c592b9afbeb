{{ config(materialized='incremental', unique_key=['amplitude_id', 'session_id'], incremental_strategy='delete+insert', tags=['amplitude', 'marts']) }}

{#- Signs that a page gets in a visitor's way, one row per sign, with the evidence that explains it:
    repeated_click  the same event_id arrives again at a later time (a click that seemed to do nothing),
    rage_click      three or more clicks on one known element (same page, selector and text), each
                    within 2 seconds of the click on it before,
    form_abandoned  a form started and not submitted after its last start in the session,
    page_return     a page viewed again later in the same session,
    page_loop       A -> B -> A: the visitor went back to the page they had just left. -#}
{%- set rage_clicks_at_least = 3 %}
{%- set rage_click_gap_ms = 2000 %}
{% from 'incremental.sql' import scope_to_touched %}
with page_paths as (

    select * from {{ ref('page_paths') }}

),

{{ scope_to_touched('page_paths', ['amplitude_id', 'session_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries'), ref('events')) }}

steps as (

    select
        scoped.*,
        lag(scoped.event_id) over (
            partition by scoped.amplitude_id, scoped.session_id
            order by scoped.step_in_session
        ) as previous_event_id,
        lag(scoped.event_time) over (
            partition by scoped.amplitude_id, scoped.session_id
            order by scoped.step_in_session
        ) as previous_event_time
    from scoped

),

page_views as (

    select
        *,
        lag(page_path) over (partition by amplitude_id, session_id order by step_in_session) as previous_page,
        lag(page_path, 2) over (partition by amplitude_id, session_id order by step_in_session) as page_before_previous,
        lag(event_time, 2) over (partition by amplitude_id, session_id order by step_in_session) as time_before_previous,
        -- A page view with no path shows no known page: it is never a visit again. (It is never part of
        -- a loop either: comparing null paths in page_loops is never true.)
        case when page_path is not null then row_number() over (
            partition by amplitude_id, session_id, page_path
            order by step_in_session
        ) end as visit_of_page,
        min(event_time) over (partition by amplitude_id, session_id, page_path) as first_visit_time
    from scoped
    where event_type = '[Amplitude] Page Viewed'

),

repeated_clicks as (

    select
        amplitude_id, session_id, uuid, event_time, page_path,
        'repeated_click' as issue_type,
        event_type as detail,
        element_selector,
        element_text,
        cast(null as varchar) as form_id,
        2 as evidence_events,
        previous_event_time as first_event_time,
        event_time as last_event_time
    from steps
    where event_id = previous_event_id and event_time <> previous_event_time

),

clicks as (

    {#- Clicks on a known element, each with the time of the click on the same element before it. #}
    select
        *,
        lag(event_time) over (
            partition by amplitude_id, session_id, page_path, element_selector, element_text
            order by step_in_session
        ) as previous_click_time
    from steps
    where event_type = '[Amplitude] Element Clicked'
        and (element_selector is not null or element_text is not null)

),

click_bursts as (

    {#- A burst: clicks on one element, each within rage_click_gap_ms of the one before; a longer pause starts a new one. #}
    select
        *,
        sum(case
            when previous_click_time is null
                or datediff('millisecond', previous_click_time, event_time) > {{ rage_click_gap_ms }}
                then 1
            else 0
        end) over (
            partition by amplitude_id, session_id, page_path, element_selector, element_text
            order by step_in_session
            rows between unbounded preceding and current row
        ) as burst
    from clicks

),

bursts as (

    select
        amplitude_id,
        session_id,
        min(step_in_session) as first_step,
        count(*) as clicks,
        min(event_time) as first_click_time,
        max(event_time) as last_click_time
    from click_bursts
    group by amplitude_id, session_id, page_path, element_selector, element_text, burst
    having count(*) >= {{ rage_clicks_at_least }}

),

rage_clicks as (

    select
        click_bursts.amplitude_id, click_bursts.session_id, click_bursts.uuid, click_bursts.event_time,
        click_bursts.page_path,
        'rage_click' as issue_type,
        cast(bursts.clicks as varchar) || ' clicks on '
            || coalesce(click_bursts.element_text, click_bursts.element_selector) as detail,
        click_bursts.element_selector,
        click_bursts.element_text,
        cast(null as varchar) as form_id,
        bursts.clicks as evidence_events,
        bursts.first_click_time as first_event_time,
        bursts.last_click_time as last_event_time
    from bursts
    inner join click_bursts
        on bursts.amplitude_id = click_bursts.amplitude_id
        and bursts.session_id = click_bursts.session_id
        and bursts.first_step = click_bursts.step_in_session

),

form_events as (

    {#- A form is told apart by its id, or (with no id) by the page it is on. #}
    select
        *,
        coalesce('id ' || form_id, 'on ' || coalesce(page_path, 'an unknown page')) as form_key
    from steps
    where event_type in ('[Amplitude] Form Started', '[Amplitude] Form Submitted')

),

form_starts as (

    select
        *,
        max(case when event_type = '[Amplitude] Form Submitted' then step_in_session end) over (
            partition by amplitude_id, session_id, form_key
        ) as last_submit_step,
        count(case when event_type = '[Amplitude] Form Started' then 1 end) over (
            partition by amplitude_id, session_id, form_key
        ) as starts,
        min(case when event_type = '[Amplitude] Form Started' then event_time end) over (
            partition by amplitude_id, session_id, form_key
        ) as first_start_time,
        row_number() over (
            partition by amplitude_id, session_id, form_key, event_type
            order by step_in_session desc nulls last
        ) as from_last
    from form_events

),

form_abandonments as (

    {#- One row per form: its last start, when no submission of it came after. #}
    select
        amplitude_id, session_id, uuid, event_time, page_path,
        'form_abandoned' as issue_type,
        'form ' || form_key || case
            when last_submit_step is null then ' started, never submitted'
            else ' started again after it was submitted, not submitted again'
        end as detail,
        cast(null as varchar) as element_selector,
        cast(null as varchar) as element_text,
        form_id,
        starts as evidence_events,
        first_start_time as first_event_time,
        event_time as last_event_time
    from form_starts
    where event_type = '[Amplitude] Form Started'
        and from_last = 1
        and (last_submit_step is null or last_submit_step < step_in_session)

),

page_returns as (

    select
        amplitude_id, session_id, uuid, event_time, page_path,
        'page_return' as issue_type,
        'visit ' || cast(visit_of_page as varchar) || ' of this page' as detail,
        cast(null as varchar) as element_selector,
        cast(null as varchar) as element_text,
        cast(null as varchar) as form_id,
        visit_of_page as evidence_events,
        first_visit_time as first_event_time,
        event_time as last_event_time
    from page_views
    where visit_of_page > 1

),

page_loops as (

    select
        amplitude_id, session_id, uuid, event_time, page_path,
        'page_loop' as issue_type,
        'back from ' || previous_page as detail,
        cast(null as varchar) as element_selector,
        cast(null as varchar) as element_text,
        cast(null as varchar) as form_id,
        3 as evidence_events,
        time_before_previous as first_event_time,
        event_time as last_event_time
    from page_views
    where page_path = page_before_previous and page_path <> previous_page

),

unioned as (

    select * from repeated_clicks
    union all
    select * from rage_clicks
    union all
    select * from form_abandonments
    union all
    select * from page_returns
    union all
    select * from page_loops

),

final as (

    select
        unioned.amplitude_id,
        unioned.session_id,
        unioned.uuid,
        unioned.event_time,
        unioned.page_path,
        unioned.issue_type,
        unioned.detail,
        unioned.element_selector,
        unioned.element_text,
        unioned.form_id,
        cast(unioned.evidence_events as bigint) as evidence_events,
        unioned.first_event_time,
        unioned.last_event_time,
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
