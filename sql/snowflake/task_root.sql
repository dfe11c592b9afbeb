{#- Triggered: it runs when Snowpipe has loaded rows the stream holds, with no schedule to keep, and at most
    once an hour: the files of an hourly delivery, which Snowpipe loads over minutes, start one graph run
    an hour rather than one every 30 seconds. -#}
create or replace task pipeline.amplitude_root
    warehouse = {{ warehouse }}
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = {{ task_timeout_ms }}
    comment = 'Captures new raw events and starts the model graph (amplitude-pipeline)'
    user_task_minimum_trigger_interval_in_seconds = {{ trigger_interval_seconds }}
    when system$stream_has_data('raw.amplitude_events_stream')
    as
    call pipeline.capture_batch(system$task_runtime_info('CURRENT_TASK_GRAPH_RUN_GROUP_ID'))
