{{ config(materialized='table', tags=['amplitude', 'objects']) }}

{#- Rebuilt every run from the latest Taxonomy snapshots. -#}
with categories as (

    select * from {{ ref('stg_amplitude__event_categories') }}

),

taxonomy as (

    select * from {{ ref('stg_amplitude__event_types') }}

),

event_types as (

    select category_name, count(*) as event_type_count
    from taxonomy
    where category_name is not null
    group by category_name

),

final as (

    select
        categories.category_id,
        categories.category_name,
        coalesce(event_types.event_type_count, 0) as event_type_count
    from categories
    left join event_types on categories.category_name = event_types.category_name

)

select * from final
