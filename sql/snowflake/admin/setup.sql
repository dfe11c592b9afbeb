-- What a Snowflake admin runs once, before the pipeline's first `provision` (docs/snowflake.md, step 2).
-- Replace the five values in angle brackets; the names below are the defaults the docs and `init` use
-- (change them consistently if you must). Run it in a worksheet as a user who has ACCOUNTADMIN, top to
-- bottom. sql/snowflake/admin/teardown.sql removes it all again.

-- The pipeline's role, user, warehouse and database.
use role securityadmin;

create role if not exists amplitude_pipeline
    comment = 'Runs amplitude-pipeline: owns its schemas, pipes, stream, procedures and tasks';

-- A service user signs in with a key pair only: Snowflake blocks single-factor passwords.
-- <public key>: the contents of rsa_key.pub without its BEGIN/END lines (docs/snowflake.md, step 1).
create user if not exists amplitude_pipeline
    type = service
    default_role = amplitude_pipeline
    default_warehouse = amplitude_pipeline
    rsa_public_key = '<public key>'
    comment = 'amplitude-pipeline (GitHub Actions)';

grant role amplitude_pipeline to user amplitude_pipeline;
grant role amplitude_pipeline to role sysadmin;

use role sysadmin;

create warehouse if not exists amplitude_pipeline
    warehouse_size = xsmall
    auto_suspend = 60
    auto_resume = true
    initially_suspended = true;

create database if not exists analytics;

grant usage, operate on warehouse amplitude_pipeline to role amplitude_pipeline;
grant usage, create schema on database analytics to role amplitude_pipeline;

-- Tasks: the role runs its own task graph.
use role accountadmin;

grant execute task on account to role amplitude_pipeline;

-- A monthly credit quota for the pipeline's warehouse: account admins are notified at 80 %, and the
-- warehouse is suspended at 100 % (running queries finish) until the next month or a higher quota.
-- <monthly credits>: a number, e.g. 30 (an XSMALL warehouse uses 1 credit per hour it runs).
create resource monitor if not exists amplitude_pipeline_monitor
    with credit_quota = <monthly credits>
    frequency = monthly
    start_timestamp = immediately
    triggers
        on 80 percent do notify
        on 100 percent do suspend;

alter warehouse amplitude_pipeline set resource_monitor = amplitude_pipeline_monitor;

-- Read access to the lake bucket. <role arn> is the IAM role you create for Snowflake in
-- docs/snowflake.md, step 3 (its trust policy comes from DESCRIBE INTEGRATION below); <bucket>/<prefix>
-- is the lake, LAKE_URL without s3:// (s3://<bucket>/<prefix>).
create storage integration if not exists amplitude_pipeline_s3
    type = external_stage
    storage_provider = 's3'
    enabled = true
    storage_aws_role_arn = '<role arn>'
    storage_allowed_locations = ('s3://<bucket>/<prefix>/')
    comment = 'Read access to the Amplitude lake (amplitude-pipeline)';

grant usage on integration amplitude_pipeline_s3 to role amplitude_pipeline;

-- STORAGE_AWS_IAM_USER_ARN and STORAGE_AWS_EXTERNAL_ID go into the IAM role's trust policy.
describe integration amplitude_pipeline_s3;
