-- vigil._counter_delta(p_check, p_series, p_value, p_now): the increase of a
-- cumulative counter (deadlocks, rollbacks, checkpoints) since the previous
-- call for the same check and series; null on the first call and after a
-- counter reset (stats reset or restart). Rate checks report increases, not
-- totals since the dawn of time.
create or replace function vigil._counter_delta(
  p_check  text,
  p_series text,
  p_value  double precision,
  p_now    timestamptz
)
returns double precision
language sql
volatile
set search_path = ''
as $$
  with prev as (
    select c.value from vigil.counters c where c.check_name = p_check and c.series = p_series
  ), up as (
    insert into vigil.counters (check_name, series, value, at)
    values (p_check, p_series, p_value, p_now)
    on conflict (check_name, series) do update set value = excluded.value, at = excluded.at
  )
  select case when prev.value is null or p_value < prev.value then null else p_value - prev.value end
    from (select 1) as one left join prev on true;
$$;

comment on function vigil._counter_delta(text, text, double precision, timestamptz) is
  'Internal: increase of a cumulative counter since the previous run of the same check and series (null on the first run or after a reset); remembers the value in vigil.counters.';
