{{ config(materialized='incremental', unique_key='uuid', tags=['amplitude']) }}

with events as (

    select * from {{ ref('stg_amplitude__events') }}
    {% if is_incremental() %}
    where loaded_at > (select coalesce(max(loaded_at), cast('1970-01-01' as timestamp)) from {{ this }})
    {% endif %}

),

final as (

    select
        uuid,
        event_id,
        event_type,
        event_time,
        session_id,
        amplitude_id,
        user_id,
        device_id,
        {{ json_field('event_properties', '[Amplitude] Page Counter', 'integer') }} as page_counter,
        {{ json_field('event_properties', '[Amplitude] Page Title') }} as page_title,
        {{ json_field('event_properties', '[Amplitude] Page URL') }} as page_url,
        {{ json_field('event_properties', '[Amplitude] Page Path') }} as page_path,
        server_upload_time,
        processed_time,
        loaded_at
    from events

)

select * from final
