{#- The finalizer's step: every data test of the graph, each in a block of its own so one that fails
    to run is recorded and the rest go on. After incremental builds the tests check the rows of the
    pending batches, as the embedded runner checks the rows its run wrote, unless no whole pass of the
    tests finished in the last {{ full_tests_every_hours }} hours: then each test checks its whole table (both forms are
    rendered here), and pipeline.test_passes records which pass ran for this graph run. The batches are
    completed only when every task of this graph run succeeded, so a failed run's batch is built again. A
    retried run (EXECUTE TASK … RETRY LAST, or TASK_AUTO_RETRY_ATTEMPTS) keeps its graph run group id and
    runs again only what failed: the latest attempt of each task is what counts, so the first attempt's
    FAILED rows do not hold the batches back once the retry succeeded. -#}
{%- macro counted(sql, indent, width) -%}
{{ indent }}select count(*) into :failures from (
{{ sql | indent(width + 12, true) }}
{{ indent }}) as failing;
{{ indent }}if (failures > 0) then
{{ indent }}    select array_agg(object_construct(*)) into :failing_rows from (
{{ indent }}        select * from (
{{ sql | indent(width + 20, true) }}
{{ indent }}        ) as failing
{{ indent }}        limit 5
{{ indent }}    ) as shown;
{{ indent }}end if;
{%- endmacro %}
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
    pass_started timestamp_ntz;
    whole boolean default true;
begin
    pass_started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    select count(*) = 0 into :whole
    from pipeline.test_passes
    where scope = 'whole'
        and finished_at is not null
        and started_at > dateadd('hour', -{{ full_tests_every_hours }}, :pass_started);
    insert into pipeline.test_passes (run_id, scope, every_hours, started_at)
        select :run_id, iff(:whole, 'whole', 'increment'), {{ full_tests_every_hours }}, :pass_started;
{%- for test in tests %}

    -- {{ test.name }} ({{ test.declaredIn }})
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
{%- if test.whole_sql == test.sql %}
{{ counted(test.sql, "        ", 0) }}
{%- else %}
        if (whole) then
{{ counted(test.whole_sql, "            ", 4) }}
        else
{{ counted(test.sql, "            ", 4) }}
        end if;
{%- endif %}
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

    update pipeline.test_passes
    set finished_at = convert_timezone('UTC', current_timestamp())::timestamp_ntz
    where run_id = :run_id and started_at = :pass_started and finished_at is null;

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
