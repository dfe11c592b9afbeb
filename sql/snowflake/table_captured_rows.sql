{#- The rows each capture took from the stream, by their key in raw.amplitude_events: what a graph run
    builds and tests is exactly these rows (pipeline.captured_events), whatever Snowpipe commits while it
    runs, including rows whose loaded_at is older than rows captured already. -#}
create table if not exists pipeline.captured_rows (
    run_id varchar not null,
    source_file varchar not null,
    file_row_number bigint not null,
    loaded_at timestamp_ntz not null
)
