{#- Runs after every graph run, whatever became of its tasks, and records the data tests. -#}
create or replace task pipeline.amplitude_finalizer
    warehouse = {{ warehouse }}
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = {{ task_timeout_ms }}
    finalize = pipeline.amplitude_root
    comment = 'Runs the data tests of each graph run (amplitude-pipeline)'
    as
    call pipeline.run_data_tests(system$task_runtime_info('CURRENT_TASK_GRAPH_RUN_GROUP_ID'))
