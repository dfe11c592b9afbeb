{#- One row per task graph run that transform --no-wait reported: a run is claimed here once, by one MERGE. -#}
create table if not exists pipeline.graph_reports (
    graph_run_group_id varchar not null,
    scheduled_time timestamp_ntz,
    reported_at timestamp_ntz not null
)
