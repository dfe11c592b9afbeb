{#- Raw events as the captures took them: the steps of one graph run, and its tests, all read exactly the
    rows captured by then, by key, while Snowpipe goes on loading. A load that commits late, even with a
    loaded_at older than rows captured already, waits in the stream for the next run. Batches captured
    before rows were kept by key (an account provisioned by an earlier version) count up to their last
    loaded_at, as they did then. -#}
create or replace view pipeline.captured_events as
select events.*
from raw.amplitude_events as events
where exists (
        select 1
        from pipeline.captured_rows as captured
        where captured.source_file = events.source_file
            and captured.file_row_number = events.file_row_number
    )
    or events.loaded_at <= (
        select max(batches.last_loaded_at)
        from pipeline.stream_batches as batches
        where not exists (
            select 1 from pipeline.captured_rows as captured where captured.run_id = batches.run_id
        )
    )
