{#- Triggered: it runs when Snowpipe has loaded rows the stream holds, with no schedule to keep. -#}
create or replace task pipeline.amplitude_root
    warehouse = {{ warehouse }}
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    comment = 'Captures new raw events and starts the model graph (amplitude-pipeline)'
    when system$stream_has_data('raw.amplitude_events_stream')
    as
    call pipeline.capture_batch(system$task_runtime_info('CURRENT_TASK_GRAPH_RUN_GROUP_ID'))
