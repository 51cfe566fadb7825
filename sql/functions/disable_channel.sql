-- vigil.disable_channel(p_name, p_reason): stops deliveries to a channel,
-- e.g. while its receiver is being moved. Notifications keep being queued
-- for it in vigil.outbox; they wait (see vigil.delivery_backlog) and are
-- claimed once vigil.enable_channel turns it back on. Disabling a disabled
-- channel changes nothing: the first reason and time are kept (a 410 Gone
-- is not overwritten); the row is returned.
create or replace function vigil.disable_channel(
  p_name   text,
  p_reason text default null
)
returns vigil.channels
language sql
security definer
set search_path = ''
as $$
  -- security definer because vigil_admin changes vigil.channels only through this API.
  select vigil._set_channel_enabled(p_name, false, p_reason);
$$;

comment on function vigil.disable_channel(text, text) is
  'Disables a channel: nothing more is delivered to it, its notifications wait in vigil.outbox until vigil.enable_channel. Records the reason and the time: select vigil.disable_channel(''db-slack'', ''moving to the new workspace''). Disabling a disabled channel keeps its first reason and time. Raises P0002 for an unknown channel.';
