{#- Every loaded event file has exactly the rows its window manifest counted (lines extract accepted).
    A difference means lines were lost or duplicated between the export and raw. Only files whose
    manifest has arrived are checked: Snowpipe may load a window's event files before its manifest, and
    such a file is checked by the first run after the manifest is in (the load history's loaded_at is
    the later of the two). A listed file that never loaded is manifest_files_loaded's to report. After an
    incremental run, the files whose history arrived since the previous run are checked, and the files
    with rows loaded since (a file loaded again duplicates its old rows under a new loaded_at). Snapshot files
    (taxonomy, cohorts) are in the load history too, but not in raw events: load refuses one whose lines
    differ from its manifest. -#}
with history as (

    select file, sum(manifest_events) as manifest_events
    from {{ source('amplitude', 'load_history') }}
    where object = 'events'
    {% if incremental_since %}
        and (
            loaded_at > {{ incremental_since }}
            or file in (
                select source_file from {{ source('amplitude', 'events') }} where loaded_at > {{ incremental_since }}
            )
        )
    {% endif %}
    group by file

),

loaded as (

    select source_file, count(*) as rows_in_raw
    from {{ source('amplitude', 'events') }}
    where source_file in (select file from history)
    group by source_file

)

select
    history.file,
    history.manifest_events,
    loaded.rows_in_raw
from history
inner join loaded on history.file = loaded.source_file
where history.manifest_events is null
    or history.manifest_events <> loaded.rows_in_raw
