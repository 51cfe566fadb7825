-- vigil._retry_delay(p_attempt, p_retry_after, p_random): how long to wait
-- after attempt p_attempt failed, from vigil.retry_schedule with ±10%
-- jitter (so that many rows failing together do not retry together), or the
-- receiver's Retry-After when that is longer. Null: the schedule has no row
-- for this attempt, so there is no next attempt. The random number is a
-- parameter so that the jitter can be tested; vigil.settle_delivery passes
-- pg_catalog.random().
create or replace function vigil._retry_delay(
  p_attempt     integer,
  p_retry_after interval,
  p_random      double precision
)
returns interval
language plpgsql
stable
set search_path = ''
as $$
declare
  v_delay interval;
begin
  if p_random is null or p_random < 0 or p_random > 1 then
    raise exception 'random number % is not between 0 and 1', coalesce(p_random::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Pass pg_catalog.random().';
  end if;
  if p_retry_after < interval '0' then
    raise exception 'Retry-After % is negative', p_retry_after
      using errcode = 'invalid_parameter_value', hint = 'Pass the receiver''s Retry-After as a non-negative interval, or null.';
  end if;
  select s.delay into v_delay from vigil.retry_schedule s where s.attempt = p_attempt;
  if not found then
    return null;
  end if;
  -- 0 gives 90% of the delay, 0.5 the delay, 1 gives 110%.
  -- (greatest ignores a null Retry-After.)
  return greatest(v_delay * (0.9 + 0.2 * p_random), p_retry_after);
end
$$;

comment on function vigil._retry_delay(integer, interval, double precision) is
  'The wait before the next attempt after attempt p_attempt failed: vigil.retry_schedule''s delay scaled by 0.9 + 0.2 * p_random (±10% jitter), or p_retry_after if longer; null when the schedule has no row for p_attempt (give up). select vigil._retry_delay(3, null, pg_catalog.random()); Raises 22023 for p_random outside 0..1 or a negative p_retry_after.';
