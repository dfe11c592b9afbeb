create or replace task {{ task }}
    warehouse = {{ warehouse }}
    comment = 'Builds {{ relation }} (amplitude-pipeline)'
    after {{ after | join(', ') }}
    as
    call {{ procedure }}(false)
