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
{#- What a click or form event was on (Amplitude's autocapture); an empty value is none. -#}
{%- set element_fields = [
    ['[Amplitude] Element Selector', 'element_selector', 'text'],
    ['[Amplitude] Element Text', 'element_text', 'text'],
    ['[Amplitude] Form ID', 'form_id', 'text']
] %}

with_fields as (

    select
        *,
        {{ json_record('event_properties', page_fields.concat(element_fields)) }} as fields
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
            nullif({{ record_field('fields', key, type) }}, ''),
            {{ url_path(record_field('fields', '[Amplitude] Page URL')) }}
        ) as page_path,
        {%- else %}
        {{ record_field('fields', key, type) }} as {{ column }},
        {%- endif %}
        {%- endfor %}
        {%- for key, column, type in element_fields %}
        nullif({{ record_field('fields', key, type) }}, '') as {{ column }},
        {%- endfor %}
        server_upload_time,
        processed_time,
        loaded_at
    from with_fields

)

select * from final
