{#- The finalizer's step: every data test of the graph, each in a block of its own so one that fails
    to run is recorded and the rest go on. After incremental builds the tests check the rows of the
    pending batches, as the embedded runner checks the rows its run wrote. The batches are completed
    only when every task of this graph run succeeded, so a failed run's batch is built again. -#}
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

    select count(*) into :unfinished
    from table(information_schema.task_history(
        scheduled_time_range_start => dateadd('day', -1, current_timestamp()),
        result_limit => 10000
    ))
    where graph_run_group_id = :run_id
        and state <> 'SUCCEEDED'
        and name <> '{{ finalizer_name | upper }}';
    if (unfinished = 0) then
        update pipeline.stream_batches
        set completed_at = convert_timezone('UTC', current_timestamp())::timestamp_ntz
        where completed_at is null;
    end if;
    return 'tests recorded';
end;
$$
