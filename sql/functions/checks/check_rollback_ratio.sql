-- vigil.check_rollback_ratio(p_params): rolled-back transactions as a percent
-- of all transactions in this database since the previous run.
--
-- Why: a rising share of rollbacks means the application is failing (errors,
-- serialization failures, deadlocks, statement timeouts) while the server
-- itself looks healthy. pg_stat_database only holds totals since the last
-- stats reset, which say nothing about the last minutes, so the check reports
-- the increase of both counters since its previous run (vigil._counter_delta).
-- Over too few transactions a percent is noise: below min_transactions
-- (default 100) in the interval, and on the first run, the value is null.
create or replace function vigil.check_rollback_ratio(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_check    text := coalesce(p_params->>'_check', 'rollback_ratio');
  v_now      timestamptz := coalesce((p_params->>'_now')::timestamptz, pg_catalog.now());
  v_min      double precision := coalesce((p_params->>'min_transactions')::double precision, 100);
  v_db       text := pg_catalog.current_database()::text;
  v_commit   double precision;
  v_rollback double precision;
  v_dc       double precision;
  v_dr       double precision;
begin
  select d.xact_commit::double precision, d.xact_rollback::double precision
    into v_commit, v_rollback
    from pg_catalog.pg_stat_database d
   where d.datname = v_db::name;

  v_dc := vigil._counter_delta(v_check, 'xact_commit', v_commit, v_now);
  v_dr := vigil._counter_delta(v_check, 'xact_rollback', v_rollback, v_now);

  series := v_db;
  labels := pg_catalog.jsonb_build_object('database', v_db);
  value := case when v_dc + v_dr >= greatest(v_min, 1) then 100 * v_dr / (v_dc + v_dr) end;
  detail := pg_catalog.jsonb_build_object(
    'commits', v_dc,
    'rollbacks', v_dr,
    'min_transactions', v_min)
    || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'note', case
                when v_dc is null or v_dr is null then 'first run or counters reset: baseline recorded, no ratio yet'
                when v_dc + v_dr < greatest(v_min, 1) then 'fewer transactions than min_transactions since the previous run: no ratio'
              end));
  return next;
end
$$;

comment on function vigil.check_rollback_ratio(jsonb) is
  'Rolled-back transactions as a percent of all transactions (commits + rollbacks) in the current database since the previous run; one row, series = the database name. Reads pg_catalog.pg_stat_database (xact_commit, xact_rollback) through vigil._counter_delta. Param min_transactions (default 100): below it the value is null. Default thresholds (direction above): warning 5, critical 10 percent. Critical 10 % is the level of the high-rollback alert proposed for Grafana''s postgres_exporter mixin (rollbacks > 10 % of transactions); warning 5 % is pgvigil''s choice, above the 2 % at which Netdata and awesome-prometheus-alerts warn, which fires on applications that use rollback as control flow.';
