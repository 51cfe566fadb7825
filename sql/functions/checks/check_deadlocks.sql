-- vigil.check_deadlocks(p_params): deadlocks in this database since the
-- previous run of the check.
--
-- Why: a deadlock costs a transaction: PostgreSQL aborts one of the two (SQLSTATE
-- 40P01) and the application sees an error. One now and then is a retry; a
-- steady rate means two code paths take the same locks in opposite order, and
-- it gets worse with load.
--
-- Reads the cumulative counter pg_stat_database.deadlocks of the current
-- database and reports its increase since the previous run through
-- vigil._counter_delta: the first run (and the first after a stats reset)
-- returns a null value, which never breaches; it only sets the baseline.
-- Counters are flushed by each backend at most once a second (at the latest
-- when it goes idle or exits), so a deadlock may show up one run late.
-- Volatile because it writes the baseline into vigil.counters.
create or replace function vigil.check_deadlocks(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
volatile
set search_path = ''
as $$
  select d.datname::text,
         vigil._counter_delta(coalesce(p_params->>'_check', 'deadlocks'), d.datname::text,
                              d.deadlocks::double precision,
                              coalesce((p_params->>'_now')::timestamptz, pg_catalog.now())),
         pg_catalog.jsonb_build_object('database', d.datname),
         pg_catalog.jsonb_build_object('deadlocks_total', d.deadlocks, 'stats_reset', d.stats_reset,
                                       'hint', 'The server log has both queries of each deadlock (log_lock_waits helps too).')
    from pg_catalog.pg_stat_database d
   where d.datname = pg_catalog.current_database();
$$;

comment on function vigil.check_deadlocks(jsonb) is
  'Deadlocks in the current database since the previous run: the increase of pg_catalog.pg_stat_database.deadlocks, through vigil._counter_delta (null on the first run, which sets the baseline, and after a stats reset). One row, series = current_database(); detail has the cumulative total and stats_reset. Default thresholds: warning 1, critical 5 (deadlocks per run), pgvigil''s choice: any deadlock deserves a look, five in one run (one minute by default) is a pattern.';
