-- vigil._set_channel_enabled(p_name, p_enabled, p_reason): the shared body
-- of enable_channel and disable_channel. Setting the state a channel is
-- already in changes nothing (a disabled channel keeps its first reason
-- and time: a 410 Gone is not overwritten); the row is returned.
create or replace function vigil._set_channel_enabled(p_name text, p_enabled boolean, p_reason text)
returns vigil.channels
language plpgsql
set search_path = ''
as $$
declare
  v_row vigil.channels;
begin
  select * into v_row from vigil.channels ch where ch.name = p_name for update;
  if not found then
    raise exception 'channel % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select name, kind, enabled, disabled_reason from vigil.channels order by 1;';
  end if;
  if v_row.enabled is distinct from p_enabled then
    update vigil.channels ch
       set enabled = p_enabled,
           disabled_reason = case when p_enabled then null else p_reason end,
           disabled_at = case when p_enabled then null else pg_catalog.now() end
     where ch.name = p_name
    returning * into v_row;
  end if;
  return v_row;
end
$$;

comment on function vigil._set_channel_enabled(text, boolean, text) is
  'Internal: sets vigil.channels.enabled (with disabled_reason and disabled_at) for enable_channel and disable_channel; a no-op when the channel is already so; raises P0002 for an unknown channel.';
