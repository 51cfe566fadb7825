-- vigil.enable_channel(p_name): turns a channel back on, e.g. after the
-- receiver that answered 410 Gone was replaced (vigil.settle_delivery
-- disables a channel then). Its notifications still pending in vigil.outbox
-- are claimable again from the next claim; dead ones stay dead (replay them
-- with vigil.replay_dead). Enabling an enabled channel changes nothing and
-- returns the row.
create or replace function vigil.enable_channel(p_name text)
returns vigil.channels
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes vigil.channels only through
-- this API, never by writing the table directly.
declare
  v_row vigil.channels;
begin
  select * into v_row from vigil.channels ch where ch.name = p_name for update;
  if not found then
    raise exception 'channel % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select name, kind, enabled, disabled_reason from vigil.channels order by 1;';
  end if;
  if not v_row.enabled then
    update vigil.channels ch
       set enabled = true, disabled_reason = null, disabled_at = null
     where ch.name = p_name
    returning * into v_row;
  end if;
  return v_row;
end
$$;

comment on function vigil.enable_channel(text) is
  'Enables a channel again (e.g. one disabled after a 410 Gone) and clears disabled_reason and disabled_at; its pending notifications are claimed again, dead ones stay dead (see vigil.replay_dead). Returns the row: select vigil.enable_channel(''db-slack''). Enabling an enabled channel changes nothing. Raises P0002 for an unknown channel.';
