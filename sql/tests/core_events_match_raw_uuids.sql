{#- Each distinct uuid in raw is exactly one row of core.events, and core.events holds nothing else.
    After an incremental run (incremental_since is set), the raw lines loaded since the previous run are
    checked, and the rows of core.events that run wrote. Their uuids are read from the deliveries,
    which parsed each of those lines this run, joined on the line's file and row, so that the check
    costs what the increment costs rather than a second parse of every line: a line with no delivery is
    a failure too (null uuid). The whole pass reads every uuid from raw's JSON itself. -#}
with raw_uuids as (

    {% if incremental_since %}
    select distinct deliveries.uuid
    from {{ source('amplitude', 'events') }} as raw_lines
    left join (
        select uuid, source_file, file_row_number
        from {{ ref('stg_amplitude__event_deliveries') }}
        where loaded_at > {{ incremental_since }}
    ) as deliveries
        on raw_lines.source_file = deliveries.source_file
        and raw_lines.file_row_number = deliveries.file_row_number
    where raw_lines.loaded_at > {{ incremental_since }}
    {% else %}
    select distinct {{ json_field('json_data', 'uuid') }} as uuid
    from {{ source('amplitude', 'events') }}
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
