-- vigil.run_check(p_name, p_now): runs one check once and records it.
--
-- The check function runs in its own subtransaction with the check's
-- lock_timeout, so an error or a lock wait never stops the caller; the run
-- goes to vigil.check_runs as ok, error or timeout. Results go to
-- vigil.samples by the volume rule on that table, in one set-based statement,
-- and then into alert state (vigil._evaluate_alerts, also set-based).
--
-- About statement_timeout: PostgreSQL arms it once per top-level statement,
-- so a value set inside a function cannot interrupt that same statement. The
-- check's timeout therefore takes effect when run_check is itself the
-- top-level statement, as the pgvigil driver runs it:
--   set statement_timeout = '10s'; select vigil.run_check('x');
-- A timeout then cancels the check, which is recorded as 'timeout', and the
-- statement goes on. Inside one big `select vigil.tick()` only lock_timeout
-- and the tick's own statement_timeout apply.
create or replace function vigil.run_check(p_name text, p_now timestamptz default pg_catalog.now())
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_check     vigil.checks;
  v_schema    name;
  v_function  name;
  v_params    jsonb;
  v_started   timestamptz := pg_catalog.clock_timestamp();
  v_status    text := 'ok';
  v_error     text;
  v_sqlstate  text;
  v_series    integer := 0;
  v_breaching integer := 0;
  v_old_lock  text := pg_catalog.current_setting('lock_timeout');
  v_eval_series text[];
  v_eval_values double precision[];
  v_eval_labels jsonb[];
  v_eval_details jsonb[];
begin
  select * into v_check from vigil.checks c where c.name = p_name;
  if not found then
    raise exception 'check % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found', hint = 'See select name from vigil.checks order by 1;';
  end if;
  v_params := v_check.params || pg_catalog.jsonb_build_object('_check', v_check.name, '_now', p_now);
  perform vigil._ensure_partitions(p_now);

  begin
    select n.nspname, p.proname into v_schema, v_function
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where p.oid = pg_catalog.to_regprocedure(v_check.function_name || '(jsonb)');
    if v_function is null then
      raise exception 'check function %(jsonb) does not exist', v_check.function_name
        using errcode = 'undefined_function';
    end if;
    perform pg_catalog.set_config('lock_timeout',
      ((pg_catalog.date_part('epoch', v_check.lock_timeout) * 1000)::bigint)::text, true);

    execute pg_catalog.format($q$
      with r as materialized (
        select f.series, f.value, coalesce(f.labels, '{}'::jsonb) as labels, f.detail,
               coalesce(case when $2 = 'above'
                             then f.value >= $3 or f.value >= $4
                             else f.value <= $3 or f.value <= $4 end, false) as breach,
               exists (select from vigil.alert_state s where s.check_name = $6 and s.series = f.series) as in_state,
               -- Notes (a null value with detail: what the check could not
               -- see) are kept, at most 10 a run.
               f.value is null and f.detail is not null
                 and pg_catalog.row_number() over (partition by f.value is null and f.detail is not null order by f.series) <= 10 as note
          from %I.%I($1) as f(series, value, labels, detail)
      ), agg as (
        insert into vigil.samples (at, check_name, series, value, labels, detail)
        select $5, $6, '*',
               case when $2 = 'above' then pg_catalog.max(r.value) else pg_catalog.min(r.value) end,
               '{}'::jsonb,
               pg_catalog.jsonb_build_object('series', pg_catalog.count(*),
                 'warning', pg_catalog.count(*) filter (where case when $2 = 'above' then r.value >= $3 else r.value <= $3 end),
                 'critical', pg_catalog.count(*) filter (where case when $2 = 'above' then r.value >= $4 else r.value <= $4 end))
          from r
      ), each_series as (
        insert into vigil.samples (at, check_name, series, value, labels, detail)
        select $5, $6, r.series, r.value, r.labels, r.detail from r
         where r.breach or r.in_state or r.note or $7
      )
      -- The series alert evaluation needs: those in state, those past an
      -- enter threshold, or all of them when per-series overrides exist.
      select pg_catalog.count(*)::int,
             (pg_catalog.count(*) filter (where r.breach))::int,
             pg_catalog.array_agg(r.series) filter (where r.breach or r.in_state or $8),
             pg_catalog.array_agg(r.value) filter (where r.breach or r.in_state or $8),
             pg_catalog.array_agg(r.labels) filter (where r.breach or r.in_state or $8),
             pg_catalog.array_agg(r.detail) filter (where r.breach or r.in_state or $8)
        from r
    $q$, v_schema, v_function)
    into v_series, v_breaching, v_eval_series, v_eval_values, v_eval_labels, v_eval_details
    using v_params, v_check.direction, v_check.warning, v_check.critical, p_now, v_check.name, v_check.keep_series,
          exists (select from vigil.threshold_overrides o where o.check_name = v_check.name);

    perform vigil._evaluate_alerts(v_check, p_now, coalesce(v_eval_series, '{}'), coalesce(v_eval_values, '{}'),
                                   coalesce(v_eval_labels, '{}'), coalesce(v_eval_details, '{}'));
  exception
    when query_canceled or lock_not_available then
      get stacked diagnostics v_error = message_text, v_sqlstate = returned_sqlstate;
      v_status := 'timeout';
    when others then
      get stacked diagnostics v_error = message_text, v_sqlstate = returned_sqlstate;
      v_status := 'error';
  end;
  perform pg_catalog.set_config('lock_timeout', v_old_lock, true);

  insert into vigil.check_runs (check_name, started_at, duration_ms, status, error, sqlstate, series_count, breaching)
  values (v_check.name, p_now,
          pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - v_started) * 1000,
          v_status, v_error, v_sqlstate, v_series, v_breaching);
  update vigil.checks c set last_run_at = p_now where c.name = v_check.name;
  return v_status;
end
$$;

comment on function vigil.run_check(text, timestamptz) is
  'Runs one check now (or at tick time p_now), isolated in a subtransaction with its lock_timeout; records the run in vigil.check_runs and the results in vigil.samples; returns ok, error or timeout. Its statement timeout applies when it is the top-level statement (set statement_timeout first), as the pgvigil driver runs it.';
