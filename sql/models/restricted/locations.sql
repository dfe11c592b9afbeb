{{ config(materialized='incremental', unique_key='uuid', tags=['amplitude', 'pii']) }}

{#- The only model holding IP addresses and geolocation: grant its schema to as few roles as possible. -#}
with events as (

    select * from {{ ref('stg_amplitude__events') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

final as (

    select
        uuid,
        amplitude_id,
        event_time,
        ip_address,
        city,
        region,
        country,
        dma,
        location_lat,
        location_lng,
        loaded_at
    from events

)

select * from final
