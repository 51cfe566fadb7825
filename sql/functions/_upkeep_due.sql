-- vigil._upkeep_due(p_now): whether the upkeep pg_cron's vigil_rotate
-- (hourly) and vigil_housekeeping (daily) jobs would do is due, for a
-- scheduler that runs without pg_cron (the worker's). Derived from what
-- the two steps record themselves (partition_sets.last_rotated_at,
-- housekeeping.last_run_at), so that several workers agree and a restarted
-- worker does not start over.
create or replace function vigil._upkeep_due(p_now timestamptz default pg_catalog.now())
returns table (rotate boolean, housekeeping boolean)
language sql
stable
set search_path = ''
as $$
  select coalesce((select pg_catalog.min(coalesce(ps.last_rotated_at, '-infinity')) from vigil.partition_sets ps), '-infinity')
           <= p_now - interval '1 hour',
         coalesce((select h.last_run_at from vigil.housekeeping h), '-infinity') <= p_now - interval '1 day'
$$;

comment on function vigil._upkeep_due(timestamptz) is
  'Internal: whether vigil.rotate_partitions (hourly) and vigil.run_housekeeping (daily) are due at p_now, from when they last ran; the worker''s scheduler asks it after each tick when pg_cron does not run them.';
