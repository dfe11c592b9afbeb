{#- What provision applied: one row per object per change, with the checksum of the statement it ran, as
    schemachange keeps its change history. A re-run whose rendered objects match the latest rows applies
    nothing. -#}
create table if not exists pipeline.change_history (
    object_name varchar not null,
    object_kind varchar not null,
    action varchar not null,
    checksum varchar not null,
    statement varchar not null,
    tool_version varchar not null,
    applied_by varchar not null,
    applied_at timestamp_ntz not null
)
