-- vigil.remove_escalation_policy(p_name): retires an escalation policy with
-- its steps. Refused (2BP01) while a route uses it: a route cannot be
-- changed in place, so it is detached by removing it (vigil.remove_route)
-- and, if still wanted, adding it again without p_escalation_policy or with
-- another policy. Escalations of the policy still under way end (they can
-- only be of routes that used it, and so are gone with those routes
-- already; the delete is spelled out all the same). The 'escalated' events
-- and the outbox rows its steps wrote stay as history. The channels of its
-- steps stay.
create or replace function vigil.remove_escalation_policy(p_name text)
returns vigil.escalation_policies
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes escalation policies only
-- through this API, never by writing the tables directly.
declare
  v_row    vigil.escalation_policies;
  v_routes text;
  v_fix    text;
begin
  -- Locked first: a route being added with this policy meanwhile either
  -- commits first (and is seen below) or fails on its foreign key.
  select * into v_row from vigil.escalation_policies p where p.name = p_name for update;
  if not found then
    raise exception 'escalation policy % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select name, repeat from vigil.escalation_policies order by 1;';
  end if;
  select pg_catalog.string_agg(pg_catalog.quote_literal(r.name), ', ' order by r.position),
         pg_catalog.string_agg(pg_catalog.format('select vigil.remove_route(%L);', r.name), ' ' order by r.position)
    into v_routes, v_fix
    from vigil.routes r
   where r.escalation_policy = p_name;
  if v_routes is not null then
    raise exception 'escalation policy % is still used by route %', p_name, v_routes
      using errcode = 'dependent_objects_still_exist',
            hint = 'A route''s policy cannot be changed in place: remove the route, add it again with vigil.add_route without p_escalation_policy (or with another policy; p_position keeps its place), then remove the policy: '
                   || v_fix;
  end if;
  delete from vigil.escalations e where e.policy = p_name;
  delete from vigil.escalation_steps s where s.policy = p_name;
  delete from vigil.escalation_policies p where p.name = p_name;
  return v_row;
end
$$;

comment on function vigil.remove_escalation_policy(text) is
  'Removes an escalation policy and its steps: select vigil.remove_escalation_policy(''db''). Refused (2BP01) while a route uses it (the error names the routes): remove the route and add it again without p_escalation_policy first. Escalations of the policy under way end. Returns the removed row. Raises P0002 for an unknown policy.';
