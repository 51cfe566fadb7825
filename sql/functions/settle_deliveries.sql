-- vigil.settle_deliveries(p_worker, p_ids, p_outcomes, ...): the worker
-- reports how its attempts went, and SQL decides what happens next, so that
-- every worker (and a DBA reading this) agrees on it:
--   delivered: the row is done;
--   retry:     the row waits for its next attempt (vigil.retry_schedule with
--              ±10% jitter, or the receiver's Retry-After when longer),
--              unless that was its last attempt: then it goes dead;
--   dead:      the receiver will never take it (a 4xx): a dead letter.
-- HTTP 410 Gone means the receiver is gone for good: the row goes dead
-- whatever the worker said, and the channel is disabled with the reason.
-- Every settled row gets a vigil.delivery_attempts row.
--
-- A batch at once, set-based (one lock pass, one insert, one update): a
-- busy worker pays one round trip and one commit per batch, and a few tens
-- of microseconds per row. The arrays run in parallel: element i of each
-- describes the attempt on p_ids[i]; a null array means no value for any.
-- vigil.settle_delivery is the one-row form and calls this.
--
-- Only the worker holding the lease may settle. A row whose lease this
-- worker no longer holds (it expired and another worker claimed the row,
-- or it was settled already) is left alone and reported with lease_lost:
-- the other worker owns it now (delivery is at least once; the receiver
-- sees the same webhook-id). Bad input fails the whole batch, and nothing
-- of it is applied.
create or replace function vigil.settle_deliveries(
  p_worker            text,
  p_ids               bigint[],
  p_outcomes          text[],
  p_http_statuses     integer[] default null,
  p_errors            text[] default null,
  p_latencies_ms      double precision[] default null,
  p_response_excerpts text[] default null,
  p_retry_afters      interval[] default null,
  p_now               timestamptz default pg_catalog.now()
)
returns table (
  id           bigint,
  status       text,
  available_at timestamptz,
  last_error   text,
  lease_lost   boolean
)
language plpgsql
security definer
set search_path = ''
-- One generic plan per session: every statement here is keyed by the ids
-- (= any (p_ids)), so its best plan does not depend on the arguments, and
-- planning the settlement anew on every call cost more than running it.
set plan_cache_mode = force_generic_plan
as $$
-- security definer because vigil_worker settles outbox rows, records
-- attempts and disables channels only through this function, never by
-- writing vigil.outbox, vigil.delivery_attempts or vigil.channels directly.
declare
  v_n   integer := coalesce(pg_catalog.cardinality(p_ids), 0);
  v_bad record;
begin
  if p_worker is null or pg_catalog.btrim(p_worker) = '' then
    raise exception 'worker name % is blank', coalesce(pg_catalog.quote_literal(p_worker), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Pass the name the worker claimed the rows with.';
  end if;
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;
  if coalesce(pg_catalog.cardinality(p_outcomes), 0) <> v_n
     or pg_catalog.cardinality(p_http_statuses) <> v_n
     or pg_catalog.cardinality(p_errors) <> v_n
     or pg_catalog.cardinality(p_latencies_ms) <> v_n
     or pg_catalog.cardinality(p_response_excerpts) <> v_n
     or pg_catalog.cardinality(p_retry_afters) <> v_n then
    raise exception 'settlement arrays differ in length: % ids, % outcomes', v_n, coalesce(pg_catalog.cardinality(p_outcomes), 0)
      using errcode = 'invalid_parameter_value',
            hint = 'Pass one element per id in every array given (null arrays are allowed and mean no value).';
  end if;
  if v_n > 1000 then
    raise exception 'batch of % settlements is over 1000', v_n
      using errcode = 'invalid_parameter_value', hint = 'Settle in batches of at most 1000.';
  end if;

  -- The first bad element, if any, named in the error.
  select i.* into v_bad
    from rows from (pg_catalog.unnest(p_ids), pg_catalog.unnest(p_outcomes), pg_catalog.unnest(p_http_statuses),
                    pg_catalog.unnest(p_latencies_ms), pg_catalog.unnest(p_retry_afters))
           with ordinality as i(id, outcome, http, latency, retry_after, ord)
   where i.outcome is null or i.outcome not in ('delivered', 'retry', 'dead')
      or i.http not between 100 and 599 or i.latency < 0 or i.retry_after < interval '0' or i.id is null
   order by i.ord
   limit 1;
  if found then
    if v_bad.id is null then
      raise exception 'outbox id NULL in the batch'
        using errcode = 'invalid_parameter_value', hint = 'Settle the ids vigil.claim_deliveries returned.';
    elsif v_bad.outcome is null or v_bad.outcome not in ('delivered', 'retry', 'dead') then
      raise exception 'delivery outcome % is not known', coalesce(pg_catalog.quote_literal(v_bad.outcome), 'NULL')
        using errcode = 'invalid_parameter_value', hint = 'One of delivered, retry, dead.';
    elsif v_bad.http not between 100 and 599 then
      raise exception 'HTTP status % is not between 100 and 599', v_bad.http
        using errcode = 'invalid_parameter_value', hint = 'Pass the receiver''s status code, or null when there was no response (timeout, connection error).';
    elsif v_bad.latency < 0 then
      raise exception 'latency % ms is negative', v_bad.latency
        using errcode = 'invalid_parameter_value', hint = 'Pass the attempt''s duration in milliseconds, or null.';
    else
      raise exception 'Retry-After % is negative', v_bad.retry_after
        using errcode = 'invalid_parameter_value', hint = 'Pass the receiver''s Retry-After (or Discord''s retry_after) as an interval, or null.';
    end if;
  end if;
  select i.id into v_bad
    from pg_catalog.unnest(p_ids) as i(id)
   group by i.id
  having pg_catalog.count(*) > 1
   limit 1;
  if found then
    raise exception 'outbox row % is twice in the batch', v_bad.id
      using errcode = 'invalid_parameter_value', hint = 'Settle each row once.';
  end if;
  select i.id into v_bad
    from pg_catalog.unnest(p_ids) as i(id)
   where not exists (select from vigil.outbox o where o.id = i.id)
   limit 1;
  if found then
    raise exception 'outbox row % does not exist', v_bad.id
      using errcode = 'no_data_found', hint = 'Settle the ids vigil.claim_deliveries returned.';
  end if;

  return query
  with input as (
    select i.*
      from rows from (pg_catalog.unnest(p_ids), pg_catalog.unnest(p_outcomes), pg_catalog.unnest(p_http_statuses),
                      pg_catalog.unnest(p_errors), pg_catalog.unnest(p_latencies_ms), pg_catalog.unnest(p_response_excerpts),
                      pg_catalog.unnest(p_retry_afters))
             with ordinality as i(id, outcome, http, error, latency, excerpt, retry_after, ord)
  ), locked as (
    select o.id, o.status, o.lease_owner, o.attempts, o.max_attempts, o.channel
      from vigil.outbox o
     where o.id = any (p_ids)
     order by o.id
       for update of o
  ), decided as (
    select i.ord, i.id, l.status as old_status, l.channel, l.attempts, i.http, i.error, i.latency,
           (l.status <> 'delivering' or l.lease_owner is distinct from p_worker) as lost,
           -- 410 Gone: dead whatever the worker said.
           case when i.http = 410 and i.outcome <> 'delivered' then 'dead' else i.outcome end as outcome,
           coalesce(i.error, 'HTTP ' || i.http) as reason,
           case when i.outcome = 'retry' and i.http is distinct from 410 and l.attempts < l.max_attempts
                then vigil._retry_delay(l.attempts, i.retry_after, pg_catalog.random()) end as delay,
           -- Defence in depth: the worker must not echo the target, but a
           -- receiver may quote the URL it was called on, and a webhook URL
           -- is a secret.
           case when ch.target ~ '^https?://' then pg_catalog.replace(pg_catalog.left(i.excerpt, 500), ch.target, '[target]')
                else pg_catalog.left(i.excerpt, 500) end as excerpt
      from input i
      join locked l on l.id = i.id
      left join vigil.channels ch on ch.name = l.channel
  ), final as materialized (
    select d.*,
           -- A retry with no next attempt (max_attempts, or the end of the
           -- schedule) is the last one: dead.
           case when d.outcome = 'retry' and d.delay is null then 'dead' else d.outcome end as final_outcome,
           case when d.outcome = 'retry' and d.delay is null
                then pg_catalog.format('%s (gave up after %s attempts)', coalesce(d.reason, 'failed'), d.attempts)
                else d.reason end as final_error
      from decided d
  ), attempts as (
    insert into vigil.delivery_attempts (outbox_id, channel, worker, attempt, started_at, latency_ms, outcome,
                                         http_status, error, response_excerpt)
    select f.id, f.channel, p_worker, f.attempts,
           p_now - pg_catalog.make_interval(secs => coalesce(f.latency, 0) / 1000),
           f.latency, f.final_outcome, f.http, f.error, f.excerpt
      from final f
     where not f.lost
     order by f.ord
  ), settled as (
    update vigil.outbox o
       set status = case f.final_outcome when 'delivered' then 'delivered' when 'retry' then 'pending' else 'dead' end,
           delivered_at = case when f.final_outcome = 'delivered' then p_now end,
           available_at = case when f.final_outcome = 'retry' then p_now + f.delay else o.available_at end,
           last_error = case when f.final_outcome = 'delivered' then o.last_error
                             else coalesce(f.final_error, 'given up with no error given') end,
           lease_owner = null,
           lease_expires_at = null
      from final f
     where o.id = f.id and not f.lost
    returning o.id, o.status, o.available_at, o.last_error
  ), gone as (
    update vigil.channels ch
       set enabled = false, disabled_reason = 'receiver answered 410 Gone', disabled_at = p_now
     where ch.enabled
       and ch.name in (select f.channel from final f where f.http = 410 and not f.lost)
    returning ch.name
  )
  select f.id, coalesce(s.status, f.old_status), s.available_at, s.last_error, f.lost
    from final f
    left join settled s on s.id = f.id
   order by f.ord;
end
$$;

comment on function vigil.settle_deliveries(text, bigint[], text[], integer[], text[], double precision[], text[], interval[], timestamptz) is
  'Settles a batch of claimed notifications as delivered, retry or dead and records each attempt; the arrays run in parallel: select * from vigil.settle_deliveries(''web-1:4242'', array[41, 42], array[''delivered'', ''retry''], p_http_statuses => array[200, 503]). retry waits the vigil.retry_schedule delay (±10%) or the Retry-After if longer, and goes dead after the last attempt; HTTP 410 makes the row dead and disables its channel. Returns each row''s new status; lease_lost: this worker no longer holds the row, which was left alone. Raises 22023 on bad input (naming the first bad element), P0002 for an unknown id; the whole batch is then rolled back.';
