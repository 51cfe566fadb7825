-- vigil.add_route(...): adds a route at p_position (default: after the
-- last one). Routes are tried in position order: an alert goes to the first
-- that matches (min_severity, service, label matchers) and, while a matched
-- route says continue, on to the next matching ones. Grouping as
-- Alertmanager: group_by, group_wait, group_interval, repeat_interval.
create or replace function vigil.add_route(
  p_name              text,
  p_channel           text,
  p_position          integer default null,
  p_min_severity      text default 'warning',
  p_service           text default null,
  p_matchers          text[] default null,
  p_escalation_policy text default null,
  p_group_by          text[] default '{check}',
  p_group_wait        interval default '30 seconds',
  p_group_interval    interval default '5 minutes',
  p_repeat_interval   interval default '4 hours',
  p_send_resolved     boolean default true,
  p_continue          boolean default false
)
returns vigil.routes
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin configures routes only through this
-- validated API.
declare
  v_row vigil.routes;
begin
  if p_name is null or pg_catalog.btrim(p_name) = '' then
    raise exception 'a route needs a name'
      using errcode = 'invalid_parameter_value', hint = 'e.g. select vigil.add_route(''critical-to-pager'', ''pager'', p_min_severity => ''critical'');';
  end if;
  if not exists (select from vigil.channels c where c.name = p_channel) then
    raise exception 'channel % does not exist', coalesce(pg_catalog.quote_literal(p_channel), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Add it first with vigil.add_channel, or see select name from vigil.channels;';
  end if;
  if p_min_severity is null or p_min_severity not in ('info', 'warning', 'critical') then
    raise exception 'minimum severity % is not info, warning or critical', coalesce(pg_catalog.quote_literal(p_min_severity), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'e.g. p_min_severity => ''critical''.';
  end if;
  if p_escalation_policy is not null and not exists (select from vigil.escalation_policies p where p.name = p_escalation_policy) then
    raise exception 'escalation policy % does not exist', pg_catalog.quote_literal(p_escalation_policy)
      using errcode = 'invalid_parameter_value', hint = 'Add it first with vigil.add_escalation_policy.';
  end if;
  if p_group_by is null or exists (select from pg_catalog.unnest(p_group_by) l where l is null or l !~ '^[A-Za-z_][A-Za-z0-9_]*$') then
    raise exception 'group_by % is not a list of label names', coalesce(p_group_by::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'e.g. p_group_by => array[''check'', ''service''], or ''{}'' for one group per route.';
  end if;
  if p_group_wait is null or p_group_wait < interval '0' or p_group_interval is null or p_group_interval <= interval '0'
     or p_repeat_interval is null or p_repeat_interval <= interval '0' then
    raise exception 'group timing is not valid: group_wait %, group_interval %, repeat_interval %',
      coalesce(p_group_wait::text, 'NULL'), coalesce(p_group_interval::text, 'NULL'), coalesce(p_repeat_interval::text, 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'group_wait >= 0, group_interval and repeat_interval > 0 (Alertmanager''s defaults: 30s, 5m, 4h).';
  end if;
  if exists (select from vigil.routes r where r.name = p_name) then
    raise exception 'route % already exists', p_name using errcode = 'unique_violation', hint = 'Choose another name.';
  end if;
  if p_position is not null and exists (select from vigil.routes r where r.position = p_position) then
    raise exception 'position % is taken by route %', p_position, (select r.name from vigil.routes r where r.position = p_position)
      using errcode = 'unique_violation', hint = 'Choose a free position, or leave p_position out to add the route last.';
  end if;
  insert into vigil.routes (position, name, min_severity, service, matchers, channel, escalation_policy, group_by,
                            group_wait, group_interval, repeat_interval, send_resolved, continue)
  values (coalesce(p_position, (select coalesce(pg_catalog.max(r.position), 0) + 10 from vigil.routes r)),
          p_name, p_min_severity, p_service, vigil._parse_matchers(p_matchers), p_channel, p_escalation_policy, p_group_by,
          p_group_wait, p_group_interval, p_repeat_interval, coalesce(p_send_resolved, true), coalesce(p_continue, false))
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.add_route(text, text, integer, text, text, text[], text, text[], interval, interval, interval, boolean, boolean) is
  'Adds a notification route: select vigil.add_route(''db-critical'', ''pager'', p_min_severity => ''critical'', p_matchers => array[''service=~db|shop''], p_continue => true). Routes are tried in position order; continue passes the alert on to later matching routes. Grouping: group_by (default {check}), group_wait 30s, group_interval 5m, repeat_interval 4h, send_resolved. Raises 22023 on bad input, 23505 for a taken name or position.';
