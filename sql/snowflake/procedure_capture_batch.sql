{#- The root task's step: reading the stream in an INSERT consumes it, so each new row is captured once.
    An empty stream records nothing. -#}
create or replace procedure pipeline.capture_batch(run_id varchar)
returns varchar
language sql
execute as owner
as
$$
declare
    captured number default 0;
begin
    insert into pipeline.stream_batches (run_id, captured_at, row_count, first_loaded_at, last_loaded_at)
        select
            :run_id,
            convert_timezone('UTC', current_timestamp())::timestamp_ntz,
            count(*),
            min(loaded_at),
            max(loaded_at)
        from raw.amplitude_events_stream
        where metadata$action = 'INSERT'
        having count(*) > 0;
    captured := sqlrowcount;
    return 'captured ' || captured || ' batch(es)';
end;
$$
