{#- One row per data test per graph run, written by the finalizer; transform reads and reports them. -#}
create table if not exists pipeline.test_results (
    run_id varchar not null,
    test_name varchar not null,
    failures number,
    failing_rows variant,
    error varchar,
    seconds float,
    recorded_at timestamp_ntz not null
)
