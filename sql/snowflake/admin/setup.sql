-- What a Snowflake admin runs once, before the pipeline's first `provision`. Replace the four values in
-- angle brackets; the names below are the defaults the README uses (change them consistently if you
-- must). Run it in a worksheet as a user who has ACCOUNTADMIN, top to bottom.

-- 1. The pipeline's role, user, warehouse and database.
use role securityadmin;

create role if not exists amplitude_pipeline
    comment = 'Runs amplitude-pipeline: owns its schemas, pipes, stream, procedures and tasks';

-- A service user signs in with a key pair only: Snowflake blocks single-factor passwords.
-- <public key>: the contents of rsa_key.pub without its BEGIN/END lines (README, "Run it on Snowflake").
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

-- 2. Tasks: the role runs its own task graph.
use role accountadmin;

grant execute task on account to role amplitude_pipeline;

-- 3. Read access to the lake bucket. <role arn> is the IAM role you create for Snowflake in step 4 of
--    the README (its trust policy comes from DESCRIBE INTEGRATION below); <bucket>/<prefix> is the lake.
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
