-- vigil.claim_deliveries(p_worker, p_limit, p_lease, p_now): the worker's
-- only way to take work. It leases up to p_limit due notifications of
-- enabled channels, oldest first: pending rows whose available_at has come,
-- and rows whose lease expired (their worker was killed or hangs). FOR
-- UPDATE SKIP LOCKED lets several workers claim at once without waiting on
-- each other or taking the same row. The attempt is counted here, at claim
-- time, so that a worker that dies mid-delivery still used up an attempt: a
-- notification that kills its worker cannot be retried forever. A row whose
-- lease expired after its last allowed attempt goes dead here instead of
-- being claimed again; so a batch shorter than p_limit does not prove the
-- queue is empty.
-- p_skip_channels: channels the worker will not send to now (their circuit
-- breaker is open, or their rate limit is spent); their rows stay pending
-- for a later claim.
-- The result carries what the worker needs to deliver, the channel's
-- settings included, so that it needs no other query.
create or replace function vigil.claim_deliveries(
  p_worker text,
  p_limit  integer default 10,
  p_lease  interval default '60 seconds',
  p_now    timestamptz default pg_catalog.now(),
  p_skip_channels text[] default '{}'
)
returns table (
  id                    bigint,
  channel               text,
  kind                  text,
  idempotency_key       text,
  payload               jsonb,
  attempts              integer,
  max_attempts          integer,
  lease_expires_at      timestamptz,
  channel_kind          text,
  target                text,
  secret_ref            text,
  allow_private         boolean,
  rate_limit_per_minute integer
)
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
-- security definer because vigil_worker takes and leases outbox rows only
-- through this function, never by writing vigil.outbox directly.
declare
  v_ids bigint[];
begin
  if p_worker is null or pg_catalog.btrim(p_worker) = '' then
    raise exception 'worker name % is blank', coalesce(pg_catalog.quote_literal(p_worker), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'Name the worker uniquely, e.g. host and pid: select * from vigil.claim_deliveries(''web-1:4242'');';
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'batch size % is not between 1 and 1000', coalesce(p_limit::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'e.g. p_limit => 10.';
  end if;
  if p_lease is null or p_lease <= interval '0' then
    raise exception 'lease % is not positive', coalesce(p_lease::text, 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'Give a lease longer than one delivery attempt (15 s), e.g. p_lease => ''60 seconds''.';
  end if;
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;

  -- Two statements, each with a plan that does not depend on the
  -- arguments, so that the session keeps one generic plan for each
  -- (plan_cache_mode above): planning the claim anew on every call cost
  -- about 1.4 ms, more than the claim itself.
  --
  -- 1. Lock the due rows. A delivering row is due only once its lease
  -- expired. Every due row has available_at <= p_now (a leased row was due
  -- when it was claimed), which lets the outbox_due index bound the scan.
  v_ids := array(
    select o.id
      from vigil.outbox o
      join vigil.channels ch on ch.name = o.channel
     where o.status in ('pending', 'delivering')
       and o.available_at <= p_now
       and (o.status = 'pending' or o.lease_expires_at <= p_now)
       and ch.enabled
       and ch.name <> all (coalesce(p_skip_channels, '{}'))
     order by o.available_at, o.id
     limit p_limit
       for update of o skip locked);

  -- 2. Lease them, or give up on those whose lease expired after their last
  -- attempt (the row is locked: what it holds now is what the scan saw).
  return query
  with claimed as (
    update vigil.outbox o
       set status = case when o.status = 'delivering' and o.attempts >= o.max_attempts then 'dead' else 'delivering' end,
           lease_owner = case when o.status = 'delivering' and o.attempts >= o.max_attempts then null else p_worker end,
           lease_expires_at = case when o.status = 'delivering' and o.attempts >= o.max_attempts then null else p_now + p_lease end,
           attempts = case when o.status = 'delivering' and o.attempts >= o.max_attempts then o.attempts else o.attempts + 1 end,
           last_error = case when o.status = 'delivering' and o.attempts >= o.max_attempts
                             then pg_catalog.format('gave up: the lease of worker %s expired with attempt %s of %s unsettled (the worker died or hung); last error: %s',
                                                    o.lease_owner, o.attempts, o.max_attempts, coalesce(o.last_error, 'none'))
                             else o.last_error end
     where o.id = any (v_ids)
    returning o.id, o.channel, o.kind, o.idempotency_key, o.payload, o.attempts, o.max_attempts,
              o.lease_expires_at, o.status, o.available_at
  )
  select c.id, c.channel, c.kind, c.idempotency_key, c.payload, c.attempts, c.max_attempts, c.lease_expires_at,
         ch.kind, ch.target, ch.secret_ref, ch.allow_private, ch.rate_limit_per_minute
    from claimed c
    join vigil.channels ch on ch.name = c.channel
   where c.status = 'delivering'
   order by c.available_at, c.id;
end
$$;

comment on function vigil.claim_deliveries(text, integer, interval, timestamptz, text[]) is
  'Leases up to p_limit due notifications of enabled channels to worker p_worker for p_lease, oldest first (FOR UPDATE SKIP LOCKED: concurrent workers never take the same row), and counts the attempt: select * from vigil.claim_deliveries(''web-1:4242'', 50, ''60 seconds''). Due: pending with available_at <= p_now, or delivering with an expired lease (a dead worker''s). p_skip_channels: channels not to claim now (breaker open, rate limit spent). Returns the row and its channel''s kind, target, secret_ref, allow_private and rate limit. Settle each with vigil.settle_delivery before lease_expires_at. Raises 22023 on bad input.';
