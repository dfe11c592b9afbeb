{{ config(materialized='table', tags=['amplitude', 'objects']) }}

{#- Rebuilt every run from the latest cohorts snapshot, with what the latest member snapshot of each
    cohort holds. Membership is downloaded again only when a cohort was computed again, and may be held
    back by the plan's monthly download allowance: members_taken_at says how old it is. -#}
with cohorts as (

    select * from {{ ref('stg_amplitude__cohorts') }}

),

members as (

    select * from {{ ref('stg_amplitude__cohort_members') }}

),

membership as (

    select
        cohort_id,
        count(distinct amplitude_id) as member_count,
        max(snapshot_taken_at) as members_taken_at
    from members
    where amplitude_id is not null
    group by cohort_id

),

final as (

    select
        cohorts.cohort_id,
        cohorts.cohort_name,
        cohorts.description,
        cohorts.cohort_type,
        cohorts.archived,
        cohorts.published,
        cohorts.hidden,
        cohorts.size,
        coalesce(membership.member_count, 0) as member_count,
        membership.members_taken_at,
        cohorts.last_computed_at,
        cohorts.last_modified_at,
        cohorts.created_at,
        cohorts.owners,
        cohorts.definition,
        cohorts.app_id,
        cohorts.snapshot_taken_at
    from cohorts
    left join membership on cohorts.cohort_id = membership.cohort_id

)

select * from final
