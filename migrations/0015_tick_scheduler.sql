-- Up Migration
-- 0015 tick scheduler: the worker's scheduler stands by while pg_cron ticks.
-- By default (`pgvigil worker`, tick 'auto') the worker asks
-- vigil._worker_should_tick(p_now) on every beat and runs vigil.tick() only
-- while pg_cron has not run one lately. That covers pg_cron installed here
-- but never scheduled (or its job unscheduled, disabled or failing), and
-- pg_cron in another database of the cluster ticking this one with
-- cron.schedule_in_database, which this database cannot see. For that,
-- vigil.tick() records here when pg_cron ran it.
--
-- How vigil.tick() recognises pg_cron: by the session its job runs in, with
-- no change to the job. pg_cron has two ways of running a job, and each
-- marks its session (checked with pg_cron 1.4.2 on PostgreSQL 15, in the
-- job's own database and through cron.schedule_in_database, and in
-- pg_cron's source):
--   * background workers (cron.use_background_workers = on, as on
--     Supabase): the job runs in a background worker of type "pg_cron",
--     so pg_stat_activity.backend_type of its own pid is 'pg_cron'
--     (application_name stays empty). No client can take that type.
--   * libpq (the default): pg_cron connects with
--     fallback_application_name=pg_cron, so application_name is 'pg_cron'
--     (backend_type 'client backend').
-- The other way, a job command that marks itself (vigil.schedule() writing
-- something other than `select vigil.tick()`), would leave jobs scheduled by
-- earlier releases, by hand or from another database unmarked until they
-- are scheduled again, and would change what pgvigil schedules; the session
-- marks need none of that. A session that sets application_name to
-- 'pg_cron' itself is taken for pg_cron; only roles that may run
-- vigil.tick() can make that mistake matter.

alter table vigil.tick_state add column last_cron_tick_at timestamptz;

comment on column vigil.tick_state.last_cron_tick_at is
  'p_now of the last tick that pg_cron ran (recognised by its session: backend_type pg_cron in background-worker mode, application_name pg_cron in libpq mode), here or from another database; null when pg_cron never ticked. The worker''s scheduler ticks while this is over 150 seconds old (vigil._worker_should_tick).';
comment on table vigil.tick_state is
  'One row: when the last two ticks ran (tick time), when the last one ran by the wall clock and how long it took, and when pg_cron last ran one. The tick_lag self-check reads it; the worker''s scheduler asks vigil._worker_should_tick.';
