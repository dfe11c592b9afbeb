{#- Snowpipe loads each event file once under its name; the lake never rewrites a name, so a re-export
    with changed bytes arrives as a new file. Lines that are not JSON are skipped, as load skips them.
    METADATA$START_SCAN_TIME, not CURRENT_TIMESTAMP (which Snowflake advises against in a pipe); it is a
    TIMESTAMP_LTZ, and Snowpipe runs outside the pipeline's UTC session (in the account's TIMEZONE), so it
    is converted to UTC before it becomes the TIMESTAMP_NTZ loaded_at, as load's own COPY does. -#}
create {{ 'or replace ' if replace }}pipe {{ '' if replace else 'if not exists ' }}raw.amplitude_events_pipe
    auto_ingest = true
    comment = 'Amplitude event files into raw.amplitude_events (amplitude-pipeline)'
    as
    copy into raw.amplitude_events (json_data, source_file, file_row_number, loaded_at)
    from (
        select
            $1,
            metadata$filename,
            metadata$file_row_number,
            convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz
        from @raw.amplitude_lake/amplitude/events/
    )
    file_format = (format_name = 'raw.amplitude_json_gz')
    on_error = continue
