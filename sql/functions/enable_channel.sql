-- vigil.enable_channel(p_name): turns a channel back on, e.g. after the
-- receiver that answered 410 Gone was replaced (vigil.settle_delivery
-- disables a channel then). Its notifications still pending in vigil.outbox
-- are claimable again from the next claim; dead ones stay dead (replay them
-- with vigil.replay_dead). Enabling an enabled channel changes nothing and
-- returns the row.
create or replace function vigil.enable_channel(p_name text)
returns vigil.channels
language sql
security definer
set search_path = ''
as $$
  -- security definer because vigil_admin changes vigil.channels only through this API.
  select vigil._set_channel_enabled(p_name, true, null);
$$;

comment on function vigil.enable_channel(text) is
  'Enables a channel again (e.g. one disabled after a 410 Gone) and clears disabled_reason and disabled_at; its pending notifications are claimed again, dead ones stay dead (see vigil.replay_dead). Returns the row: select vigil.enable_channel(''db-slack''). Enabling an enabled channel changes nothing. Raises P0002 for an unknown channel.';
