{#- The embedded warehouse's load history, from Snowpipe's side: one row per lake file in the captured
    raw events, with the counts its manifest recorded. -#}
create or replace view raw.load_history as
with manifest_files as (

    select
        files.value:key::varchar as file,
        files.value:sha256::varchar as checksum,
        files.value:bytes::number as size,
        files.value:events::number as manifest_events,
        files.value:rejected::number as manifest_rejected,
        manifests.json_data:app_id::varchar as app_id,
        manifests.json_data:"window":"start"::varchar || '_' || manifests.json_data:"window":"end"::varchar as extract_window
    from raw.lake_manifests as manifests,
        lateral flatten(input => manifests.json_data:files) as files
    qualify row_number() over (partition by files.value:key::varchar order by manifests.loaded_at) = 1

),

loaded as (

    select
        source_file,
        count(*) as row_count,
        max(loaded_at) as loaded_at
    from pipeline.captured_events
    group by source_file

)

select
    manifest_files.file,
    manifest_files.checksum,
    manifest_files.size,
    loaded.row_count,
    manifest_files.manifest_events,
    manifest_files.manifest_rejected,
    manifest_files.app_id,
    manifest_files.extract_window,
    loaded.loaded_at
from manifest_files
inner join loaded on loaded.source_file = manifest_files.file
