-- vigil.check_latency_vs_baseline(p_params): a percentile of a value column
-- (e.g. response_time_ms) over a recent window, divided by the same
-- percentile over a baseline window that ends where the recent one starts,
-- per group. Generalises the runbook's "provider p95 > 2x / 3x its 7-day
-- baseline".
--
-- Params:
--   table         schema-qualified table or view (required)
--   time_column   its timestamptz column (required)
--   value_column  a numeric column, e.g. "response_time_ms" (required)
--   group_by      optional column: one series per value (e.g. "provider")
--   percentile    number in (0, 1), default 0.95 (percentile_cont)
--   window        recent window, default "1 hour": _now - window < time <= _now
--   baseline      baseline window, default "7 days", just before the recent one
--   min_count     whole number, default 20: fewer rows with a value in either
--                 window give a null value
--   where         optional raw SQL predicate on the rows that count (table aliased t)
--
-- value = recent / baseline (2.0 = twice as slow). Direction above. detail:
-- {recent, baseline, recent_count, baseline_count}. Rows whose value is null
-- are ignored. Without group_by one row, series = the table.
create or replace function vigil.check_latency_vs_baseline(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
-- "where" is raw SQL by design: only vigil_admin may register checks.
declare
  v_now        timestamptz := coalesce((p_params ->> '_now')::timestamptz, pg_catalog.now());
  v_t          record;
  v_time       name;
  v_value      name;
  v_group      name;
  v_pct        double precision;
  v_window     interval;
  v_baseline   interval;
  v_min_count  double precision;
  v_where      text;
  v_sql        text;
begin
  v_t := vigil._app_table(p_params, 'table');
  v_time := vigil._app_column(v_t.rel, p_params, 'time_column', true, 'timestamptz');
  v_value := vigil._app_column(v_t.rel, p_params, 'value_column', true, 'numeric');
  v_group := vigil._app_column(v_t.rel, p_params, 'group_by', false);
  v_pct := vigil._app_number(p_params, 'percentile', 0.95, 0, 1);
  if v_pct in (0, 1) then
    raise exception 'param "percentile" must be strictly between 0 and 1, not %', v_pct
      using errcode = 'invalid_parameter_value', hint = 'e.g. {"percentile": 0.95} for p95, 0.5 for the median.';
  end if;
  v_window := vigil._app_interval(p_params, 'window', interval '1 hour');
  v_baseline := vigil._app_interval(p_params, 'baseline', interval '7 days');
  v_min_count := vigil._app_number(p_params, 'min_count', 20, 1, 1e12, true);
  v_where := vigil._app_predicate(p_params, 'where');

  v_sql := vigil._app_grouped_query(v_t.rel, v_group,
    p_aggregates => pg_catalog.format($a$
           pg_catalog.percentile_cont($3) within group (order by t.%I::double precision) filter (where t.%I > $1) as recent,
           pg_catalog.percentile_cont($3) within group (order by t.%I::double precision) filter (where t.%I <= $1) as baseline,
           pg_catalog.count(*) filter (where t.%I > $1) as recent_count,
           pg_catalog.count(*) filter (where t.%I <= $1) as baseline_count$a$,
      v_value, v_time, v_value, v_time, v_time, v_time),
    p_where      => array[pg_catalog.format('t.%I > $1 - $6 and t.%I <= $2 and t.%I is not null', v_time, v_time, v_value),
                          '(' || v_where || ')'],
    p_value      => 'case when g.recent_count >= $4 and g.baseline_count >= $4 and g.baseline > 0 then g.recent / g.baseline end',
    p_detail     => $d$pg_catalog.jsonb_build_object('recent', g.recent, 'baseline', g.baseline,
                                                    'recent_count', g.recent_count, 'baseline_count', g.baseline_count,
                                                    'percentile', $3, 'min_count', $4, 'window', $5::text)$d$);

  begin
    for series, value, labels, detail in execute v_sql
      using v_now - v_window, v_now, v_pct, v_min_count, coalesce(p_params ->> 'window', '1 hour'), v_baseline
    loop
      return next;
    end loop;
  exception
    when insufficient_privilege then
      raise;
    when syntax_error_or_access_rule_violation or data_exception or feature_not_supported then
      perform vigil._app_query_failed('check_latency_vs_baseline', v_t.label, sqlstate, sqlerrm,
        'Check the raw "where" param: a SQL predicate on the table (aliased t); functions outside pg_catalog must be schema-qualified.');
  end;
end
$$;

comment on function vigil.check_latency_vs_baseline(jsonb) is
  'Application template: a percentile (default 0.95) of a numeric column over a recent window (default 1 hour) divided by the same percentile over the baseline window just before it (default 7 days), per group (params: table, time_column (timestamptz), value_column (numeric), optional group_by, percentile, window, baseline, min_count (default 20; fewer rows in either window give a null value), optional where (raw SQL, table aliased t)). value is the ratio (2.0 = twice the baseline); detail has recent, baseline, recent_count, baseline_count. Measures relative to the tick time (_now). Direction above; the runbook''s defaults are warning 2, critical 3. Example: select vigil.add_check(p_name => ''provider_p95'', p_function => ''vigil.check_latency_vs_baseline'', p_params => ''{"table": "shop.fulfillment_events", "time_column": "created_at", "value_column": "response_time_ms", "group_by": "provider"}'', p_every => ''5 minutes'', p_warning => 2, p_critical => 3);';
