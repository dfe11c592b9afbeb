{#- One model's step. Incremental models merge what the pending batches brought: the increment and
    its scope land in tables beside the model, then one transaction replaces the rows of their keys (the
    embedded runner does so for delete+insert models, and merges a MERGE model or inserts an append
    model straight from its query, with only the increment's columns beside it). An append model's keys
    are deleted first here as a delete+insert model's: a graph run that failed is retried on the same
    pending batches, whose rows the model may already hold. The column lists come from the increment's own columns, and a
    model whose columns no longer match its table asks for a full refresh instead of merging. A scope
    whose keys reach `rebuild_share` of the model's rows rebuilds it from its full query, as the
    embedded runner does.
    A table created here carries no masking policy: its personal columns (pii: true in the yml) get
    theirs right after, the increment's too. -#}
{%- macro mask(target, kind, table_name) %}
{%- if pii_columns | length %}
    declare
        policy varchar;
    begin
{%- for column in pii_columns %}
        select iff(data_type = 'VARIANT', '{{ variant_policy }}', '{{ string_policy }}') into :policy
        from information_schema.columns
        where table_schema = '{{ schema | upper }}' and table_name = '{{ table_name }}' and column_name = '{{ column | upper }}';
        execute immediate 'alter {{ kind }} {{ target }} modify column {{ column }} set masking policy ' || policy;
{%- endfor %}
    end;
{%- endif %}
{%- endmacro %}
create or replace procedure {{ procedure }}(full_refresh boolean)
returns varchar
language sql
execute as owner
as
$$
{%- if materialized == 'incremental' %}
declare
    present number default 0;
    differing number default 0;
    processed number default 0;
    scope_keys number default 0;
    model_rows number default 0;
    column_list varchar;
    source_list varchar;
    update_list varchar;
    statement varchar;
    columns_differ exception (-20001, '{{ relation }} has other columns than the model {{ model }} makes: run transform --full-refresh --select {{ model }}');
begin
    select count(*) into :present
    from information_schema.tables
    where table_schema = '{{ schema | upper }}' and table_name = '{{ name | upper }}' and table_type = 'BASE TABLE';
    if (full_refresh or present = 0) then
        create or replace table {{ relation }} as
{{ full_sql | indent(8, true) }};
{{- mask(relation, 'table', name | upper) | indent(4) }}
        return 'rebuilt';
    end if;

{%- if scope_sql %}
    create or replace transient table {{ relation }}__scope as
{{ scope_sql | indent(8, true) }};
    -- A scope of {{ rebuild_share }} of the model's rows or more: the full query makes the same rows for less.
    select count(*) into :scope_keys from {{ relation }}__scope;
    select count(*) into :model_rows from {{ relation }};
    if (scope_keys > 0 and scope_keys >= model_rows * {{ rebuild_share }}) then
        create or replace table {{ relation }} as
{{ full_sql | indent(8, true) }};
{{- mask(relation, 'table', name | upper) | indent(4) }}
        drop table if exists {{ relation }}__scope;
        return 'rebuilt: ' || scope_keys || ' key(s) to compute again of ' || model_rows || ' row(s)';
    end if;
{%- endif %}
    create or replace transient table {{ relation }}__increment as
{{ increment_sql | indent(8, true) }};
{{- mask(relation ~ '__increment', 'table', (name ~ '__increment') | upper) }}

    -- Columns only one of the two tables has.
    select count(*) into :differing
    from (
        select column_name
        from information_schema.columns
        where table_schema = '{{ schema | upper }}' and table_name in ('{{ name | upper }}', '{{ name | upper }}__INCREMENT')
        group by column_name
        having count(*) = 1
    );
    if (differing > 0) then
        drop table if exists {{ relation }}__increment;
        drop table if exists {{ relation }}__scope;
        raise columns_differ;
    end if;

    select
        listagg(lower(column_name), ', ') within group (order by ordinal_position),
        listagg('source.' || lower(column_name), ', ') within group (order by ordinal_position),
        listagg(iff(lower(column_name) in ({{ key_literals }}), null, lower(column_name) || ' = source.' || lower(column_name)), ', ')
            within group (order by ordinal_position)
    into :column_list, :source_list, :update_list
    from information_schema.columns
    where table_schema = '{{ schema | upper }}' and table_name = '{{ name | upper }}__INCREMENT';
    select count(*) into :processed from {{ relation }}__increment;

    begin transaction;
{%- if strategy == 'delete+insert' or strategy == 'append' %}
{%- if scope_sql %}
    delete from {{ relation }}
    where ({{ keys }}) in (select {{ keys }} from {{ relation }}__scope);
{%- endif %}
    delete from {{ relation }}
    where ({{ keys }}) in (select {{ keys }} from {{ relation }}__increment);
    statement := 'insert into {{ relation }} (' || column_list || ') select ' || column_list || ' from {{ relation }}__increment';
{%- else %}
    statement := 'merge into {{ relation }} as target using {{ relation }}__increment as source on {{ merge_on }}'
        || ' when matched then update set ' || update_list
        || ' when not matched then insert (' || column_list || ') values (' || source_list || ')';
{%- endif %}
    execute immediate statement;
    commit;

    drop table if exists {{ relation }}__increment;
    drop table if exists {{ relation }}__scope;
    return 'merged ' || processed || ' row(s)';
exception
    when other then
        rollback;
        raise;
end;
{%- elif materialized == 'table' %}
begin
    create or replace table {{ relation }} as
{{ full_sql | indent(8, true) }};
{{- mask(relation, 'table', name | upper) }}
    return 'rebuilt';
end;
{%- else %}
begin
    create or replace view {{ relation }} as
{{ full_sql | indent(8, true) }};
{{- mask(relation, 'view', name | upper) }}
    return 'replaced';
end;
{%- endif %}
$$
