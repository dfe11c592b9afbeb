-- Removes amplitude-pipeline from a Snowflake account: first everything `provision` created (part 1),
-- then, only if you mean it, what setup.sql created (part 2). Nothing here can be undone once Time
-- Travel's retention has passed: the raw events, the models' tables and the change history go with it.
-- The lake in S3 is not touched; its files stay where upload wrote them.
--
-- The names are the defaults (docs/snowflake.md, step 2): change `analytics` and the role if you chose
-- others. Run it in a worksheet, top to bottom.

---------------------------------------------------------------------------------------------------------
-- Part 1: what provision created. The pipeline's role owns all of it.
---------------------------------------------------------------------------------------------------------
use role amplitude_pipeline;
use database analytics;

-- Stop what runs on its own before dropping anything: the task graph's root (its children run only
-- after it) and the three pipes, so no load or model run starts between the statements below.
alter task if exists pipeline.amplitude_root suspend;
alter pipe if exists raw.amplitude_events_pipe set pipe_execution_paused = true;
alter pipe if exists raw.amplitude_snapshots_pipe set pipe_execution_paused = true;
alter pipe if exists raw.lake_manifests_pipe set pipe_execution_paused = true;

-- DROP SCHEMA drops every object in the schema, pipes and tasks included; the objects that load or run
-- by themselves are dropped by name first all the same, so this script says what it stops.
drop pipe if exists raw.amplitude_events_pipe;
drop pipe if exists raw.amplitude_snapshots_pipe;
drop pipe if exists raw.lake_manifests_pipe;
drop stream if exists raw.amplitude_events_stream;
drop task if exists pipeline.amplitude_root;
drop task if exists pipeline.amplitude_finalizer;
drop stage if exists raw.amplitude_lake;

-- The schemas, with what is in them: the raw tables, file formats and views (raw), the change history,
-- procedures and the models' tasks (pipeline), the seeds, and the models' tables and views. Add any
-- schema your own models write to. The models' schemas go first: pipeline holds the masking policies set
-- on their personal columns, and Snowflake does not drop a policy (or a schema holding one) while a column
-- elsewhere still uses it.
drop schema if exists marts cascade;
drop schema if exists core cascade;
drop schema if exists staging cascade;
drop schema if exists restricted cascade;
drop schema if exists seeds cascade;
drop schema if exists raw cascade;
drop schema if exists pipeline cascade;

-- Outside Snowflake: the bucket's event notification that fed the pipes (provision sets it, or you did
-- in docs/snowflake.md, step 5) now points at a queue nobody reads. Remove it from the bucket's
-- properties (Event notifications) or with `aws s3api put-bucket-notification-configuration`.

---------------------------------------------------------------------------------------------------------
-- Part 2 (optional): what setup.sql created. Skip it to keep the database, the role and the
-- integration for another run of setup.sql and provision. The storage integration is here too when
-- provision created it (--create-integration).
---------------------------------------------------------------------------------------------------------
use role accountadmin;

drop storage integration if exists amplitude_pipeline_s3;
drop warehouse if exists amplitude_pipeline;
drop resource monitor if exists amplitude_pipeline_monitor;
-- The database may hold more than the pipeline's schemas: drop it only if it was made for the pipeline.
-- drop database if exists analytics;
drop user if exists amplitude_pipeline;
drop role if exists amplitude_pipeline;
-- The IAM role Snowflake read the bucket with (docs/snowflake.md, step 3) is AWS's: delete it there.
