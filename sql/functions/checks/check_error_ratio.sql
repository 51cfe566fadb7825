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
  v_state     text;
  v_msg       text;
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
    if pg_catalog.jsonb_typeof(p_params -> 'error_values') is distinct from 'array'
       or pg_catalog.jsonb_array_length(p_params -> 'error_values') = 0
       or exists (select from pg_catalog.jsonb_array_elements(p_params -> 'error_values') e(v)
                   where pg_catalog.jsonb_typeof(e.v) <> 'string') then
      raise exception 'param "error_values" must be a non-empty array of strings, not %',
            coalesce((p_params -> 'error_values')::text, 'missing')
        using errcode = 'invalid_parameter_value',
              hint = 'The values of error_column that mark an error, e.g. {"error_values": ["error", "critical"]}; they are compared with the column as text.';
    end if;
    select pg_catalog.array_agg(e.v) into v_err_vals
      from pg_catalog.jsonb_array_elements_text(p_params -> 'error_values') e(v);
    v_error := pg_catalog.format('t.%I::text = any ($3)', v_err_col);
  else
    v_error := pg_catalog.format('(%s)', v_err_where);
  end if;

  v_sql := pg_catalog.format($q$
    select %s as grp,
           pg_catalog.count(*) as total,
           pg_catalog.count(*) filter (where %s) as errors
      from %I.%I as t
     where t.%I > $1 and t.%I <= $2$q$,
    case when v_group is null then '$5::text'
         else pg_catalog.format($f$coalesce(t.%I::text, '(null)')$f$, v_group) end,
    v_error, v_t.schema_name, v_t.table_name, v_time, v_time)
    || case when v_where is not null then pg_catalog.format(' and (%s)', v_where) else '' end
    || case when v_group is not null then ' group by 1' else '' end;
  v_sql := pg_catalog.format($q$
    select g.grp,
           case when g.total >= $4 then (100.0 * g.errors / g.total)::double precision end,
           case when $6::text is null then pg_catalog.jsonb_build_object('table', $5::text)
                else pg_catalog.jsonb_build_object('table', $5::text, $6::text, g.grp) end,
           pg_catalog.jsonb_build_object('errors', g.errors, 'rows', g.total, 'min_rows', $4,
                                         'window', $7::text, 'from', $1, 'to', $2)
      from (%s) as g$q$, v_sql);

  begin
    for series, value, labels, detail in execute v_sql
      using v_now - v_window, v_now, v_err_vals, v_min_rows, v_t.label, v_group::text,
            coalesce(p_params ->> 'window', '15 minutes')
    loop
      return next;
    end loop;
  exception
    when syntax_error_or_access_rule_violation or data_exception or feature_not_supported then
      get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text;
      if v_state = '42501' then
        raise;
      end if;
      raise exception 'check_error_ratio on %: the query built from params failed: % (SQLSTATE %)', v_t.label, v_msg, v_state
        using errcode = 'invalid_parameter_value',
              hint = 'Check the raw "where" and "error_where" params: SQL predicates on the table (aliased t); functions outside pg_catalog must be schema-qualified.';
  end;
end
$$;

comment on function vigil.check_error_ratio(jsonb) is
  'Application template: percent of rows in a recent window that are errors (params: table, time_column (timestamptz), window (default 15 minutes), error_column + error_values (strings, compared as text) or error_where (raw SQL predicate, table aliased t), optional where (raw), optional group_by (one series per value), min_rows (default 20; fewer rows give a null value)). Measures relative to the tick time (_now). Direction above, unit percent; the runbook''s defaults are warning 5, critical 10. Example: select vigil.add_check(p_name => ''log_error_rate'', p_function => ''vigil.check_error_ratio'', p_params => ''{"table": "shop.system_logs", "time_column": "created_at", "error_column": "level", "error_values": ["error", "critical"], "window": "5 minutes"}'', p_warning => 5, p_critical => 10);';
