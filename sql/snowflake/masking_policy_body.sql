case
    when invoker_role() = '{{ pipeline_role }}' then value
{%- if pii_role %}
    when is_role_in_session('{{ pii_role }}') then value
{%- endif %}
    else {{ masked }}
end
