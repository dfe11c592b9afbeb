{{ config(materialized='table', tags=['amplitude', 'objects']) }}

{#- Rebuilt every run from the latest member snapshot of each cohort that the latest cohorts snapshot
    still lists: the members of a deleted cohort go with it. -#}
with members as (

    select * from {{ ref('stg_amplitude__cohort_members') }}
    where amplitude_id is not null

),

cohorts as (

    select cohort_id from {{ ref('stg_amplitude__cohorts') }}

),

final as (

    select
        members.cohort_id,
        members.amplitude_id,
        members.user_id,
        members.snapshot_taken_at as membership_taken_at
    from members
    where members.cohort_id in (select cohort_id from cohorts)
    {#- A member listed twice in one file is one membership. #}
    qualify row_number() over (
        partition by members.cohort_id, members.amplitude_id
        order by members.source_file, members.file_row_number
    ) = 1

)

select * from final
