-- vigil.check_custom_value(p_params): any SQL that measures something, for
-- the runbook query no template fits. Param "sql" (required) is a query,
-- run as a subquery, in one of two shapes:
--
--   one column, any number of rows: each row is a value; series = param
--     "series" (default: the check's name). Usually one row, e.g.
--     select count(*) from shop.orders where status = 'stuck'
--   columns named series and value (and optionally labels and detail,
--     jsonb objects): one series per row, e.g.
--     select provider as series, count(*) as value from shop.fulfillment_events group by 1
--
-- value must read as a number (integer, numeric, double precision, or text
-- that is one); null is allowed. The query runs read-only (the function is
-- STABLE: INSERT, UPDATE, DELETE and DDL are refused) with an empty
-- search_path, so name tables and functions with their schema. "sql" is raw
-- SQL by design: only vigil_admin may register checks, and it runs with the
-- privileges of the role that runs the checks.
--
-- Time: the query may use $1, the tick time (_now, a timestamptz), instead of
-- now(), so that replayed ticks measure the past:
--   select count(*) from shop.orders where status = 'paid' and created_at > $1 - interval '1 hour'
create or replace function vigil.check_custom_value(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
-- "sql" is raw SQL by design: only vigil_admin may register checks.
declare
  v_sql    text;
  v_series text;
  v_row    jsonb;
  v_key    text;
  v_state  text;
  v_msg    text;
begin
  if pg_catalog.jsonb_typeof(p_params -> 'sql') is distinct from 'string' or pg_catalog.btrim(p_params ->> 'sql') = '' then
    raise exception 'param "sql" is required and must be a query string, not %', coalesce((p_params -> 'sql')::text, 'missing')
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. {"sql": "select count(*) from shop.orders where status = ''stuck''"}, or a query returning columns series and value.';
  end if;
  if p_params -> 'series' is not null
     and (pg_catalog.jsonb_typeof(p_params -> 'series') <> 'string' or p_params ->> 'series' = '') then
    raise exception 'param "series" must be a non-empty string, not %', (p_params -> 'series')::text
      using errcode = 'invalid_parameter_value', hint = 'The series name for a one-column query, e.g. {"series": "stuck_orders"}.';
  end if;
  -- A trailing semicolon is harmless in psql but not in a subquery.
  v_sql := pg_catalog.regexp_replace(p_params ->> 'sql', '[[:space:];]+$', '');
  v_series := coalesce(p_params ->> 'series', p_params ->> '_check', 'value');

  begin
    for v_row in execute pg_catalog.format('select pg_catalog.to_jsonb(q) from (%s) as q', v_sql)
      using coalesce((p_params ->> '_now')::timestamptz, pg_catalog.now())
    loop
      if v_row ? 'value' then
        series := coalesce(v_row ->> 'series', v_series);
        v_key := 'value';
        labels := case when pg_catalog.jsonb_typeof(v_row -> 'labels') = 'object' then v_row -> 'labels' end;
        detail := case when pg_catalog.jsonb_typeof(v_row -> 'detail') = 'object' then v_row -> 'detail' end;
      elsif (select pg_catalog.count(*) from pg_catalog.jsonb_object_keys(v_row)) = 1 then
        series := v_series;
        select k.key into v_key from pg_catalog.jsonb_object_keys(v_row) as k(key);
        labels := null;
        detail := pg_catalog.jsonb_build_object('sql', v_sql);
      else
        raise exception 'check_custom_value: the query returned columns %, which is neither one column nor series and value',
              (select pg_catalog.string_agg(k.key, ', ') from pg_catalog.jsonb_object_keys(v_row) as k(key))
          using errcode = 'invalid_parameter_value',
                hint = 'Return one numeric column, or columns named series and value (plus optional labels and detail jsonb).';
      end if;
      if pg_catalog.jsonb_typeof(v_row -> v_key) not in ('number', 'string', 'null') then
        raise exception 'check_custom_value: value % is not a number', (v_row -> v_key)::text
          using errcode = 'invalid_parameter_value', hint = 'Cast it, e.g. count(*)::double precision or (x > 0)::int.';
      end if;
      value := (v_row ->> v_key)::double precision;
      return next;
    end loop;
  exception
    when syntax_error_or_access_rule_violation or data_exception or feature_not_supported or read_only_sql_transaction then
      get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text;
      if v_state in ('42501', '22023') then
        raise;
      end if;
      raise exception 'check_custom_value: the "sql" param failed: % (SQLSTATE %)', v_msg, v_state
        using errcode = 'invalid_parameter_value',
              hint = 'It must be one read-only query (no second statement, no writes), with tables and non-pg_catalog functions schema-qualified, returning one numeric column or columns series and value.';
  end;
end
$$;

comment on function vigil.check_custom_value(jsonb) is
  'Application template: any SQL that returns a number (param sql: a query returning one numeric column, series = param series or the check name; or columns series and value, plus optional labels and detail jsonb; $1 in the query is the tick time _now). Raw SQL by design: only vigil_admin may register checks; it runs read-only (STABLE) with an empty search_path, so schema-qualify names. Direction and thresholds are whatever the number means. Example: select vigil.add_check(p_name => ''stuck_orders'', p_function => ''vigil.check_custom_value'', p_params => ''{"sql": "select count(*) from shop.orders where status = ''''submitted'''' and updated_at < $1 - interval ''''1 hour''''"}'', p_warning => 1, p_critical => 10);';
