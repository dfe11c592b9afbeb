{#- The current group memberships (one row per event and group, from the delivery of each event that
    stg_amplitude__events keeps) that a model keyed on `keys` (amplitude_id, group_type, group_name) must
    read. On a full build, `memberships` is every current membership. On an incremental build, a key is
    appended to when every event whose kept delivery changed since is a first delivery of its uuid (no
    event joined or left it by re-processing) and later than the latest event the model holds for it
    (`last_seen_at`): its new row is the held row combined with the new memberships alone, so an hour's
    run does not read the whole history of a user active for months. Every other key such an event
    belongs to, in any of its deliveries, is computed again from all its memberships.
    Renders `memberships` (the rows of the keys computed again, every row on a full build) and, on an
    incremental build, `recomputed` (the keys computed again), `appended` (the new memberships of every
    other key) and `held` (what the model holds for those), each followed by a comma; end the model with
    `{{ output('final', scope='recomputed') }}`. -#}
{% from 'incremental.sql' import append_or_recompute with context %}
{% macro current_memberships(keys, incremental, since) -%}
{#- stg_amplitude__event_groups is read where each CTE needs it, not through a CTE of its own: read more
    than once, a CTE is materialized whole, every membership of all history. #}
{%- set group_deliveries = ref('stg_amplitude__event_groups') %}
{% if incremental %}
new_memberships as (

    {#- The memberships of the deliveries since that stg_amplitude__events keeps. #}
    select group_deliveries.*
    from {{ group_deliveries }} as group_deliveries
    where group_deliveries.loaded_at > {{ since }}
        and (group_deliveries.source_file, group_deliveries.file_row_number) in (
            select source_file, file_row_number
            from {{ ref('stg_amplitude__events') }}
            where loaded_at > {{ since }}
        )

),

{%- set delivered_again_keys %}
    select distinct {{ keys | join(', ') }}
    from {{ group_deliveries }}
    where uuid in (select uuid from delivered_again)
{%- endset %}
{{ append_or_recompute('new_memberships', keys, 'event_time', 'last_seen_at', ref('stg_amplitude__event_deliveries'), since, delivered_again_keys, ref('stg_amplitude__events')) }}
{% endif %}

memberships as (

    select group_deliveries.*
    from {{ group_deliveries }} as group_deliveries
    inner join (select source_file, file_row_number from {{ ref('stg_amplitude__events') }}) as latest_deliveries
        on group_deliveries.source_file = latest_deliveries.source_file
        and group_deliveries.file_row_number = latest_deliveries.file_row_number
    {% if incremental %}
    where ({{ keys | join(', ') }}) in (select {{ keys | join(', ') }} from recomputed)
    {% endif %}

),
{%- endmacro %}
