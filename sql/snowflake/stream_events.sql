{#- Append-only: raw is never updated. show_initial_rows hands the first graph run every row loaded
    before the stream existed. -#}
create {{ 'or replace ' if replace }}stream {{ '' if replace else 'if not exists ' }}raw.amplitude_events_stream
    on table raw.amplitude_events
    append_only = true
    show_initial_rows = true
    comment = 'New raw events for the task graph (amplitude-pipeline)'
