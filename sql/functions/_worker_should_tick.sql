-- vigil._worker_should_tick(p_now): whether the worker's scheduler, in its
-- default mode (`pgvigil worker` without --tick or --no-tick), should run
-- vigil.tick() at p_now. It stands by while pg_cron ticks pgvigil, and
-- takes over when pg_cron has not run a tick for 150 seconds: pg_cron ticks
-- every minute (every 15 seconds on pg_cron 1.5+), so that is two missed
-- minute ticks and some slack for a slow one. Asked on every beat of the
-- worker's timer rather than once at start, so that it also covers pg_cron
-- installed but never scheduled, a vigil_tick job unscheduled, disabled or
-- failing (a failed tick records nothing), and pg_cron ticking this database
-- from another one (cron.schedule_in_database), which this database cannot
-- see. What pg_cron did is what vigil.tick() recorded
-- (tick_state.last_cron_tick_at), so that several workers agree.
create or replace function vigil._worker_should_tick(p_now timestamptz default pg_catalog.now())
returns table (should_tick boolean, last_cron_tick_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
-- security definer because the worker may connect as vigil_worker, which
-- reads no pgvigil table (docs/worker.md, Privileges); this reads one
-- timestamp of vigil.tick_state and takes nothing from the caller but p_now.
begin
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;
  return query
    select v.at is null or v.at <= p_now - interval '150 seconds', v.at
      from (select (select t.last_cron_tick_at from vigil.tick_state t) as at) v;
end
$$;

comment on function vigil._worker_should_tick(timestamptz) is
  'Internal: whether the worker''s scheduler (tick mode auto, the default) should run vigil.tick() at p_now: true unless pg_cron ran a tick in the last 150 seconds (vigil.tick_state.last_cron_tick_at, also returned, null when pg_cron never ticked). The worker asks it on every beat, so it takes over when pg_cron stops ticking and stands by when it ticks again.';
