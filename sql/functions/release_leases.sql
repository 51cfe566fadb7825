-- vigil.release_leases(p_worker, p_now): a worker shutting down (SIGTERM,
-- SIGINT) first finishes and settles what is in flight, then gives back the
-- rows it claimed but never sent, so that another worker delivers them now
-- rather than when the lease expires. They become pending again, due at
-- once, and the attempt counted at claim time is given back: it never
-- happened. (Should a released row have been sent after all, the receiver
-- sees its webhook-id twice: delivery is at least once.) A worker that is
-- killed releases nothing; its leases expire instead.
create or replace function vigil.release_leases(
  p_worker text,
  p_now    timestamptz default pg_catalog.now()
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_worker gives rows back only through this
-- function, never by writing vigil.outbox directly.
declare
  v_count integer;
begin
  if p_worker is null or pg_catalog.btrim(p_worker) = '' then
    raise exception 'worker name % is blank', coalesce(pg_catalog.quote_literal(p_worker), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Pass the name the worker claimed its rows with.';
  end if;
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;
  update vigil.outbox o
     set status = 'pending',
         attempts = greatest(o.attempts - 1, 0),
         available_at = least(o.available_at, p_now),
         lease_owner = null,
         lease_expires_at = null
   where o.status = 'delivering' and o.lease_owner = p_worker;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

comment on function vigil.release_leases(text, timestamptz) is
  'Gives back every row worker p_worker holds and has not settled (on shutdown, after settling what was in flight): pending again, due at once, its claim-time attempt given back. Returns how many: select vigil.release_leases(''web-1:4242''). Raises 22023 for a blank worker name.';
