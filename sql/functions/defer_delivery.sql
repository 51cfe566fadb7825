-- vigil.defer_delivery(p_id, p_worker, p_until, p_reason, p_now): a worker
-- holding a row it should not send now gives it back until p_until, without
-- sending it: the channel's circuit breaker is open (its receiver failed
-- most recent attempts), or its rate limit would make the row wait past its
-- lease. Nothing was sent, so the attempt counted at claim time is given
-- back and no vigil.delivery_attempts row is written: a receiver that is
-- down for an hour does not use up the retry schedule of every row queued
-- behind the breaker. The reason goes to last_error, so that
-- vigil.delivery_backlog says why the rows wait.
create or replace function vigil.defer_delivery(
  p_id     bigint,
  p_worker text,
  p_until  timestamptz,
  p_reason text,
  p_now    timestamptz default pg_catalog.now()
)
returns vigil.outbox
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_worker gives rows back only through this
-- function, never by writing vigil.outbox directly.
declare
  v_row vigil.outbox;
begin
  if p_worker is null or pg_catalog.btrim(p_worker) = '' then
    raise exception 'worker name % is blank', coalesce(pg_catalog.quote_literal(p_worker), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Pass the name the worker claimed the row with.';
  end if;
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;
  if p_until is null or p_until < p_now or p_until > p_now + interval '1 day' then
    raise exception 'defer until % is not between now (%) and a day from now', coalesce(p_until::text, 'NULL'), p_now
      using errcode = 'invalid_parameter_value',
            hint = 'Pass when the row may be sent again, e.g. when the circuit breaker half-opens: p_until => now() + interval ''30 seconds''.';
  end if;
  if p_reason is null or pg_catalog.btrim(p_reason) = '' then
    raise exception 'deferral reason % is blank', coalesce(pg_catalog.quote_literal(p_reason), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Say why, e.g. ''circuit breaker open''; vigil.delivery_backlog shows it.';
  end if;

  update vigil.outbox o
     set status = 'pending',
         attempts = greatest(o.attempts - 1, 0),
         available_at = p_until,
         last_error = pg_catalog.left(p_reason, 500),
         lease_owner = null,
         lease_expires_at = null
   where o.id = p_id and o.status = 'delivering' and o.lease_owner = p_worker
  returning * into v_row;
  if not found then
    if not exists (select from vigil.outbox o where o.id = p_id) then
      raise exception 'outbox row % does not exist', coalesce(p_id::text, 'NULL')
        using errcode = 'no_data_found', hint = 'Defer the ids vigil.claim_deliveries returned.';
    end if;
    raise exception 'outbox row % is not leased by worker %', p_id, p_worker
      using errcode = 'object_not_in_prerequisite_state',
            hint = 'The lease expired and another worker claimed the row, or it was settled already: leave it to its lease owner.';
  end if;
  return v_row;
end
$$;

comment on function vigil.defer_delivery(bigint, text, timestamptz, text, timestamptz) is
  'Gives back one claimed notification unsent, due again at p_until, its claim-time attempt given back and p_reason kept as last_error (the worker uses it while a channel''s circuit breaker is open or its rate limit would outlast the lease): select vigil.defer_delivery(42, ''web-1:4242'', now() + interval ''30 seconds'', ''circuit breaker open''). Raises 22023 on bad input (p_until before p_now or over a day ahead), P0002 for an unknown id, 55000 when p_worker does not hold the lease.';
