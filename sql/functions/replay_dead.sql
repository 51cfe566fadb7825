-- vigil.replay_dead(p_id, p_channel, p_since, p_now): an operator re-queues
-- dead letters once the cause is fixed (a rotated webhook URL, a receiver
-- back from an outage): one row by id, or the dead rows of a channel and/or
-- created since a time. The filters combine (and). At least one is required,
-- so that a bare call cannot flood every receiver with old notifications by
-- accident. A replayed row starts over: pending, due at p_now, 0 attempts,
-- no error; its past attempts stay in vigil.delivery_attempts. It keeps its
-- idempotency key, so a receiver that did get it sees the same webhook-id.
-- A channel that is disabled (e.g. after 410 Gone) must be enabled again
-- before its replayed rows are delivered.
create or replace function vigil.replay_dead(
  p_id      bigint default null,
  p_channel text default null,
  p_since   timestamptz default null,
  p_now     timestamptz default pg_catalog.now()
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator re-queues dead letters only
-- through this function, never by writing vigil.outbox directly.
declare
  v_count integer;
begin
  if p_id is null and p_channel is null and p_since is null then
    raise exception 'replay_dead needs a filter: p_id, p_channel or p_since'
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. select vigil.replay_dead(42); or select vigil.replay_dead(p_channel => ''db-slack'', p_since => now() - interval ''1 day''); see select * from vigil.dead_letters;';
  end if;
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;
  if p_id is not null and not exists (select from vigil.outbox o where o.id = p_id and o.status = 'dead') then
    raise exception 'outbox row % is not a dead letter', p_id
      using errcode = 'no_data_found', hint = 'See select id, channel, last_error from vigil.dead_letters;';
  end if;
  -- A row of a channel that was removed (vigil.remove_channel) would wait
  -- for ever: no worker claims it. By id, that is an error; in a filtered
  -- set such rows stay dead, and a NOTICE counts them.
  if p_id is not null and not exists (select from vigil.outbox o join vigil.channels ch on ch.name = o.channel where o.id = p_id) then
    raise exception 'outbox row % is for channel %, which no longer exists', p_id,
                    pg_catalog.quote_literal((select o.channel from vigil.outbox o where o.id = p_id))
      using errcode = 'no_data_found',
            hint = 'Add the channel again with vigil.add_channel(...) first, then replay it.';
  end if;
  if p_channel is not null and not exists (select from vigil.channels ch where ch.name = p_channel) then
    raise exception 'channel % does not exist', pg_catalog.quote_literal(p_channel)
      using errcode = 'no_data_found',
            hint = 'Its dead letters cannot be delivered: add the channel again with vigil.add_channel(...) first. See select name from vigil.channels;';
  end if;
  select pg_catalog.count(*) into v_count
    from vigil.outbox o
   where o.status = 'dead'
     and (p_id is null or o.id = p_id)
     and (p_since is null or o.created_at >= p_since)
     and (p_channel is null or o.channel = p_channel)
     and not exists (select from vigil.channels ch where ch.name = o.channel);
  if v_count > 0 then
    raise notice '% dead letters are for channels that no longer exist and stay dead', v_count
      using hint = 'See select channel, count(*) from vigil.dead_letters group by 1; add a channel again with vigil.add_channel(...) to replay its rows.';
  end if;
  update vigil.outbox o
     set status = 'pending',
         attempts = 0,
         available_at = p_now,
         last_error = null,
         delivered_at = null,
         lease_owner = null,
         lease_expires_at = null
   where o.status = 'dead'
     and (p_id is null or o.id = p_id)
     and (p_channel is null or o.channel = p_channel)
     and (p_since is null or o.created_at >= p_since)
     and exists (select from vigil.channels ch where ch.name = o.channel);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

comment on function vigil.replay_dead(bigint, text, timestamptz, timestamptz) is
  'Re-queues dead letters (vigil.dead_letters) for delivery from scratch: one by id, or those of a channel and/or created since a time (filters combine): select vigil.replay_dead(42); select vigil.replay_dead(p_channel => ''db-slack'', p_since => now() - interval ''1 day''). Returns how many. Rows of a channel that no longer exists stay dead (a NOTICE counts them). Raises 22023 without any filter, P0002 when p_id is not a dead letter or its channel, or p_channel, does not exist.';
