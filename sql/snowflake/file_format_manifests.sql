{#- Lake manifests: one JSON document per file. -#}
create or replace file format raw.amplitude_manifest_json
    type = json
    compression = auto
    strip_outer_array = false
    comment = 'Lake manifests, one per delivery of a window (amplitude-pipeline)'
