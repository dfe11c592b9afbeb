{#- Every loaded event file has exactly the rows its window manifest counted (lines extract accepted).
    A difference means lines were lost or duplicated between the export and raw. After an incremental
    run, the files loaded since the previous run are checked. Snapshot files (taxonomy, cohorts) are
    in the load history too, but not in raw events: load refuses one whose lines differ from its
    manifest. -#}
with history as (

    select file, sum(manifest_events) as manifest_events
    from {{ source('amplitude', 'load_history') }}
    where object = 'events'
    {% if incremental_since %}
        and loaded_at > {{ incremental_since }}
    {% endif %}
    group by file

),

loaded as (

    select source_file, count(*) as rows_in_raw
    from {{ source('amplitude', 'events') }}
    {% if incremental_since %}
    where loaded_at > {{ incremental_since }}
    {% endif %}
    group by source_file

)

select
    coalesce(history.file, loaded.source_file) as file,
    history.manifest_events,
    coalesce(loaded.rows_in_raw, 0) as rows_in_raw
from history
full outer join loaded on history.file = loaded.source_file
where history.manifest_events is null
    or history.manifest_events <> coalesce(loaded.rows_in_raw, 0)
