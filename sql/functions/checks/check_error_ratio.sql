-- vigil.check_error_ratio(p_params): the percent of rows in a recent window
-- that are errors, over a log or event table, optionally per group.
-- Generalises the runbook's "error rate > 5% / > 10%" over system_logs or
-- fulfillment_events.
--
-- Params:
--   table         schema-qualified table or view (required)
--   time_column   its timestamptz column (required)
--   window        interval, default "15 minutes": rows with
--                 _now - window < time <= _now count
--   error_column + error_values
--                 structured: a row is an error when the column's text
--                 equals one of the strings, e.g. "level", ["error", "critical"]
--   error_where   or raw: a SQL predicate that marks an error row (table
--                 aliased t), e.g. "t.status >= 500 or t.error is not null"
--   where         optional raw SQL predicate on the rows that count at all
--   group_by      optional column: one series per value (e.g. "provider")
--   min_rows      whole number, default 20: below it the value is null, so a
--                 quiet hour with 1 error in 2 rows does not page
--
-- value = 100 * errors / rows, in percent. Direction above. Without group_by
-- one row, series = the table.
create or replace function vigil.check_error_ratio(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
-- "where" and "error_where" are raw SQL by design: only vigil_admin may register checks.
declare
  v_now       timestamptz := coalesce((p_params ->> '_now')::timestamptz, pg_catalog.now());
  v_t         record;
  v_time      name;
  v_window    interval;
  v_min_rows  double precision;
  v_group     name;
  v_err_col   name;
  v_err_vals  text[];
  v_err_where text;
  v_where     text;
  v_error     text;
  v_sql       text;
begin
  v_t := vigil._app_table(p_params, 'table');
  v_time := vigil._app_column(v_t.rel, p_params, 'time_column', true, 'timestamptz');
  v_window := vigil._app_interval(p_params, 'window', interval '15 minutes');
  v_min_rows := vigil._app_number(p_params, 'min_rows', 20, 1, 1e12, true);
  v_group := vigil._app_column(v_t.rel, p_params, 'group_by', false);
  v_where := vigil._app_predicate(p_params, 'where');
  v_err_where := vigil._app_predicate(p_params, 'error_where');

  if (p_params -> 'error_column' is not null) = (v_err_where is not null) then
    raise exception 'check_error_ratio: give either error_column with error_values, or error_where (not %)',
          case when v_err_where is null then 'neither' else 'both' end
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. {"error_column": "level", "error_values": ["error", "critical"]} or {"error_where": "t.status_code >= 500"}.';
  end if;
  if v_err_where is null then
    v_err_col := vigil._app_column(v_t.rel, p_params, 'error_column', true);
    v_err_vals := vigil._app_strings(p_params, 'error_values',
      'The values of error_column that mark an error, e.g. {"error_values": ["error", "critical"]}; they are compared with the column as text.');
    v_error := pg_catalog.format('t.%I::text = any ($3)', v_err_col);
  else
    v_error := pg_catalog.format('(%s)', v_err_where);
  end if;

  v_sql := vigil._app_grouped_query(v_t.rel, v_group,
    p_aggregates => pg_catalog.format('pg_catalog.count(*) as total, pg_catalog.count(*) filter (where %s) as errors', v_error),
    p_where      => array[pg_catalog.format('t.%I > $1 and t.%I <= $2', v_time, v_time), '(' || v_where || ')'],
    p_value      => 'case when g.total >= $4 then 100.0 * g.errors / g.total end',
    p_detail     => $d$pg_catalog.jsonb_build_object('errors', g.errors, 'rows', g.total, 'min_rows', $4,
                                                    'window', $5::text, 'from', $1, 'to', $2)$d$);

  begin
    for series, value, labels, detail in execute v_sql
      using v_now - v_window, v_now, v_err_vals, v_min_rows, coalesce(p_params ->> 'window', '15 minutes')
    loop
      return next;
    end loop;
  exception
    when insufficient_privilege then
      raise;
    when syntax_error_or_access_rule_violation or data_exception or feature_not_supported then
      perform vigil._app_query_failed('check_error_ratio', v_t.label, sqlstate, sqlerrm,
        'Check the raw "where" and "error_where" params: SQL predicates on the table (aliased t); functions outside pg_catalog must be schema-qualified.');
  end;
end
$$;

comment on function vigil.check_error_ratio(jsonb) is
  'Application template: percent of rows in a recent window that are errors (params: table, time_column (timestamptz), window (default 15 minutes), error_column + error_values (strings, compared as text) or error_where (raw SQL predicate, table aliased t), optional where (raw), optional group_by (one series per value), min_rows (default 20; fewer rows give a null value)). Measures relative to the tick time (_now). Direction above, unit percent; the runbook''s defaults are warning 5, critical 10. Example: select vigil.add_check(p_name => ''log_error_rate'', p_function => ''vigil.check_error_ratio'', p_params => ''{"table": "shop.system_logs", "time_column": "created_at", "error_column": "level", "error_values": ["error", "critical"], "window": "5 minutes"}'', p_warning => 5, p_critical => 10);';
