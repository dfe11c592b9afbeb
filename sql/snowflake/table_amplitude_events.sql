{#- One row per delivered line, never updated: the same columns as the embedded warehouse's. -#}
create table if not exists raw.amplitude_events (
    json_data variant,
    source_file varchar not null,
    file_row_number bigint not null,
    loaded_at timestamp_ntz not null
)
