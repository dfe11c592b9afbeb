{#- Raw events as of the latest capture: the steps of one graph run, and its tests, all read these rows
    while Snowpipe goes on loading; later rows wait in the stream for the next run. -#}
create or replace view pipeline.captured_events as
select events.*
from raw.amplitude_events as events
where events.loaded_at <= (select max(last_loaded_at) from pipeline.stream_batches)
