{#- The root task's step: the stream's new rows are copied, by key, into pipeline.captured_rows, and the
    batch is recorded from what was copied. A stream's offset moves only when the DML that read it
    commits, so both inserts are one transaction: each new row is captured once, and a failed capture
    leaves the stream as it was. An empty stream records nothing; a retried root records its batch once. -#}
create or replace procedure pipeline.capture_batch(run_id varchar)
returns varchar
language sql
execute as owner
as
$$
declare
    captured number default 0;
begin
    begin transaction;
    insert into pipeline.captured_rows (run_id, source_file, file_row_number, loaded_at)
        select :run_id, source_file, file_row_number, loaded_at
        from raw.amplitude_events_stream
        where metadata$action = 'INSERT';
    insert into pipeline.stream_batches (run_id, captured_at, row_count, first_loaded_at, last_loaded_at)
        select
            :run_id,
            convert_timezone('UTC', current_timestamp())::timestamp_ntz,
            count(*),
            min(loaded_at),
            max(loaded_at)
        from pipeline.captured_rows
        where run_id = :run_id
            and not exists (select 1 from pipeline.stream_batches where run_id = :run_id)
        having count(*) > 0;
    captured := sqlrowcount;
    commit;
    return 'captured ' || captured || ' batch(es)';
exception
    when other then
        rollback;
        raise;
end;
$$
