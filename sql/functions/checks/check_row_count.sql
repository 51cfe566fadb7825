-- vigil.check_row_count(p_params): how many rows match a predicate, e.g.
-- products with negative stock or order items whose order is gone. One of:
--
--   where            a raw SQL predicate (table aliased t), e.g.
--                    "not exists (select from shop.orders o where o.id = t.order_id)"
--   column, op, value
--                    structured: op is one of = <> != < <= > >= "is null"
--                    "is not null"; value (a JSON string, number or boolean,
--                    none for the null tests) is read as the column's type,
--                    e.g. {"column": "stock", "op": "<", "value": 0}
--
-- Other params: table (required), group_by (optional column: one series per
-- value that has matching rows). value = the count. Direction above. Without
-- group_by one row, series = the table. Time does not enter: the count is of
-- the table as it is now.
create or replace function vigil.check_row_count(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
-- "where" is raw SQL by design: only vigil_admin may register checks.
declare
  v_t      record;
  v_where  text;
  v_col    name;
  v_op     text;
  v_value  text;
  v_group  name;
  v_pred   text;
  v_sql    text;
begin
  v_t := vigil._app_table(p_params, 'table');
  v_where := vigil._app_predicate(p_params, 'where');
  v_group := vigil._app_column(v_t.rel, p_params, 'group_by', false);
  if (v_where is not null) = (p_params -> 'column' is not null) then
    raise exception 'check_row_count: give either "where" or "column" with "op" (and "value"), not %',
          case when v_where is null then 'neither' else 'both' end
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. {"column": "stock", "op": "<", "value": 0} or {"where": "t.stock < 0"}.';
  end if;

  if v_where is not null then
    v_pred := pg_catalog.format('(%s)', v_where);
  else
    v_col := vigil._app_column(v_t.rel, p_params, 'column', true);
    v_op := p_params ->> 'op';
    if pg_catalog.jsonb_typeof(p_params -> 'op') is distinct from 'string'
       or v_op not in ('=', '<>', '!=', '<', '<=', '>', '>=', 'is null', 'is not null') then
      raise exception 'param "op" must be one of = <> != < <= > >= "is null" "is not null", not %',
            coalesce((p_params -> 'op')::text, 'missing')
        using errcode = 'invalid_parameter_value', hint = 'e.g. {"column": "stock", "op": "<", "value": 0}.';
    end if;
    if v_op in ('is null', 'is not null') then
      if p_params -> 'value' is not null then
        raise exception 'param "value" makes no sense with op %', pg_catalog.quote_literal(v_op)
          using errcode = 'invalid_parameter_value', hint = 'Leave "value" out for is null / is not null.';
      end if;
    elsif pg_catalog.jsonb_typeof(p_params -> 'value') is null
          or pg_catalog.jsonb_typeof(p_params -> 'value') not in ('string', 'number', 'boolean') then
      raise exception 'param "value" must be a JSON string, number or boolean for op %, not %', pg_catalog.quote_literal(v_op),
            coalesce((p_params -> 'value')::text, 'missing')
        using errcode = 'invalid_parameter_value', hint = 'e.g. {"value": 0} or {"value": "cancelled"}; it is read as the column''s type.';
    end if;
    v_value := p_params ->> 'value';
    v_pred := case v_op
      when '=' then pg_catalog.format('t.%I = %L', v_col, v_value)
      when '<>' then pg_catalog.format('t.%I <> %L', v_col, v_value)
      when '!=' then pg_catalog.format('t.%I <> %L', v_col, v_value)
      when '<' then pg_catalog.format('t.%I < %L', v_col, v_value)
      when '<=' then pg_catalog.format('t.%I <= %L', v_col, v_value)
      when '>' then pg_catalog.format('t.%I > %L', v_col, v_value)
      when '>=' then pg_catalog.format('t.%I >= %L', v_col, v_value)
      when 'is null' then pg_catalog.format('t.%I is null', v_col)
      else pg_catalog.format('t.%I is not null', v_col)
    end;
  end if;

  v_sql := vigil._app_grouped_query(v_t.rel, v_group,
    p_aggregates => 'pg_catalog.count(*) as n',
    p_where      => array[v_pred],
    p_value      => 'g.n',
    p_detail     => $d$pg_catalog.jsonb_build_object('rows', g.n, 'predicate', $1::text)$d$);

  begin
    for series, value, labels, detail in execute v_sql using v_pred loop
      return next;
    end loop;
  exception
    when insufficient_privilege then
      raise;
    when syntax_error_or_access_rule_violation or data_exception or feature_not_supported then
      perform vigil._app_query_failed('check_row_count', v_t.label, sqlstate, sqlerrm,
        'Check "value" (it must read as the column''s type) or the raw "where" param (a SQL predicate on the table, aliased t; functions outside pg_catalog must be schema-qualified).');
  end;
end
$$;

comment on function vigil.check_row_count(jsonb) is
  'Application template: the number of rows of a table that match a predicate, e.g. negative stock or orphaned rows (params: table, and either where (raw SQL predicate, table aliased t) or column + op (= <> != < <= > >= "is null" "is not null") + value (read as the column''s type); optional group_by: one series per value with matching rows). Direction above, unit rows; thresholds depend on the data (often warning 1). Example: select vigil.add_check(p_name => ''negative_stock'', p_function => ''vigil.check_row_count'', p_params => ''{"table": "public.products", "column": "stock", "op": "<", "value": 0}'', p_every => ''15 minutes'', p_warning => 1);';
