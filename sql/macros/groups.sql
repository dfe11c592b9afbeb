{#- The current group memberships (one row per event and group, from the delivery of each event that
    stg_amplitude__events keeps) that an incremental groups model must compute again: those of every
    key (`keys`: the model's unique key) that an event delivered since the model was last built belongs
    to in any of its deliveries, the key it joined and the key a re-processed event left. The model then
    computes each such key again from all its rows, so it holds what a full refresh would.
    Renders the CTEs `touched` (incremental builds only) and `memberships`, each followed by a comma;
    end the model with `{{ output('final', scope='touched') }}`. On a full build, `memberships` is every
    current membership. -#}
{% macro current_memberships(keys, incremental, since) -%}
group_deliveries as (

    select * from {{ ref('stg_amplitude__event_groups') }}

),

latest_deliveries as (

    select source_file, file_row_number from {{ ref('stg_amplitude__events') }}

),

{% if incremental %}
redelivered as (

    {#- Every line, with or without groups: a new delivery without any still leaves the old ones. #}
    select distinct uuid
    from {{ ref('stg_amplitude__event_deliveries') }}
    where loaded_at > {{ since }}

),

touched as (

    select distinct {{ keys | join(', ') }}
    from group_deliveries
    where uuid in (select uuid from redelivered)

),
{% endif %}

memberships as (

    select group_deliveries.*
    from group_deliveries
    inner join latest_deliveries
        on group_deliveries.source_file = latest_deliveries.source_file
        and group_deliveries.file_row_number = latest_deliveries.file_row_number
    {% if incremental %}
    where ({{ keys | join(', ') }}) in (select {{ keys | join(', ') }} from touched)
    {% endif %}

),
{%- endmacro %}
