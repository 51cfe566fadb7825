-- vigil.settle_delivery(...): settles one claimed notification: the
-- one-row form of vigil.settle_deliveries, which makes every decision
-- (delivered; retry after the vigil.retry_schedule delay or Retry-After, or
-- dead after the last attempt; dead and the channel disabled on HTTP 410)
-- and records the attempt. Here, unlike in a batch, settling a row whose
-- lease this worker no longer holds is an error (55000): the lease expired
-- and another worker claimed the row, which that worker now settles
-- (delivery is at least once; the receiver sees the same webhook-id). An
-- expired lease that nobody claimed again can still be settled by its
-- owner: nobody else has the row.
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
-- security definer because vigil_worker settles outbox rows only through
-- these functions, never by writing vigil.outbox directly.
declare
  v_lost boolean;
  v_row  vigil.outbox;
begin
  if p_id is null then
    raise exception 'outbox row NULL does not exist'
      using errcode = 'no_data_found', hint = 'Settle the ids vigil.claim_deliveries returned.';
  end if;
  select s.lease_lost into v_lost
    from vigil.settle_deliveries(p_worker, array[p_id], array[p_outcome], array[p_http_status], array[p_error],
                                 array[p_latency_ms], array[p_response_excerpt], array[p_retry_after], p_now) s;
  select * into v_row from vigil.outbox o where o.id = p_id;
  if v_lost then
    raise exception 'outbox row % is not leased by worker %: it is % (lease owner %)',
      p_id, p_worker, v_row.status, coalesce(v_row.lease_owner, 'none')
      using errcode = 'object_not_in_prerequisite_state',
            hint = 'The lease expired and another worker claimed the row, or it was settled already: drop this result; the lease owner settles the row.';
  end if;
  return v_row;
end
$$;

comment on function vigil.settle_delivery(bigint, text, text, integer, text, double precision, text, interval, timestamptz) is
  'Settles one claimed notification as delivered, retry or dead and records the attempt: select vigil.settle_delivery(42, ''web-1:4242'', ''retry'', p_http_status => 503, p_latency_ms => 120, p_retry_after => ''30 seconds''). retry waits the vigil.retry_schedule delay (±10%) or the Retry-After if longer, and goes dead after the last attempt; HTTP 410 makes it dead and disables the channel. p_response_excerpt: at most 500 characters of the response body, never headers or URLs. Raises 22023 on bad input, P0002 for an unknown id, 55000 when p_worker does not hold the lease.';
