{#- Each distinct uuid in raw is exactly one row of core.events, and core.events holds nothing else. -#}
with raw_uuids as (

    select distinct {{ json_field('json_data', 'uuid') }} as uuid
    from {{ source('amplitude', 'events') }}

),

event_uuids as (

    select uuid, count(*) as copies
    from {{ ref('events') }}
    group by uuid

)

select
    coalesce(raw_uuids.uuid, event_uuids.uuid) as uuid,
    raw_uuids.uuid is not null as in_raw,
    coalesce(event_uuids.copies, 0) as copies_in_core_events
from raw_uuids
full outer join event_uuids on raw_uuids.uuid = event_uuids.uuid
where raw_uuids.uuid is null or event_uuids.copies is null or event_uuids.copies <> 1
