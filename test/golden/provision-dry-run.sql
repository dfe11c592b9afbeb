-- amplitude-pipeline provision, statement 1 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create schema if not exists pipeline;

-- amplitude-pipeline provision, statement 2 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists pipeline.change_history (
    object_name varchar not null,
    object_kind varchar not null,
    action varchar not null,
    checksum varchar not null,
    statement varchar not null,
    tool_version varchar not null,
    applied_by varchar not null,
    applied_at timestamp_ntz not null
);

-- amplitude-pipeline provision, statement 3 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create schema if not exists raw;

-- amplitude-pipeline provision, statement 4 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create schema if not exists seeds;

-- amplitude-pipeline provision, statement 5 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create schema if not exists staging;

-- amplitude-pipeline provision, statement 6 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create schema if not exists core;

-- amplitude-pipeline provision, statement 7 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create schema if not exists marts;

-- amplitude-pipeline provision, statement 8 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create schema if not exists restricted;

-- amplitude-pipeline provision, statement 9 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create masking policy if not exists pipeline.mask_pii_string as (value varchar) returns varchar ->
    case
        when invoker_role() = 'AMPLITUDE_PIPELINE' then value
        else '***MASKED***'
    end
comment = 'amplitude-pipeline: masks columns marked pii: true in the model yml';

-- amplitude-pipeline provision, statement 10 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create masking policy if not exists pipeline.mask_pii_variant as (value variant) returns variant ->
    case
        when invoker_role() = 'AMPLITUDE_PIPELINE' then value
        else to_variant('***MASKED***')
    end
comment = 'amplitude-pipeline: masks columns marked pii: true in the model yml';

-- amplitude-pipeline provision, statement 11 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace file format raw.amplitude_json_gz
    type = json
    compression = gzip
    strip_outer_array = false
    comment = 'Amplitude export files as the pipeline uploads them (amplitude-pipeline)';

-- amplitude-pipeline provision, statement 12 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace file format raw.amplitude_manifest_json
    type = json
    compression = auto
    strip_outer_array = false
    comment = 'Lake manifests, one per delivery of a window (amplitude-pipeline)';

-- amplitude-pipeline provision, statement 13 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create stage if not exists raw.amplitude_lake
    url = 's3://amplitude-lake/'
    storage_integration = amplitude_pipeline_s3
    file_format = (format_name = 'raw.amplitude_json_gz')
    comment = 'The Amplitude lake (amplitude-pipeline)';

-- amplitude-pipeline provision, statement 14 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists raw.amplitude_events (
    json_data variant,
    source_file varchar not null,
    file_row_number bigint not null,
    loaded_at timestamp_ntz not null
);

-- amplitude-pipeline provision, statement 15 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists raw.amplitude_snapshots (
    object varchar not null,
    json_data variant,
    source_file varchar not null,
    file_row_number bigint not null,
    loaded_at timestamp_ntz not null
);

-- amplitude-pipeline provision, statement 16 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists raw.lake_manifests (
    json_data variant not null,
    source_file varchar not null,
    loaded_at timestamp_ntz not null
);

-- amplitude-pipeline provision, statement 17 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists pipeline.stream_batches (
    run_id varchar not null,
    captured_at timestamp_ntz not null,
    row_count number not null,
    first_loaded_at timestamp_ntz not null,
    last_loaded_at timestamp_ntz not null,
    completed_at timestamp_ntz
);

-- amplitude-pipeline provision, statement 18 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists pipeline.captured_rows (
    run_id varchar not null,
    source_file varchar not null,
    file_row_number bigint not null,
    loaded_at timestamp_ntz not null
);

-- amplitude-pipeline provision, statement 19 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists pipeline.test_results (
    run_id varchar not null,
    test_name varchar not null,
    failures number,
    failing_rows variant,
    error varchar,
    seconds float,
    recorded_at timestamp_ntz not null
);

-- amplitude-pipeline provision, statement 20 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists pipeline.test_passes (
    run_id varchar not null,
    scope varchar not null,
    every_hours number,
    started_at timestamp_ntz not null,
    finished_at timestamp_ntz
);

-- amplitude-pipeline provision, statement 21 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists pipeline.graph_reports (
    graph_run_group_id varchar not null,
    scheduled_time timestamp_ntz,
    reported_at timestamp_ntz not null,
    attempt_number number
);

-- amplitude-pipeline provision, statement 22 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create table if not exists raw.seed_loads (
    seed varchar not null,
    seed_file varchar not null,
    checksum varchar not null,
    seed_rows bigint not null,
    loaded_at timestamp_ntz not null
);

-- amplitude-pipeline provision, statement 23 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace view pipeline.captured_events as
select events.*
from raw.amplitude_events as events
where exists (
        select 1
        from pipeline.captured_rows as captured
        where captured.source_file = events.source_file
            and captured.file_row_number = events.file_row_number
    )
    or events.loaded_at <= (
        select max(batches.last_loaded_at)
        from pipeline.stream_batches as batches
        where not exists (
            select 1 from pipeline.captured_rows as captured where captured.run_id = batches.run_id
        )
    );

-- amplitude-pipeline provision, statement 24 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace view raw.extract_windows as
select
    json_data:app_id::varchar as app_id,
    try_to_timestamp_ntz(json_data:"window":"start"::varchar, 'YYYY-MM-DD"T"HH24') as window_start,
    try_to_timestamp_ntz(json_data:"window":"end"::varchar, 'YYYY-MM-DD"T"HH24') as window_end,
    coalesce(json_data:status::varchar, 'exported') as status,
    json_data:totals:files::number as files,
    json_data:totals:events::number as events,
    json_data:totals:rejected::number as rejected,
    json_data:run_id::varchar as run_id,
    convert_timezone('UTC', try_to_timestamp_tz(json_data:extracted_at::varchar))::timestamp_ntz as extracted_at,
    json_data:delivery::varchar as delivery,
    source_file as manifest,
    convert_timezone('UTC', try_to_timestamp_tz(json_data:uploaded_at::varchar))::timestamp_ntz as uploaded_at,
    loaded_at as recorded_at
from raw.lake_manifests
where coalesce(json_data:kind::varchar, 'window') <> 'snapshot'
qualify row_number() over (partition by source_file order by loaded_at) = 1;

-- amplitude-pipeline provision, statement 25 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace view raw.load_history as
with manifest_files as (

    select
        files.value:key::varchar as file,
        files.value:sha256::varchar as checksum,
        files.value:bytes::number as size,
        files.value:events::number as manifest_events,
        files.value:rejected::number as manifest_rejected,
        manifests.json_data:app_id::varchar as app_id,
        manifests.json_data:"window":"start"::varchar || '_' || manifests.json_data:"window":"end"::varchar as extract_window,
        manifests.loaded_at as manifest_loaded_at
    from raw.lake_manifests as manifests,
        lateral flatten(input => manifests.json_data:files) as files
    where coalesce(manifests.json_data:kind::varchar, 'window') <> 'snapshot'
    qualify row_number() over (partition by files.value:key::varchar order by manifests.loaded_at) = 1

),

loaded as (

    select
        source_file,
        count(*) as row_count,
        max(loaded_at) as loaded_at
    from pipeline.captured_events
    group by source_file

),

snapshot_files as (

    select
        files.value:key::varchar as file,
        files.value:sha256::varchar as checksum,
        files.value:bytes::number as size,
        files.value:lines::number as manifest_lines,
        manifests.json_data:app_id::varchar as app_id,
        manifests.json_data:object::varchar as object
    from raw.lake_manifests as manifests,
        lateral flatten(input => manifests.json_data:files) as files
    where manifests.json_data:kind::varchar = 'snapshot'
    qualify row_number() over (partition by files.value:key::varchar order by manifests.loaded_at) = 1

),

snapshots_loaded as (

    select
        source_file,
        count(*) as row_count,
        max(loaded_at) as loaded_at
    from raw.amplitude_snapshots
    group by source_file

)

select
    manifest_files.file,
    manifest_files.checksum,
    manifest_files.size,
    coalesce(loaded.row_count, 0) as row_count,
    manifest_files.manifest_events,
    manifest_files.manifest_rejected,
    manifest_files.app_id,
    manifest_files.extract_window,
    coalesce(
        greatest(loaded.loaded_at, manifest_files.manifest_loaded_at),
        dateadd('hour', 6, manifest_files.manifest_loaded_at)
    ) as loaded_at,
    'events' as object
from manifest_files
left join loaded on loaded.source_file = manifest_files.file
where loaded.source_file is not null
    or manifest_files.manifest_loaded_at < dateadd('hour', -6, convert_timezone('UTC', current_timestamp())::timestamp_ntz)

union all

select
    snapshot_files.file,
    snapshot_files.checksum,
    snapshot_files.size,
    snapshots_loaded.row_count,
    snapshot_files.manifest_lines as manifest_events,
    0 as manifest_rejected,
    snapshot_files.app_id,
    null as extract_window,
    snapshots_loaded.loaded_at,
    snapshot_files.object
from snapshot_files
inner join snapshots_loaded on snapshots_loaded.source_file = snapshot_files.file;

-- amplitude-pipeline provision, statement 26 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create pipe if not exists raw.amplitude_events_pipe
    auto_ingest = true
    comment = 'Amplitude event files into raw.amplitude_events (amplitude-pipeline)'
    as
    copy into raw.amplitude_events (json_data, source_file, file_row_number, loaded_at)
    from (
        select
            $1,
            metadata$filename,
            metadata$file_row_number,
            convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz
        from @raw.amplitude_lake/amplitude/events/
    )
    file_format = (format_name = 'raw.amplitude_json_gz')
    on_error = continue;

-- amplitude-pipeline provision, statement 27 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create pipe if not exists raw.lake_manifests_pipe
    auto_ingest = true
    comment = 'Lake manifests into raw.lake_manifests (amplitude-pipeline)'
    as
    copy into raw.lake_manifests (json_data, source_file, loaded_at)
    from (
        select
            $1,
            metadata$filename,
            convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz
        from @raw.amplitude_lake/amplitude/_manifests/
    )
    file_format = (format_name = 'raw.amplitude_manifest_json')
    on_error = continue;

-- amplitude-pipeline provision, statement 28 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create pipe if not exists raw.amplitude_snapshots_pipe
    auto_ingest = true
    comment = 'Amplitude taxonomy and cohort snapshot files into raw.amplitude_snapshots (amplitude-pipeline)'
    as
    copy into raw.amplitude_snapshots (object, json_data, source_file, file_row_number, loaded_at)
    from (
        select
            split_part(metadata$filename, '/', 2),
            $1,
            metadata$filename,
            metadata$file_row_number,
            convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz
        from @raw.amplitude_lake/amplitude/
    )
    pattern = '.*(event_types|event_categories|cohorts|cohort_members)/app=[0-9]+/.+[.]json[.]gz'
    file_format = (format_name = 'raw.amplitude_json_gz')
    on_error = skip_file;

-- amplitude-pipeline provision, statement 29 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create stream if not exists raw.amplitude_events_stream
    on table raw.amplitude_events
    append_only = true
    show_initial_rows = true
    comment = 'New raw events for the task graph (amplitude-pipeline)';

-- amplitude-pipeline provision, statement 30 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.capture_batch(run_id varchar)
returns varchar
language sql
execute as owner
as
$$
declare
    captured number default 0;
begin
    begin transaction;
    insert into pipeline.captured_rows (run_id, source_file, file_row_number, loaded_at)
        select :run_id, source_file, file_row_number, loaded_at
        from raw.amplitude_events_stream
        where metadata$action = 'INSERT';
    insert into pipeline.stream_batches (run_id, captured_at, row_count, first_loaded_at, last_loaded_at)
        select
            :run_id,
            convert_timezone('UTC', current_timestamp())::timestamp_ntz,
            count(*),
            min(loaded_at),
            max(loaded_at)
        from pipeline.captured_rows
        where run_id = :run_id
            and not exists (select 1 from pipeline.stream_batches where run_id = :run_id)
        having count(*) > 0;
    captured := sqlrowcount;
    commit;
    return 'captured ' || captured || ' batch(es)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 31 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_stg_amplitude__cohort_members(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table staging.stg_amplitude__cohort_members as
        with

        snapshot_files as (

            select max(source_file) as source_file
            from raw.amplitude_snapshots
            where object = 'cohort_members'
            group by regexp_replace(source_file, '/[^/]*$', '')

        ),

        records as (

            select
                snapshot_lines.json_data,
                snapshot_lines.source_file,
                snapshot_lines.file_row_number,
                snapshot_lines.loaded_at,
                try_to_timestamp_ntz(split_part(regexp_replace(snapshot_lines.source_file, '^.*/', ''), '_', 1), 'YYYYMMDD"T"HH24MISS.FF3"Z"') as snapshot_taken_at,
                try_cast(replace(split_part(snapshot_lines.source_file, '/', 3), 'app=', '') as bigint) as app_id
            from raw.amplitude_snapshots as snapshot_lines
            where snapshot_lines.object = 'cohort_members'
                and snapshot_lines.source_file in (select source_file from snapshot_files)
                and strip_null_value(snapshot_lines.json_data:"$snapshot") is null

        ),

        parsed as (

            select
                json_data as record,
                json_data,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from records

        ),

        typed as (

            select
                strip_null_value(record:"cohort_id")::varchar as cohort_id,
                iff(regexp_like(strip_null_value(record:"amplitude_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"amplitude_id")::varchar), null) as amplitude_id,
                strip_null_value(record:"user_id")::varchar as user_id,
                json_data,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from parsed

        ),

        final as (

            select
                cohort_id,
                amplitude_id,
                user_id,
                json_data as member_record,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from typed

        )

        select * from final;
    declare
        policy varchar;
    begin
        select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
        from information_schema.columns
        where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__COHORT_MEMBERS' and column_name = 'USER_ID';
        execute immediate 'alter table staging.stg_amplitude__cohort_members modify column user_id set masking policy ' || policy;
        select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
        from information_schema.columns
        where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__COHORT_MEMBERS' and column_name = 'MEMBER_RECORD';
        execute immediate 'alter table staging.stg_amplitude__cohort_members modify column member_record set masking policy ' || policy;
    end;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 32 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_stg_amplitude__cohorts(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table staging.stg_amplitude__cohorts as
        with

        snapshot_files as (

            select max(source_file) as source_file
            from raw.amplitude_snapshots
            where object = 'cohorts'
            group by regexp_replace(source_file, '/[^/]*$', '')

        ),

        records as (

            select
                snapshot_lines.json_data,
                snapshot_lines.source_file,
                snapshot_lines.file_row_number,
                snapshot_lines.loaded_at,
                try_to_timestamp_ntz(split_part(regexp_replace(snapshot_lines.source_file, '^.*/', ''), '_', 1), 'YYYYMMDD"T"HH24MISS.FF3"Z"') as snapshot_taken_at,
                try_cast(replace(split_part(snapshot_lines.source_file, '/', 3), 'app=', '') as bigint) as app_id
            from raw.amplitude_snapshots as snapshot_lines
            where snapshot_lines.object = 'cohorts'
                and snapshot_lines.source_file in (select source_file from snapshot_files)
                and strip_null_value(snapshot_lines.json_data:"$snapshot") is null

        ),

        parsed as (

            select
                json_data as record,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from records

        ),

        typed as (

            select
                strip_null_value(record:"id")::varchar as cohort_id,
                strip_null_value(record:"name")::varchar as cohort_name,
                strip_null_value(record:"description")::varchar as description,
                case lower(strip_null_value(record:"archived")::varchar) when 'true' then true when 'false' then false end as archived,
                case lower(strip_null_value(record:"published")::varchar) when 'true' then true when 'false' then false end as published,
                iff(regexp_like(strip_null_value(record:"size")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"size")::varchar), null) as size,
                iff(regexp_like(strip_null_value(record:"lastComputed")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"lastComputed")::varchar), null) as last_computed_epoch,
                iff(regexp_like(strip_null_value(record:"lastMod")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"lastMod")::varchar), null) as last_modified_epoch,
                iff(regexp_like(strip_null_value(record:"createdAt")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"createdAt")::varchar), null) as created_epoch,
                iff(regexp_like(strip_null_value(record:"lastComputed")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"lastComputed")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"lastComputed")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"lastComputed")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as last_computed_text,
                iff(regexp_like(strip_null_value(record:"lastMod")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"lastMod")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"lastMod")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"lastMod")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as last_modified_text,
                iff(regexp_like(strip_null_value(record:"createdAt")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"createdAt")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"createdAt")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"createdAt")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as created_text,
                case lower(strip_null_value(record:"hidden")::varchar) when 'true' then true when 'false' then false end as hidden,
                strip_null_value(record:"type")::varchar as cohort_type,
                strip_null_value(record:"owners") as owners,
                strip_null_value(record:"definition") as definition,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from parsed

        ),

        final as (

            select
                cohort_id,
                cohort_name,
                description,
                archived,
                published,
                size,
                hidden,
                coalesce(
                    to_timestamp_ntz((case when last_computed_epoch < 100000000000 then last_computed_epoch * 1000 else last_computed_epoch end)::number(38, 0), 3),
                    last_computed_text
                ) as last_computed_at,
                coalesce(
                    to_timestamp_ntz((case when last_modified_epoch < 100000000000 then last_modified_epoch * 1000 else last_modified_epoch end)::number(38, 0), 3),
                    last_modified_text
                ) as last_modified_at,
                coalesce(
                    to_timestamp_ntz((case when created_epoch < 100000000000 then created_epoch * 1000 else created_epoch end)::number(38, 0), 3),
                    created_text
                ) as created_at,
                cohort_type,
                owners,
                definition,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from typed

        )

        select * from final;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 33 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_cohorts(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table core.cohorts as
        with cohorts as (

            select * from staging.stg_amplitude__cohorts

        ),

        members as (

            select * from staging.stg_amplitude__cohort_members

        ),

        membership as (

            select
                cohort_id,
                count(distinct amplitude_id) as member_count,
                max(snapshot_taken_at) as members_taken_at
            from members
            where amplitude_id is not null
            group by cohort_id

        ),

        final as (

            select
                cohorts.cohort_id,
                cohorts.cohort_name,
                cohorts.description,
                cohorts.cohort_type,
                cohorts.archived,
                cohorts.published,
                cohorts.hidden,
                cohorts.size,
                coalesce(membership.member_count, 0) as member_count,
                membership.members_taken_at,
                cohorts.last_computed_at,
                cohorts.last_modified_at,
                cohorts.created_at,
                cohorts.owners,
                cohorts.definition,
                cohorts.app_id,
                cohorts.snapshot_taken_at
            from cohorts
            left join membership on cohorts.cohort_id = membership.cohort_id

        )

        select * from final;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 34 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_stg_amplitude__event_deliveries(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'staging.stg_amplitude__event_deliveries has other columns than the model stg_amplitude__event_deliveries makes: run transform --full-refresh --select stg_amplitude__event_deliveries');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENT_DELIVERIES' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table staging.stg_amplitude__event_deliveries as
        with source as (

            select * from pipeline.captured_events

        ),

        parsed as (

            select
                json_data as record,
                source_file,
                file_row_number,
                loaded_at
            from source

        ),

        typed as (

            select
                strip_null_value(record:"uuid")::varchar as uuid,
                iff(regexp_like(strip_null_value(record:"processed_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"processed_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"processed_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"processed_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as processed_time,
                iff(regexp_like(strip_null_value(record:"amplitude_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"amplitude_id")::varchar), null) as amplitude_id,
                iff(regexp_like(strip_null_value(record:"session_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"session_id")::varchar), null) as session_id,
                strip_null_value(record:"device_id")::varchar as device_id,
                iff(regexp_like(strip_null_value(record:"event_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"event_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"event_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"event_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as event_time,
                strip_null_value(record:"groups") as event_groups,
                strip_null_value(record:"group_properties") as group_properties,
                source_file,
                file_row_number,
                loaded_at
            from parsed

        ),

        final as (

            select * from typed

        )

        select * from final;
        return 'rebuilt';
    end if;
    create or replace transient table staging.stg_amplitude__event_deliveries__increment as
        with source as (

            select * from pipeline.captured_events

            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        parsed as (

            select
                json_data as record,
                source_file,
                file_row_number,
                loaded_at
            from source

        ),

        typed as (

            select
                strip_null_value(record:"uuid")::varchar as uuid,
                iff(regexp_like(strip_null_value(record:"processed_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"processed_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"processed_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"processed_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as processed_time,
                iff(regexp_like(strip_null_value(record:"amplitude_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"amplitude_id")::varchar), null) as amplitude_id,
                iff(regexp_like(strip_null_value(record:"session_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"session_id")::varchar), null) as session_id,
                strip_null_value(record:"device_id")::varchar as device_id,
                iff(regexp_like(strip_null_value(record:"event_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"event_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"event_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"event_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as event_time,
                strip_null_value(record:"groups") as event_groups,
                strip_null_value(record:"group_properties") as group_properties,
                source_file,
                file_row_number,
                loaded_at
            from parsed

        ),

        final as (

            select * from typed

        )

        select * from final;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'STAGING' and table_name in ('STG_AMPLITUDE__EVENT_DELIVERIES', 'STG_AMPLITUDE__EVENT_DELIVERIES__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists staging.stg_amplitude__event_deliveries__increment;
        drop table if exists staging.stg_amplitude__event_deliveries__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('source_file', 'file_row_number'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENT_DELIVERIES__INCREMENT';
    select count(*) into :processed from staging.stg_amplitude__event_deliveries__increment;

    begin transaction;
    delete from staging.stg_amplitude__event_deliveries
    where (source_file, file_row_number) in (select source_file, file_row_number from staging.stg_amplitude__event_deliveries__increment);
    statement := 'insert into staging.stg_amplitude__event_deliveries (' || column_list || ') select ' || column_list || ' from staging.stg_amplitude__event_deliveries__increment';
    execute immediate statement;
    commit;

    drop table if exists staging.stg_amplitude__event_deliveries__increment;
    drop table if exists staging.stg_amplitude__event_deliveries__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 35 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_stg_amplitude__events(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'staging.stg_amplitude__events has other columns than the model stg_amplitude__events makes: run transform --full-refresh --select stg_amplitude__events');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENTS' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table staging.stg_amplitude__events as
        with picked as (
            select uuid, processed_time, source_file, file_row_number
            from staging.stg_amplitude__event_deliveries

            qualify row_number() over (
                partition by uuid
                order by processed_time desc nulls last, loaded_at nulls last, source_file nulls last, file_row_number nulls last
            ) = 1

        ),

        kept as (

            select source_file, file_row_number from picked

        ),

        source as (

            select * from pipeline.captured_events
            where (source_file, file_row_number) in (select source_file, file_row_number from kept)

        ),

        parsed as (

            select
                json_data as record,
                source_file,
                file_row_number,
                loaded_at
            from source

        ),

        typed as (

            select
                strip_null_value(record:"uuid")::varchar as uuid,
                strip_null_value(record:"$insert_id")::varchar as insert_id,
                strip_null_value(record:"$insert_key")::varchar as insert_key,
                strip_null_value(record:"$schema")::varchar as event_schema,
                strip_null_value(record:"adid")::varchar as adid,
                strip_null_value(record:"amplitude_attribution_ids") as amplitude_attribution_ids,
                strip_null_value(record:"amplitude_event_type")::varchar as amplitude_event_type,
                iff(regexp_like(strip_null_value(record:"amplitude_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"amplitude_id")::varchar), null) as amplitude_id,
                iff(regexp_like(strip_null_value(record:"app")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"app")::varchar), null) as app_id,
                iff(regexp_like(strip_null_value(record:"client_event_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"client_event_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"client_event_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"client_event_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as client_event_time,
                iff(regexp_like(strip_null_value(record:"client_upload_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"client_upload_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"client_upload_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"client_upload_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as client_upload_time,
                strip_null_value(record:"data") as event_data,
                strip_null_value(record:"data_type")::varchar as data_type,
                strip_null_value(record:"device_brand")::varchar as device_brand,
                strip_null_value(record:"device_carrier")::varchar as device_carrier,
                strip_null_value(record:"device_family")::varchar as device_family,
                strip_null_value(record:"device_id")::varchar as device_id,
                strip_null_value(record:"device_manufacturer")::varchar as device_manufacturer,
                strip_null_value(record:"device_model")::varchar as device_model,
                strip_null_value(record:"device_type")::varchar as device_type,
                iff(regexp_like(strip_null_value(record:"event_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"event_id")::varchar), null) as event_id,
                strip_null_value(record:"event_properties") as event_properties,
                iff(regexp_like(strip_null_value(record:"event_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"event_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"event_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"event_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as event_time,
                strip_null_value(record:"event_type")::varchar as event_type,
                strip_null_value(record:"global_user_properties") as global_user_properties,
                strip_null_value(record:"group_properties") as group_properties,
                strip_null_value(record:"groups") as event_groups,
                strip_null_value(record:"idfa")::varchar as idfa,
                case lower(strip_null_value(record:"is_attribution_event")::varchar) when 'true' then true when 'false' then false end as is_attribution_event,
                strip_null_value(record:"language")::varchar as language,
                strip_null_value(record:"library")::varchar as library,
                strip_null_value(record:"os_name")::varchar as os_name,
                strip_null_value(record:"os_version")::varchar as os_version,
                strip_null_value(record:"partner_id")::varchar as partner_id,
                strip_null_value(record:"paying")::varchar as paying,
                strip_null_value(record:"plan") as plan_properties,
                strip_null_value(record:"platform")::varchar as platform,
                iff(regexp_like(strip_null_value(record:"processed_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"processed_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"processed_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"processed_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as processed_time,
                iff(regexp_like(strip_null_value(record:"sample_rate")::varchar, '-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?'), try_to_double(strip_null_value(record:"sample_rate")::varchar), null) as sample_rate,
                iff(regexp_like(strip_null_value(record:"server_received_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"server_received_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"server_received_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"server_received_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as server_received_time,
                iff(regexp_like(strip_null_value(record:"server_upload_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"server_upload_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"server_upload_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"server_upload_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as server_upload_time,
                iff(regexp_like(strip_null_value(record:"session_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"session_id")::varchar), null) as session_id,
                strip_null_value(record:"source_id")::varchar as source_id,
                strip_null_value(record:"start_version")::varchar as start_version,
                iff(regexp_like(strip_null_value(record:"user_creation_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"user_creation_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"user_creation_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"user_creation_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as user_creation_time,
                strip_null_value(record:"user_id")::varchar as user_id,
                strip_null_value(record:"user_properties") as user_properties,
                strip_null_value(record:"version_name")::varchar as version_name,
                source_file,
                file_row_number,
                loaded_at
            from parsed

        ),

        final as (

            select * from typed

        )

        select * from final;
        declare
            policy varchar;
        begin
            select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
            from information_schema.columns
            where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENTS' and column_name = 'USER_ID';
            execute immediate 'alter table staging.stg_amplitude__events modify column user_id set masking policy ' || policy;
            select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
            from information_schema.columns
            where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENTS' and column_name = 'USER_PROPERTIES';
            execute immediate 'alter table staging.stg_amplitude__events modify column user_properties set masking policy ' || policy;
        end;
        return 'rebuilt';
    end if;
    create or replace transient table staging.stg_amplitude__events__increment as
        with picked as (
            select uuid, processed_time, source_file, file_row_number
            from staging.stg_amplitude__event_deliveries

            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

            qualify row_number() over (
                partition by uuid
                order by processed_time desc nulls last, loaded_at nulls last, source_file nulls last, file_row_number nulls last
            ) = 1

        ),

        kept as (
            select picked.source_file, picked.file_row_number
            from picked
            left join (
                select uuid, processed_time
                from staging.stg_amplitude__events
                where uuid in (select uuid from picked)
            ) as held
                on picked.uuid = held.uuid
            where held.uuid is null
                or picked.processed_time > held.processed_time
                or (held.processed_time is null and picked.processed_time is not null)

        ),

        source as (

            select * from pipeline.captured_events
            where (source_file, file_row_number) in (select source_file, file_row_number from kept)

                and loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        parsed as (

            select
                json_data as record,
                source_file,
                file_row_number,
                loaded_at
            from source

        ),

        typed as (

            select
                strip_null_value(record:"uuid")::varchar as uuid,
                strip_null_value(record:"$insert_id")::varchar as insert_id,
                strip_null_value(record:"$insert_key")::varchar as insert_key,
                strip_null_value(record:"$schema")::varchar as event_schema,
                strip_null_value(record:"adid")::varchar as adid,
                strip_null_value(record:"amplitude_attribution_ids") as amplitude_attribution_ids,
                strip_null_value(record:"amplitude_event_type")::varchar as amplitude_event_type,
                iff(regexp_like(strip_null_value(record:"amplitude_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"amplitude_id")::varchar), null) as amplitude_id,
                iff(regexp_like(strip_null_value(record:"app")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"app")::varchar), null) as app_id,
                iff(regexp_like(strip_null_value(record:"client_event_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"client_event_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"client_event_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"client_event_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as client_event_time,
                iff(regexp_like(strip_null_value(record:"client_upload_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"client_upload_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"client_upload_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"client_upload_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as client_upload_time,
                strip_null_value(record:"data") as event_data,
                strip_null_value(record:"data_type")::varchar as data_type,
                strip_null_value(record:"device_brand")::varchar as device_brand,
                strip_null_value(record:"device_carrier")::varchar as device_carrier,
                strip_null_value(record:"device_family")::varchar as device_family,
                strip_null_value(record:"device_id")::varchar as device_id,
                strip_null_value(record:"device_manufacturer")::varchar as device_manufacturer,
                strip_null_value(record:"device_model")::varchar as device_model,
                strip_null_value(record:"device_type")::varchar as device_type,
                iff(regexp_like(strip_null_value(record:"event_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"event_id")::varchar), null) as event_id,
                strip_null_value(record:"event_properties") as event_properties,
                iff(regexp_like(strip_null_value(record:"event_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"event_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"event_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"event_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as event_time,
                strip_null_value(record:"event_type")::varchar as event_type,
                strip_null_value(record:"global_user_properties") as global_user_properties,
                strip_null_value(record:"group_properties") as group_properties,
                strip_null_value(record:"groups") as event_groups,
                strip_null_value(record:"idfa")::varchar as idfa,
                case lower(strip_null_value(record:"is_attribution_event")::varchar) when 'true' then true when 'false' then false end as is_attribution_event,
                strip_null_value(record:"language")::varchar as language,
                strip_null_value(record:"library")::varchar as library,
                strip_null_value(record:"os_name")::varchar as os_name,
                strip_null_value(record:"os_version")::varchar as os_version,
                strip_null_value(record:"partner_id")::varchar as partner_id,
                strip_null_value(record:"paying")::varchar as paying,
                strip_null_value(record:"plan") as plan_properties,
                strip_null_value(record:"platform")::varchar as platform,
                iff(regexp_like(strip_null_value(record:"processed_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"processed_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"processed_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"processed_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as processed_time,
                iff(regexp_like(strip_null_value(record:"sample_rate")::varchar, '-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?'), try_to_double(strip_null_value(record:"sample_rate")::varchar), null) as sample_rate,
                iff(regexp_like(strip_null_value(record:"server_received_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"server_received_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"server_received_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"server_received_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as server_received_time,
                iff(regexp_like(strip_null_value(record:"server_upload_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"server_upload_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"server_upload_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"server_upload_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as server_upload_time,
                iff(regexp_like(strip_null_value(record:"session_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"session_id")::varchar), null) as session_id,
                strip_null_value(record:"source_id")::varchar as source_id,
                strip_null_value(record:"start_version")::varchar as start_version,
                iff(regexp_like(strip_null_value(record:"user_creation_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"user_creation_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"user_creation_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"user_creation_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as user_creation_time,
                strip_null_value(record:"user_id")::varchar as user_id,
                strip_null_value(record:"user_properties") as user_properties,
                strip_null_value(record:"version_name")::varchar as version_name,
                source_file,
                file_row_number,
                loaded_at
            from parsed

        ),

        final as (

            select * from typed

        )

        select * from final;
    declare
        policy varchar;
    begin
        select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
        from information_schema.columns
        where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENTS__INCREMENT' and column_name = 'USER_ID';
        execute immediate 'alter table staging.stg_amplitude__events__increment modify column user_id set masking policy ' || policy;
        select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
        from information_schema.columns
        where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENTS__INCREMENT' and column_name = 'USER_PROPERTIES';
        execute immediate 'alter table staging.stg_amplitude__events__increment modify column user_properties set masking policy ' || policy;
    end;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'STAGING' and table_name in ('STG_AMPLITUDE__EVENTS', 'STG_AMPLITUDE__EVENTS__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists staging.stg_amplitude__events__increment;
        drop table if exists staging.stg_amplitude__events__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('uuid'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENTS__INCREMENT';
    select count(*) into :processed from staging.stg_amplitude__events__increment;

    begin transaction;
    statement := 'merge into staging.stg_amplitude__events as target using staging.stg_amplitude__events__increment as source on target.uuid = source.uuid'
        || ' when matched then update set ' || update_list
        || ' when not matched then insert (' || column_list || ') values (' || source_list || ')';
    execute immediate statement;
    commit;

    drop table if exists staging.stg_amplitude__events__increment;
    drop table if exists staging.stg_amplitude__events__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 36 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_locations(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'restricted.locations has other columns than the model locations makes: run transform --full-refresh --select locations');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'RESTRICTED' and table_name = 'LOCATIONS' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table restricted.locations as
        with source as (

            select * from pipeline.captured_events

        ),

        kept_deliveries as (select source_file, file_row_number
            from staging.stg_amplitude__events

        ),

        kept as (

            select json_data, loaded_at
            from source
            where (source_file, file_row_number) in (select source_file, file_row_number from kept_deliveries)

        ),

        parsed as (

            select
                json_data as record,
                loaded_at
            from kept

        ),

        typed as (

            select
                strip_null_value(record:"uuid")::varchar as uuid,
                iff(regexp_like(strip_null_value(record:"amplitude_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"amplitude_id")::varchar), null) as amplitude_id,
                iff(regexp_like(strip_null_value(record:"event_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"event_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"event_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"event_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as event_time,
                strip_null_value(record:"ip_address")::varchar as ip_address,
                strip_null_value(record:"city")::varchar as city,
                strip_null_value(record:"region")::varchar as region,
                strip_null_value(record:"country")::varchar as country,
                strip_null_value(record:"dma")::varchar as dma,
                iff(regexp_like(strip_null_value(record:"location_lat")::varchar, '-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?'), try_to_double(strip_null_value(record:"location_lat")::varchar), null) as location_lat,
                iff(regexp_like(strip_null_value(record:"location_lng")::varchar, '-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?'), try_to_double(strip_null_value(record:"location_lng")::varchar), null) as location_lng,
                loaded_at
            from parsed

        ),

        final as (

            select * from typed

        )

        select * from final;
        return 'rebuilt';
    end if;
    create or replace transient table restricted.locations__increment as
        with source as (

            select * from pipeline.captured_events

            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        kept_deliveries as (select source_file, file_row_number
            from staging.stg_amplitude__events

            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        kept as (

            select json_data, loaded_at
            from source
            where (source_file, file_row_number) in (select source_file, file_row_number from kept_deliveries)

        ),

        parsed as (

            select
                json_data as record,
                loaded_at
            from kept

        ),

        typed as (

            select
                strip_null_value(record:"uuid")::varchar as uuid,
                iff(regexp_like(strip_null_value(record:"amplitude_id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"amplitude_id")::varchar), null) as amplitude_id,
                iff(regexp_like(strip_null_value(record:"event_time")::varchar, '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z?'), try_to_timestamp_ntz(substr(strip_null_value(record:"event_time")::varchar, 1, 10) || ' ' || substr(strip_null_value(record:"event_time")::varchar, 12, 8) || '.' || rpad(rtrim(substr(strip_null_value(record:"event_time")::varchar, 21), 'Z'), 6, '0'), 'YYYY-MM-DD HH24:MI:SS.FF6'), null) as event_time,
                strip_null_value(record:"ip_address")::varchar as ip_address,
                strip_null_value(record:"city")::varchar as city,
                strip_null_value(record:"region")::varchar as region,
                strip_null_value(record:"country")::varchar as country,
                strip_null_value(record:"dma")::varchar as dma,
                iff(regexp_like(strip_null_value(record:"location_lat")::varchar, '-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?'), try_to_double(strip_null_value(record:"location_lat")::varchar), null) as location_lat,
                iff(regexp_like(strip_null_value(record:"location_lng")::varchar, '-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?'), try_to_double(strip_null_value(record:"location_lng")::varchar), null) as location_lng,
                loaded_at
            from parsed

        ),

        final as (

            select * from typed

        )

        select * from final;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'RESTRICTED' and table_name in ('LOCATIONS', 'LOCATIONS__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists restricted.locations__increment;
        drop table if exists restricted.locations__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('uuid'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'RESTRICTED' and table_name = 'LOCATIONS__INCREMENT';
    select count(*) into :processed from restricted.locations__increment;

    begin transaction;
    statement := 'merge into restricted.locations as target using restricted.locations__increment as source on target.uuid = source.uuid'
        || ' when matched then update set ' || update_list
        || ' when not matched then insert (' || column_list || ') values (' || source_list || ')';
    execute immediate statement;
    commit;

    drop table if exists restricted.locations__increment;
    drop table if exists restricted.locations__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 37 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_events(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'core.events has other columns than the model events makes: run transform --full-refresh --select events');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'CORE' and table_name = 'EVENTS' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table core.events as
        with events as (

            select * from staging.stg_amplitude__events

        ),

        with_fields as (

            select
                *,
                event_properties as fields
            from events

        ),

        final as (

            select
                uuid,
                event_id,
                event_type,
                event_time,
                session_id,
                amplitude_id,
                user_id,
                device_id,
                iff(regexp_like(strip_null_value(fields:"[Amplitude] Page Counter")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(fields:"[Amplitude] Page Counter")::varchar), null) as page_counter,
                strip_null_value(fields:"[Amplitude] Page Title")::varchar as page_title,
                strip_null_value(fields:"[Amplitude] Page URL")::varchar as page_url,
                coalesce(
                    nullif(strip_null_value(fields:"[Amplitude] Page Path")::varchar, ''),
                    case when strip_null_value(fields:"[Amplitude] Page URL")::varchar <> '' then coalesce(nullif(regexp_substr(strip_null_value(fields:"[Amplitude] Page URL")::varchar, '^(([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*)?([^?#]*)', 1, 1, 'e', 3), ''), '/') end
                ) as page_path,
                nullif(strip_null_value(fields:"[Amplitude] Element Selector")::varchar, '') as element_selector,
                nullif(strip_null_value(fields:"[Amplitude] Element Text")::varchar, '') as element_text,
                nullif(strip_null_value(fields:"[Amplitude] Form ID")::varchar, '') as form_id,
                server_upload_time,
                processed_time,
                loaded_at
            from with_fields

        )

        select * from final;
        declare
            policy varchar;
        begin
            select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
            from information_schema.columns
            where table_schema = 'CORE' and table_name = 'EVENTS' and column_name = 'USER_ID';
            execute immediate 'alter table core.events modify column user_id set masking policy ' || policy;
        end;
        return 'rebuilt';
    end if;
    create or replace transient table core.events__increment as
        with events as (

            select * from staging.stg_amplitude__events

            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        with_fields as (

            select
                *,
                event_properties as fields
            from events

        ),

        final as (

            select
                uuid,
                event_id,
                event_type,
                event_time,
                session_id,
                amplitude_id,
                user_id,
                device_id,
                iff(regexp_like(strip_null_value(fields:"[Amplitude] Page Counter")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(fields:"[Amplitude] Page Counter")::varchar), null) as page_counter,
                strip_null_value(fields:"[Amplitude] Page Title")::varchar as page_title,
                strip_null_value(fields:"[Amplitude] Page URL")::varchar as page_url,
                coalesce(
                    nullif(strip_null_value(fields:"[Amplitude] Page Path")::varchar, ''),
                    case when strip_null_value(fields:"[Amplitude] Page URL")::varchar <> '' then coalesce(nullif(regexp_substr(strip_null_value(fields:"[Amplitude] Page URL")::varchar, '^(([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*)?([^?#]*)', 1, 1, 'e', 3), ''), '/') end
                ) as page_path,
                nullif(strip_null_value(fields:"[Amplitude] Element Selector")::varchar, '') as element_selector,
                nullif(strip_null_value(fields:"[Amplitude] Element Text")::varchar, '') as element_text,
                nullif(strip_null_value(fields:"[Amplitude] Form ID")::varchar, '') as form_id,
                server_upload_time,
                processed_time,
                loaded_at
            from with_fields

        )

        select * from final;
    declare
        policy varchar;
    begin
        select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
        from information_schema.columns
        where table_schema = 'CORE' and table_name = 'EVENTS__INCREMENT' and column_name = 'USER_ID';
        execute immediate 'alter table core.events__increment modify column user_id set masking policy ' || policy;
    end;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'CORE' and table_name in ('EVENTS', 'EVENTS__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists core.events__increment;
        drop table if exists core.events__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('uuid'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'CORE' and table_name = 'EVENTS__INCREMENT';
    select count(*) into :processed from core.events__increment;

    begin transaction;
    statement := 'merge into core.events as target using core.events__increment as source on target.uuid = source.uuid'
        || ' when matched then update set ' || update_list
        || ' when not matched then insert (' || column_list || ') values (' || source_list || ')';
    execute immediate statement;
    commit;

    drop table if exists core.events__increment;
    drop table if exists core.events__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 38 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_users(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'core.users has other columns than the model users makes: run transform --full-refresh --select users');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'CORE' and table_name = 'USERS' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table core.users as
        with

        entity_rows as (

            select * from core.events
            where true

        ),

        latest_user_ids as (
            select
                amplitude_id,
                max_by(user_id, iff(user_id is null, null, coalesce(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS.FF6'), '0000-00-00 00:00:00.000000') || coalesce(coalesce(lpad(to_varchar(event_id), 20, '0'), '--------------------') || coalesce(uuid, ''), ''))) as user_id
            from entity_rows
            where user_id is not null
            group by amplitude_id

        ),

        activity as (

            select
                amplitude_id,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count,
                max(loaded_at) as loaded_at
            from entity_rows
            group by amplitude_id

        ),

        final as (
            select
                activity.amplitude_id,

                latest_user_ids.user_id,
                activity.first_seen_at,
                activity.last_seen_at,
                activity.event_count,

                activity.loaded_at
            from activity
            left join latest_user_ids on activity.amplitude_id = latest_user_ids.amplitude_id

        )

        select * from final;
        declare
            policy varchar;
        begin
            select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
            from information_schema.columns
            where table_schema = 'CORE' and table_name = 'USERS' and column_name = 'USER_ID';
            execute immediate 'alter table core.users modify column user_id set masking policy ' || policy;
        end;
        return 'rebuilt';
    end if;
    create or replace transient table core.users__scope as
        with

        new_rows as (

            select *
            from core.events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and true

        ),
        delivered_again as (
            select uuid
            from staging.stg_amplitude__event_deliveries
            where loaded_at <= (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and uuid in (select uuid from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null))

        ),

        recomputed as (

            select distinct amplitude_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from delivered_again)
                and amplitude_id is not null

            union

            select distinct new_rows.amplitude_id
            from new_rows
            inner join core.users as model
                on new_rows.amplitude_id = model.amplitude_id
            where new_rows.event_time is null
                or model.last_seen_at is null
                or new_rows.event_time <= model.last_seen_at

        ),

        appended as (

            select new_rows.*
            from new_rows
            where not exists (
                select 1 from recomputed
                where recomputed.amplitude_id = new_rows.amplitude_id
            )

        ),

        held as (

            select model.*
            from core.users as model
            where (amplitude_id) in (select amplitude_id from appended)

        ),

        scoped as (

            select source_rows.*
            from (select * from core.events where true) as source_rows
            inner join recomputed
                on source_rows.amplitude_id = recomputed.amplitude_id

        ),

        entity_rows as (
            select * from scoped
            union all
            select * from appended

        ),

        latest_user_ids as (
            select
                amplitude_id,
                max_by(user_id, iff(user_id is null, null, coalesce(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS.FF6'), '0000-00-00 00:00:00.000000') || coalesce(coalesce(lpad(to_varchar(event_id), 20, '0'), '--------------------') || coalesce(uuid, ''), ''))) as user_id
            from entity_rows
            where user_id is not null
            group by amplitude_id

        ),

        activity as (

            select
                amplitude_id,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count,
                max(loaded_at) as loaded_at
            from entity_rows
            group by amplitude_id

        ),

        final as (
            select
                activity.amplitude_id,

                coalesce(latest_user_ids.user_id, held.user_id) as user_id,
                coalesce(held.first_seen_at, activity.first_seen_at) as first_seen_at,
                activity.last_seen_at,
                coalesce(held.event_count, 0) + activity.event_count as event_count,

                activity.loaded_at
            from activity
            left join latest_user_ids on activity.amplitude_id = latest_user_ids.amplitude_id

            left join held on activity.amplitude_id = held.amplitude_id

        )

        select distinct amplitude_id from recomputed;
    -- A scope of 0.5 of the model's rows or more: the full query makes the same rows for less.
    select count(*) into :scope_keys from core.users__scope;
    select count(*) into :model_rows from core.users;
    if (scope_keys > 0 and scope_keys >= model_rows * 0.5) then
        create or replace table core.users as
        with

        entity_rows as (

            select * from core.events
            where true

        ),

        latest_user_ids as (
            select
                amplitude_id,
                max_by(user_id, iff(user_id is null, null, coalesce(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS.FF6'), '0000-00-00 00:00:00.000000') || coalesce(coalesce(lpad(to_varchar(event_id), 20, '0'), '--------------------') || coalesce(uuid, ''), ''))) as user_id
            from entity_rows
            where user_id is not null
            group by amplitude_id

        ),

        activity as (

            select
                amplitude_id,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count,
                max(loaded_at) as loaded_at
            from entity_rows
            group by amplitude_id

        ),

        final as (
            select
                activity.amplitude_id,

                latest_user_ids.user_id,
                activity.first_seen_at,
                activity.last_seen_at,
                activity.event_count,

                activity.loaded_at
            from activity
            left join latest_user_ids on activity.amplitude_id = latest_user_ids.amplitude_id

        )

        select * from final;
        declare
            policy varchar;
        begin
            select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
            from information_schema.columns
            where table_schema = 'CORE' and table_name = 'USERS' and column_name = 'USER_ID';
            execute immediate 'alter table core.users modify column user_id set masking policy ' || policy;
        end;
        drop table if exists core.users__scope;
        return 'rebuilt: ' || scope_keys || ' key(s) to compute again of ' || model_rows || ' row(s)';
    end if;
    create or replace transient table core.users__increment as
        with

        new_rows as (

            select *
            from core.events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and true

        ),
        delivered_again as (
            select uuid
            from staging.stg_amplitude__event_deliveries
            where loaded_at <= (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and uuid in (select uuid from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null))

        ),

        recomputed as (

            select distinct amplitude_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from delivered_again)
                and amplitude_id is not null

            union

            select distinct new_rows.amplitude_id
            from new_rows
            inner join core.users as model
                on new_rows.amplitude_id = model.amplitude_id
            where new_rows.event_time is null
                or model.last_seen_at is null
                or new_rows.event_time <= model.last_seen_at

        ),

        appended as (

            select new_rows.*
            from new_rows
            where not exists (
                select 1 from recomputed
                where recomputed.amplitude_id = new_rows.amplitude_id
            )

        ),

        held as (

            select model.*
            from core.users as model
            where (amplitude_id) in (select amplitude_id from appended)

        ),

        scoped as (

            select source_rows.*
            from (select * from core.events where true) as source_rows
            inner join recomputed
                on source_rows.amplitude_id = recomputed.amplitude_id

        ),

        entity_rows as (
            select * from scoped
            union all
            select * from appended

        ),

        latest_user_ids as (
            select
                amplitude_id,
                max_by(user_id, iff(user_id is null, null, coalesce(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS.FF6'), '0000-00-00 00:00:00.000000') || coalesce(coalesce(lpad(to_varchar(event_id), 20, '0'), '--------------------') || coalesce(uuid, ''), ''))) as user_id
            from entity_rows
            where user_id is not null
            group by amplitude_id

        ),

        activity as (

            select
                amplitude_id,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count,
                max(loaded_at) as loaded_at
            from entity_rows
            group by amplitude_id

        ),

        final as (
            select
                activity.amplitude_id,

                coalesce(latest_user_ids.user_id, held.user_id) as user_id,
                coalesce(held.first_seen_at, activity.first_seen_at) as first_seen_at,
                activity.last_seen_at,
                coalesce(held.event_count, 0) + activity.event_count as event_count,

                activity.loaded_at
            from activity
            left join latest_user_ids on activity.amplitude_id = latest_user_ids.amplitude_id

            left join held on activity.amplitude_id = held.amplitude_id

        )

        select * from final;
    declare
        policy varchar;
    begin
        select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
        from information_schema.columns
        where table_schema = 'CORE' and table_name = 'USERS__INCREMENT' and column_name = 'USER_ID';
        execute immediate 'alter table core.users__increment modify column user_id set masking policy ' || policy;
    end;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'CORE' and table_name in ('USERS', 'USERS__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists core.users__increment;
        drop table if exists core.users__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('amplitude_id'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'CORE' and table_name = 'USERS__INCREMENT';
    select count(*) into :processed from core.users__increment;

    begin transaction;
    delete from core.users
    where (amplitude_id) in (select amplitude_id from core.users__scope);
    delete from core.users
    where (amplitude_id) in (select amplitude_id from core.users__increment);
    statement := 'insert into core.users (' || column_list || ') select ' || column_list || ' from core.users__increment';
    execute immediate statement;
    commit;

    drop table if exists core.users__increment;
    drop table if exists core.users__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 39 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_company_traffic(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table marts.company_traffic as
        with users as (

            select * from core.users

        ),

        locations as (

            select distinct amplitude_id, ip_address
            from restricted.locations
            where ip_address is not null

        ),

        free_mail_domains as (

            select domain from seeds.free_email_domains

        ),

        email_domains as (

            select
                amplitude_id,
                user_id,
                lower(split_part(user_id, '@', 2)) as email_domain
            from users
            where user_id like '%_@_%'

        ),

        company_users as (

            select email_domains.*
            from email_domains
            left join free_mail_domains on email_domains.email_domain = free_mail_domains.domain
            where free_mail_domains.domain is null

        ),

        office_networks as (
            select
                locations.ip_address,
                company_users.email_domain,
                count(distinct company_users.amplitude_id) as colleagues
            from locations
            inner join company_users on locations.amplitude_id = company_users.amplitude_id
            group by locations.ip_address, company_users.email_domain
            having count(distinct company_users.amplitude_id) >= 2

        ),

        by_network as (

            select
                locations.amplitude_id,
                office_networks.email_domain as suspected_company,
                max(office_networks.colleagues) as colleagues
            from locations
            inner join office_networks on locations.ip_address = office_networks.ip_address
            group by locations.amplitude_id, office_networks.email_domain

        ),

        attributed as (

            select
                users.amplitude_id,
                case when users.user_id like '%_@_%' then lower(split_part(users.user_id, '@', 2)) end as email_domain,
                coalesce(company_users.email_domain, by_network.suspected_company) as suspected_company,
                case
                    when company_users.email_domain is not null and by_network.suspected_company = company_users.email_domain
                        then 'email_domain+office_network'
                    when company_users.email_domain is not null then 'email_domain'
                    when users.user_id is null then 'anonymous_office_network'
                    else 'office_network'
                end as reasoning,
                coalesce(by_network.colleagues, 0) as colleagues_on_network
            from users
            left join company_users on users.amplitude_id = company_users.amplitude_id
            left join by_network
                on users.amplitude_id = by_network.amplitude_id
                and (company_users.email_domain is null or company_users.email_domain = by_network.suspected_company)
            where company_users.email_domain is not null or by_network.suspected_company is not null
            qualify row_number() over (
                partition by users.amplitude_id
                order by by_network.colleagues desc nulls last, by_network.suspected_company
            ) = 1

        ),

        final as (

            select
                amplitude_id,
                email_domain,
                suspected_company,
                reasoning,
                case
                    when reasoning in ('email_domain+office_network', 'email_domain') then 'high'
                    when reasoning = 'office_network' then 'medium'
                    else 'low'
                end as confidence,
                colleagues_on_network
            from attributed

        )

        select * from final;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 40 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_devices(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'core.devices has other columns than the model devices makes: run transform --full-refresh --select devices');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'CORE' and table_name = 'DEVICES' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table core.devices as
        with

        entity_rows as (

            select * from staging.stg_amplitude__events
            where device_id is not null

        ),

        ordered as (
            select
                entity_rows.*,
                coalesce(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS.FF6'), '0000-00-00 00:00:00.000000') || coalesce(uuid, '') as event_order
            from entity_rows

        ),

        described as (
            select
                device_id,
                max_by(device_family, iff(device_family is null, null, event_order)) as device_family,
                max_by(device_type, iff(device_type is null, null, event_order)) as device_type,
                max_by(device_model, iff(device_model is null, null, event_order)) as device_model,
                max_by(os_name, iff(os_name is null, null, event_order)) as os_name,
                max_by(os_version, iff(os_version is null, null, event_order)) as os_version,
                max_by(platform, iff(platform is null, null, event_order)) as platform,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                max(loaded_at) as loaded_at
            from ordered
            group by device_id

        ),

        final as (
            select
                described.device_id,
                described.device_family as device_family,
                described.device_type as device_type,
                described.device_model as device_model,
                described.os_name as os_name,
                described.os_version as os_version,
                described.platform as platform,
                described.first_seen_at as first_seen_at,
                described.last_seen_at,
                described.loaded_at
            from described

        )

        select * from final;
        return 'rebuilt';
    end if;
    create or replace transient table core.devices__scope as
        with

        new_rows as (

            select *
            from staging.stg_amplitude__events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and device_id is not null

        ),
        delivered_again as (
            select uuid
            from staging.stg_amplitude__event_deliveries
            where loaded_at <= (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and uuid in (select uuid from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null))

        ),

        recomputed as (

            select distinct device_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from delivered_again)
                and device_id is not null

            union

            select distinct new_rows.device_id
            from new_rows
            inner join core.devices as model
                on new_rows.device_id = model.device_id
            where new_rows.event_time is null
                or model.last_seen_at is null
                or new_rows.event_time <= model.last_seen_at

        ),

        appended as (

            select new_rows.*
            from new_rows
            where not exists (
                select 1 from recomputed
                where recomputed.device_id = new_rows.device_id
            )

        ),

        held as (

            select model.*
            from core.devices as model
            where (device_id) in (select device_id from appended)

        ),

        scoped as (

            select source_rows.*
            from (select * from staging.stg_amplitude__events where device_id is not null) as source_rows
            inner join recomputed
                on source_rows.device_id = recomputed.device_id

        ),

        entity_rows as (
            select * from scoped
            union all
            select * from appended

        ),

        ordered as (
            select
                entity_rows.*,
                coalesce(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS.FF6'), '0000-00-00 00:00:00.000000') || coalesce(uuid, '') as event_order
            from entity_rows

        ),

        described as (
            select
                device_id,
                max_by(device_family, iff(device_family is null, null, event_order)) as device_family,
                max_by(device_type, iff(device_type is null, null, event_order)) as device_type,
                max_by(device_model, iff(device_model is null, null, event_order)) as device_model,
                max_by(os_name, iff(os_name is null, null, event_order)) as os_name,
                max_by(os_version, iff(os_version is null, null, event_order)) as os_version,
                max_by(platform, iff(platform is null, null, event_order)) as platform,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                max(loaded_at) as loaded_at
            from ordered
            group by device_id

        ),

        final as (
            select
                described.device_id,
                coalesce(described.device_family, held.device_family) as device_family,
                coalesce(described.device_type, held.device_type) as device_type,
                coalesce(described.device_model, held.device_model) as device_model,
                coalesce(described.os_name, held.os_name) as os_name,
                coalesce(described.os_version, held.os_version) as os_version,
                coalesce(described.platform, held.platform) as platform,
                coalesce(held.first_seen_at, described.first_seen_at) as first_seen_at,
                described.last_seen_at,
                described.loaded_at
            from described

            left join held on described.device_id = held.device_id

        )

        select distinct device_id from recomputed;
    -- A scope of 0.5 of the model's rows or more: the full query makes the same rows for less.
    select count(*) into :scope_keys from core.devices__scope;
    select count(*) into :model_rows from core.devices;
    if (scope_keys > 0 and scope_keys >= model_rows * 0.5) then
        create or replace table core.devices as
        with

        entity_rows as (

            select * from staging.stg_amplitude__events
            where device_id is not null

        ),

        ordered as (
            select
                entity_rows.*,
                coalesce(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS.FF6'), '0000-00-00 00:00:00.000000') || coalesce(uuid, '') as event_order
            from entity_rows

        ),

        described as (
            select
                device_id,
                max_by(device_family, iff(device_family is null, null, event_order)) as device_family,
                max_by(device_type, iff(device_type is null, null, event_order)) as device_type,
                max_by(device_model, iff(device_model is null, null, event_order)) as device_model,
                max_by(os_name, iff(os_name is null, null, event_order)) as os_name,
                max_by(os_version, iff(os_version is null, null, event_order)) as os_version,
                max_by(platform, iff(platform is null, null, event_order)) as platform,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                max(loaded_at) as loaded_at
            from ordered
            group by device_id

        ),

        final as (
            select
                described.device_id,
                described.device_family as device_family,
                described.device_type as device_type,
                described.device_model as device_model,
                described.os_name as os_name,
                described.os_version as os_version,
                described.platform as platform,
                described.first_seen_at as first_seen_at,
                described.last_seen_at,
                described.loaded_at
            from described

        )

        select * from final;
        drop table if exists core.devices__scope;
        return 'rebuilt: ' || scope_keys || ' key(s) to compute again of ' || model_rows || ' row(s)';
    end if;
    create or replace transient table core.devices__increment as
        with

        new_rows as (

            select *
            from staging.stg_amplitude__events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and device_id is not null

        ),
        delivered_again as (
            select uuid
            from staging.stg_amplitude__event_deliveries
            where loaded_at <= (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and uuid in (select uuid from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null))

        ),

        recomputed as (

            select distinct device_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from delivered_again)
                and device_id is not null

            union

            select distinct new_rows.device_id
            from new_rows
            inner join core.devices as model
                on new_rows.device_id = model.device_id
            where new_rows.event_time is null
                or model.last_seen_at is null
                or new_rows.event_time <= model.last_seen_at

        ),

        appended as (

            select new_rows.*
            from new_rows
            where not exists (
                select 1 from recomputed
                where recomputed.device_id = new_rows.device_id
            )

        ),

        held as (

            select model.*
            from core.devices as model
            where (device_id) in (select device_id from appended)

        ),

        scoped as (

            select source_rows.*
            from (select * from staging.stg_amplitude__events where device_id is not null) as source_rows
            inner join recomputed
                on source_rows.device_id = recomputed.device_id

        ),

        entity_rows as (
            select * from scoped
            union all
            select * from appended

        ),

        ordered as (
            select
                entity_rows.*,
                coalesce(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS.FF6'), '0000-00-00 00:00:00.000000') || coalesce(uuid, '') as event_order
            from entity_rows

        ),

        described as (
            select
                device_id,
                max_by(device_family, iff(device_family is null, null, event_order)) as device_family,
                max_by(device_type, iff(device_type is null, null, event_order)) as device_type,
                max_by(device_model, iff(device_model is null, null, event_order)) as device_model,
                max_by(os_name, iff(os_name is null, null, event_order)) as os_name,
                max_by(os_version, iff(os_version is null, null, event_order)) as os_version,
                max_by(platform, iff(platform is null, null, event_order)) as platform,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                max(loaded_at) as loaded_at
            from ordered
            group by device_id

        ),

        final as (
            select
                described.device_id,
                coalesce(described.device_family, held.device_family) as device_family,
                coalesce(described.device_type, held.device_type) as device_type,
                coalesce(described.device_model, held.device_model) as device_model,
                coalesce(described.os_name, held.os_name) as os_name,
                coalesce(described.os_version, held.os_version) as os_version,
                coalesce(described.platform, held.platform) as platform,
                coalesce(held.first_seen_at, described.first_seen_at) as first_seen_at,
                described.last_seen_at,
                described.loaded_at
            from described

            left join held on described.device_id = held.device_id

        )

        select * from final;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'CORE' and table_name in ('DEVICES', 'DEVICES__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists core.devices__increment;
        drop table if exists core.devices__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('device_id'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'CORE' and table_name = 'DEVICES__INCREMENT';
    select count(*) into :processed from core.devices__increment;

    begin transaction;
    delete from core.devices
    where (device_id) in (select device_id from core.devices__scope);
    delete from core.devices
    where (device_id) in (select device_id from core.devices__increment);
    statement := 'insert into core.devices (' || column_list || ') select ' || column_list || ' from core.devices__increment';
    execute immediate statement;
    commit;

    drop table if exists core.devices__increment;
    drop table if exists core.devices__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 41 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_stg_amplitude__event_categories(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table staging.stg_amplitude__event_categories as
        with

        snapshot_files as (

            select max(source_file) as source_file
            from raw.amplitude_snapshots
            where object = 'event_categories'
            group by regexp_replace(source_file, '/[^/]*$', '')

        ),

        records as (

            select
                snapshot_lines.json_data,
                snapshot_lines.source_file,
                snapshot_lines.file_row_number,
                snapshot_lines.loaded_at,
                try_to_timestamp_ntz(split_part(regexp_replace(snapshot_lines.source_file, '^.*/', ''), '_', 1), 'YYYYMMDD"T"HH24MISS.FF3"Z"') as snapshot_taken_at,
                try_cast(replace(split_part(snapshot_lines.source_file, '/', 3), 'app=', '') as bigint) as app_id
            from raw.amplitude_snapshots as snapshot_lines
            where snapshot_lines.object = 'event_categories'
                and snapshot_lines.source_file in (select source_file from snapshot_files)
                and strip_null_value(snapshot_lines.json_data:"$snapshot") is null

        ),

        parsed as (

            select
                json_data as record,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from records

        ),

        typed as (

            select
                iff(regexp_like(strip_null_value(record:"id")::varchar, '-?[0-9]{1,18}'), try_to_number(strip_null_value(record:"id")::varchar), null) as category_id,
                strip_null_value(record:"name")::varchar as category_name,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from parsed

        ),

        final as (

            select * from typed

        )

        select * from final;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 42 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_stg_amplitude__event_types(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table staging.stg_amplitude__event_types as
        with

        snapshot_files as (

            select max(source_file) as source_file
            from raw.amplitude_snapshots
            where object = 'event_types'
            group by regexp_replace(source_file, '/[^/]*$', '')

        ),

        records as (

            select
                snapshot_lines.json_data,
                snapshot_lines.source_file,
                snapshot_lines.file_row_number,
                snapshot_lines.loaded_at,
                try_to_timestamp_ntz(split_part(regexp_replace(snapshot_lines.source_file, '^.*/', ''), '_', 1), 'YYYYMMDD"T"HH24MISS.FF3"Z"') as snapshot_taken_at,
                try_cast(replace(split_part(snapshot_lines.source_file, '/', 3), 'app=', '') as bigint) as app_id
            from raw.amplitude_snapshots as snapshot_lines
            where snapshot_lines.object = 'event_types'
                and snapshot_lines.source_file in (select source_file from snapshot_files)
                and strip_null_value(snapshot_lines.json_data:"$snapshot") is null

        ),

        parsed as (

            select
                json_data as record,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from records

        ),

        typed as (

            select
                strip_null_value(record:"event_type")::varchar as event_type,
                strip_null_value(record:"category") as category,
                strip_null_value(record:"description")::varchar as description,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from parsed

        ),

        final as (

            select
                event_type,
                strip_null_value(category:"name")::varchar as category_name,
                description,
                app_id,
                snapshot_taken_at,
                source_file,
                file_row_number,
                loaded_at
            from typed

        )

        select * from final;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 43 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_event_categories(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table core.event_categories as
        with categories as (

            select * from staging.stg_amplitude__event_categories

        ),

        taxonomy as (

            select * from staging.stg_amplitude__event_types

        ),

        event_types as (

            select category_name, count(*) as event_type_count
            from taxonomy
            where category_name is not null
            group by category_name

        ),

        final as (

            select
                categories.category_id,
                categories.category_name,
                coalesce(event_types.event_type_count, 0) as event_type_count
            from categories
            left join event_types on categories.category_name = event_types.category_name

        )

        select * from final;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 44 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_event_types(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table core.event_types as
        with taxonomy as (

            select * from staging.stg_amplitude__event_types

        ),

        categories as (

            select * from staging.stg_amplitude__event_categories

        ),

        events as (

            select event_type, event_time from core.events

        ),

        category_ids as (
            select category_name, category_id
            from categories
            qualify row_number() over (partition by category_name order by category_id) = 1

        ),

        seen as (

            select
                event_type,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count
            from events
            group by event_type

        ),

        final as (

            select
                coalesce(taxonomy.event_type, seen.event_type) as event_type,
                taxonomy.category_name,
                category_ids.category_id,
                taxonomy.description,
                taxonomy.event_type is not null as in_taxonomy,
                seen.first_seen_at,
                seen.last_seen_at,
                coalesce(seen.event_count, 0) as event_count
            from taxonomy
            full outer join seen on taxonomy.event_type = seen.event_type
            left join category_ids on taxonomy.category_name = category_ids.category_name

        )

        select * from final;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 45 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_stg_amplitude__event_groups(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'staging.stg_amplitude__event_groups has other columns than the model stg_amplitude__event_groups makes: run transform --full-refresh --select stg_amplitude__event_groups');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENT_GROUPS' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table staging.stg_amplitude__event_groups as
        with deliveries as (

            select
                uuid,
                amplitude_id,
                event_time,
                event_groups,
                group_properties,
                source_file,
                file_row_number,
                loaded_at
            from staging.stg_amplitude__event_deliveries

        ),

        grouped as (

            select * from deliveries
            where event_groups is not null

        ),

        group_values as (

            select
                grouped.source_file,
                grouped.file_row_number,
                grouped.uuid,
                grouped.amplitude_id,
                grouped.event_time,
                grouped.loaded_at,
                type_entry.key as group_type,
                iff(is_array(type_entry.value), type_entry.value, to_variant(array_construct(type_entry.value))) as group_names
            from grouped, lateral flatten(input => grouped.event_groups) as type_entry

        ),

        group_names as (

            select
                group_values.*,
                case typeof(name_entry.value)
                    when 'NULL_VALUE' then null
                    when 'VARCHAR' then name_entry.value::varchar
                    when 'BOOLEAN' then name_entry.value::varchar
                    when 'INTEGER' then name_entry.value::varchar
                    when 'DECIMAL' then rtrim(rtrim(iff(abs(name_entry.value::double) < 1e28, to_varchar(name_entry.value::number(38, 9)), null), '0'), '.')
                    when 'DOUBLE' then rtrim(rtrim(iff(abs(name_entry.value::double) < 1e28, to_varchar(name_entry.value::number(38, 9)), null), '0'), '.')
                    else to_json(name_entry.value)
                end as group_name
            from group_values, lateral flatten(input => group_values.group_names) as name_entry

        ),

        properties as (

            select
                grouped.source_file,
                grouped.file_row_number,
                type_entry.key as group_type,
                name_entry.key as group_name,
                name_entry.value as group_properties
            from grouped,
                lateral flatten(input => grouped.group_properties) as type_entry,
                lateral flatten(input => type_entry.value) as name_entry

        ),

        final as (
            select distinct
                group_names.uuid,
                group_names.amplitude_id,
                group_names.event_time,
                group_names.group_type,
                group_names.group_name,
                properties.group_properties,
                group_names.source_file,
                group_names.file_row_number,
                group_names.loaded_at
            from group_names
            left join properties
                on group_names.source_file = properties.source_file
                and group_names.file_row_number = properties.file_row_number
                and group_names.group_type = properties.group_type
                and group_names.group_name = properties.group_name
            where group_names.group_name is not null and group_names.group_name <> ''

        )

        select * from final;
        return 'rebuilt';
    end if;
    create or replace transient table staging.stg_amplitude__event_groups__increment as
        with deliveries as (

            select
                uuid,
                amplitude_id,
                event_time,
                event_groups,
                group_properties,
                source_file,
                file_row_number,
                loaded_at
            from staging.stg_amplitude__event_deliveries

            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        grouped as (

            select * from deliveries
            where event_groups is not null

        ),

        group_values as (

            select
                grouped.source_file,
                grouped.file_row_number,
                grouped.uuid,
                grouped.amplitude_id,
                grouped.event_time,
                grouped.loaded_at,
                type_entry.key as group_type,
                iff(is_array(type_entry.value), type_entry.value, to_variant(array_construct(type_entry.value))) as group_names
            from grouped, lateral flatten(input => grouped.event_groups) as type_entry

        ),

        group_names as (

            select
                group_values.*,
                case typeof(name_entry.value)
                    when 'NULL_VALUE' then null
                    when 'VARCHAR' then name_entry.value::varchar
                    when 'BOOLEAN' then name_entry.value::varchar
                    when 'INTEGER' then name_entry.value::varchar
                    when 'DECIMAL' then rtrim(rtrim(iff(abs(name_entry.value::double) < 1e28, to_varchar(name_entry.value::number(38, 9)), null), '0'), '.')
                    when 'DOUBLE' then rtrim(rtrim(iff(abs(name_entry.value::double) < 1e28, to_varchar(name_entry.value::number(38, 9)), null), '0'), '.')
                    else to_json(name_entry.value)
                end as group_name
            from group_values, lateral flatten(input => group_values.group_names) as name_entry

        ),

        properties as (

            select
                grouped.source_file,
                grouped.file_row_number,
                type_entry.key as group_type,
                name_entry.key as group_name,
                name_entry.value as group_properties
            from grouped,
                lateral flatten(input => grouped.group_properties) as type_entry,
                lateral flatten(input => type_entry.value) as name_entry

        ),

        final as (
            select distinct
                group_names.uuid,
                group_names.amplitude_id,
                group_names.event_time,
                group_names.group_type,
                group_names.group_name,
                properties.group_properties,
                group_names.source_file,
                group_names.file_row_number,
                group_names.loaded_at
            from group_names
            left join properties
                on group_names.source_file = properties.source_file
                and group_names.file_row_number = properties.file_row_number
                and group_names.group_type = properties.group_type
                and group_names.group_name = properties.group_name
            where group_names.group_name is not null and group_names.group_name <> ''

        )

        select * from final;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'STAGING' and table_name in ('STG_AMPLITUDE__EVENT_GROUPS', 'STG_AMPLITUDE__EVENT_GROUPS__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists staging.stg_amplitude__event_groups__increment;
        drop table if exists staging.stg_amplitude__event_groups__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('source_file', 'file_row_number'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENT_GROUPS__INCREMENT';
    select count(*) into :processed from staging.stg_amplitude__event_groups__increment;

    begin transaction;
    delete from staging.stg_amplitude__event_groups
    where (source_file, file_row_number) in (select source_file, file_row_number from staging.stg_amplitude__event_groups__increment);
    statement := 'insert into staging.stg_amplitude__event_groups (' || column_list || ') select ' || column_list || ' from staging.stg_amplitude__event_groups__increment';
    execute immediate statement;
    commit;

    drop table if exists staging.stg_amplitude__event_groups__increment;
    drop table if exists staging.stg_amplitude__event_groups__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 46 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_user_groups(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'core.user_groups has other columns than the model user_groups makes: run transform --full-refresh --select user_groups');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'CORE' and table_name = 'USER_GROUPS' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table core.user_groups as
        with

        memberships as (

            select group_deliveries.*
            from staging.stg_amplitude__event_groups as group_deliveries
            inner join (select source_file, file_row_number from staging.stg_amplitude__events) as latest_deliveries
                on group_deliveries.source_file = latest_deliveries.source_file
                and group_deliveries.file_row_number = latest_deliveries.file_row_number

        ),

        membership_rows as (
            select * from memberships

        ),

        property_candidates as (
            select amplitude_id, group_type, group_name, group_properties, event_time, uuid
            from membership_rows
            where group_properties is not null

        ),

        latest_properties as (

            select *
            from property_candidates
            qualify row_number() over (
                partition by amplitude_id, group_type, group_name
                order by event_time desc nulls last, uuid desc nulls last
            ) = 1

        ),

        activity as (

            select
                amplitude_id,
                group_type,
                group_name,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count,
                max(loaded_at) as loaded_at
            from membership_rows
            group by amplitude_id, group_type, group_name

        ),

        final as (
            select
                activity.amplitude_id,
                activity.group_type,
                activity.group_name,
                activity.first_seen_at as first_seen_at,
                activity.last_seen_at,
                activity.event_count as event_count,
                latest_properties.group_properties,
                latest_properties.event_time as group_properties_event_time,
                latest_properties.uuid as group_properties_uuid,
                activity.loaded_at
            from activity
            left join latest_properties
                on activity.amplitude_id = latest_properties.amplitude_id
                and activity.group_type = latest_properties.group_type
                and activity.group_name = latest_properties.group_name

        )

        select * from final;
        return 'rebuilt';
    end if;
    create or replace transient table core.user_groups__scope as
        with

        new_memberships as (
            select group_deliveries.*
            from staging.stg_amplitude__event_groups as group_deliveries
            where group_deliveries.loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and (group_deliveries.source_file, group_deliveries.file_row_number) in (
                    select source_file, file_row_number
                    from staging.stg_amplitude__events
                    where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                )

        ),
        delivered_again as (
            select uuid
            from staging.stg_amplitude__event_deliveries
            where loaded_at <= (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and uuid in (select uuid from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null))

        ),

        recomputed as (

            select distinct amplitude_id, group_type, group_name
            from staging.stg_amplitude__event_groups
            where uuid in (select uuid from delivered_again)

            union

            select distinct new_memberships.amplitude_id, new_memberships.group_type, new_memberships.group_name
            from new_memberships
            inner join core.user_groups as model
                on new_memberships.amplitude_id = model.amplitude_id and new_memberships.group_type = model.group_type and new_memberships.group_name = model.group_name
            where new_memberships.event_time is null
                or model.last_seen_at is null
                or new_memberships.event_time <= model.last_seen_at

        ),

        appended as (

            select new_memberships.*
            from new_memberships
            where not exists (
                select 1 from recomputed
                where recomputed.amplitude_id = new_memberships.amplitude_id and recomputed.group_type = new_memberships.group_type and recomputed.group_name = new_memberships.group_name
            )

        ),

        held as (

            select model.*
            from core.user_groups as model
            where (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from appended)

        ),

        memberships as (

            select group_deliveries.*
            from staging.stg_amplitude__event_groups as group_deliveries
            inner join (select source_file, file_row_number from staging.stg_amplitude__events) as latest_deliveries
                on group_deliveries.source_file = latest_deliveries.source_file
                and group_deliveries.file_row_number = latest_deliveries.file_row_number

            where (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from recomputed)

        ),

        membership_rows as (
            select * from memberships

            union all
            select * from appended

        ),

        property_candidates as (
            select amplitude_id, group_type, group_name, group_properties, event_time, uuid
            from membership_rows
            where group_properties is not null

            union all
            select amplitude_id, group_type, group_name, group_properties, group_properties_event_time, group_properties_uuid
            from held
            where group_properties is not null

        ),

        latest_properties as (

            select *
            from property_candidates
            qualify row_number() over (
                partition by amplitude_id, group_type, group_name
                order by event_time desc nulls last, uuid desc nulls last
            ) = 1

        ),

        activity as (

            select
                amplitude_id,
                group_type,
                group_name,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count,
                max(loaded_at) as loaded_at
            from membership_rows
            group by amplitude_id, group_type, group_name

        ),

        final as (
            select
                activity.amplitude_id,
                activity.group_type,
                activity.group_name,
                coalesce(held.first_seen_at, activity.first_seen_at) as first_seen_at,
                activity.last_seen_at,
                activity.event_count + coalesce(held.event_count, 0) as event_count,
                latest_properties.group_properties,
                latest_properties.event_time as group_properties_event_time,
                latest_properties.uuid as group_properties_uuid,
                activity.loaded_at
            from activity
            left join latest_properties
                on activity.amplitude_id = latest_properties.amplitude_id
                and activity.group_type = latest_properties.group_type
                and activity.group_name = latest_properties.group_name

            left join held
                on activity.amplitude_id = held.amplitude_id
                and activity.group_type = held.group_type
                and activity.group_name = held.group_name

        )

        select distinct amplitude_id, group_type, group_name from recomputed;
    -- A scope of 0.5 of the model's rows or more: the full query makes the same rows for less.
    select count(*) into :scope_keys from core.user_groups__scope;
    select count(*) into :model_rows from core.user_groups;
    if (scope_keys > 0 and scope_keys >= model_rows * 0.5) then
        create or replace table core.user_groups as
        with

        memberships as (

            select group_deliveries.*
            from staging.stg_amplitude__event_groups as group_deliveries
            inner join (select source_file, file_row_number from staging.stg_amplitude__events) as latest_deliveries
                on group_deliveries.source_file = latest_deliveries.source_file
                and group_deliveries.file_row_number = latest_deliveries.file_row_number

        ),

        membership_rows as (
            select * from memberships

        ),

        property_candidates as (
            select amplitude_id, group_type, group_name, group_properties, event_time, uuid
            from membership_rows
            where group_properties is not null

        ),

        latest_properties as (

            select *
            from property_candidates
            qualify row_number() over (
                partition by amplitude_id, group_type, group_name
                order by event_time desc nulls last, uuid desc nulls last
            ) = 1

        ),

        activity as (

            select
                amplitude_id,
                group_type,
                group_name,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count,
                max(loaded_at) as loaded_at
            from membership_rows
            group by amplitude_id, group_type, group_name

        ),

        final as (
            select
                activity.amplitude_id,
                activity.group_type,
                activity.group_name,
                activity.first_seen_at as first_seen_at,
                activity.last_seen_at,
                activity.event_count as event_count,
                latest_properties.group_properties,
                latest_properties.event_time as group_properties_event_time,
                latest_properties.uuid as group_properties_uuid,
                activity.loaded_at
            from activity
            left join latest_properties
                on activity.amplitude_id = latest_properties.amplitude_id
                and activity.group_type = latest_properties.group_type
                and activity.group_name = latest_properties.group_name

        )

        select * from final;
        drop table if exists core.user_groups__scope;
        return 'rebuilt: ' || scope_keys || ' key(s) to compute again of ' || model_rows || ' row(s)';
    end if;
    create or replace transient table core.user_groups__increment as
        with

        new_memberships as (
            select group_deliveries.*
            from staging.stg_amplitude__event_groups as group_deliveries
            where group_deliveries.loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and (group_deliveries.source_file, group_deliveries.file_row_number) in (
                    select source_file, file_row_number
                    from staging.stg_amplitude__events
                    where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                )

        ),
        delivered_again as (
            select uuid
            from staging.stg_amplitude__event_deliveries
            where loaded_at <= (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                and uuid in (select uuid from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null))

        ),

        recomputed as (

            select distinct amplitude_id, group_type, group_name
            from staging.stg_amplitude__event_groups
            where uuid in (select uuid from delivered_again)

            union

            select distinct new_memberships.amplitude_id, new_memberships.group_type, new_memberships.group_name
            from new_memberships
            inner join core.user_groups as model
                on new_memberships.amplitude_id = model.amplitude_id and new_memberships.group_type = model.group_type and new_memberships.group_name = model.group_name
            where new_memberships.event_time is null
                or model.last_seen_at is null
                or new_memberships.event_time <= model.last_seen_at

        ),

        appended as (

            select new_memberships.*
            from new_memberships
            where not exists (
                select 1 from recomputed
                where recomputed.amplitude_id = new_memberships.amplitude_id and recomputed.group_type = new_memberships.group_type and recomputed.group_name = new_memberships.group_name
            )

        ),

        held as (

            select model.*
            from core.user_groups as model
            where (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from appended)

        ),

        memberships as (

            select group_deliveries.*
            from staging.stg_amplitude__event_groups as group_deliveries
            inner join (select source_file, file_row_number from staging.stg_amplitude__events) as latest_deliveries
                on group_deliveries.source_file = latest_deliveries.source_file
                and group_deliveries.file_row_number = latest_deliveries.file_row_number

            where (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from recomputed)

        ),

        membership_rows as (
            select * from memberships

            union all
            select * from appended

        ),

        property_candidates as (
            select amplitude_id, group_type, group_name, group_properties, event_time, uuid
            from membership_rows
            where group_properties is not null

            union all
            select amplitude_id, group_type, group_name, group_properties, group_properties_event_time, group_properties_uuid
            from held
            where group_properties is not null

        ),

        latest_properties as (

            select *
            from property_candidates
            qualify row_number() over (
                partition by amplitude_id, group_type, group_name
                order by event_time desc nulls last, uuid desc nulls last
            ) = 1

        ),

        activity as (

            select
                amplitude_id,
                group_type,
                group_name,
                min(event_time) as first_seen_at,
                max(event_time) as last_seen_at,
                count(*) as event_count,
                max(loaded_at) as loaded_at
            from membership_rows
            group by amplitude_id, group_type, group_name

        ),

        final as (
            select
                activity.amplitude_id,
                activity.group_type,
                activity.group_name,
                coalesce(held.first_seen_at, activity.first_seen_at) as first_seen_at,
                activity.last_seen_at,
                activity.event_count + coalesce(held.event_count, 0) as event_count,
                latest_properties.group_properties,
                latest_properties.event_time as group_properties_event_time,
                latest_properties.uuid as group_properties_uuid,
                activity.loaded_at
            from activity
            left join latest_properties
                on activity.amplitude_id = latest_properties.amplitude_id
                and activity.group_type = latest_properties.group_type
                and activity.group_name = latest_properties.group_name

            left join held
                on activity.amplitude_id = held.amplitude_id
                and activity.group_type = held.group_type
                and activity.group_name = held.group_name

        )

        select * from final;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'CORE' and table_name in ('USER_GROUPS', 'USER_GROUPS__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists core.user_groups__increment;
        drop table if exists core.user_groups__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('amplitude_id', 'group_type', 'group_name'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'CORE' and table_name = 'USER_GROUPS__INCREMENT';
    select count(*) into :processed from core.user_groups__increment;

    begin transaction;
    delete from core.user_groups
    where (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from core.user_groups__scope);
    delete from core.user_groups
    where (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from core.user_groups__increment);
    statement := 'insert into core.user_groups (' || column_list || ') select ' || column_list || ' from core.user_groups__increment';
    execute immediate statement;
    commit;

    drop table if exists core.user_groups__increment;
    drop table if exists core.user_groups__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 47 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_groups(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table core.groups as
        with

        memberships as (

            select * from core.user_groups

        ),

        latest_properties as (
            select group_type, group_name, group_properties
            from memberships
            where group_properties is not null
            qualify row_number() over (
                partition by group_type, group_name
                order by group_properties_event_time desc nulls last, group_properties_uuid desc nulls last, amplitude_id
            ) = 1

        ),

        activity as (

            select
                group_type,
                group_name,
                min(first_seen_at) as first_seen_at,
                max(last_seen_at) as last_seen_at,
                cast(sum(event_count) as bigint) as event_count,
                count(distinct amplitude_id) as user_count,
                max(loaded_at) as loaded_at
            from memberships
            group by group_type, group_name

        ),

        final as (

            select
                activity.group_type,
                activity.group_name,
                latest_properties.group_properties,
                activity.first_seen_at,
                activity.last_seen_at,
                activity.event_count,
                activity.user_count,
                activity.loaded_at
            from activity
            left join latest_properties
                on activity.group_type = latest_properties.group_type
                and activity.group_name = latest_properties.group_name

        )

        select * from final;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 48 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_page_paths(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'marts.page_paths has other columns than the model page_paths makes: run transform --full-refresh --select page_paths');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'MARTS' and table_name = 'PAGE_PATHS' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table marts.page_paths as
        with events as (

            select * from core.events
            where session_id is not null and session_id <> -1

        ),

        scoped as (

            select * from events

        ),

        carried as (

            select
                uuid,
                amplitude_id,
                session_id,
                event_id,
                event_time,
                event_type,
                loaded_at,
                row_number() over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                ) as step_in_session,
                last_value(page_counter) ignore nulls over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                    rows between unbounded preceding and current row
                ) as page_counter,
                nullif(
                    last_value(case when event_type = '[Amplitude] Page Viewed' then coalesce(page_path, '') else page_path end) ignore nulls over (
                        partition by amplitude_id, session_id
                        order by event_time, event_id, uuid
                        rows between unbounded preceding and current row
                    ),
                    ''
                ) as page_path,
                last_value(page_title) ignore nulls over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                    rows between unbounded preceding and current row
                ) as page_title,
                element_selector,
                element_text,
                form_id
            from scoped

        ),

        page_views as (

            select
                uuid,
                lead(event_time) over (
                    partition by amplitude_id, session_id
                    order by step_in_session
                ) as next_page_view_at,
                row_number() over (
                    partition by amplitude_id, session_id
                    order by step_in_session
                ) as page_view_in_session,
                count(*) over (partition by amplitude_id, session_id) as page_views_in_session
            from carried
            where event_type = '[Amplitude] Page Viewed'

        ),

        final as (

            select
                carried.uuid,
                carried.amplitude_id,
                carried.session_id,
                carried.step_in_session,
                carried.event_id,
                carried.event_time,
                carried.event_type,
                carried.page_counter,
                carried.page_path,
                carried.page_title,
                carried.element_selector,
                carried.element_text,
                carried.form_id,
                lag(carried.page_path) over (
                    partition by carried.amplitude_id, carried.session_id
                    order by carried.step_in_session
                ) as previous_step_page_path,
                datediff('millisecond', carried.event_time, page_views.next_page_view_at) / 1000.0 as time_on_page_seconds,
                coalesce(page_views.page_view_in_session = 1, false) as is_entry_page,
                coalesce(page_views.page_view_in_session = page_views.page_views_in_session, false) as is_exit_page,
                max(carried.loaded_at) over (partition by carried.amplitude_id, carried.session_id) as loaded_at
            from carried
            left join page_views on carried.uuid = page_views.uuid

        )

        select * from final;
        return 'rebuilt';
    end if;
    create or replace transient table marts.page_paths__scope as
        with events as (

            select * from core.events
            where session_id is not null and session_id <> -1

        ),

        redelivered as (

            select uuid
            from core.events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        touched as (

            select distinct amplitude_id, session_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from redelivered)

        ),

        scoped as (

            select events.*
            from events
            inner join touched
                on events.amplitude_id = touched.amplitude_id
                and events.session_id = touched.session_id

        ),

        carried as (

            select
                uuid,
                amplitude_id,
                session_id,
                event_id,
                event_time,
                event_type,
                loaded_at,
                row_number() over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                ) as step_in_session,
                last_value(page_counter) ignore nulls over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                    rows between unbounded preceding and current row
                ) as page_counter,
                nullif(
                    last_value(case when event_type = '[Amplitude] Page Viewed' then coalesce(page_path, '') else page_path end) ignore nulls over (
                        partition by amplitude_id, session_id
                        order by event_time, event_id, uuid
                        rows between unbounded preceding and current row
                    ),
                    ''
                ) as page_path,
                last_value(page_title) ignore nulls over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                    rows between unbounded preceding and current row
                ) as page_title,
                element_selector,
                element_text,
                form_id
            from scoped

        ),

        page_views as (

            select
                uuid,
                lead(event_time) over (
                    partition by amplitude_id, session_id
                    order by step_in_session
                ) as next_page_view_at,
                row_number() over (
                    partition by amplitude_id, session_id
                    order by step_in_session
                ) as page_view_in_session,
                count(*) over (partition by amplitude_id, session_id) as page_views_in_session
            from carried
            where event_type = '[Amplitude] Page Viewed'

        ),

        final as (

            select
                carried.uuid,
                carried.amplitude_id,
                carried.session_id,
                carried.step_in_session,
                carried.event_id,
                carried.event_time,
                carried.event_type,
                carried.page_counter,
                carried.page_path,
                carried.page_title,
                carried.element_selector,
                carried.element_text,
                carried.form_id,
                lag(carried.page_path) over (
                    partition by carried.amplitude_id, carried.session_id
                    order by carried.step_in_session
                ) as previous_step_page_path,
                datediff('millisecond', carried.event_time, page_views.next_page_view_at) / 1000.0 as time_on_page_seconds,
                coalesce(page_views.page_view_in_session = 1, false) as is_entry_page,
                coalesce(page_views.page_view_in_session = page_views.page_views_in_session, false) as is_exit_page,
                max(carried.loaded_at) over (partition by carried.amplitude_id, carried.session_id) as loaded_at
            from carried
            left join page_views on carried.uuid = page_views.uuid

        )

        select distinct amplitude_id, session_id from touched;
    -- A scope of 0.5 of the model's rows or more: the full query makes the same rows for less.
    select count(*) into :scope_keys from marts.page_paths__scope;
    select count(*) into :model_rows from marts.page_paths;
    if (scope_keys > 0 and scope_keys >= model_rows * 0.5) then
        create or replace table marts.page_paths as
        with events as (

            select * from core.events
            where session_id is not null and session_id <> -1

        ),

        scoped as (

            select * from events

        ),

        carried as (

            select
                uuid,
                amplitude_id,
                session_id,
                event_id,
                event_time,
                event_type,
                loaded_at,
                row_number() over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                ) as step_in_session,
                last_value(page_counter) ignore nulls over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                    rows between unbounded preceding and current row
                ) as page_counter,
                nullif(
                    last_value(case when event_type = '[Amplitude] Page Viewed' then coalesce(page_path, '') else page_path end) ignore nulls over (
                        partition by amplitude_id, session_id
                        order by event_time, event_id, uuid
                        rows between unbounded preceding and current row
                    ),
                    ''
                ) as page_path,
                last_value(page_title) ignore nulls over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                    rows between unbounded preceding and current row
                ) as page_title,
                element_selector,
                element_text,
                form_id
            from scoped

        ),

        page_views as (

            select
                uuid,
                lead(event_time) over (
                    partition by amplitude_id, session_id
                    order by step_in_session
                ) as next_page_view_at,
                row_number() over (
                    partition by amplitude_id, session_id
                    order by step_in_session
                ) as page_view_in_session,
                count(*) over (partition by amplitude_id, session_id) as page_views_in_session
            from carried
            where event_type = '[Amplitude] Page Viewed'

        ),

        final as (

            select
                carried.uuid,
                carried.amplitude_id,
                carried.session_id,
                carried.step_in_session,
                carried.event_id,
                carried.event_time,
                carried.event_type,
                carried.page_counter,
                carried.page_path,
                carried.page_title,
                carried.element_selector,
                carried.element_text,
                carried.form_id,
                lag(carried.page_path) over (
                    partition by carried.amplitude_id, carried.session_id
                    order by carried.step_in_session
                ) as previous_step_page_path,
                datediff('millisecond', carried.event_time, page_views.next_page_view_at) / 1000.0 as time_on_page_seconds,
                coalesce(page_views.page_view_in_session = 1, false) as is_entry_page,
                coalesce(page_views.page_view_in_session = page_views.page_views_in_session, false) as is_exit_page,
                max(carried.loaded_at) over (partition by carried.amplitude_id, carried.session_id) as loaded_at
            from carried
            left join page_views on carried.uuid = page_views.uuid

        )

        select * from final;
        drop table if exists marts.page_paths__scope;
        return 'rebuilt: ' || scope_keys || ' key(s) to compute again of ' || model_rows || ' row(s)';
    end if;
    create or replace transient table marts.page_paths__increment as
        with events as (

            select * from core.events
            where session_id is not null and session_id <> -1

        ),

        redelivered as (

            select uuid
            from core.events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        touched as (

            select distinct amplitude_id, session_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from redelivered)

        ),

        scoped as (

            select events.*
            from events
            inner join touched
                on events.amplitude_id = touched.amplitude_id
                and events.session_id = touched.session_id

        ),

        carried as (

            select
                uuid,
                amplitude_id,
                session_id,
                event_id,
                event_time,
                event_type,
                loaded_at,
                row_number() over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                ) as step_in_session,
                last_value(page_counter) ignore nulls over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                    rows between unbounded preceding and current row
                ) as page_counter,
                nullif(
                    last_value(case when event_type = '[Amplitude] Page Viewed' then coalesce(page_path, '') else page_path end) ignore nulls over (
                        partition by amplitude_id, session_id
                        order by event_time, event_id, uuid
                        rows between unbounded preceding and current row
                    ),
                    ''
                ) as page_path,
                last_value(page_title) ignore nulls over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                    rows between unbounded preceding and current row
                ) as page_title,
                element_selector,
                element_text,
                form_id
            from scoped

        ),

        page_views as (

            select
                uuid,
                lead(event_time) over (
                    partition by amplitude_id, session_id
                    order by step_in_session
                ) as next_page_view_at,
                row_number() over (
                    partition by amplitude_id, session_id
                    order by step_in_session
                ) as page_view_in_session,
                count(*) over (partition by amplitude_id, session_id) as page_views_in_session
            from carried
            where event_type = '[Amplitude] Page Viewed'

        ),

        final as (

            select
                carried.uuid,
                carried.amplitude_id,
                carried.session_id,
                carried.step_in_session,
                carried.event_id,
                carried.event_time,
                carried.event_type,
                carried.page_counter,
                carried.page_path,
                carried.page_title,
                carried.element_selector,
                carried.element_text,
                carried.form_id,
                lag(carried.page_path) over (
                    partition by carried.amplitude_id, carried.session_id
                    order by carried.step_in_session
                ) as previous_step_page_path,
                datediff('millisecond', carried.event_time, page_views.next_page_view_at) / 1000.0 as time_on_page_seconds,
                coalesce(page_views.page_view_in_session = 1, false) as is_entry_page,
                coalesce(page_views.page_view_in_session = page_views.page_views_in_session, false) as is_exit_page,
                max(carried.loaded_at) over (partition by carried.amplitude_id, carried.session_id) as loaded_at
            from carried
            left join page_views on carried.uuid = page_views.uuid

        )

        select * from final;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'MARTS' and table_name in ('PAGE_PATHS', 'PAGE_PATHS__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists marts.page_paths__increment;
        drop table if exists marts.page_paths__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('amplitude_id', 'session_id'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'MARTS' and table_name = 'PAGE_PATHS__INCREMENT';
    select count(*) into :processed from marts.page_paths__increment;

    begin transaction;
    delete from marts.page_paths
    where (amplitude_id, session_id) in (select amplitude_id, session_id from marts.page_paths__scope);
    delete from marts.page_paths
    where (amplitude_id, session_id) in (select amplitude_id, session_id from marts.page_paths__increment);
    statement := 'insert into marts.page_paths (' || column_list || ') select ' || column_list || ' from marts.page_paths__increment';
    execute immediate statement;
    commit;

    drop table if exists marts.page_paths__increment;
    drop table if exists marts.page_paths__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 49 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_sessions(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'core.sessions has other columns than the model sessions makes: run transform --full-refresh --select sessions');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'CORE' and table_name = 'SESSIONS' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table core.sessions as
        with events as (

            select * from core.events
            where session_id is not null and session_id <> -1

        ),

        scoped as (

            select * from events

        ),

        ordered as (

            select
                amplitude_id,
                session_id,
                event_time,
                loaded_at,
                page_url,
                first_value(device_id) over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                ) as device_id
            from scoped

        ),

        final as (

            select
                amplitude_id,
                session_id,
                min(event_time) as session_start,
                max(event_time) as session_end,
                count(*) as event_count,
                count(distinct page_url) as pages_viewed,
                max(device_id) as device_id,
                max(loaded_at) as loaded_at
            from ordered
            group by amplitude_id, session_id

        )

        select * from final;
        return 'rebuilt';
    end if;
    create or replace transient table core.sessions__scope as
        with events as (

            select * from core.events
            where session_id is not null and session_id <> -1

        ),

        redelivered as (

            select uuid
            from core.events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        touched as (

            select distinct amplitude_id, session_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from redelivered)

        ),

        scoped as (

            select events.*
            from events
            inner join touched
                on events.amplitude_id = touched.amplitude_id
                and events.session_id = touched.session_id

        ),

        ordered as (

            select
                amplitude_id,
                session_id,
                event_time,
                loaded_at,
                page_url,
                first_value(device_id) over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                ) as device_id
            from scoped

        ),

        final as (

            select
                amplitude_id,
                session_id,
                min(event_time) as session_start,
                max(event_time) as session_end,
                count(*) as event_count,
                count(distinct page_url) as pages_viewed,
                max(device_id) as device_id,
                max(loaded_at) as loaded_at
            from ordered
            group by amplitude_id, session_id

        )

        select distinct amplitude_id, session_id from touched;
    -- A scope of 0.5 of the model's rows or more: the full query makes the same rows for less.
    select count(*) into :scope_keys from core.sessions__scope;
    select count(*) into :model_rows from core.sessions;
    if (scope_keys > 0 and scope_keys >= model_rows * 0.5) then
        create or replace table core.sessions as
        with events as (

            select * from core.events
            where session_id is not null and session_id <> -1

        ),

        scoped as (

            select * from events

        ),

        ordered as (

            select
                amplitude_id,
                session_id,
                event_time,
                loaded_at,
                page_url,
                first_value(device_id) over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                ) as device_id
            from scoped

        ),

        final as (

            select
                amplitude_id,
                session_id,
                min(event_time) as session_start,
                max(event_time) as session_end,
                count(*) as event_count,
                count(distinct page_url) as pages_viewed,
                max(device_id) as device_id,
                max(loaded_at) as loaded_at
            from ordered
            group by amplitude_id, session_id

        )

        select * from final;
        drop table if exists core.sessions__scope;
        return 'rebuilt: ' || scope_keys || ' key(s) to compute again of ' || model_rows || ' row(s)';
    end if;
    create or replace transient table core.sessions__increment as
        with events as (

            select * from core.events
            where session_id is not null and session_id <> -1

        ),

        redelivered as (

            select uuid
            from core.events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        touched as (

            select distinct amplitude_id, session_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from redelivered)

        ),

        scoped as (

            select events.*
            from events
            inner join touched
                on events.amplitude_id = touched.amplitude_id
                and events.session_id = touched.session_id

        ),

        ordered as (

            select
                amplitude_id,
                session_id,
                event_time,
                loaded_at,
                page_url,
                first_value(device_id) over (
                    partition by amplitude_id, session_id
                    order by event_time, event_id, uuid
                ) as device_id
            from scoped

        ),

        final as (

            select
                amplitude_id,
                session_id,
                min(event_time) as session_start,
                max(event_time) as session_end,
                count(*) as event_count,
                count(distinct page_url) as pages_viewed,
                max(device_id) as device_id,
                max(loaded_at) as loaded_at
            from ordered
            group by amplitude_id, session_id

        )

        select * from final;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'CORE' and table_name in ('SESSIONS', 'SESSIONS__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists core.sessions__increment;
        drop table if exists core.sessions__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('amplitude_id', 'session_id'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'CORE' and table_name = 'SESSIONS__INCREMENT';
    select count(*) into :processed from core.sessions__increment;

    begin transaction;
    delete from core.sessions
    where (amplitude_id, session_id) in (select amplitude_id, session_id from core.sessions__scope);
    delete from core.sessions
    where (amplitude_id, session_id) in (select amplitude_id, session_id from core.sessions__increment);
    statement := 'insert into core.sessions (' || column_list || ') select ' || column_list || ' from core.sessions__increment';
    execute immediate statement;
    commit;

    drop table if exists core.sessions__increment;
    drop table if exists core.sessions__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 50 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_stg_amplitude__event_properties(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'staging.stg_amplitude__event_properties has other columns than the model stg_amplitude__event_properties makes: run transform --full-refresh --select stg_amplitude__event_properties');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENT_PROPERTIES' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table staging.stg_amplitude__event_properties as
        with events as (

            select uuid, event_properties, loaded_at
            from staging.stg_amplitude__events

        ),

        flattened as (

            select
                events.uuid,
                property.key as property,
                case typeof(property.value)
                    when 'NULL_VALUE' then null
                    when 'VARCHAR' then property.value::varchar
                    when 'BOOLEAN' then property.value::varchar
                    when 'INTEGER' then property.value::varchar
                    when 'DECIMAL' then rtrim(rtrim(iff(abs(property.value::double) < 1e28, to_varchar(property.value::number(38, 9)), null), '0'), '.')
                    when 'DOUBLE' then rtrim(rtrim(iff(abs(property.value::double) < 1e28, to_varchar(property.value::number(38, 9)), null), '0'), '.')
                    else to_json(property.value)
                end as value,
                events.loaded_at
            from events, lateral flatten(input => events.event_properties) as property

        )
        select * from flattened;
        return 'rebuilt';
    end if;
    create or replace transient table staging.stg_amplitude__event_properties__scope as
        with events as (

            select uuid, event_properties, loaded_at
            from staging.stg_amplitude__events

            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        flattened as (

            select
                events.uuid,
                property.key as property,
                case typeof(property.value)
                    when 'NULL_VALUE' then null
                    when 'VARCHAR' then property.value::varchar
                    when 'BOOLEAN' then property.value::varchar
                    when 'INTEGER' then property.value::varchar
                    when 'DECIMAL' then rtrim(rtrim(iff(abs(property.value::double) < 1e28, to_varchar(property.value::number(38, 9)), null), '0'), '.')
                    when 'DOUBLE' then rtrim(rtrim(iff(abs(property.value::double) < 1e28, to_varchar(property.value::number(38, 9)), null), '0'), '.')
                    else to_json(property.value)
                end as value,
                events.loaded_at
            from events, lateral flatten(input => events.event_properties) as property

        )
        select distinct uuid from events;
    -- A scope of 0.5 of the model's rows or more: the full query makes the same rows for less.
    select count(*) into :scope_keys from staging.stg_amplitude__event_properties__scope;
    select count(*) into :model_rows from staging.stg_amplitude__event_properties;
    if (scope_keys > 0 and scope_keys >= model_rows * 0.5) then
        create or replace table staging.stg_amplitude__event_properties as
        with events as (

            select uuid, event_properties, loaded_at
            from staging.stg_amplitude__events

        ),

        flattened as (

            select
                events.uuid,
                property.key as property,
                case typeof(property.value)
                    when 'NULL_VALUE' then null
                    when 'VARCHAR' then property.value::varchar
                    when 'BOOLEAN' then property.value::varchar
                    when 'INTEGER' then property.value::varchar
                    when 'DECIMAL' then rtrim(rtrim(iff(abs(property.value::double) < 1e28, to_varchar(property.value::number(38, 9)), null), '0'), '.')
                    when 'DOUBLE' then rtrim(rtrim(iff(abs(property.value::double) < 1e28, to_varchar(property.value::number(38, 9)), null), '0'), '.')
                    else to_json(property.value)
                end as value,
                events.loaded_at
            from events, lateral flatten(input => events.event_properties) as property

        )
        select * from flattened;
        drop table if exists staging.stg_amplitude__event_properties__scope;
        return 'rebuilt: ' || scope_keys || ' key(s) to compute again of ' || model_rows || ' row(s)';
    end if;
    create or replace transient table staging.stg_amplitude__event_properties__increment as
        with events as (

            select uuid, event_properties, loaded_at
            from staging.stg_amplitude__events

            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        flattened as (

            select
                events.uuid,
                property.key as property,
                case typeof(property.value)
                    when 'NULL_VALUE' then null
                    when 'VARCHAR' then property.value::varchar
                    when 'BOOLEAN' then property.value::varchar
                    when 'INTEGER' then property.value::varchar
                    when 'DECIMAL' then rtrim(rtrim(iff(abs(property.value::double) < 1e28, to_varchar(property.value::number(38, 9)), null), '0'), '.')
                    when 'DOUBLE' then rtrim(rtrim(iff(abs(property.value::double) < 1e28, to_varchar(property.value::number(38, 9)), null), '0'), '.')
                    else to_json(property.value)
                end as value,
                events.loaded_at
            from events, lateral flatten(input => events.event_properties) as property

        )
        select * from flattened;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'STAGING' and table_name in ('STG_AMPLITUDE__EVENT_PROPERTIES', 'STG_AMPLITUDE__EVENT_PROPERTIES__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists staging.stg_amplitude__event_properties__increment;
        drop table if exists staging.stg_amplitude__event_properties__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('uuid'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'STAGING' and table_name = 'STG_AMPLITUDE__EVENT_PROPERTIES__INCREMENT';
    select count(*) into :processed from staging.stg_amplitude__event_properties__increment;

    begin transaction;
    delete from staging.stg_amplitude__event_properties
    where (uuid) in (select uuid from staging.stg_amplitude__event_properties__scope);
    delete from staging.stg_amplitude__event_properties
    where (uuid) in (select uuid from staging.stg_amplitude__event_properties__increment);
    statement := 'insert into staging.stg_amplitude__event_properties (' || column_list || ') select ' || column_list || ' from staging.stg_amplitude__event_properties__increment';
    execute immediate statement;
    commit;

    drop table if exists staging.stg_amplitude__event_properties__increment;
    drop table if exists staging.stg_amplitude__event_properties__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 51 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_user_cohorts(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
begin
    create or replace table core.user_cohorts as
        with members as (

            select * from staging.stg_amplitude__cohort_members
            where amplitude_id is not null

        ),

        cohorts as (

            select cohort_id from staging.stg_amplitude__cohorts

        ),

        final as (

            select
                members.cohort_id,
                members.amplitude_id,
                members.user_id,
                members.snapshot_taken_at as membership_taken_at
            from members
            where members.cohort_id in (select cohort_id from cohorts)
            qualify row_number() over (
                partition by members.cohort_id, members.amplitude_id
                order by members.source_file, members.file_row_number
            ) = 1

        )

        select * from final;
    declare
        policy varchar;
    begin
        select iff(data_type = 'VARIANT', 'pipeline.mask_pii_variant', 'pipeline.mask_pii_string') into :policy
        from information_schema.columns
        where table_schema = 'CORE' and table_name = 'USER_COHORTS' and column_name = 'USER_ID';
        execute immediate 'alter table core.user_cohorts modify column user_id set masking policy ' || policy;
    end;
    return 'rebuilt';
end;
$$;

-- amplitude-pipeline provision, statement 52 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace procedure pipeline.build_web_issues(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, 'marts.web_issues has other columns than the model web_issues makes: run transform --full-refresh --select web_issues');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = 'MARTS' and table_name = 'WEB_ISSUES' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table marts.web_issues as
        with page_paths as (

            select * from marts.page_paths

        ),

        scoped as (

            select * from page_paths

        ),

        steps as (

            select
                scoped.*,
                lag(scoped.event_id) over (
                    partition by scoped.amplitude_id, scoped.session_id
                    order by scoped.step_in_session
                ) as previous_event_id,
                lag(scoped.event_time) over (
                    partition by scoped.amplitude_id, scoped.session_id
                    order by scoped.step_in_session
                ) as previous_event_time
            from scoped

        ),

        page_views as (

            select
                *,
                lag(page_path) over (partition by amplitude_id, session_id order by step_in_session) as previous_page,
                lag(page_path, 2) over (partition by amplitude_id, session_id order by step_in_session) as page_before_previous,
                lag(event_time, 2) over (partition by amplitude_id, session_id order by step_in_session) as time_before_previous,
                -- A page view with no path shows no known page: it is never a visit again. (It is never part of
                -- a loop either: comparing null paths in page_loops is never true.)
                case when page_path is not null then row_number() over (
                    partition by amplitude_id, session_id, page_path
                    order by step_in_session
                ) end as visit_of_page,
                min(event_time) over (partition by amplitude_id, session_id, page_path) as first_visit_time
            from scoped
            where event_type = '[Amplitude] Page Viewed'

        ),

        repeated_clicks as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'repeated_click' as issue_type,
                event_type as detail,
                element_selector,
                element_text,
                cast(null as varchar) as form_id,
                2 as evidence_events,
                previous_event_time as first_event_time,
                event_time as last_event_time
            from steps
            where event_id = previous_event_id and event_time <> previous_event_time

        ),

        clicks as (
            select
                *,
                lag(event_time) over (
                    partition by amplitude_id, session_id, page_path, element_selector, element_text
                    order by step_in_session
                ) as previous_click_time
            from steps
            where event_type = '[Amplitude] Element Clicked'
                and (element_selector is not null or element_text is not null)

        ),

        click_bursts as (
            select
                *,
                sum(case
                    when previous_click_time is null
                        or datediff('millisecond', previous_click_time, event_time) > 2000
                        then 1
                    else 0
                end) over (
                    partition by amplitude_id, session_id, page_path, element_selector, element_text
                    order by step_in_session
                    rows between unbounded preceding and current row
                ) as burst
            from clicks

        ),

        bursts as (

            select
                amplitude_id,
                session_id,
                min(step_in_session) as first_step,
                count(*) as clicks,
                min(event_time) as first_click_time,
                max(event_time) as last_click_time
            from click_bursts
            group by amplitude_id, session_id, page_path, element_selector, element_text, burst
            having count(*) >= 3

        ),

        rage_clicks as (

            select
                click_bursts.amplitude_id, click_bursts.session_id, click_bursts.uuid, click_bursts.event_time,
                click_bursts.page_path,
                'rage_click' as issue_type,
                cast(bursts.clicks as varchar) || ' clicks on '
                    || coalesce(click_bursts.element_text, click_bursts.element_selector) as detail,
                click_bursts.element_selector,
                click_bursts.element_text,
                cast(null as varchar) as form_id,
                bursts.clicks as evidence_events,
                bursts.first_click_time as first_event_time,
                bursts.last_click_time as last_event_time
            from bursts
            inner join click_bursts
                on bursts.amplitude_id = click_bursts.amplitude_id
                and bursts.session_id = click_bursts.session_id
                and bursts.first_step = click_bursts.step_in_session

        ),

        form_events as (
            select
                *,
                coalesce('id ' || form_id, 'on ' || coalesce(page_path, 'an unknown page')) as form_key
            from steps
            where event_type in ('[Amplitude] Form Started', '[Amplitude] Form Submitted')

        ),

        form_starts as (

            select
                *,
                max(case when event_type = '[Amplitude] Form Submitted' then step_in_session end) over (
                    partition by amplitude_id, session_id, form_key
                ) as last_submit_step,
                count(case when event_type = '[Amplitude] Form Started' then 1 end) over (
                    partition by amplitude_id, session_id, form_key
                ) as starts,
                min(case when event_type = '[Amplitude] Form Started' then event_time end) over (
                    partition by amplitude_id, session_id, form_key
                ) as first_start_time,
                row_number() over (
                    partition by amplitude_id, session_id, form_key, event_type
                    order by step_in_session desc nulls last
                ) as from_last
            from form_events

        ),

        form_abandonments as (
            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'form_abandoned' as issue_type,
                'form ' || form_key || case
                    when last_submit_step is null then ' started, never submitted'
                    else ' started again after it was submitted, not submitted again'
                end as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                form_id,
                starts as evidence_events,
                first_start_time as first_event_time,
                event_time as last_event_time
            from form_starts
            where event_type = '[Amplitude] Form Started'
                and from_last = 1
                and (last_submit_step is null or last_submit_step < step_in_session)

        ),

        page_returns as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'page_return' as issue_type,
                'visit ' || cast(visit_of_page as varchar) || ' of this page' as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                cast(null as varchar) as form_id,
                visit_of_page as evidence_events,
                first_visit_time as first_event_time,
                event_time as last_event_time
            from page_views
            where visit_of_page > 1

        ),

        page_loops as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'page_loop' as issue_type,
                'back from ' || previous_page as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                cast(null as varchar) as form_id,
                3 as evidence_events,
                time_before_previous as first_event_time,
                event_time as last_event_time
            from page_views
            where page_path = page_before_previous and page_path <> previous_page

        ),

        unioned as (

            select * from repeated_clicks
            union all
            select * from rage_clicks
            union all
            select * from form_abandonments
            union all
            select * from page_returns
            union all
            select * from page_loops

        ),

        final as (

            select
                unioned.amplitude_id,
                unioned.session_id,
                unioned.uuid,
                unioned.event_time,
                unioned.page_path,
                unioned.issue_type,
                unioned.detail,
                unioned.element_selector,
                unioned.element_text,
                unioned.form_id,
                cast(unioned.evidence_events as bigint) as evidence_events,
                unioned.first_event_time,
                unioned.last_event_time,
                session_loads.loaded_at
            from unioned
            inner join (
                select amplitude_id, session_id, max(loaded_at) as loaded_at
                from scoped
                group by amplitude_id, session_id
            ) as session_loads
                on unioned.amplitude_id = session_loads.amplitude_id
                and unioned.session_id = session_loads.session_id

        )

        select * from final;
        return 'rebuilt';
    end if;
    create or replace transient table marts.web_issues__scope as
        with page_paths as (

            select * from marts.page_paths

        ),

        redelivered as (

            select uuid
            from core.events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        touched as (

            select distinct amplitude_id, session_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from redelivered)

        ),

        scoped as (

            select page_paths.*
            from page_paths
            inner join touched
                on page_paths.amplitude_id = touched.amplitude_id
                and page_paths.session_id = touched.session_id

        ),

        steps as (

            select
                scoped.*,
                lag(scoped.event_id) over (
                    partition by scoped.amplitude_id, scoped.session_id
                    order by scoped.step_in_session
                ) as previous_event_id,
                lag(scoped.event_time) over (
                    partition by scoped.amplitude_id, scoped.session_id
                    order by scoped.step_in_session
                ) as previous_event_time
            from scoped

        ),

        page_views as (

            select
                *,
                lag(page_path) over (partition by amplitude_id, session_id order by step_in_session) as previous_page,
                lag(page_path, 2) over (partition by amplitude_id, session_id order by step_in_session) as page_before_previous,
                lag(event_time, 2) over (partition by amplitude_id, session_id order by step_in_session) as time_before_previous,
                -- A page view with no path shows no known page: it is never a visit again. (It is never part of
                -- a loop either: comparing null paths in page_loops is never true.)
                case when page_path is not null then row_number() over (
                    partition by amplitude_id, session_id, page_path
                    order by step_in_session
                ) end as visit_of_page,
                min(event_time) over (partition by amplitude_id, session_id, page_path) as first_visit_time
            from scoped
            where event_type = '[Amplitude] Page Viewed'

        ),

        repeated_clicks as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'repeated_click' as issue_type,
                event_type as detail,
                element_selector,
                element_text,
                cast(null as varchar) as form_id,
                2 as evidence_events,
                previous_event_time as first_event_time,
                event_time as last_event_time
            from steps
            where event_id = previous_event_id and event_time <> previous_event_time

        ),

        clicks as (
            select
                *,
                lag(event_time) over (
                    partition by amplitude_id, session_id, page_path, element_selector, element_text
                    order by step_in_session
                ) as previous_click_time
            from steps
            where event_type = '[Amplitude] Element Clicked'
                and (element_selector is not null or element_text is not null)

        ),

        click_bursts as (
            select
                *,
                sum(case
                    when previous_click_time is null
                        or datediff('millisecond', previous_click_time, event_time) > 2000
                        then 1
                    else 0
                end) over (
                    partition by amplitude_id, session_id, page_path, element_selector, element_text
                    order by step_in_session
                    rows between unbounded preceding and current row
                ) as burst
            from clicks

        ),

        bursts as (

            select
                amplitude_id,
                session_id,
                min(step_in_session) as first_step,
                count(*) as clicks,
                min(event_time) as first_click_time,
                max(event_time) as last_click_time
            from click_bursts
            group by amplitude_id, session_id, page_path, element_selector, element_text, burst
            having count(*) >= 3

        ),

        rage_clicks as (

            select
                click_bursts.amplitude_id, click_bursts.session_id, click_bursts.uuid, click_bursts.event_time,
                click_bursts.page_path,
                'rage_click' as issue_type,
                cast(bursts.clicks as varchar) || ' clicks on '
                    || coalesce(click_bursts.element_text, click_bursts.element_selector) as detail,
                click_bursts.element_selector,
                click_bursts.element_text,
                cast(null as varchar) as form_id,
                bursts.clicks as evidence_events,
                bursts.first_click_time as first_event_time,
                bursts.last_click_time as last_event_time
            from bursts
            inner join click_bursts
                on bursts.amplitude_id = click_bursts.amplitude_id
                and bursts.session_id = click_bursts.session_id
                and bursts.first_step = click_bursts.step_in_session

        ),

        form_events as (
            select
                *,
                coalesce('id ' || form_id, 'on ' || coalesce(page_path, 'an unknown page')) as form_key
            from steps
            where event_type in ('[Amplitude] Form Started', '[Amplitude] Form Submitted')

        ),

        form_starts as (

            select
                *,
                max(case when event_type = '[Amplitude] Form Submitted' then step_in_session end) over (
                    partition by amplitude_id, session_id, form_key
                ) as last_submit_step,
                count(case when event_type = '[Amplitude] Form Started' then 1 end) over (
                    partition by amplitude_id, session_id, form_key
                ) as starts,
                min(case when event_type = '[Amplitude] Form Started' then event_time end) over (
                    partition by amplitude_id, session_id, form_key
                ) as first_start_time,
                row_number() over (
                    partition by amplitude_id, session_id, form_key, event_type
                    order by step_in_session desc nulls last
                ) as from_last
            from form_events

        ),

        form_abandonments as (
            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'form_abandoned' as issue_type,
                'form ' || form_key || case
                    when last_submit_step is null then ' started, never submitted'
                    else ' started again after it was submitted, not submitted again'
                end as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                form_id,
                starts as evidence_events,
                first_start_time as first_event_time,
                event_time as last_event_time
            from form_starts
            where event_type = '[Amplitude] Form Started'
                and from_last = 1
                and (last_submit_step is null or last_submit_step < step_in_session)

        ),

        page_returns as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'page_return' as issue_type,
                'visit ' || cast(visit_of_page as varchar) || ' of this page' as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                cast(null as varchar) as form_id,
                visit_of_page as evidence_events,
                first_visit_time as first_event_time,
                event_time as last_event_time
            from page_views
            where visit_of_page > 1

        ),

        page_loops as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'page_loop' as issue_type,
                'back from ' || previous_page as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                cast(null as varchar) as form_id,
                3 as evidence_events,
                time_before_previous as first_event_time,
                event_time as last_event_time
            from page_views
            where page_path = page_before_previous and page_path <> previous_page

        ),

        unioned as (

            select * from repeated_clicks
            union all
            select * from rage_clicks
            union all
            select * from form_abandonments
            union all
            select * from page_returns
            union all
            select * from page_loops

        ),

        final as (

            select
                unioned.amplitude_id,
                unioned.session_id,
                unioned.uuid,
                unioned.event_time,
                unioned.page_path,
                unioned.issue_type,
                unioned.detail,
                unioned.element_selector,
                unioned.element_text,
                unioned.form_id,
                cast(unioned.evidence_events as bigint) as evidence_events,
                unioned.first_event_time,
                unioned.last_event_time,
                session_loads.loaded_at
            from unioned
            inner join (
                select amplitude_id, session_id, max(loaded_at) as loaded_at
                from scoped
                group by amplitude_id, session_id
            ) as session_loads
                on unioned.amplitude_id = session_loads.amplitude_id
                and unioned.session_id = session_loads.session_id

        )

        select distinct amplitude_id, session_id from touched;
    -- A scope of 0.5 of the model's rows or more: the full query makes the same rows for less.
    select count(*) into :scope_keys from marts.web_issues__scope;
    select count(*) into :model_rows from marts.web_issues;
    if (scope_keys > 0 and scope_keys >= model_rows * 0.5) then
        create or replace table marts.web_issues as
        with page_paths as (

            select * from marts.page_paths

        ),

        scoped as (

            select * from page_paths

        ),

        steps as (

            select
                scoped.*,
                lag(scoped.event_id) over (
                    partition by scoped.amplitude_id, scoped.session_id
                    order by scoped.step_in_session
                ) as previous_event_id,
                lag(scoped.event_time) over (
                    partition by scoped.amplitude_id, scoped.session_id
                    order by scoped.step_in_session
                ) as previous_event_time
            from scoped

        ),

        page_views as (

            select
                *,
                lag(page_path) over (partition by amplitude_id, session_id order by step_in_session) as previous_page,
                lag(page_path, 2) over (partition by amplitude_id, session_id order by step_in_session) as page_before_previous,
                lag(event_time, 2) over (partition by amplitude_id, session_id order by step_in_session) as time_before_previous,
                -- A page view with no path shows no known page: it is never a visit again. (It is never part of
                -- a loop either: comparing null paths in page_loops is never true.)
                case when page_path is not null then row_number() over (
                    partition by amplitude_id, session_id, page_path
                    order by step_in_session
                ) end as visit_of_page,
                min(event_time) over (partition by amplitude_id, session_id, page_path) as first_visit_time
            from scoped
            where event_type = '[Amplitude] Page Viewed'

        ),

        repeated_clicks as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'repeated_click' as issue_type,
                event_type as detail,
                element_selector,
                element_text,
                cast(null as varchar) as form_id,
                2 as evidence_events,
                previous_event_time as first_event_time,
                event_time as last_event_time
            from steps
            where event_id = previous_event_id and event_time <> previous_event_time

        ),

        clicks as (
            select
                *,
                lag(event_time) over (
                    partition by amplitude_id, session_id, page_path, element_selector, element_text
                    order by step_in_session
                ) as previous_click_time
            from steps
            where event_type = '[Amplitude] Element Clicked'
                and (element_selector is not null or element_text is not null)

        ),

        click_bursts as (
            select
                *,
                sum(case
                    when previous_click_time is null
                        or datediff('millisecond', previous_click_time, event_time) > 2000
                        then 1
                    else 0
                end) over (
                    partition by amplitude_id, session_id, page_path, element_selector, element_text
                    order by step_in_session
                    rows between unbounded preceding and current row
                ) as burst
            from clicks

        ),

        bursts as (

            select
                amplitude_id,
                session_id,
                min(step_in_session) as first_step,
                count(*) as clicks,
                min(event_time) as first_click_time,
                max(event_time) as last_click_time
            from click_bursts
            group by amplitude_id, session_id, page_path, element_selector, element_text, burst
            having count(*) >= 3

        ),

        rage_clicks as (

            select
                click_bursts.amplitude_id, click_bursts.session_id, click_bursts.uuid, click_bursts.event_time,
                click_bursts.page_path,
                'rage_click' as issue_type,
                cast(bursts.clicks as varchar) || ' clicks on '
                    || coalesce(click_bursts.element_text, click_bursts.element_selector) as detail,
                click_bursts.element_selector,
                click_bursts.element_text,
                cast(null as varchar) as form_id,
                bursts.clicks as evidence_events,
                bursts.first_click_time as first_event_time,
                bursts.last_click_time as last_event_time
            from bursts
            inner join click_bursts
                on bursts.amplitude_id = click_bursts.amplitude_id
                and bursts.session_id = click_bursts.session_id
                and bursts.first_step = click_bursts.step_in_session

        ),

        form_events as (
            select
                *,
                coalesce('id ' || form_id, 'on ' || coalesce(page_path, 'an unknown page')) as form_key
            from steps
            where event_type in ('[Amplitude] Form Started', '[Amplitude] Form Submitted')

        ),

        form_starts as (

            select
                *,
                max(case when event_type = '[Amplitude] Form Submitted' then step_in_session end) over (
                    partition by amplitude_id, session_id, form_key
                ) as last_submit_step,
                count(case when event_type = '[Amplitude] Form Started' then 1 end) over (
                    partition by amplitude_id, session_id, form_key
                ) as starts,
                min(case when event_type = '[Amplitude] Form Started' then event_time end) over (
                    partition by amplitude_id, session_id, form_key
                ) as first_start_time,
                row_number() over (
                    partition by amplitude_id, session_id, form_key, event_type
                    order by step_in_session desc nulls last
                ) as from_last
            from form_events

        ),

        form_abandonments as (
            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'form_abandoned' as issue_type,
                'form ' || form_key || case
                    when last_submit_step is null then ' started, never submitted'
                    else ' started again after it was submitted, not submitted again'
                end as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                form_id,
                starts as evidence_events,
                first_start_time as first_event_time,
                event_time as last_event_time
            from form_starts
            where event_type = '[Amplitude] Form Started'
                and from_last = 1
                and (last_submit_step is null or last_submit_step < step_in_session)

        ),

        page_returns as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'page_return' as issue_type,
                'visit ' || cast(visit_of_page as varchar) || ' of this page' as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                cast(null as varchar) as form_id,
                visit_of_page as evidence_events,
                first_visit_time as first_event_time,
                event_time as last_event_time
            from page_views
            where visit_of_page > 1

        ),

        page_loops as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'page_loop' as issue_type,
                'back from ' || previous_page as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                cast(null as varchar) as form_id,
                3 as evidence_events,
                time_before_previous as first_event_time,
                event_time as last_event_time
            from page_views
            where page_path = page_before_previous and page_path <> previous_page

        ),

        unioned as (

            select * from repeated_clicks
            union all
            select * from rage_clicks
            union all
            select * from form_abandonments
            union all
            select * from page_returns
            union all
            select * from page_loops

        ),

        final as (

            select
                unioned.amplitude_id,
                unioned.session_id,
                unioned.uuid,
                unioned.event_time,
                unioned.page_path,
                unioned.issue_type,
                unioned.detail,
                unioned.element_selector,
                unioned.element_text,
                unioned.form_id,
                cast(unioned.evidence_events as bigint) as evidence_events,
                unioned.first_event_time,
                unioned.last_event_time,
                session_loads.loaded_at
            from unioned
            inner join (
                select amplitude_id, session_id, max(loaded_at) as loaded_at
                from scoped
                group by amplitude_id, session_id
            ) as session_loads
                on unioned.amplitude_id = session_loads.amplitude_id
                and unioned.session_id = session_loads.session_id

        )

        select * from final;
        drop table if exists marts.web_issues__scope;
        return 'rebuilt: ' || scope_keys || ' key(s) to compute again of ' || model_rows || ' row(s)';
    end if;
    create or replace transient table marts.web_issues__increment as
        with page_paths as (

            select * from marts.page_paths

        ),

        redelivered as (

            select uuid
            from core.events
            where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

        ),

        touched as (

            select distinct amplitude_id, session_id
            from staging.stg_amplitude__event_deliveries
            where uuid in (select uuid from redelivered)

        ),

        scoped as (

            select page_paths.*
            from page_paths
            inner join touched
                on page_paths.amplitude_id = touched.amplitude_id
                and page_paths.session_id = touched.session_id

        ),

        steps as (

            select
                scoped.*,
                lag(scoped.event_id) over (
                    partition by scoped.amplitude_id, scoped.session_id
                    order by scoped.step_in_session
                ) as previous_event_id,
                lag(scoped.event_time) over (
                    partition by scoped.amplitude_id, scoped.session_id
                    order by scoped.step_in_session
                ) as previous_event_time
            from scoped

        ),

        page_views as (

            select
                *,
                lag(page_path) over (partition by amplitude_id, session_id order by step_in_session) as previous_page,
                lag(page_path, 2) over (partition by amplitude_id, session_id order by step_in_session) as page_before_previous,
                lag(event_time, 2) over (partition by amplitude_id, session_id order by step_in_session) as time_before_previous,
                -- A page view with no path shows no known page: it is never a visit again. (It is never part of
                -- a loop either: comparing null paths in page_loops is never true.)
                case when page_path is not null then row_number() over (
                    partition by amplitude_id, session_id, page_path
                    order by step_in_session
                ) end as visit_of_page,
                min(event_time) over (partition by amplitude_id, session_id, page_path) as first_visit_time
            from scoped
            where event_type = '[Amplitude] Page Viewed'

        ),

        repeated_clicks as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'repeated_click' as issue_type,
                event_type as detail,
                element_selector,
                element_text,
                cast(null as varchar) as form_id,
                2 as evidence_events,
                previous_event_time as first_event_time,
                event_time as last_event_time
            from steps
            where event_id = previous_event_id and event_time <> previous_event_time

        ),

        clicks as (
            select
                *,
                lag(event_time) over (
                    partition by amplitude_id, session_id, page_path, element_selector, element_text
                    order by step_in_session
                ) as previous_click_time
            from steps
            where event_type = '[Amplitude] Element Clicked'
                and (element_selector is not null or element_text is not null)

        ),

        click_bursts as (
            select
                *,
                sum(case
                    when previous_click_time is null
                        or datediff('millisecond', previous_click_time, event_time) > 2000
                        then 1
                    else 0
                end) over (
                    partition by amplitude_id, session_id, page_path, element_selector, element_text
                    order by step_in_session
                    rows between unbounded preceding and current row
                ) as burst
            from clicks

        ),

        bursts as (

            select
                amplitude_id,
                session_id,
                min(step_in_session) as first_step,
                count(*) as clicks,
                min(event_time) as first_click_time,
                max(event_time) as last_click_time
            from click_bursts
            group by amplitude_id, session_id, page_path, element_selector, element_text, burst
            having count(*) >= 3

        ),

        rage_clicks as (

            select
                click_bursts.amplitude_id, click_bursts.session_id, click_bursts.uuid, click_bursts.event_time,
                click_bursts.page_path,
                'rage_click' as issue_type,
                cast(bursts.clicks as varchar) || ' clicks on '
                    || coalesce(click_bursts.element_text, click_bursts.element_selector) as detail,
                click_bursts.element_selector,
                click_bursts.element_text,
                cast(null as varchar) as form_id,
                bursts.clicks as evidence_events,
                bursts.first_click_time as first_event_time,
                bursts.last_click_time as last_event_time
            from bursts
            inner join click_bursts
                on bursts.amplitude_id = click_bursts.amplitude_id
                and bursts.session_id = click_bursts.session_id
                and bursts.first_step = click_bursts.step_in_session

        ),

        form_events as (
            select
                *,
                coalesce('id ' || form_id, 'on ' || coalesce(page_path, 'an unknown page')) as form_key
            from steps
            where event_type in ('[Amplitude] Form Started', '[Amplitude] Form Submitted')

        ),

        form_starts as (

            select
                *,
                max(case when event_type = '[Amplitude] Form Submitted' then step_in_session end) over (
                    partition by amplitude_id, session_id, form_key
                ) as last_submit_step,
                count(case when event_type = '[Amplitude] Form Started' then 1 end) over (
                    partition by amplitude_id, session_id, form_key
                ) as starts,
                min(case when event_type = '[Amplitude] Form Started' then event_time end) over (
                    partition by amplitude_id, session_id, form_key
                ) as first_start_time,
                row_number() over (
                    partition by amplitude_id, session_id, form_key, event_type
                    order by step_in_session desc nulls last
                ) as from_last
            from form_events

        ),

        form_abandonments as (
            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'form_abandoned' as issue_type,
                'form ' || form_key || case
                    when last_submit_step is null then ' started, never submitted'
                    else ' started again after it was submitted, not submitted again'
                end as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                form_id,
                starts as evidence_events,
                first_start_time as first_event_time,
                event_time as last_event_time
            from form_starts
            where event_type = '[Amplitude] Form Started'
                and from_last = 1
                and (last_submit_step is null or last_submit_step < step_in_session)

        ),

        page_returns as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'page_return' as issue_type,
                'visit ' || cast(visit_of_page as varchar) || ' of this page' as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                cast(null as varchar) as form_id,
                visit_of_page as evidence_events,
                first_visit_time as first_event_time,
                event_time as last_event_time
            from page_views
            where visit_of_page > 1

        ),

        page_loops as (

            select
                amplitude_id, session_id, uuid, event_time, page_path,
                'page_loop' as issue_type,
                'back from ' || previous_page as detail,
                cast(null as varchar) as element_selector,
                cast(null as varchar) as element_text,
                cast(null as varchar) as form_id,
                3 as evidence_events,
                time_before_previous as first_event_time,
                event_time as last_event_time
            from page_views
            where page_path = page_before_previous and page_path <> previous_page

        ),

        unioned as (

            select * from repeated_clicks
            union all
            select * from rage_clicks
            union all
            select * from form_abandonments
            union all
            select * from page_returns
            union all
            select * from page_loops

        ),

        final as (

            select
                unioned.amplitude_id,
                unioned.session_id,
                unioned.uuid,
                unioned.event_time,
                unioned.page_path,
                unioned.issue_type,
                unioned.detail,
                unioned.element_selector,
                unioned.element_text,
                unioned.form_id,
                cast(unioned.evidence_events as bigint) as evidence_events,
                unioned.first_event_time,
                unioned.last_event_time,
                session_loads.loaded_at
            from unioned
            inner join (
                select amplitude_id, session_id, max(loaded_at) as loaded_at
                from scoped
                group by amplitude_id, session_id
            ) as session_loads
                on unioned.amplitude_id = session_loads.amplitude_id
                and unioned.session_id = session_loads.session_id

        )

        select * from final;

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = 'MARTS' and table_name in ('WEB_ISSUES', 'WEB_ISSUES__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists marts.web_issues__increment;
        drop table if exists marts.web_issues__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ('amplitude_id', 'session_id'), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = 'MARTS' and table_name = 'WEB_ISSUES__INCREMENT';
    select count(*) into :processed from marts.web_issues__increment;

    begin transaction;
    delete from marts.web_issues
    where (amplitude_id, session_id) in (select amplitude_id, session_id from marts.web_issues__scope);
    delete from marts.web_issues
    where (amplitude_id, session_id) in (select amplitude_id, session_id from marts.web_issues__increment);
    statement := 'insert into marts.web_issues (' || column_list || ') select ' || column_list || ' from marts.web_issues__increment';
    execute immediate statement;
    commit;

    drop table if exists marts.web_issues__increment;
    drop table if exists marts.web_issues__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
$$;

-- amplitude-pipeline provision, statement 53 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
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
        and started_at > dateadd('hour', -24, :pass_started);
    insert into pipeline.test_passes (run_id, scope, every_hours, started_at)
        select :run_id, iff(:whole, 'whole', 'increment'), 24, :pass_started;

    -- freshness_source_amplitude_events (models/staging/amplitude/_amplitude__sources.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select max(loaded_at) as latest, datediff('second', max(loaded_at), convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 3600.0 as age_hours
                        from raw.amplitude_events
                        having max(loaded_at) is null or datediff('second', max(loaded_at), convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 3600.0 > 24
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select max(loaded_at) as latest, datediff('second', max(loaded_at), convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 3600.0 as age_hours
                                from raw.amplitude_events
                                having max(loaded_at) is null or datediff('second', max(loaded_at), convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 3600.0 > 24
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'freshness_source_amplitude_events', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'freshness_source_amplitude_events', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_cohorts__cohort_id (models/core/cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.cohorts as tested where cohort_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.cohorts as tested where cohort_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_cohorts__cohort_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_cohorts__cohort_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_cohorts__cohort_id (models/core/cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select cohort_id, count(*) as occurrences from core.cohorts where true and cohort_id is not null group by cohort_id having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select cohort_id, count(*) as occurrences from core.cohorts where true and cohort_id is not null group by cohort_id having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_cohorts__cohort_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_cohorts__cohort_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_cohorts__member_count (models/core/cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.cohorts as tested where member_count is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.cohorts as tested where member_count is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_cohorts__member_count', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_cohorts__member_count', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_company_traffic__amplitude_id (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from marts.company_traffic as tested where amplitude_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from marts.company_traffic as tested where amplitude_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_company_traffic__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_company_traffic__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_company_traffic__amplitude_id (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select amplitude_id, count(*) as occurrences from marts.company_traffic where true and amplitude_id is not null group by amplitude_id having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select amplitude_id, count(*) as occurrences from marts.company_traffic where true and amplitude_id is not null group by amplitude_id having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_company_traffic__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_company_traffic__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_company_traffic__amplitude_id (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select child.amplitude_id from marts.company_traffic as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select child.amplitude_id from marts.company_traffic as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_company_traffic__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_company_traffic__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_company_traffic__suspected_company (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from marts.company_traffic as tested where suspected_company is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from marts.company_traffic as tested where suspected_company is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_company_traffic__suspected_company', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_company_traffic__suspected_company', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_company_traffic__reasoning (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from marts.company_traffic as tested where reasoning is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from marts.company_traffic as tested where reasoning is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_company_traffic__reasoning', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_company_traffic__reasoning', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- accepted_values_company_traffic__reasoning (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select reasoning as value, count(*) as occurrences from marts.company_traffic as tested where reasoning is not null and reasoning not in ('email_domain', 'office_network', 'email_domain+office_network', 'anonymous_office_network') group by reasoning
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select reasoning as value, count(*) as occurrences from marts.company_traffic as tested where reasoning is not null and reasoning not in ('email_domain', 'office_network', 'email_domain+office_network', 'anonymous_office_network') group by reasoning
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'accepted_values_company_traffic__reasoning', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'accepted_values_company_traffic__reasoning', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_company_traffic__confidence (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from marts.company_traffic as tested where confidence is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from marts.company_traffic as tested where confidence is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_company_traffic__confidence', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_company_traffic__confidence', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- accepted_values_company_traffic__confidence (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select confidence as value, count(*) as occurrences from marts.company_traffic as tested where confidence is not null and confidence not in ('high', 'medium', 'low') group by confidence
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select confidence as value, count(*) as occurrences from marts.company_traffic as tested where confidence is not null and confidence not in ('high', 'medium', 'low') group by confidence
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'accepted_values_company_traffic__confidence', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'accepted_values_company_traffic__confidence', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_company_traffic__colleagues_on_network (models/marts/company_traffic.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from marts.company_traffic as tested where colleagues_on_network is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from marts.company_traffic as tested where colleagues_on_network is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_company_traffic__colleagues_on_network', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_company_traffic__colleagues_on_network', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_devices__device_id (models/core/devices.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.devices as tested where device_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.devices as tested where device_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.devices where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where device_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.devices where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where device_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_devices__device_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_devices__device_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_devices__device_id (models/core/devices.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select device_id, count(*) as occurrences from core.devices where true and device_id is not null group by device_id having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select device_id, count(*) as occurrences from core.devices where true and device_id is not null group by device_id having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select device_id, count(*) as occurrences from core.devices where true and device_id is not null and (device_id) in (select device_id from (select * from core.devices where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by device_id having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select device_id, count(*) as occurrences from core.devices where true and device_id is not null and (device_id) in (select device_id from (select * from core.devices where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by device_id having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_devices__device_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_devices__device_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_event_categories__category_id (models/core/event_categories.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.event_categories as tested where category_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.event_categories as tested where category_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_event_categories__category_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_event_categories__category_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_event_categories__category_id (models/core/event_categories.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select category_id, count(*) as occurrences from core.event_categories where true and category_id is not null group by category_id having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select category_id, count(*) as occurrences from core.event_categories where true and category_id is not null group by category_id having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_event_categories__category_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_event_categories__category_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_event_categories__category_name (models/core/event_categories.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.event_categories as tested where category_name is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.event_categories as tested where category_name is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_event_categories__category_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_event_categories__category_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_event_categories__category_name (models/core/event_categories.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select category_name, count(*) as occurrences from core.event_categories where true and category_name is not null group by category_name having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select category_name, count(*) as occurrences from core.event_categories where true and category_name is not null group by category_name having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_event_categories__category_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_event_categories__category_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_event_categories__event_type_count (models/core/event_categories.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.event_categories as tested where event_type_count is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.event_categories as tested where event_type_count is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_event_categories__event_type_count', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_event_categories__event_type_count', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_event_types__event_type (models/core/event_types.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.event_types as tested where event_type is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.event_types as tested where event_type is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_event_types__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_event_types__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_event_types__event_type (models/core/event_types.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select event_type, count(*) as occurrences from core.event_types where true and event_type is not null group by event_type having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select event_type, count(*) as occurrences from core.event_types where true and event_type is not null group by event_type having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_event_types__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_event_types__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_event_types__category_name (models/core/event_types.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select child.category_name from core.event_types as child left join core.event_categories as parent on child.category_name = parent.category_name where child.category_name is not null and parent.category_name is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select child.category_name from core.event_types as child left join core.event_categories as parent on child.category_name = parent.category_name where child.category_name is not null and parent.category_name is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_event_types__category_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_event_types__category_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_event_types__in_taxonomy (models/core/event_types.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.event_types as tested where in_taxonomy is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.event_types as tested where in_taxonomy is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_event_types__in_taxonomy', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_event_types__in_taxonomy', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_event_types__event_count (models/core/event_types.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.event_types as tested where event_count is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.event_types as tested where event_count is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_event_types__event_count', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_event_types__event_count', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_events__uuid (models/core/events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.events as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.events as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_events__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_events__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_events__uuid (models/core/events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select uuid, count(*) as occurrences from core.events where true and uuid is not null group by uuid having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, count(*) as occurrences from core.events where true and uuid is not null group by uuid having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select uuid, count(*) as occurrences from core.events where true and uuid is not null and (uuid) in (select uuid from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, count(*) as occurrences from core.events where true and uuid is not null and (uuid) in (select uuid from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_events__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_events__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_events__event_type (models/core/events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.events as tested where event_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.events as tested where event_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_events__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_events__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_events__event_type (models/core/events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.event_type from core.events as child left join core.event_types as parent on child.event_type = parent.event_type where child.event_type is not null and parent.event_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.event_type from core.events as child left join core.event_types as parent on child.event_type = parent.event_type where child.event_type is not null and parent.event_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.event_type from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.event_type is not null and not exists (select 1 from core.event_types as parent where parent.event_type = child.event_type)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.event_type from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.event_type is not null and not exists (select 1 from core.event_types as parent where parent.event_type = child.event_type)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_events__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_events__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_events__event_time (models/core/events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.events as tested where event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.events as tested where event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_events__event_time', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_events__event_time', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_events__amplitude_id (models/core/events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.events as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.events as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_events__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_events__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_events__amplitude_id (models/core/events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.amplitude_id from core.events as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.amplitude_id from core.events as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.amplitude_id from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.amplitude_id is not null and not exists (select 1 from core.users as parent where parent.amplitude_id = child.amplitude_id)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.amplitude_id from (select * from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.amplitude_id is not null and not exists (select 1 from core.users as parent where parent.amplitude_id = child.amplitude_id)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_events__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_events__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_groups__group_type__group_name (models/core/groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select group_type, group_name, count(*) as occurrences from core.groups where true group by group_type, group_name having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select group_type, group_name, count(*) as occurrences from core.groups where true group by group_type, group_name having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_groups__group_type__group_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_groups__group_type__group_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_groups__group_type (models/core/groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.groups as tested where group_type is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.groups as tested where group_type is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_groups__group_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_groups__group_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_groups__group_name (models/core/groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.groups as tested where group_name is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.groups as tested where group_name is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_groups__group_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_groups__group_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_groups__event_count (models/core/groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.groups as tested where event_count is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.groups as tested where event_count is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_groups__event_count', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_groups__event_count', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_groups__user_count (models/core/groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.groups as tested where user_count is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.groups as tested where user_count is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_groups__user_count', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_groups__user_count', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_locations__uuid (models/restricted/locations.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from restricted.locations as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from restricted.locations as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from restricted.locations where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from restricted.locations where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_locations__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_locations__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_locations__uuid (models/restricted/locations.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select uuid, count(*) as occurrences from restricted.locations where true and uuid is not null group by uuid having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, count(*) as occurrences from restricted.locations where true and uuid is not null group by uuid having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select uuid, count(*) as occurrences from restricted.locations where true and uuid is not null and (uuid) in (select uuid from (select * from restricted.locations where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, count(*) as occurrences from restricted.locations where true and uuid is not null and (uuid) in (select uuid from (select * from restricted.locations where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_locations__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_locations__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_locations__uuid (models/restricted/locations.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.uuid from restricted.locations as child left join core.events as parent on child.uuid = parent.uuid where child.uuid is not null and parent.uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.uuid from restricted.locations as child left join core.events as parent on child.uuid = parent.uuid where child.uuid is not null and parent.uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.uuid from (select * from restricted.locations where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.uuid is not null and not exists (select 1 from core.events as parent where parent.uuid = child.uuid)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.uuid from (select * from restricted.locations where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.uuid is not null and not exists (select 1 from core.events as parent where parent.uuid = child.uuid)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_locations__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_locations__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_page_paths__amplitude_id__session_id__step_in_session (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select amplitude_id, session_id, step_in_session, count(*) as occurrences from marts.page_paths where true group by amplitude_id, session_id, step_in_session having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select amplitude_id, session_id, step_in_session, count(*) as occurrences from marts.page_paths where true group by amplitude_id, session_id, step_in_session having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select amplitude_id, session_id, step_in_session, count(*) as occurrences from marts.page_paths where true and (amplitude_id, session_id, step_in_session) in (select amplitude_id, session_id, step_in_session from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by amplitude_id, session_id, step_in_session having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select amplitude_id, session_id, step_in_session, count(*) as occurrences from marts.page_paths where true and (amplitude_id, session_id, step_in_session) in (select amplitude_id, session_id, step_in_session from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by amplitude_id, session_id, step_in_session having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_page_paths__amplitude_id__session_id__step_in_session', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_page_paths__amplitude_id__session_id__step_in_session', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_page_paths__uuid (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.page_paths as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.page_paths as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_page_paths__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_page_paths__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_page_paths__uuid (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select uuid, count(*) as occurrences from marts.page_paths where true and uuid is not null group by uuid having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, count(*) as occurrences from marts.page_paths where true and uuid is not null group by uuid having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select uuid, count(*) as occurrences from marts.page_paths where true and uuid is not null and (uuid) in (select uuid from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, count(*) as occurrences from marts.page_paths where true and uuid is not null and (uuid) in (select uuid from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_page_paths__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_page_paths__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_page_paths__uuid (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.uuid from marts.page_paths as child left join core.events as parent on child.uuid = parent.uuid where child.uuid is not null and parent.uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.uuid from marts.page_paths as child left join core.events as parent on child.uuid = parent.uuid where child.uuid is not null and parent.uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.uuid from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.uuid is not null and not exists (select 1 from core.events as parent where parent.uuid = child.uuid)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.uuid from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.uuid is not null and not exists (select 1 from core.events as parent where parent.uuid = child.uuid)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_page_paths__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_page_paths__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_page_paths__amplitude_id (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.page_paths as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.page_paths as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_page_paths__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_page_paths__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_page_paths__session_id (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.page_paths as tested where session_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.page_paths as tested where session_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where session_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where session_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_page_paths__session_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_page_paths__session_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_page_paths__step_in_session (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.page_paths as tested where step_in_session is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.page_paths as tested where step_in_session is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where step_in_session is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where step_in_session is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_page_paths__step_in_session', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_page_paths__step_in_session', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_page_paths__event_time (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.page_paths as tested where event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.page_paths as tested where event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_page_paths__event_time', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_page_paths__event_time', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_page_paths__event_type (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.page_paths as tested where event_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.page_paths as tested where event_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_page_paths__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_page_paths__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_page_paths__is_entry_page (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.page_paths as tested where is_entry_page is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.page_paths as tested where is_entry_page is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where is_entry_page is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where is_entry_page is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_page_paths__is_entry_page', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_page_paths__is_entry_page', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_page_paths__is_exit_page (models/marts/page_paths.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.page_paths as tested where is_exit_page is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.page_paths as tested where is_exit_page is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where is_exit_page is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.page_paths where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where is_exit_page is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_page_paths__is_exit_page', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_page_paths__is_exit_page', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_sessions__amplitude_id__session_id (models/core/sessions.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select amplitude_id, session_id, count(*) as occurrences from core.sessions where true group by amplitude_id, session_id having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select amplitude_id, session_id, count(*) as occurrences from core.sessions where true group by amplitude_id, session_id having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select amplitude_id, session_id, count(*) as occurrences from core.sessions where true and (amplitude_id, session_id) in (select amplitude_id, session_id from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by amplitude_id, session_id having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select amplitude_id, session_id, count(*) as occurrences from core.sessions where true and (amplitude_id, session_id) in (select amplitude_id, session_id from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by amplitude_id, session_id having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_sessions__amplitude_id__session_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_sessions__amplitude_id__session_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_sessions__amplitude_id (models/core/sessions.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.sessions as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.sessions as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_sessions__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_sessions__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_sessions__amplitude_id (models/core/sessions.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.amplitude_id from core.sessions as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.amplitude_id from core.sessions as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.amplitude_id from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.amplitude_id is not null and not exists (select 1 from core.users as parent where parent.amplitude_id = child.amplitude_id)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.amplitude_id from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.amplitude_id is not null and not exists (select 1 from core.users as parent where parent.amplitude_id = child.amplitude_id)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_sessions__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_sessions__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_sessions__session_id (models/core/sessions.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.sessions as tested where session_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.sessions as tested where session_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where session_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where session_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_sessions__session_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_sessions__session_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_sessions__session_start (models/core/sessions.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.sessions as tested where session_start is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.sessions as tested where session_start is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where session_start is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where session_start is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_sessions__session_start', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_sessions__session_start', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_sessions__event_count (models/core/sessions.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.sessions as tested where event_count is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.sessions as tested where event_count is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_count is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_count is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_sessions__event_count', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_sessions__event_count', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_sessions__device_id (models/core/sessions.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.device_id from core.sessions as child left join core.devices as parent on child.device_id = parent.device_id where child.device_id is not null and parent.device_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.device_id from core.sessions as child left join core.devices as parent on child.device_id = parent.device_id where child.device_id is not null and parent.device_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.device_id from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.device_id is not null and not exists (select 1 from core.devices as parent where parent.device_id = child.device_id)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.device_id from (select * from core.sessions where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.device_id is not null and not exists (select 1 from core.devices as parent where parent.device_id = child.device_id)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_sessions__device_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_sessions__device_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_stg_amplitude__cohort_members__source_file__file_row_number (models/staging/amplitude/stg_amplitude__cohort_members.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select source_file, file_row_number, count(*) as occurrences from staging.stg_amplitude__cohort_members where true group by source_file, file_row_number having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select source_file, file_row_number, count(*) as occurrences from staging.stg_amplitude__cohort_members where true group by source_file, file_row_number having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_stg_amplitude__cohort_members__source_file__file_row_number', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_stg_amplitude__cohort_members__source_file__file_row_number', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__cohort_members__cohort_id (models/staging/amplitude/stg_amplitude__cohort_members.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from staging.stg_amplitude__cohort_members as tested where cohort_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from staging.stg_amplitude__cohort_members as tested where cohort_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__cohort_members__cohort_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__cohort_members__cohort_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__cohort_members__amplitude_id (models/staging/amplitude/stg_amplitude__cohort_members.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from staging.stg_amplitude__cohort_members as tested where amplitude_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from staging.stg_amplitude__cohort_members as tested where amplitude_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__cohort_members__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__cohort_members__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__cohorts__cohort_id (models/staging/amplitude/stg_amplitude__cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from staging.stg_amplitude__cohorts as tested where cohort_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from staging.stg_amplitude__cohorts as tested where cohort_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__cohorts__cohort_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__cohorts__cohort_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_stg_amplitude__cohorts__cohort_id (models/staging/amplitude/stg_amplitude__cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select cohort_id, count(*) as occurrences from staging.stg_amplitude__cohorts where true and cohort_id is not null group by cohort_id having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select cohort_id, count(*) as occurrences from staging.stg_amplitude__cohorts where true and cohort_id is not null group by cohort_id having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_stg_amplitude__cohorts__cohort_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_stg_amplitude__cohorts__cohort_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_categories__category_id (models/staging/amplitude/stg_amplitude__event_categories.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from staging.stg_amplitude__event_categories as tested where category_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from staging.stg_amplitude__event_categories as tested where category_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_categories__category_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_categories__category_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_stg_amplitude__event_categories__category_id (models/staging/amplitude/stg_amplitude__event_categories.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select category_id, count(*) as occurrences from staging.stg_amplitude__event_categories where true and category_id is not null group by category_id having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select category_id, count(*) as occurrences from staging.stg_amplitude__event_categories where true and category_id is not null group by category_id having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_stg_amplitude__event_categories__category_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_stg_amplitude__event_categories__category_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_categories__category_name (models/staging/amplitude/stg_amplitude__event_categories.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from staging.stg_amplitude__event_categories as tested where category_name is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from staging.stg_amplitude__event_categories as tested where category_name is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_categories__category_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_categories__category_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_stg_amplitude__event_deliveries__source_file__file_row_number (models/staging/amplitude/stg_amplitude__event_deliveries.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select source_file, file_row_number, count(*) as occurrences from staging.stg_amplitude__event_deliveries where true group by source_file, file_row_number having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select source_file, file_row_number, count(*) as occurrences from staging.stg_amplitude__event_deliveries where true group by source_file, file_row_number having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select source_file, file_row_number, count(*) as occurrences from staging.stg_amplitude__event_deliveries where true and (source_file, file_row_number) in (select source_file, file_row_number from (select * from staging.stg_amplitude__event_deliveries where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by source_file, file_row_number having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select source_file, file_row_number, count(*) as occurrences from staging.stg_amplitude__event_deliveries where true and (source_file, file_row_number) in (select source_file, file_row_number from (select * from staging.stg_amplitude__event_deliveries where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by source_file, file_row_number having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_stg_amplitude__event_deliveries__source_file__file_row_number', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_stg_amplitude__event_deliveries__source_file__file_row_number', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_deliveries__uuid (models/staging/amplitude/stg_amplitude__event_deliveries.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__event_deliveries as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__event_deliveries as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__event_deliveries where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__event_deliveries where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_deliveries__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_deliveries__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_stg_amplitude__event_groups__source_file__file_row_number__group_type__group_name (models/staging/amplitude/stg_amplitude__event_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select source_file, file_row_number, group_type, group_name, count(*) as occurrences from staging.stg_amplitude__event_groups where true group by source_file, file_row_number, group_type, group_name having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select source_file, file_row_number, group_type, group_name, count(*) as occurrences from staging.stg_amplitude__event_groups where true group by source_file, file_row_number, group_type, group_name having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select source_file, file_row_number, group_type, group_name, count(*) as occurrences from staging.stg_amplitude__event_groups where true and (source_file, file_row_number, group_type, group_name) in (select source_file, file_row_number, group_type, group_name from (select * from staging.stg_amplitude__event_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by source_file, file_row_number, group_type, group_name having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select source_file, file_row_number, group_type, group_name, count(*) as occurrences from staging.stg_amplitude__event_groups where true and (source_file, file_row_number, group_type, group_name) in (select source_file, file_row_number, group_type, group_name from (select * from staging.stg_amplitude__event_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by source_file, file_row_number, group_type, group_name having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_stg_amplitude__event_groups__source_file__file_row_number__group_type__group_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_stg_amplitude__event_groups__source_file__file_row_number__group_type__group_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_groups__uuid (models/staging/amplitude/stg_amplitude__event_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__event_groups as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__event_groups as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__event_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__event_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_groups__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_groups__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_groups__group_type (models/staging/amplitude/stg_amplitude__event_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__event_groups as tested where group_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__event_groups as tested where group_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__event_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where group_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__event_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where group_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_groups__group_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_groups__group_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_groups__group_name (models/staging/amplitude/stg_amplitude__event_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__event_groups as tested where group_name is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__event_groups as tested where group_name is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__event_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where group_name is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__event_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where group_name is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_groups__group_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_groups__group_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_stg_amplitude__event_properties__uuid__property (models/staging/amplitude/stg_amplitude__event_properties.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select uuid, property, count(*) as occurrences from staging.stg_amplitude__event_properties where true group by uuid, property having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, property, count(*) as occurrences from staging.stg_amplitude__event_properties where true group by uuid, property having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select uuid, property, count(*) as occurrences from staging.stg_amplitude__event_properties where true and (uuid, property) in (select uuid, property from (select * from staging.stg_amplitude__event_properties where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid, property having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, property, count(*) as occurrences from staging.stg_amplitude__event_properties where true and (uuid, property) in (select uuid, property from (select * from staging.stg_amplitude__event_properties where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid, property having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_stg_amplitude__event_properties__uuid__property', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_stg_amplitude__event_properties__uuid__property', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_properties__uuid (models/staging/amplitude/stg_amplitude__event_properties.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__event_properties as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__event_properties as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__event_properties where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__event_properties where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_properties__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_properties__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_stg_amplitude__event_properties__uuid (models/staging/amplitude/stg_amplitude__event_properties.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.uuid from staging.stg_amplitude__event_properties as child left join staging.stg_amplitude__events as parent on child.uuid = parent.uuid where child.uuid is not null and parent.uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.uuid from staging.stg_amplitude__event_properties as child left join staging.stg_amplitude__events as parent on child.uuid = parent.uuid where child.uuid is not null and parent.uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.uuid from (select * from staging.stg_amplitude__event_properties where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.uuid is not null and not exists (select 1 from staging.stg_amplitude__events as parent where parent.uuid = child.uuid)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.uuid from (select * from staging.stg_amplitude__event_properties where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.uuid is not null and not exists (select 1 from staging.stg_amplitude__events as parent where parent.uuid = child.uuid)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_stg_amplitude__event_properties__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_stg_amplitude__event_properties__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_properties__property (models/staging/amplitude/stg_amplitude__event_properties.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__event_properties as tested where property is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__event_properties as tested where property is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__event_properties where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where property is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__event_properties where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where property is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_properties__property', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_properties__property', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__event_types__event_type (models/staging/amplitude/stg_amplitude__event_types.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from staging.stg_amplitude__event_types as tested where event_type is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from staging.stg_amplitude__event_types as tested where event_type is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__event_types__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__event_types__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_stg_amplitude__event_types__event_type (models/staging/amplitude/stg_amplitude__event_types.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select event_type, count(*) as occurrences from staging.stg_amplitude__event_types where true and event_type is not null group by event_type having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select event_type, count(*) as occurrences from staging.stg_amplitude__event_types where true and event_type is not null group by event_type having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_stg_amplitude__event_types__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_stg_amplitude__event_types__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__events__uuid (models/staging/amplitude/stg_amplitude__events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__events as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__events as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__events__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__events__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_stg_amplitude__events__uuid (models/staging/amplitude/stg_amplitude__events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select uuid, count(*) as occurrences from staging.stg_amplitude__events where true and uuid is not null group by uuid having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, count(*) as occurrences from staging.stg_amplitude__events where true and uuid is not null group by uuid having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select uuid, count(*) as occurrences from staging.stg_amplitude__events where true and uuid is not null and (uuid) in (select uuid from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, count(*) as occurrences from staging.stg_amplitude__events where true and uuid is not null and (uuid) in (select uuid from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_stg_amplitude__events__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_stg_amplitude__events__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__events__amplitude_id (models/staging/amplitude/stg_amplitude__events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__events as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__events as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__events__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__events__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__events__event_type (models/staging/amplitude/stg_amplitude__events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__events as tested where event_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__events as tested where event_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__events__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__events__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- accepted_values_stg_amplitude__events__event_type (models/staging/amplitude/stg_amplitude__events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select event_type as value, count(*) as occurrences from staging.stg_amplitude__events as tested where event_type is not null and event_type not in ('video_loaded', '[Amplitude] Form Started', 'video_started', 'session_start', '[Amplitude] Element Changed', 'video_finished', '[Amplitude] Page Viewed', '[Amplitude] Element Clicked', 'Activate Modal Search', 'video_paused', '[Amplitude] Form Submitted', 'Data Skills Video', '[Amplitude] File Downloaded') group by event_type
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select event_type as value, count(*) as occurrences from staging.stg_amplitude__events as tested where event_type is not null and event_type not in ('video_loaded', '[Amplitude] Form Started', 'video_started', 'session_start', '[Amplitude] Element Changed', 'video_finished', '[Amplitude] Page Viewed', '[Amplitude] Element Clicked', 'Activate Modal Search', 'video_paused', '[Amplitude] Form Submitted', 'Data Skills Video', '[Amplitude] File Downloaded') group by event_type
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select event_type as value, count(*) as occurrences from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_type is not null and event_type not in ('video_loaded', '[Amplitude] Form Started', 'video_started', 'session_start', '[Amplitude] Element Changed', 'video_finished', '[Amplitude] Page Viewed', '[Amplitude] Element Clicked', 'Activate Modal Search', 'video_paused', '[Amplitude] Form Submitted', 'Data Skills Video', '[Amplitude] File Downloaded') group by event_type
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select event_type as value, count(*) as occurrences from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_type is not null and event_type not in ('video_loaded', '[Amplitude] Form Started', 'video_started', 'session_start', '[Amplitude] Element Changed', 'video_finished', '[Amplitude] Page Viewed', '[Amplitude] Element Clicked', 'Activate Modal Search', 'video_paused', '[Amplitude] Form Submitted', 'Data Skills Video', '[Amplitude] File Downloaded') group by event_type
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'accepted_values_stg_amplitude__events__event_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'accepted_values_stg_amplitude__events__event_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__events__event_time (models/staging/amplitude/stg_amplitude__events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__events as tested where event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__events as tested where event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__events__event_time', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__events__event_time', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_stg_amplitude__events__server_upload_time (models/staging/amplitude/stg_amplitude__events.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from staging.stg_amplitude__events as tested where server_upload_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from staging.stg_amplitude__events as tested where server_upload_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where server_upload_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from staging.stg_amplitude__events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where server_upload_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_stg_amplitude__events__server_upload_time', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_stg_amplitude__events__server_upload_time', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_user_cohorts__cohort_id__amplitude_id (models/core/user_cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select cohort_id, amplitude_id, count(*) as occurrences from core.user_cohorts where true group by cohort_id, amplitude_id having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select cohort_id, amplitude_id, count(*) as occurrences from core.user_cohorts where true group by cohort_id, amplitude_id having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_user_cohorts__cohort_id__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_user_cohorts__cohort_id__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_user_cohorts__cohort_id (models/core/user_cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.user_cohorts as tested where cohort_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.user_cohorts as tested where cohort_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_user_cohorts__cohort_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_user_cohorts__cohort_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_user_cohorts__cohort_id (models/core/user_cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select child.cohort_id from core.user_cohorts as child left join core.cohorts as parent on child.cohort_id = parent.cohort_id where child.cohort_id is not null and parent.cohort_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select child.cohort_id from core.user_cohorts as child left join core.cohorts as parent on child.cohort_id = parent.cohort_id where child.cohort_id is not null and parent.cohort_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_user_cohorts__cohort_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_user_cohorts__cohort_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_user_cohorts__amplitude_id (models/core/user_cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from core.user_cohorts as tested where amplitude_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from core.user_cohorts as tested where amplitude_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_user_cohorts__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_user_cohorts__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_user_cohorts__amplitude_id (models/core/user_cohorts.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select child.amplitude_id from core.user_cohorts as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select child.amplitude_id from core.user_cohorts as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_user_cohorts__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_user_cohorts__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_user_groups__amplitude_id__group_type__group_name (models/core/user_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select amplitude_id, group_type, group_name, count(*) as occurrences from core.user_groups where true group by amplitude_id, group_type, group_name having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select amplitude_id, group_type, group_name, count(*) as occurrences from core.user_groups where true group by amplitude_id, group_type, group_name having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select amplitude_id, group_type, group_name, count(*) as occurrences from core.user_groups where true and (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by amplitude_id, group_type, group_name having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select amplitude_id, group_type, group_name, count(*) as occurrences from core.user_groups where true and (amplitude_id, group_type, group_name) in (select amplitude_id, group_type, group_name from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by amplitude_id, group_type, group_name having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_user_groups__amplitude_id__group_type__group_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_user_groups__amplitude_id__group_type__group_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_user_groups__amplitude_id (models/core/user_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.user_groups as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.user_groups as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_user_groups__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_user_groups__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_user_groups__amplitude_id (models/core/user_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.amplitude_id from core.user_groups as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.amplitude_id from core.user_groups as child left join core.users as parent on child.amplitude_id = parent.amplitude_id where child.amplitude_id is not null and parent.amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.amplitude_id from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.amplitude_id is not null and not exists (select 1 from core.users as parent where parent.amplitude_id = child.amplitude_id)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.amplitude_id from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.amplitude_id is not null and not exists (select 1 from core.users as parent where parent.amplitude_id = child.amplitude_id)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_user_groups__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_user_groups__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_user_groups__group_type (models/core/user_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.user_groups as tested where group_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.user_groups as tested where group_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where group_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where group_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_user_groups__group_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_user_groups__group_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_user_groups__group_name (models/core/user_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.user_groups as tested where group_name is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.user_groups as tested where group_name is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where group_name is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where group_name is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_user_groups__group_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_user_groups__group_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_user_groups__group_name (models/core/user_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.group_name from core.user_groups as child left join core.groups as parent on child.group_name = parent.group_name where child.group_name is not null and parent.group_name is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.group_name from core.user_groups as child left join core.groups as parent on child.group_name = parent.group_name where child.group_name is not null and parent.group_name is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.group_name from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.group_name is not null and not exists (select 1 from core.groups as parent where parent.group_name = child.group_name)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.group_name from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.group_name is not null and not exists (select 1 from core.groups as parent where parent.group_name = child.group_name)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_user_groups__group_name', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_user_groups__group_name', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_user_groups__event_count (models/core/user_groups.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.user_groups as tested where event_count is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.user_groups as tested where event_count is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_count is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.user_groups where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_count is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_user_groups__event_count', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_user_groups__event_count', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_users__amplitude_id (models/core/users.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.users as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.users as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.users where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.users where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_users__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_users__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_users__amplitude_id (models/core/users.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select amplitude_id, count(*) as occurrences from core.users where true and amplitude_id is not null group by amplitude_id having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select amplitude_id, count(*) as occurrences from core.users where true and amplitude_id is not null group by amplitude_id having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select amplitude_id, count(*) as occurrences from core.users where true and amplitude_id is not null and (amplitude_id) in (select amplitude_id from (select * from core.users where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by amplitude_id having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select amplitude_id, count(*) as occurrences from core.users where true and amplitude_id is not null and (amplitude_id) in (select amplitude_id from (select * from core.users where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by amplitude_id having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_users__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_users__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_users__first_seen_at (models/core/users.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.users as tested where first_seen_at is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.users as tested where first_seen_at is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.users where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where first_seen_at is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.users where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where first_seen_at is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_users__first_seen_at', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_users__first_seen_at', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_users__last_seen_at (models/core/users.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from core.users as tested where last_seen_at is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from core.users as tested where last_seen_at is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from core.users where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where last_seen_at is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from core.users where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where last_seen_at is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_users__last_seen_at', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_users__last_seen_at', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_web_issues__uuid__issue_type (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select uuid, issue_type, count(*) as occurrences from marts.web_issues where true group by uuid, issue_type having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, issue_type, count(*) as occurrences from marts.web_issues where true group by uuid, issue_type having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select uuid, issue_type, count(*) as occurrences from marts.web_issues where true and (uuid, issue_type) in (select uuid, issue_type from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid, issue_type having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select uuid, issue_type, count(*) as occurrences from marts.web_issues where true and (uuid, issue_type) in (select uuid, issue_type from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by uuid, issue_type having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_web_issues__uuid__issue_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_web_issues__uuid__issue_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__amplitude_id (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where amplitude_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__amplitude_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__amplitude_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__session_id (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where session_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where session_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where session_id is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where session_id is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__session_id', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__session_id', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__uuid (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- relationships_web_issues__uuid (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select child.uuid from marts.web_issues as child left join marts.page_paths as parent on child.uuid = parent.uuid where child.uuid is not null and parent.uuid is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.uuid from marts.web_issues as child left join marts.page_paths as parent on child.uuid = parent.uuid where child.uuid is not null and parent.uuid is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select child.uuid from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.uuid is not null and not exists (select 1 from marts.page_paths as parent where parent.uuid = child.uuid)
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select child.uuid from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as child where child.uuid is not null and not exists (select 1 from marts.page_paths as parent where parent.uuid = child.uuid)
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'relationships_web_issues__uuid', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'relationships_web_issues__uuid', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__event_time (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__event_time', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__event_time', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__issue_type (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where issue_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where issue_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where issue_type is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where issue_type is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__issue_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__issue_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- accepted_values_web_issues__issue_type (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select issue_type as value, count(*) as occurrences from marts.web_issues as tested where issue_type is not null and issue_type not in ('repeated_click', 'rage_click', 'form_abandoned', 'page_return', 'page_loop') group by issue_type
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select issue_type as value, count(*) as occurrences from marts.web_issues as tested where issue_type is not null and issue_type not in ('repeated_click', 'rage_click', 'form_abandoned', 'page_return', 'page_loop') group by issue_type
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select issue_type as value, count(*) as occurrences from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where issue_type is not null and issue_type not in ('repeated_click', 'rage_click', 'form_abandoned', 'page_return', 'page_loop') group by issue_type
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select issue_type as value, count(*) as occurrences from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where issue_type is not null and issue_type not in ('repeated_click', 'rage_click', 'form_abandoned', 'page_return', 'page_loop') group by issue_type
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'accepted_values_web_issues__issue_type', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'accepted_values_web_issues__issue_type', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__detail (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where detail is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where detail is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where detail is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where detail is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__detail', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__detail', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__evidence_events (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where evidence_events is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where evidence_events is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where evidence_events is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where evidence_events is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__evidence_events', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__evidence_events', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__first_event_time (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where first_event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where first_event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where first_event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where first_event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__first_event_time', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__first_event_time', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_web_issues__last_event_time (models/marts/web_issues.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from marts.web_issues as tested where last_event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from marts.web_issues as tested where last_event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where last_event_time is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from marts.web_issues where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where last_event_time is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_web_issues__last_event_time', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_web_issues__last_event_time', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_free_email_domains__domain (seeds/free_email_domains.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from seeds.free_email_domains as tested where domain is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from seeds.free_email_domains as tested where domain is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_free_email_domains__domain', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_free_email_domains__domain', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_free_email_domains__domain (seeds/free_email_domains.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select domain, count(*) as occurrences from seeds.free_email_domains where true and domain is not null group by domain having count(*) > 1
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select domain, count(*) as occurrences from seeds.free_email_domains where true and domain is not null group by domain having count(*) > 1
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_free_email_domains__domain', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_free_email_domains__domain', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- unique_combination_of_columns_source_amplitude_events__source_file__file_row_number (models/staging/amplitude/_amplitude__sources.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select source_file, file_row_number, count(*) as occurrences from raw.amplitude_events where true group by source_file, file_row_number having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select source_file, file_row_number, count(*) as occurrences from raw.amplitude_events where true group by source_file, file_row_number having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select source_file, file_row_number, count(*) as occurrences from raw.amplitude_events where true and (source_file, file_row_number) in (select source_file, file_row_number from (select * from raw.amplitude_events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by source_file, file_row_number having count(*) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select source_file, file_row_number, count(*) as occurrences from raw.amplitude_events where true and (source_file, file_row_number) in (select source_file, file_row_number from (select * from raw.amplitude_events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as fresh) group by source_file, file_row_number having count(*) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'unique_combination_of_columns_source_amplitude_events__source_file__file_row_number', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'unique_combination_of_columns_source_amplitude_events__source_file__file_row_number', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_source_amplitude_events__json_data (models/staging/amplitude/_amplitude__sources.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from raw.amplitude_events as tested where json_data is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from raw.amplitude_events as tested where json_data is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from raw.amplitude_events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where json_data is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from raw.amplitude_events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where json_data is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_source_amplitude_events__json_data', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_source_amplitude_events__json_data', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_source_amplitude_events__source_file (models/staging/amplitude/_amplitude__sources.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select * from raw.amplitude_events as tested where source_file is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from raw.amplitude_events as tested where source_file is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select * from (select * from raw.amplitude_events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where source_file is null
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select * from (select * from raw.amplitude_events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)) as tested where source_file is null
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_source_amplitude_events__source_file', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_source_amplitude_events__source_file', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_source_amplitude_load_history__file (models/staging/amplitude/_amplitude__sources.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from raw.load_history as tested where file is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from raw.load_history as tested where file is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_source_amplitude_load_history__file', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_source_amplitude_load_history__file', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_source_amplitude_snapshots__object (models/staging/amplitude/_amplitude__sources.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from raw.amplitude_snapshots as tested where object is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from raw.amplitude_snapshots as tested where object is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_source_amplitude_snapshots__object', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_source_amplitude_snapshots__object', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_source_amplitude_snapshots__json_data (models/staging/amplitude/_amplitude__sources.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from raw.amplitude_snapshots as tested where json_data is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from raw.amplitude_snapshots as tested where json_data is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_source_amplitude_snapshots__json_data', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_source_amplitude_snapshots__json_data', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- not_null_source_amplitude_snapshots__source_file (models/staging/amplitude/_amplitude__sources.yml)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select * from raw.amplitude_snapshots as tested where source_file is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select * from raw.amplitude_snapshots as tested where source_file is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'not_null_source_amplitude_snapshots__source_file', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'not_null_source_amplitude_snapshots__source_file', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- core_events_match_raw_uuids (tests/core_events_match_raw_uuids.sql)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                with raw_uuids as (

                    select distinct strip_null_value(json_data:"uuid")::varchar as uuid
                    from pipeline.captured_events

                ),

                event_uuids as (

                    select uuid, count(*) as copies
                    from core.events

                    group by uuid

                )

                select
                    coalesce(raw_uuids.uuid, event_uuids.uuid) as uuid,
                    raw_uuids.uuid is not null as in_raw,
                    coalesce(event_uuids.copies, 0) as copies_in_core_events
                from raw_uuids
                full outer join event_uuids on raw_uuids.uuid = event_uuids.uuid
                where raw_uuids.uuid is null or event_uuids.copies is null or event_uuids.copies <> 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        with raw_uuids as (

                            select distinct strip_null_value(json_data:"uuid")::varchar as uuid
                            from pipeline.captured_events

                        ),

                        event_uuids as (

                            select uuid, count(*) as copies
                            from core.events

                            group by uuid

                        )

                        select
                            coalesce(raw_uuids.uuid, event_uuids.uuid) as uuid,
                            raw_uuids.uuid is not null as in_raw,
                            coalesce(event_uuids.copies, 0) as copies_in_core_events
                        from raw_uuids
                        full outer join event_uuids on raw_uuids.uuid = event_uuids.uuid
                        where raw_uuids.uuid is null or event_uuids.copies is null or event_uuids.copies <> 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                with raw_uuids as (

                    select distinct deliveries.uuid
                    from pipeline.captured_events as raw_lines
                    left join (
                        select uuid, source_file, file_row_number
                        from staging.stg_amplitude__event_deliveries
                        where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                    ) as deliveries
                        on raw_lines.source_file = deliveries.source_file
                        and raw_lines.file_row_number = deliveries.file_row_number
                    where raw_lines.loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

                ),

                event_uuids as (

                    select uuid, count(*) as copies
                    from core.events

                    where uuid in (select uuid from raw_uuids) or loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

                    group by uuid

                )

                select
                    coalesce(raw_uuids.uuid, event_uuids.uuid) as uuid,
                    raw_uuids.uuid is not null as in_raw,
                    coalesce(event_uuids.copies, 0) as copies_in_core_events
                from raw_uuids
                full outer join event_uuids on raw_uuids.uuid = event_uuids.uuid
                where raw_uuids.uuid is null or event_uuids.copies is null or event_uuids.copies <> 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        with raw_uuids as (

                            select distinct deliveries.uuid
                            from pipeline.captured_events as raw_lines
                            left join (
                                select uuid, source_file, file_row_number
                                from staging.stg_amplitude__event_deliveries
                                where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                            ) as deliveries
                                on raw_lines.source_file = deliveries.source_file
                                and raw_lines.file_row_number = deliveries.file_row_number
                            where raw_lines.loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

                        ),

                        event_uuids as (

                            select uuid, count(*) as copies
                            from core.events

                            where uuid in (select uuid from raw_uuids) or loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

                            group by uuid

                        )

                        select
                            coalesce(raw_uuids.uuid, event_uuids.uuid) as uuid,
                            raw_uuids.uuid is not null as in_raw,
                            coalesce(event_uuids.copies, 0) as copies_in_core_events
                        from raw_uuids
                        full outer join event_uuids on raw_uuids.uuid = event_uuids.uuid
                        where raw_uuids.uuid is null or event_uuids.copies is null or event_uuids.copies <> 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'core_events_match_raw_uuids', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'core_events_match_raw_uuids', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- duplicate_events (tests/duplicate_events.sql)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                with event_changes as (

                    select
                        amplitude_id,
                        session_id,
                        event_id,
                        event_time,
                        lag(event_time) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_time,
                        lag(event_id) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_id
                    from core.events
                    where session_id <> -1

                ),

                time_changed as (

                    select amplitude_id, session_id, event_id
                    from event_changes
                    where event_time <> previous_event_time
                        and previous_event_id = event_id

                )

                select amplitude_id, session_id, count(event_id) as repeated_events
                from time_changed
                group by amplitude_id, session_id
                having count(event_id) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        with event_changes as (

                            select
                                amplitude_id,
                                session_id,
                                event_id,
                                event_time,
                                lag(event_time) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_time,
                                lag(event_id) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_id
                            from core.events
                            where session_id <> -1

                        ),

                        time_changed as (

                            select amplitude_id, session_id, event_id
                            from event_changes
                            where event_time <> previous_event_time
                                and previous_event_id = event_id

                        )

                        select amplitude_id, session_id, count(event_id) as repeated_events
                        from time_changed
                        group by amplitude_id, session_id
                        having count(event_id) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                with event_changes as (

                    select
                        amplitude_id,
                        session_id,
                        event_id,
                        event_time,
                        lag(event_time) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_time,
                        lag(event_id) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_id
                    from core.events
                    where session_id <> -1

                        and (amplitude_id, session_id) in (
                            select amplitude_id, session_id from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                        )

                ),

                time_changed as (

                    select amplitude_id, session_id, event_id
                    from event_changes
                    where event_time <> previous_event_time
                        and previous_event_id = event_id

                )

                select amplitude_id, session_id, count(event_id) as repeated_events
                from time_changed
                group by amplitude_id, session_id
                having count(event_id) > 1
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        with event_changes as (

                            select
                                amplitude_id,
                                session_id,
                                event_id,
                                event_time,
                                lag(event_time) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_time,
                                lag(event_id) over (partition by amplitude_id, session_id order by event_time, event_id) as previous_event_id
                            from core.events
                            where session_id <> -1

                                and (amplitude_id, session_id) in (
                                    select amplitude_id, session_id from core.events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                                )

                        ),

                        time_changed as (

                            select amplitude_id, session_id, event_id
                            from event_changes
                            where event_time <> previous_event_time
                                and previous_event_id = event_id

                        )

                        select amplitude_id, session_id, count(event_id) as repeated_events
                        from time_changed
                        group by amplitude_id, session_id
                        having count(event_id) > 1
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'duplicate_events', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'duplicate_events', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- manifest_files_loaded (tests/manifest_files_loaded.sql)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                select
                    history.file,
                    history.app_id,
                    history.extract_window,
                    history.manifest_events
                from raw.load_history as history
                where history.object = 'events'
                    and history.manifest_events > 0

                    and not exists (
                        select 1
                        from pipeline.captured_events as raw_lines
                        where raw_lines.source_file = history.file
                    )
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select
                            history.file,
                            history.app_id,
                            history.extract_window,
                            history.manifest_events
                        from raw.load_history as history
                        where history.object = 'events'
                            and history.manifest_events > 0

                            and not exists (
                                select 1
                                from pipeline.captured_events as raw_lines
                                where raw_lines.source_file = history.file
                            )
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                select
                    history.file,
                    history.app_id,
                    history.extract_window,
                    history.manifest_events
                from raw.load_history as history
                where history.object = 'events'
                    and history.manifest_events > 0

                    and history.loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

                    and not exists (
                        select 1
                        from pipeline.captured_events as raw_lines
                        where raw_lines.source_file = history.file
                    )
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        select
                            history.file,
                            history.app_id,
                            history.extract_window,
                            history.manifest_events
                        from raw.load_history as history
                        where history.object = 'events'
                            and history.manifest_events > 0

                            and history.loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)

                            and not exists (
                                select 1
                                from pipeline.captured_events as raw_lines
                                where raw_lines.source_file = history.file
                            )
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'manifest_files_loaded', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'manifest_files_loaded', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- raw_rows_match_manifests (tests/raw_rows_match_manifests.sql)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        if (whole) then
            select count(*) into :failures from (
                with history as (

                    select file, sum(manifest_events) as manifest_events
                    from raw.load_history
                    where object = 'events'

                    group by file

                ),

                loaded as (

                    select source_file, count(*) as rows_in_raw
                    from pipeline.captured_events
                    where source_file in (select file from history)
                    group by source_file

                )

                select
                    history.file,
                    history.manifest_events,
                    loaded.rows_in_raw
                from history
                inner join loaded on history.file = loaded.source_file
                where history.manifest_events is null
                    or history.manifest_events <> loaded.rows_in_raw
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        with history as (

                            select file, sum(manifest_events) as manifest_events
                            from raw.load_history
                            where object = 'events'

                            group by file

                        ),

                        loaded as (

                            select source_file, count(*) as rows_in_raw
                            from pipeline.captured_events
                            where source_file in (select file from history)
                            group by source_file

                        )

                        select
                            history.file,
                            history.manifest_events,
                            loaded.rows_in_raw
                        from history
                        inner join loaded on history.file = loaded.source_file
                        where history.manifest_events is null
                            or history.manifest_events <> loaded.rows_in_raw
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        else
            select count(*) into :failures from (
                with history as (

                    select file, sum(manifest_events) as manifest_events
                    from raw.load_history
                    where object = 'events'

                        and (
                            loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                            or file in (
                                select source_file from pipeline.captured_events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                            )
                        )

                    group by file

                ),

                loaded as (

                    select source_file, count(*) as rows_in_raw
                    from pipeline.captured_events
                    where source_file in (select file from history)
                    group by source_file

                )

                select
                    history.file,
                    history.manifest_events,
                    loaded.rows_in_raw
                from history
                inner join loaded on history.file = loaded.source_file
                where history.manifest_events is null
                    or history.manifest_events <> loaded.rows_in_raw
            ) as failing;
            if (failures > 0) then
                select array_agg(object_construct(*)) into :failing_rows from (
                    select * from (
                        with history as (

                            select file, sum(manifest_events) as manifest_events
                            from raw.load_history
                            where object = 'events'

                                and (
                                    loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                                    or file in (
                                        select source_file from pipeline.captured_events where loaded_at > (select timestampadd('microsecond', -1, min(first_loaded_at)) from pipeline.stream_batches where completed_at is null)
                                    )
                                )

                            group by file

                        ),

                        loaded as (

                            select source_file, count(*) as rows_in_raw
                            from pipeline.captured_events
                            where source_file in (select file from history)
                            group by source_file

                        )

                        select
                            history.file,
                            history.manifest_events,
                            loaded.rows_in_raw
                        from history
                        inner join loaded on history.file = loaded.source_file
                        where history.manifest_events is null
                            or history.manifest_events <> loaded.rows_in_raw
                    ) as failing
                    limit 5
                ) as shown;
            end if;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'raw_rows_match_manifests', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'raw_rows_match_manifests', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

    -- user_groups_have_groups (tests/user_groups_have_groups.sql)
    started := convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    failing_rows := null;
    begin
        select count(*) into :failures from (
            select
                user_groups.amplitude_id,
                user_groups.group_type,
                user_groups.group_name
            from core.user_groups as user_groups
            left join core.groups as groups
                on user_groups.group_type = groups.group_type
                and user_groups.group_name = groups.group_name
            where groups.group_name is null
        ) as failing;
        if (failures > 0) then
            select array_agg(object_construct(*)) into :failing_rows from (
                select * from (
                    select
                        user_groups.amplitude_id,
                        user_groups.group_type,
                        user_groups.group_name
                    from core.user_groups as user_groups
                    left join core.groups as groups
                        on user_groups.group_type = groups.group_type
                        and user_groups.group_name = groups.group_name
                    where groups.group_name is null
                ) as failing
                limit 5
            ) as shown;
        end if;
        insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
            select :run_id, 'user_groups_have_groups', :failures, :failing_rows, null,
                timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    exception
        when other then
            insert into pipeline.test_results (run_id, test_name, failures, failing_rows, error, seconds, recorded_at)
                select :run_id, 'user_groups_have_groups', null, null, :sqlerrm,
                    timestampdiff('millisecond', :started, convert_timezone('UTC', current_timestamp())::timestamp_ntz) / 1000,
                    convert_timezone('UTC', current_timestamp())::timestamp_ntz;
    end;

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
            and name <> 'AMPLITUDE_FINALIZER'
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
$$;

-- amplitude-pipeline provision, statement 54 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.amplitude_root
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Captures new raw events and starts the model graph (amplitude-pipeline)'
    user_task_minimum_trigger_interval_in_seconds = 3600
    when system$stream_has_data('raw.amplitude_events_stream')
    as
    call pipeline.capture_batch(system$task_runtime_info('CURRENT_TASK_GRAPH_RUN_GROUP_ID'));

-- amplitude-pipeline provision, statement 55 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_stg_amplitude__cohort_members
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds staging.stg_amplitude__cohort_members (amplitude-pipeline)'
    after pipeline.amplitude_root
    as
    call pipeline.build_stg_amplitude__cohort_members(false);

-- amplitude-pipeline provision, statement 56 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_stg_amplitude__cohorts
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds staging.stg_amplitude__cohorts (amplitude-pipeline)'
    after pipeline.amplitude_root
    as
    call pipeline.build_stg_amplitude__cohorts(false);

-- amplitude-pipeline provision, statement 57 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_cohorts
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.cohorts (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__cohort_members, pipeline.run_stg_amplitude__cohorts
    as
    call pipeline.build_cohorts(false);

-- amplitude-pipeline provision, statement 58 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_stg_amplitude__event_deliveries
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds staging.stg_amplitude__event_deliveries (amplitude-pipeline)'
    after pipeline.amplitude_root
    as
    call pipeline.build_stg_amplitude__event_deliveries(false);

-- amplitude-pipeline provision, statement 59 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_stg_amplitude__events
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds staging.stg_amplitude__events (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__event_deliveries
    as
    call pipeline.build_stg_amplitude__events(false);

-- amplitude-pipeline provision, statement 60 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_locations
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds restricted.locations (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__events
    as
    call pipeline.build_locations(false);

-- amplitude-pipeline provision, statement 61 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_events
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.events (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__events
    as
    call pipeline.build_events(false);

-- amplitude-pipeline provision, statement 62 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_users
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.users (amplitude-pipeline)'
    after pipeline.run_events, pipeline.run_stg_amplitude__event_deliveries
    as
    call pipeline.build_users(false);

-- amplitude-pipeline provision, statement 63 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_company_traffic
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds marts.company_traffic (amplitude-pipeline)'
    after pipeline.run_locations, pipeline.run_users
    as
    call pipeline.build_company_traffic(false);

-- amplitude-pipeline provision, statement 64 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_devices
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.devices (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__event_deliveries, pipeline.run_stg_amplitude__events
    as
    call pipeline.build_devices(false);

-- amplitude-pipeline provision, statement 65 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_stg_amplitude__event_categories
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds staging.stg_amplitude__event_categories (amplitude-pipeline)'
    after pipeline.amplitude_root
    as
    call pipeline.build_stg_amplitude__event_categories(false);

-- amplitude-pipeline provision, statement 66 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_stg_amplitude__event_types
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds staging.stg_amplitude__event_types (amplitude-pipeline)'
    after pipeline.amplitude_root
    as
    call pipeline.build_stg_amplitude__event_types(false);

-- amplitude-pipeline provision, statement 67 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_event_categories
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.event_categories (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__event_categories, pipeline.run_stg_amplitude__event_types
    as
    call pipeline.build_event_categories(false);

-- amplitude-pipeline provision, statement 68 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_event_types
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.event_types (amplitude-pipeline)'
    after pipeline.run_events, pipeline.run_stg_amplitude__event_categories, pipeline.run_stg_amplitude__event_types
    as
    call pipeline.build_event_types(false);

-- amplitude-pipeline provision, statement 69 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_stg_amplitude__event_groups
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds staging.stg_amplitude__event_groups (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__event_deliveries
    as
    call pipeline.build_stg_amplitude__event_groups(false);

-- amplitude-pipeline provision, statement 70 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_user_groups
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.user_groups (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__event_groups, pipeline.run_stg_amplitude__events
    as
    call pipeline.build_user_groups(false);

-- amplitude-pipeline provision, statement 71 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_groups
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.groups (amplitude-pipeline)'
    after pipeline.run_user_groups
    as
    call pipeline.build_groups(false);

-- amplitude-pipeline provision, statement 72 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_page_paths
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds marts.page_paths (amplitude-pipeline)'
    after pipeline.run_events, pipeline.run_stg_amplitude__event_deliveries
    as
    call pipeline.build_page_paths(false);

-- amplitude-pipeline provision, statement 73 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_sessions
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.sessions (amplitude-pipeline)'
    after pipeline.run_events, pipeline.run_stg_amplitude__event_deliveries
    as
    call pipeline.build_sessions(false);

-- amplitude-pipeline provision, statement 74 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_stg_amplitude__event_properties
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds staging.stg_amplitude__event_properties (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__events
    as
    call pipeline.build_stg_amplitude__event_properties(false);

-- amplitude-pipeline provision, statement 75 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_user_cohorts
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds core.user_cohorts (amplitude-pipeline)'
    after pipeline.run_stg_amplitude__cohort_members, pipeline.run_stg_amplitude__cohorts
    as
    call pipeline.build_user_cohorts(false);

-- amplitude-pipeline provision, statement 76 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.run_web_issues
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    comment = 'Builds marts.web_issues (amplitude-pipeline)'
    after pipeline.run_events, pipeline.run_page_paths, pipeline.run_stg_amplitude__event_deliveries
    as
    call pipeline.build_web_issues(false);

-- amplitude-pipeline provision, statement 77 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
create or replace task pipeline.amplitude_finalizer
    warehouse = amplitude_pipeline
    timezone = 'UTC'
    timestamp_type_mapping = 'TIMESTAMP_NTZ'
    user_task_timeout_ms = 7200000
    finalize = pipeline.amplitude_root
    comment = 'Runs the data tests of each graph run (amplitude-pipeline)'
    as
    call pipeline.run_data_tests(system$task_runtime_info('CURRENT_TASK_GRAPH_RUN_GROUP_ID'));

-- amplitude-pipeline provision, statement 78 of 78 (warehouse amplitude_pipeline, stage s3://amplitude-lake/, integration amplitude_pipeline_s3)
-- placeholders, not your settings: the stage's bucket amplitude-lake (no --lake s3://bucket/prefix or AWS_BUCKET_NAME was given); the warehouse amplitude_pipeline (SNOWFLAKE_WAREHOUSE is not set)
select system$task_dependents_enable('pipeline.amplitude_root');
