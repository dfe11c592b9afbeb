{{ config(materialized='incremental', unique_key='uuid', tags=['amplitude']) }}

with events as (

    select * from {{ ref('stg_amplitude__events') }}
    {% if is_incremental() %}
    where loaded_at > {{ incremental_since }}
    {% endif %}

),

{%- set page_fields = [
    ['[Amplitude] Page Counter', 'page_counter', 'integer'],
    ['[Amplitude] Page Title', 'page_title', 'text'],
    ['[Amplitude] Page URL', 'page_url', 'text'],
    ['[Amplitude] Page Path', 'page_path', 'text']
] %}

with_page as (

    select
        *,
        {{ json_record('event_properties', page_fields) }} as page
    from events

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
        {%- for key, column, type in page_fields %}
        {%- if column == 'page_path' %}
        {#- Older SDKs and hand-made tracking send the URL but no path: the path is read from the URL. #}
        coalesce(
            nullif({{ record_field('page', key, type) }}, ''),
            {{ url_path(record_field('page', '[Amplitude] Page URL')) }}
        ) as page_path,
        {%- else %}
        {{ record_field('page', key, type) }} as {{ column }},
        {%- endif %}
        {%- endfor %}
        server_upload_time,
        processed_time,
        loaded_at
    from with_page

)

select * from final
