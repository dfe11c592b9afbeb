{#- Every event file a window manifest lists, and counts events in, has rows in raw. The embedded load
    writes a file's rows and its history together; on Snowflake the load history lists a file Snowpipe
    has not loaded once its manifest has been in for the grace period (six hours; Snowpipe loads within
    minutes), with no rows: a lost notification or a failed load, which no later run repairs by itself
    (`alter pipe … refresh` reloads it). Error severity for that reason: the events are missing from every
    model until then. After an incremental run, the files whose history arrived since are checked. -#}
select
    history.file,
    history.app_id,
    history.extract_window,
    history.manifest_events
from {{ source('amplitude', 'load_history') }} as history
where history.object = 'events'
    and history.manifest_events > 0
    {% if incremental_since %}
    and history.loaded_at > {{ incremental_since }}
    {% endif %}
    and not exists (
        select 1
        from {{ source('amplitude', 'events') }} as raw_lines
        where raw_lines.source_file = history.file
    )
