{#- Each distinct uuid in raw is exactly one row of core.events, and core.events holds nothing else.
    After an incremental run (incremental_since is set), the uuids loaded since the previous run are
    checked, and the rows of core.events that run wrote. -#}
with raw_uuids as (

    select distinct {{ json_field('json_data', 'uuid') }} as uuid
    from {{ source('amplitude', 'events') }}
    {% if incremental_since %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

event_uuids as (

    select uuid, count(*) as copies
    from {{ ref('events') }}
    {% if incremental_since %}
    where uuid in (select uuid from raw_uuids) or loaded_at > {{ incremental_since }}
    {% endif %}
    group by uuid

)

select
    coalesce(raw_uuids.uuid, event_uuids.uuid) as uuid,
    raw_uuids.uuid is not null as in_raw,
    coalesce(event_uuids.copies, 0) as copies_in_core_events
from raw_uuids
full outer join event_uuids on raw_uuids.uuid = event_uuids.uuid
where raw_uuids.uuid is null or event_uuids.copies is null or event_uuids.copies <> 1
