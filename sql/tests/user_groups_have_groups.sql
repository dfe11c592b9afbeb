{#- Every membership in core.user_groups names a group core.groups holds (the pair of group_type and
    group_name, which a relationships test on one column cannot check). -#}
select
    user_groups.amplitude_id,
    user_groups.group_type,
    user_groups.group_name
from {{ ref('user_groups') }} as user_groups
left join {{ ref('groups') }} as groups
    on user_groups.group_type = groups.group_type
    and user_groups.group_name = groups.group_name
where groups.group_name is null
