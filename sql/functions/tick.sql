-- vigil.tick(p_now): one beat of pgvigil. pg_cron (or the worker's
-- scheduler) calls it every minute; tests call it with p_now to replay time.
-- Overlapping ticks skip: only one holds the tick lock at a time. Each
-- check's run evaluates its alert state; then vigil._notify turns the state
-- into notifications (routing, grouping, suppression, escalation, outbox).
-- A tick that pg_cron ran is recorded as such (tick_state.last_cron_tick_at),
-- so that the worker's scheduler stands by while pg_cron ticks
-- (vigil._worker_should_tick). pg_cron's job session is recognised without
-- any change to the job: backend_type 'pg_cron' where pg_cron runs jobs in
-- background workers, application_name 'pg_cron' where it connects through
-- libpq (migrations/0015_tick_scheduler.sql says how this was checked).
create or replace function vigil.tick(p_now timestamptz default pg_catalog.now())
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_started timestamptz := pg_catalog.clock_timestamp();
  v_checks  integer;
  v_failed  integer;
  v_outbox  integer;
  v_by_cron boolean;
begin
  -- 33329940307469163 is "vigtick" in ASCII.
  if not pg_catalog.pg_try_advisory_xact_lock(33329940307469163) then
    return pg_catalog.jsonb_build_object('skipped', true, 'reason', 'another tick is running');
  end if;
  select pg_catalog.count(*), pg_catalog.count(*) filter (where r.status <> 'ok')
    into v_checks, v_failed
    from vigil.run_checks(p_now) r;
  -- Notifications, in this same transaction as the state they follow.
  v_outbox := vigil._notify(p_now);
  v_by_cron := pg_catalog.current_setting('application_name') = 'pg_cron'
               or (select s.backend_type = 'pg_cron' from pg_catalog.pg_stat_get_activity(pg_catalog.pg_backend_pid()) s);
  update vigil.tick_state t
     set prev_tick_at = t.last_tick_at, last_tick_at = p_now, last_wall_at = pg_catalog.clock_timestamp(),
         last_duration_ms = pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - v_started) * 1000,
         last_cron_tick_at = case when v_by_cron then p_now else t.last_cron_tick_at end;
  return pg_catalog.jsonb_build_object('skipped', false, 'at', p_now, 'checks', v_checks, 'failed', v_failed, 'notifications', v_outbox,
    'duration_ms', pg_catalog.round((pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - v_started) * 1000)::numeric, 1));
end
$$;

comment on function vigil.tick(timestamptz) is
  'One beat of pgvigil: runs the due checks, then writes the notifications they call for to vigil.outbox. Called every minute by pg_cron or the worker (a tick pg_cron ran is recorded in vigil.tick_state.last_cron_tick_at); tests pass p_now to replay time. Returns a summary; {"skipped": true} when another tick holds the lock.';
