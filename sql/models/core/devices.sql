{{ config(materialized='incremental', unique_key='device_id', incremental_strategy='delete+insert', tags=['amplitude']) }}
{% from 'incremental.sql' import entity_rows with context %}
{%- set fields = ['device_family', 'device_type', 'device_model', 'os_name', 'os_version', 'platform'] %}

with

{{ entity_rows(ref('stg_amplitude__events'), 'device_id is not null', ['device_id'], is_incremental(), incremental_since, ref('stg_amplitude__event_deliveries'), 'event_time', 'last_seen_at') }}

ordered as (

    {#- A total order of each device's events (uuid breaks ties of event_time), so that the latest value
        is the same on every run and engine; events without a time count as the oldest. One value per
        event, not a row number: a window over every event of the devices computed again cost three
        times the aggregate. #}
    select
        entity_rows.*,
        {{ time_then_id('event_time', 'uuid') }} as event_order
    from entity_rows

),

described as (

    {#- A device as it last described itself: each field's latest non-null value. #}
    select
        device_id,
        {%- for field in fields %}
        {{ latest_non_null(field, 'event_order') }} as {{ field }},
        {%- endfor %}
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        max(loaded_at) as loaded_at
    from ordered
    group by device_id

),

final as (

    {#- A device appended to goes on from its held row: every new event is later than all the held ones,
        so a field they report replaces the held value and the others keep it. `held` has only those
        devices, so the others are what their events make. #}
    select
        described.device_id,
        {%- for field in fields %}
        {% if is_incremental() %}coalesce(described.{{ field }}, held.{{ field }}){% else %}described.{{ field }}{% endif %} as {{ field }},
        {%- endfor %}
        {% if is_incremental() %}coalesce(held.first_seen_at, described.first_seen_at){% else %}described.first_seen_at{% endif %} as first_seen_at,
        described.last_seen_at,
        described.loaded_at
    from described
    {% if is_incremental() %}
    left join held on described.device_id = held.device_id
    {% endif %}

)

{{ output('final', scope='recomputed') }}
