{{ config(materialized='table', tags=['amplitude', 'objects']) }}

{#- Rebuilt every run: the taxonomy is a small snapshot, and first/last seen read only two columns of
    core.events. An event type seen in events but missing from the taxonomy (a plan without the
    Taxonomy API, or tracking nobody planned) is still a row, with in_taxonomy false. -#}
with taxonomy as (

    select * from {{ ref('stg_amplitude__event_types') }}

),

categories as (

    select * from {{ ref('stg_amplitude__event_categories') }}

),

events as (

    select event_type, event_time from {{ ref('events') }}

),

category_ids as (

    {#- Category names are unique in a project; should two share one, the smaller id is taken. #}
    select category_name, category_id
    from categories
    qualify row_number() over (partition by category_name order by category_id) = 1

),

seen as (

    select
        event_type,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as event_count
    from events
    group by event_type

),

final as (

    select
        coalesce(taxonomy.event_type, seen.event_type) as event_type,
        taxonomy.category_name,
        category_ids.category_id,
        taxonomy.description,
        taxonomy.event_type is not null as in_taxonomy,
        seen.first_seen_at,
        seen.last_seen_at,
        coalesce(seen.event_count, 0) as event_count
    from taxonomy
    full outer join seen on taxonomy.event_type = seen.event_type
    left join category_ids on taxonomy.category_name = category_ids.category_name

)

select * from final
