{#- The finalizer's step: every data test of the graph, each in a block of its own so one that fails
    to run is recorded and the rest go on. After incremental builds the tests check the rows of the
    pending batches, as the embedded runner checks the rows its run wrote. The batches are completed
    only when every task of this graph run succeeded, so a failed run's batch is built again. A retried
    run (EXECUTE TASK … RETRY LAST, or TASK_AUTO_RETRY_ATTEMPTS) keeps its graph run group id and runs
    again only what failed: the latest attempt of each task is what counts, so the first attempt's
    FAILED rows do not hold the batches back once the retry succeeded. -#}
create or replace procedure pipeline.run_data_tests(run_id varchar)
returns varchar
language sql
execute as owner
as
$$
declare
    started timestamp_ntz;
    failures number;
    failing_rows variant;
    unfinished number default 0;
    root_task varchar;
begin
{%- for test in tests %}

    -- {{ test.name }} ({{ test.declaredIn }})
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
{{ test.sql | indent(12, true) }}
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
{{ test.sql | indent(20, true) }}
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, '{{ test.name }}', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, '{{ test.name }}', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;
{%- endfor %}

    -- This graph's root by id, as TASK_HISTORY's root_task_id argument takes it; SELECT, as the function's
    -- usage notes recommend over CALL.
    select system$task_runtime_info('CURRENT_ROOT_TASK_UUID') into :root_task;
    select count(*) into :unfinished
    from (
        select name, state
        from table(information_schema.task_history(
            scheduled_time_range_start => dateadd('day', -1, current_timestamp()),
            root_task_id => :root_task,
            result_limit => 10000
        ))
        where to_varchar(graph_run_group_id) = :run_id
            and name <> '{{ finalizer_name | upper }}'
        qualify row_number() over (partition by name order by attempt_number desc) = 1
    ) as latest_attempts
    where state <> 'SUCCEEDED';
    if (unfinished = 0) then
        update pipeline.stream_batches
        set completed_at = convert_timezone('UTC', current_timestamp())::timestamp_ntz
        where completed_at is null;
    end if;
    return 'tests recorded';
end;
$$
