{#- One row per pass of the data tests: the finalizer's (run_id: the graph run) and those transform runs
    from here (a full refresh, --full-tests). scope is 'whole' or 'increment'; a pass whose finished_at is
    null did not finish. The last whole pass that finished decides when the finalizer tests whole tables
    again. -#}
create table if not exists pipeline.test_passes (
    run_id varchar not null,
    scope varchar not null,
    every_hours number,
    started_at timestamp_ntz not null,
    finished_at timestamp_ntz
)
