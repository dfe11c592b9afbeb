{{ config(materialized='incremental', unique_key='uuid', incremental_strategy='delete+insert', tags=['amplitude', 'daily']) }}

with events as (

    select uuid, event_properties, loaded_at
    from {{ ref('stg_amplitude__events') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

flattened as (

    select
        events.uuid,
        {{ flattened_key('property') }} as property,
        {{ flattened_text('property') }} as value,
        events.loaded_at
    from events, {{ flatten('events.event_properties') }} as property

)

{#- An event whose new delivery has fewer properties (or none) loses the others: every uuid read is replaced. #}
{{ output('flattened', scope='events') }}
