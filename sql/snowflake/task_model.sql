{#- Every task runs in UTC with `timestamp` meaning TIMESTAMP_NTZ, as the CLI's own sessions do (the
    account defaults may differ), so the models mean the same on both engines. -#}
create or replace task {{ task }}
    warehouse = {{ warehouse }}
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = {{ task_timeout_ms }}
    comment = 'Builds {{ relation }} (amplitude-pipeline)'
    after {{ after | join(', ') }}
    as
    call {{ procedure }}(false)
