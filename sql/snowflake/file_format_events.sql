{#- Export files: gzip of newline-delimited JSON, one event per line. -#}
create or replace file format raw.amplitude_json_gz
    type = json
    compression = gzip
    strip_outer_array = false
    comment = 'Amplitude export files as the pipeline uploads them (amplitude-pipeline)'
