{#- Personal columns (`meta: { pii: true }` in a model's yml) outside restricted are masked by this
    policy, one per column type. INVOKER_ROLE is the role of the object that runs the query: the owner
    for a task or an owner's-rights procedure, so the pipeline's own builds read the real value (they
    derive non-personal columns such as email_domain from it) whoever calls them; the querying role
    otherwise. A role that may see personal data (SNOWFLAKE_PII_ROLE) sees it too, through any role of
    the session that inherits it. Created once and evolved with ALTER … SET BODY, since a policy set on
    columns cannot be replaced. -#}
create masking policy if not exists {{ policy }} as (value {{ type }}) returns {{ type }} ->
{{ body }}
comment = 'amplitude-pipeline: masks columns marked pii: true in the model yml'
