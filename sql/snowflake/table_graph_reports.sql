{#- One row per task graph run that transform --no-wait reported: a run is claimed here once, by one MERGE.
    A retried run keeps its group id and gets a new attempt number: each attempt is reported once (a row
    without one is the first attempt's). -#}
create table if not exists pipeline.graph_reports (
    graph_run_group_id varchar not null,
    scheduled_time timestamp_ntz,
    reported_at timestamp_ntz not null,
    attempt_number number
)
