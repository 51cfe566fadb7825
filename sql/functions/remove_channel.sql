-- vigil.remove_channel(p_name): retires a channel. Refused (2BP01) while a
-- route sends to it or an escalation policy has a step on it: the error
-- names them, and they are removed first (vigil.remove_route,
-- vigil.remove_escalation_policy). To stop deliveries for a while instead,
-- vigil.disable_channel.
--
-- What happens to its notifications in vigil.outbox. Nothing references
-- vigil.channels from the outbox or from vigil.delivery_attempts (both keep
-- the channel's name as text), so no foreign key decides this:
--   * undelivered rows (pending, delivering) would wait forever, as the
--     worker claims only rows of existing, enabled channels. They become
--     dead letters with last_error 'channel <name> removed', so that they
--     show in vigil.dead_letters with the reason instead of in
--     vigil.delivery_backlog as a backlog that never drains. A row a worker
--     is delivering at this moment loses its lease: the worker's settle
--     reports it as lease_lost and records no attempt (the receiver may
--     still have got it). Replaying them (vigil.replay_dead) makes sense
--     only once a channel of that name exists again.
--   * delivered and dead rows, and every vigil.delivery_attempts row, stay
--     as history: housekeeping deletes delivered rows (and their attempts)
--     after vigil.housekeeping.keep_delivered, as for any channel.
-- The channel row is locked first, so that a tick cannot queue a heartbeat
-- for it after the undelivered rows were marked dead (the tick updates the
-- channel row before it writes the heartbeat), and a route or policy step
-- added meanwhile is seen.
create or replace function vigil.remove_channel(p_name text)
returns vigil.channels
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes vigil.channels and vigil.outbox
-- only through this API, never by writing the tables directly.
declare
  v_row      vigil.channels;
  v_routes   text;
  v_policies text;
  v_fix      text;
  v_dead     integer;
begin
  select * into v_row from vigil.channels ch where ch.name = p_name for update;
  if not found then
    raise exception 'channel % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select name, kind, enabled, disabled_reason from vigil.channels order by 1;';
  end if;

  select pg_catalog.string_agg(pg_catalog.quote_literal(r.name), ', ' order by r.position),
         pg_catalog.string_agg(pg_catalog.format('select vigil.remove_route(%L);', r.name), ' ' order by r.position)
    into v_routes, v_fix
    from vigil.routes r
   where r.channel = p_name;
  select pg_catalog.string_agg(pg_catalog.quote_literal(p.policy), ', ' order by p.policy),
         pg_catalog.concat_ws(' ', v_fix,
           pg_catalog.string_agg(pg_catalog.format('select vigil.remove_escalation_policy(%L);', p.policy), ' ' order by p.policy))
    into v_policies, v_fix
    from (select distinct s.policy from vigil.escalation_steps s where s.channel = p_name) p;
  if v_routes is not null or v_policies is not null then
    raise exception 'channel % is still used by %', p_name,
      pg_catalog.concat_ws(' and ', 'route ' || v_routes, 'escalation policy ' || v_policies)
      using errcode = 'dependent_objects_still_exist',
            hint = 'Remove them first (a policy only once no route uses it), then add them again without this channel if still needed: '
                   || v_fix || pg_catalog.format(' Or, to stop its deliveries only: select vigil.disable_channel(%L);', p_name);
  end if;

  update vigil.outbox o
     set status = 'dead',
         last_error = pg_catalog.format('channel %s removed', p_name),
         lease_owner = null,
         lease_expires_at = null
   where o.channel = p_name and o.status in ('pending', 'delivering');
  get diagnostics v_dead = row_count;
  delete from vigil.channels ch where ch.name = p_name;
  if v_dead > 0 then
    raise notice 'pgvigil: channel % removed; its % undelivered notification(s) are dead letters now', p_name, v_dead
      using hint = pg_catalog.format('See select * from vigil.dead_letters where channel = %L;', p_name);
  end if;
  return v_row;
end
$$;

comment on function vigil.remove_channel(text) is
  'Removes a channel: select vigil.remove_channel(''old-slack''). Refused (2BP01) while a route or an escalation policy step uses it (the error names them: remove those first). Its undelivered notifications (pending, delivering) become dead letters with last_error ''channel <name> removed''; delivered and dead rows and the delivery attempts stay as history. Returns the removed row. Raises P0002 for an unknown channel.';
