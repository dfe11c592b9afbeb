{#- Account-level: created only with --create-integration (it needs CREATE INTEGRATION, which an admin
    usually keeps). Otherwise the stage names an integration an admin made. -#}
create storage integration if not exists {{ integration }}
    type = external_stage
    storage_provider = 's3'
    enabled = true
    storage_aws_role_arn = '{{ aws_role_arn }}'
    storage_allowed_locations = ('{{ lake_url }}')
    comment = 'Read access to the Amplitude lake (amplitude-pipeline)'
