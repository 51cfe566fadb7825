-- vigil.remove_route(p_name): retires a route. What the notification step
-- kept for it goes with it, in the same transaction:
--   * its escalations (vigil.escalations) end: no further step is sent, as
--     when an ack ends one;
--   * its notification groups and their members (vigil.notification_groups,
--     vigil.group_members): nothing is flushed for the route any more.
-- (The foreign keys would cascade these; the deletes are spelled out so
-- that this reads as what happens.) Notifications already in vigil.outbox
-- were decided before and are still delivered to the route's channel; the
-- channel and the escalation policy stay. The next tick routes every alert
-- again (the routes changed): an alert this route took may now go to a
-- later matching route, as a new alert of that route's groups.
-- A route cannot be changed in place: remove it and add it again with
-- vigil.add_route (p_position puts it back where it was).
create or replace function vigil.remove_route(p_name text)
returns vigil.routes
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes vigil.routes and the
-- notification state only through this API, never by writing the tables
-- directly.
declare
  v_row vigil.routes;
begin
  -- Locked first: a tick that wrote groups or escalations for the route
  -- commits before they are deleted; one that tries while this runs waits,
  -- then fails on the foreign key and is rolled back (the next tick goes on
  -- without the route).
  select * into v_row from vigil.routes r where r.name = p_name for update;
  if not found then
    raise exception 'route % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select position, name, channel, escalation_policy from vigil.routes order by position;';
  end if;
  delete from vigil.escalations e where e.route_id = v_row.id;
  delete from vigil.group_members gm where gm.route_id = v_row.id;
  delete from vigil.notification_groups g where g.route_id = v_row.id;
  delete from vigil.routes r where r.id = v_row.id;
  return v_row;
end
$$;

comment on function vigil.remove_route(text) is
  'Removes a route: select vigil.remove_route(''critical''). Its escalations end and its notification groups go; notifications already queued are still delivered; its channel and escalation policy stay. To change a route, remove it and add it again (vigil.add_route, p_position => its old position). Returns the removed row. Raises P0002 for an unknown route.';
