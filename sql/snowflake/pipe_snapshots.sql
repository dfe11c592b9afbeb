{#- Snapshot files of the taxonomy and cohort objects, each loaded once under its name, as event files
    are. Snowpipe applies PATTERN to the path below the FROM folder (amplitude/), so the four object
    folders match and the manifests under _manifests/ (.json, not .json.gz) do not. SPLIT_PART is among
    the functions a COPY transformation may use. A snapshot is replaced whole by the next one, so a file
    with a bad line is skipped whole (COPY_HISTORY names it) rather than loaded in part. -#}
create {{ 'or replace ' if replace }}pipe {{ '' if replace else 'if not exists ' }}raw.amplitude_snapshots_pipe
    auto_ingest = true
    comment = 'Amplitude taxonomy and cohort snapshot files into raw.amplitude_snapshots (amplitude-pipeline)'
    as
    copy into raw.amplitude_snapshots (object, json_data, source_file, file_row_number, loaded_at)
    from (
        select
            split_part(metadata$filename, '/', 2),
            $1,
            metadata$filename,
            metadata$file_row_number,
            convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz
        from @raw.amplitude_lake/amplitude/
    )
    pattern = '.*(event_types|event_categories|cohorts|cohort_members)/app=[0-9]+/.+[.]json[.]gz'
    file_format = (format_name = 'raw.amplitude_json_gz')
    on_error = skip_file
