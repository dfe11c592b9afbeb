{#- Taxonomy and cohort snapshots, one row per line of a snapshot file, never updated: the same columns
    as the embedded warehouse's. `object` is the key's second segment (event_types, event_categories,
    cohorts, cohort_members); each file's first line is its `$snapshot` header. -#}
create table if not exists raw.amplitude_snapshots (
    object varchar not null,
    json_data variant,
    source_file varchar not null,
    file_row_number bigint not null,
    loaded_at timestamp_ntz not null
)
