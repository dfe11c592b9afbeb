{{ config(materialized='incremental', unique_key=['source_file', 'file_row_number'], incremental_strategy='append', tags=['amplitude']) }}

{#- The groups of every delivered line, not only of the latest delivery of each event: when Amplitude
    re-processes an event out of a group, core.groups and core.user_groups read here which groups (and
    which user's memberships) it left, and compute those again. A line's groups are
    `{"<group type>": "<name>" | ["<name>", …]}`; its group properties
    `{"<group type>": {"<name>": {…}}}`. They are read from the deliveries, which parse each raw line. -#}
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
    from {{ ref('stg_amplitude__event_deliveries') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

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
        {{ flattened_key('type_entry') }} as group_type,
        {{ json_array_of('type_entry.value') }} as group_names
    from grouped, {{ flatten('grouped.event_groups') }} as type_entry

),

group_names as (

    select
        group_values.*,
        {{ flattened_text('name_entry') }} as group_name
    from group_values, {{ flatten('group_values.group_names') }} as name_entry

),

properties as (

    select
        grouped.source_file,
        grouped.file_row_number,
        {{ flattened_key('type_entry') }} as group_type,
        {{ flattened_key('name_entry') }} as group_name,
        name_entry.value as group_properties
    from grouped,
        {{ flatten('grouped.group_properties') }} as type_entry,
        {{ flatten('type_entry.value') }} as name_entry

),

final as (

    {#- A name listed twice in one line is one membership. #}
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

select * from final
