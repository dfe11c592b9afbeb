{#- A manifest is written after its files: its row in raw.lake_manifests records a complete delivery,
    which is what the watermark reads (raw.extract_windows). -#}
create {{ 'or replace ' if replace }}pipe {{ '' if replace else 'if not exists ' }}raw.lake_manifests_pipe
    auto_ingest = true
    comment = 'Lake manifests into raw.lake_manifests (amplitude-pipeline)'
    as
    copy into raw.lake_manifests (json_data, source_file, loaded_at)
    from (
        select
            $1,
            metadata$filename,
            convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz
        from @raw.amplitude_lake/amplitude/_manifests/
    )
    file_format = (format_name = 'raw.amplitude_manifest_json')
    on_error = continue
