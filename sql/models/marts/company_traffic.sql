{{ config(materialized='table', tags=['amplitude', 'marts']) }}

{#- Which company a visitor probably works for, why, and how sure that is:
    email_domain+office_network  high    the user's email is at a company domain, and colleagues of that
                                         domain were seen on the user's network too;
    email_domain                 high    the user's email is at a company domain (not a free mail provider);
    office_network               medium  an identified user whose id is no company email (free mail, or no
                                         email) was seen on a company's office network;
    anonymous_office_network     low     a user who never identified (no user_id) was seen on an office
                                         network: they inherit that company.
    An office network is an IP address two or more users of one company domain were seen on. Only the
    reasoning leaves restricted.locations, never the address itself; and only the domain of an email
    leaves core.users, never the email (a mart holds no personal column). -#}
with users as (

    select * from {{ ref('users') }}

),

locations as (

    select distinct amplitude_id, ip_address
    from {{ ref('locations') }}
    where ip_address is not null

),

free_mail_domains as (

    select domain from {{ ref('free_email_domains') }}

),

email_domains as (

    select
        amplitude_id,
        user_id,
        lower(split_part(user_id, '@', 2)) as email_domain
    from users
    where user_id like '%_@_%'

),

company_users as (

    select email_domains.*
    from email_domains
    left join free_mail_domains on email_domains.email_domain = free_mail_domains.domain
    where free_mail_domains.domain is null

),

office_networks as (

    {#- An address two or more people of one company use is taken to be that company's office. #}
    select
        locations.ip_address,
        company_users.email_domain,
        count(distinct company_users.amplitude_id) as colleagues
    from locations
    inner join company_users on locations.amplitude_id = company_users.amplitude_id
    group by locations.ip_address, company_users.email_domain
    having count(distinct company_users.amplitude_id) >= 2

),

by_network as (

    select
        locations.amplitude_id,
        office_networks.email_domain as suspected_company,
        max(office_networks.colleagues) as colleagues
    from locations
    inner join office_networks on locations.ip_address = office_networks.ip_address
    group by locations.amplitude_id, office_networks.email_domain

),

attributed as (

    select
        users.amplitude_id,
        case when users.user_id like '%_@_%' then lower(split_part(users.user_id, '@', 2)) end as email_domain,
        coalesce(company_users.email_domain, by_network.suspected_company) as suspected_company,
        case
            when company_users.email_domain is not null and by_network.suspected_company = company_users.email_domain
                then 'email_domain+office_network'
            when company_users.email_domain is not null then 'email_domain'
            when users.user_id is null then 'anonymous_office_network'
            else 'office_network'
        end as reasoning,
        coalesce(by_network.colleagues, 0) as colleagues_on_network
    from users
    left join company_users on users.amplitude_id = company_users.amplitude_id
    left join by_network
        on users.amplitude_id = by_network.amplitude_id
        and (company_users.email_domain is null or company_users.email_domain = by_network.suspected_company)
    where company_users.email_domain is not null or by_network.suspected_company is not null
    qualify row_number() over (
        partition by users.amplitude_id
        order by by_network.colleagues desc nulls last, by_network.suspected_company
    ) = 1

),

final as (

    select
        amplitude_id,
        email_domain,
        suspected_company,
        reasoning,
        case
            when reasoning in ('email_domain+office_network', 'email_domain') then 'high'
            when reasoning = 'office_network' then 'medium'
            else 'low'
        end as confidence,
        colleagues_on_network
    from attributed

)

select * from final
