{#- One row per delivery of a window, with the columns of the embedded warehouse's table: the watermark
    reads it the same way on both. Snapshot manifests (taxonomy, cohorts) share raw.lake_manifests and
    are no windows: they are told apart by their kind. -#}
create or replace view raw.extract_windows as
select
    json_data:app_id::varchar as app_id,
    try_to_timestamp_ntz(json_data:"window":"start"::varchar, 'YYYY-MM-DD"T"HH24') as window_start,
    try_to_timestamp_ntz(json_data:"window":"end"::varchar, 'YYYY-MM-DD"T"HH24') as window_end,
    coalesce(json_data:status::varchar, 'exported') as status,
    json_data:totals:files::number as files,
    json_data:totals:events::number as events,
    json_data:totals:rejected::number as rejected,
    json_data:run_id::varchar as run_id,
    convert_timezone('UTC', try_to_timestamp_tz(json_data:extracted_at::varchar))::timestamp_ntz as extracted_at,
    json_data:delivery::varchar as delivery,
    source_file as manifest,
    convert_timezone('UTC', try_to_timestamp_tz(json_data:uploaded_at::varchar))::timestamp_ntz as uploaded_at,
    loaded_at as recorded_at
from raw.lake_manifests
where coalesce(json_data:kind::varchar, 'window') <> 'snapshot'
qualify row_number() over (partition by source_file order by loaded_at) = 1
