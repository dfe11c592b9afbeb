{#- One row per capture of the stream. A graph run builds everything loaded since the first pending
    batch; the finalizer completes the batches once every task of the run succeeded. -#}
create table if not exists pipeline.stream_batches (
    run_id varchar not null,
    captured_at timestamp_ntz not null,
    row_count number not null,
    first_loaded_at timestamp_ntz not null,
    last_loaded_at timestamp_ntz not null,
    completed_at timestamp_ntz
)
