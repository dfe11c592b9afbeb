{#- One row per manifest file Snowpipe loaded: raw.extract_windows and raw.load_history read it. -#}
create table if not exists raw.lake_manifests (
    json_data variant not null,
    source_file varchar not null,
    loaded_at timestamp_ntz not null
)
