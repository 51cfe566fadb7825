-- vigil.settle_delivery(...): the worker reports how one attempt went, and
-- SQL decides what happens next, so that every worker (and a DBA reading
-- the code) agrees on it:
--   delivered: the row is done;
--   retry:     the row waits for its next attempt (vigil.retry_schedule with
--              ±10% jitter, or the receiver's Retry-After when longer),
--              unless that was its last attempt: then it goes dead;
--   dead:      the receiver will never take it (a 4xx): a dead letter.
-- HTTP 410 Gone means the receiver is gone for good: the row goes dead
-- whatever the worker said, and the channel is disabled with the reason.
-- Only the worker holding the lease may settle. A worker whose lease
-- expired and was claimed by another gets 55000: the other worker now owns
-- the row and will settle it (delivery is at least once; the receiver sees
-- the same webhook-id). An expired lease that nobody claimed again can
-- still be settled by its owner: nobody else has the row.
-- Every settle records a vigil.delivery_attempts row.
create or replace function vigil.settle_delivery(
  p_id               bigint,
  p_worker           text,
  p_outcome          text,
  p_http_status      integer default null,
  p_error            text default null,
  p_latency_ms       double precision default null,
  p_response_excerpt text default null,
  p_retry_after      interval default null,
  p_now              timestamptz default pg_catalog.now()
)
returns vigil.outbox
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_worker settles outbox rows, records
-- attempts and disables channels only through this function, never by
-- writing vigil.outbox, vigil.delivery_attempts or vigil.channels directly.
declare
  v_row     vigil.outbox;
  v_outcome text := p_outcome;
  v_error   text;
  v_delay   interval;
  v_target  text;
  v_excerpt text := pg_catalog.left(p_response_excerpt, 500);
begin
  if p_outcome is null or p_outcome not in ('delivered', 'retry', 'dead') then
    raise exception 'delivery outcome % is not known', coalesce(pg_catalog.quote_literal(p_outcome), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'One of delivered, retry, dead.';
  end if;
  if p_worker is null or pg_catalog.btrim(p_worker) = '' then
    raise exception 'worker name % is blank', coalesce(pg_catalog.quote_literal(p_worker), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Pass the name the worker claimed the row with.';
  end if;
  if p_http_status not between 100 and 599 then
    raise exception 'HTTP status % is not between 100 and 599', p_http_status
      using errcode = 'invalid_parameter_value', hint = 'Pass the receiver''s status code, or null when there was no response (timeout, connection error).';
  end if;
  if p_latency_ms < 0 then
    raise exception 'latency % ms is negative', p_latency_ms
      using errcode = 'invalid_parameter_value', hint = 'Pass the attempt''s duration in milliseconds, or null.';
  end if;
  if p_retry_after < interval '0' then
    raise exception 'Retry-After % is negative', p_retry_after
      using errcode = 'invalid_parameter_value', hint = 'Pass the receiver''s Retry-After (or Discord''s retry_after) as an interval, or null.';
  end if;
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;

  select * into v_row from vigil.outbox o where o.id = p_id for update;
  if not found then
    raise exception 'outbox row % does not exist', coalesce(p_id::text, 'NULL')
      using errcode = 'no_data_found', hint = 'Settle the ids vigil.claim_deliveries returned.';
  end if;
  if v_row.status <> 'delivering' or v_row.lease_owner is distinct from p_worker then
    raise exception 'outbox row % is not leased by worker %: it is % (lease owner %)',
      p_id, p_worker, v_row.status, coalesce(v_row.lease_owner, 'none')
      using errcode = 'object_not_in_prerequisite_state',
            hint = 'The lease expired and another worker claimed the row, or it was settled already: drop this result; the lease owner settles the row.';
  end if;

  v_error := coalesce(p_error, 'HTTP ' || p_http_status);
  if p_http_status = 410 and v_outcome <> 'delivered' then
    v_outcome := 'dead';
  end if;
  if v_outcome = 'retry' then
    if v_row.attempts < v_row.max_attempts then
      v_delay := vigil._retry_delay(v_row.attempts, p_retry_after, pg_catalog.random());
    end if;
    if v_delay is null then  -- the last attempt (max_attempts, or the end of the schedule)
      v_outcome := 'dead';
      v_error := pg_catalog.format('%s (gave up after %s attempts)', coalesce(v_error, 'failed'), v_row.attempts);
    end if;
  end if;

  -- Defence in depth: the worker must not echo the target, but a receiver
  -- may quote the URL it was called on, and a webhook URL is a secret.
  select ch.target into v_target from vigil.channels ch where ch.name = v_row.channel;
  if v_target ~ '^https?://' then
    v_excerpt := pg_catalog.replace(v_excerpt, v_target, '[target]');
  end if;

  insert into vigil.delivery_attempts (outbox_id, channel, worker, attempt, started_at, latency_ms, outcome,
                                       http_status, error, response_excerpt)
  values (v_row.id, v_row.channel, p_worker, v_row.attempts,
          p_now - pg_catalog.make_interval(secs => coalesce(p_latency_ms, 0) / 1000),
          p_latency_ms, v_outcome, p_http_status, p_error, v_excerpt);

  update vigil.outbox o
     set status = case v_outcome when 'delivered' then 'delivered' when 'retry' then 'pending' else 'dead' end,
         delivered_at = case when v_outcome = 'delivered' then p_now end,
         available_at = case when v_outcome = 'retry' then p_now + v_delay else o.available_at end,
         last_error = case when v_outcome = 'delivered' then o.last_error
                           else coalesce(v_error, 'given up with no error given') end,
         lease_owner = null,
         lease_expires_at = null
   where o.id = v_row.id
  returning * into v_row;

  if p_http_status = 410 then
    update vigil.channels ch
       set enabled = false, disabled_reason = 'receiver answered 410 Gone', disabled_at = p_now
     where ch.name = v_row.channel and ch.enabled;
  end if;
  return v_row;
end
$$;

comment on function vigil.settle_delivery(bigint, text, text, integer, text, double precision, text, interval, timestamptz) is
  'Settles one claimed notification as delivered, retry or dead and records the attempt: select vigil.settle_delivery(42, ''web-1:4242'', ''retry'', p_http_status => 503, p_latency_ms => 120, p_retry_after => ''30 seconds''). retry waits the vigil.retry_schedule delay (±10%) or the Retry-After if longer, and goes dead after the last attempt; HTTP 410 makes it dead and disables the channel. p_response_excerpt: at most 500 characters of the response body, never headers or URLs. Raises 22023 on bad input, P0002 for an unknown id, 55000 when p_worker does not hold the lease.';
