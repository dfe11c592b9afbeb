{#- The records of the latest snapshot of `object` in `relation` (raw.amplitude_snapshots): within each
    folder (the lake key without its file name: object, app and, for cohort members, cohort), the rows
    of the greatest source_file, whose name starts with the time it was taken. The header line (it holds
    `$snapshot`) is not a record, so an empty latest snapshot leaves its folder with no rows. Only the
    keys are read to find the latest files; only those files' documents are parsed.
    Renders the CTEs `snapshot_files` and `records`, each followed by a comma; `records` has the raw
    columns and `snapshot_taken_at` and `app_id` from the key. Import it `with context`. -#}
{% macro latest_snapshot_records(relation, object) -%}
snapshot_files as (

    select max(source_file) as source_file
    from {{ relation }}
    where object = '{{ object }}'
    group by regexp_replace(source_file, '/[^/]*$', '')

),

records as (

    select
        snapshot_lines.json_data,
        snapshot_lines.source_file,
        snapshot_lines.file_row_number,
        snapshot_lines.loaded_at,
        {{ compact_timestamp("split_part(regexp_replace(snapshot_lines.source_file, '^.*/', ''), '_', 1)") }} as snapshot_taken_at,
        try_cast(replace(split_part(snapshot_lines.source_file, '/', 3), 'app=', '') as bigint) as app_id
    from {{ relation }} as snapshot_lines
    where snapshot_lines.object = '{{ object }}'
        and snapshot_lines.source_file in (select source_file from snapshot_files)
        and {{ json_field('snapshot_lines.json_data', '$snapshot', 'json') }} is null

),
{%- endmacro %}
