{#- The lake root: event files under amplitude/events/, manifests under amplitude/_manifests/. -#}
create stage if not exists raw.amplitude_lake
    url = '{{ lake_url }}'
    storage_integration = {{ integration }}
    file_format = (format_name = 'raw.amplitude_json_gz')
    comment = 'The Amplitude lake (amplitude-pipeline)'
