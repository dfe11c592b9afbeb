{#- The embedded warehouse's load history, from Snowpipe's side: one row per lake file in raw, with the
    counts its manifest recorded. Event files come from window manifests and the captured raw events;
    snapshot files (their manifests' kind is 'snapshot') from raw.amplitude_snapshots, with the lines
    their manifest counts as manifest_events, as the embedded loader records them.
    An event file is listed once both its rows and its manifest are in, with loaded_at the later of the
    two (Snowpipe may load either first), so that the first run after both checks it. An event file its
    manifest lists that Snowpipe has not loaded six hours after the manifest arrived is listed too, with
    no rows (row_count 0) and loaded_at the end of that grace period: the data test
    manifest_files_loaded reports it. -#}
create or replace view raw.load_history as
with manifest_files as (

    select
        files.value:key::varchar as file,
        files.value:sha256::varchar as checksum,
        files.value:bytes::number as size,
        files.value:events::number as manifest_events,
        files.value:rejected::number as manifest_rejected,
        manifests.json_data:app_id::varchar as app_id,
        manifests.json_data:"window":"start"::varchar || '_' || manifests.json_data:"window":"end"::varchar as extract_window,
        manifests.loaded_at as manifest_loaded_at
    from raw.lake_manifests as manifests,
        lateral flatten(input => manifests.json_data:files) as files
    where coalesce(manifests.json_data:kind::varchar, 'window') <> 'snapshot'
    qualify row_number() over (partition by files.value:key::varchar order by manifests.loaded_at) = 1

),

loaded as (

    select
        source_file,
        count(*) as row_count,
        max(loaded_at) as loaded_at
    from pipeline.captured_events
    group by source_file

),

snapshot_files as (

    select
        files.value:key::varchar as file,
        files.value:sha256::varchar as checksum,
        files.value:bytes::number as size,
        files.value:lines::number as manifest_lines,
        manifests.json_data:app_id::varchar as app_id,
        manifests.json_data:object::varchar as object
    from raw.lake_manifests as manifests,
        lateral flatten(input => manifests.json_data:files) as files
    where manifests.json_data:kind::varchar = 'snapshot'
    qualify row_number() over (partition by files.value:key::varchar order by manifests.loaded_at) = 1

),

snapshots_loaded as (

    select
        source_file,
        count(*) as row_count,
        max(loaded_at) as loaded_at
    from raw.amplitude_snapshots
    group by source_file

)

select
    manifest_files.file,
    manifest_files.checksum,
    manifest_files.size,
    coalesce(loaded.row_count, 0) as row_count,
    manifest_files.manifest_events,
    manifest_files.manifest_rejected,
    manifest_files.app_id,
    manifest_files.extract_window,
    coalesce(
        greatest(loaded.loaded_at, manifest_files.manifest_loaded_at),
        dateadd('hour', 6, manifest_files.manifest_loaded_at)
    ) as loaded_at,
    'events' as object
from manifest_files
left join loaded on loaded.source_file = manifest_files.file
where loaded.source_file is not null
    or manifest_files.manifest_loaded_at < dateadd('hour', -6, convert_timezone('UTC', current_timestamp())::timestamp_ntz)

union all

select
    snapshot_files.file,
    snapshot_files.checksum,
    snapshot_files.size,
    snapshots_loaded.row_count,
    snapshot_files.manifest_lines as manifest_events,
    0 as manifest_rejected,
    snapshot_files.app_id,
    null as extract_window,
    snapshots_loaded.loaded_at,
    snapshot_files.object
from snapshot_files
inner join snapshots_loaded on snapshots_loaded.source_file = snapshot_files.file
