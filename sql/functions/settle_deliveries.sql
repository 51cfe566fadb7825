-- vigil.settle_deliveries(p_worker, p_ids, p_outcomes, ...): settles many
-- claimed notifications in one call, each exactly as vigil.settle_delivery
-- would (it calls it), so that a busy worker pays one round trip and one
-- commit per batch instead of per notification. The arrays run in parallel:
-- element i of each describes the attempt on p_ids[i].
-- A row whose lease this worker no longer holds (it expired and another
-- worker claimed the row, or it was settled already) is skipped and
-- reported with lease_lost, instead of failing the whole batch; any other
-- error (bad input) fails the batch, and nothing of it is applied.
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
as $$
-- security definer because vigil_worker writes vigil.outbox only through
-- these functions, as with vigil.settle_delivery.
declare
  v_n     integer := coalesce(pg_catalog.cardinality(p_ids), 0);
  v_owner text;
  v_state text;
  v_row   vigil.outbox;
begin
  if pg_catalog.cardinality(p_outcomes) is distinct from v_n
     or (p_http_statuses is not null and pg_catalog.cardinality(p_http_statuses) <> v_n)
     or (p_errors is not null and pg_catalog.cardinality(p_errors) <> v_n)
     or (p_latencies_ms is not null and pg_catalog.cardinality(p_latencies_ms) <> v_n)
     or (p_response_excerpts is not null and pg_catalog.cardinality(p_response_excerpts) <> v_n)
     or (p_retry_afters is not null and pg_catalog.cardinality(p_retry_afters) <> v_n) then
    raise exception 'settlement arrays differ in length: % ids, % outcomes', v_n, coalesce(pg_catalog.cardinality(p_outcomes), 0)
      using errcode = 'invalid_parameter_value',
            hint = 'Pass one element per id in every array given (null arrays are allowed and mean no value).';
  end if;
  if v_n > 1000 then
    raise exception 'batch of % settlements is over 1000', v_n
      using errcode = 'invalid_parameter_value', hint = 'Settle in batches of at most 1000.';
  end if;

  for v_i in 1 .. v_n loop
    -- No lock here (settle_delivery takes it): should the lease change
    -- hands between this look and settle_delivery's, that raises 55000,
    -- the batch rolls back, and the worker settles the rows one by one.
    select o.lease_owner, o.status into v_owner, v_state
      from vigil.outbox o where o.id = p_ids[v_i];
    if found and (v_state <> 'delivering' or v_owner is distinct from p_worker) then
      id := p_ids[v_i];
      status := v_state;
      available_at := null;
      last_error := null;
      lease_lost := true;
      return next;
      continue;
    end if;
    v_row := vigil.settle_delivery(
      p_id               => p_ids[v_i],
      p_worker           => p_worker,
      p_outcome          => p_outcomes[v_i],
      p_http_status      => p_http_statuses[v_i],
      p_error            => p_errors[v_i],
      p_latency_ms       => p_latencies_ms[v_i],
      p_response_excerpt => p_response_excerpts[v_i],
      p_retry_after      => p_retry_afters[v_i],
      p_now              => p_now);
    id := v_row.id;
    status := v_row.status;
    available_at := v_row.available_at;
    last_error := v_row.last_error;
    lease_lost := false;
    return next;
  end loop;
end
$$;

comment on function vigil.settle_deliveries(text, bigint[], text[], integer[], text[], double precision[], text[], interval[], timestamptz) is
  'Settles a batch of claimed notifications in one call, each as vigil.settle_delivery does (same decisions, one vigil.delivery_attempts row each); the arrays run in parallel: select * from vigil.settle_deliveries(''web-1:4242'', array[41, 42], array[''delivered'', ''retry''], p_http_statuses => array[200, 503]). Returns each row''s new status; lease_lost: this worker no longer holds the row, which was skipped. Raises 22023 for arrays of different lengths or over 1000 elements, and whatever settle_delivery raises for bad values (the whole batch is then rolled back).';
