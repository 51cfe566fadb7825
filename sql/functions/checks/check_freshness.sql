-- vigil.check_freshness(p_params): minutes since the newest row of a table,
-- optionally only during active hours. Generalises the runbook's "payment
-- processing stopped: no orders in 10 minutes during business hours".
--
-- Params:
--   table         schema-qualified table or view, e.g. "public.orders" (required)
--   column        its timestamptz column, e.g. "created_at" (required)
--   where         optional raw SQL predicate on the rows that count, e.g.
--                 "status = 'paid'" (the table is aliased t)
--   active_hours  optional {"days": [1..7], "start": "HH:MM", "end": "HH:MM",
--                 "timezone": "America/New_York"}; outside them the check
--                 returns no rows (nothing to judge)
--
-- value = minutes from the newest row (at or before the tick time _now) to
-- _now, or from the start of the current active window if that is later, so
-- that the first minutes of the day do not alarm about last night. Direction
-- above. One row, series = the table. An empty table gives null (nothing to
-- measure) without active_hours, and the minutes since the window began
-- with them.
--
-- The "where" param is raw SQL by design: only vigil_admin may register checks.
create or replace function vigil.check_freshness(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_now    timestamptz := coalesce((p_params ->> '_now')::timestamptz, pg_catalog.now());
  v_t      record;
  v_col    name;
  v_where  text;
  v_since  timestamptz;
  v_newest timestamptz;
  v_from   timestamptz;
begin
  v_t := vigil._app_table(p_params, 'table');
  v_col := vigil._app_column(v_t.rel, p_params, 'column', true, 'timestamptz');
  v_where := vigil._app_predicate(p_params, 'where');
  v_since := vigil._app_active_since(p_params -> 'active_hours', v_now);
  if v_since is null then
    return;  -- outside active hours: nothing to judge
  end if;

  begin
    execute pg_catalog.format('select pg_catalog.max(t.%I) from %I.%I as t where t.%I <= $1',
                              v_col, v_t.schema_name, v_t.table_name, v_col)
            || case when v_where is not null then pg_catalog.format(' and (%s)', v_where) else '' end
       into v_newest
      using v_now;
  exception
    when insufficient_privilege then
      raise;
    when syntax_error_or_access_rule_violation or data_exception or feature_not_supported then
      perform vigil._app_query_failed('check_freshness', v_t.label, sqlstate, sqlerrm,
        'Check the "where" param: a SQL predicate on the table (aliased t), e.g. "status = ''paid''"; functions outside pg_catalog must be schema-qualified.');
  end;

  -- greatest() ignores nulls; -infinity (no active_hours) with no row at all means nothing to measure.
  v_from := nullif(greatest(v_newest, v_since), '-infinity'::timestamptz);
  series := v_t.label;
  labels := pg_catalog.jsonb_build_object('table', v_t.label);
  detail := pg_catalog.jsonb_build_object(
    'newest', v_newest,
    'now', v_now,
    'active_since', case when v_since > '-infinity'::timestamptz then v_since end,
    'column', v_col,
    'where', v_where);
  value := case when v_from is not null
                then greatest(pg_catalog.date_part('epoch', v_now - v_from) / 60, 0) end;
  return next;
end
$$;

comment on function vigil.check_freshness(jsonb) is
  'Application template: minutes since the newest row of a table (params: table "schema.table", column (timestamptz), optional where (raw SQL predicate, table aliased t), optional active_hours {"days": [1..7], "start": "HH:MM", "end": "HH:MM", "timezone": "..."}). Outside active hours it returns no rows; inside, it counts from the newest row or the start of the window, whichever is later. Measures relative to the tick time (_now). Direction above, unit minutes; no default thresholds (they depend on the traffic). Example: select vigil.add_check(p_name => ''orders_flowing'', p_function => ''vigil.check_freshness'', p_params => ''{"table": "shop.orders", "column": "created_at", "active_hours": {"start": "06:00", "end": "23:00", "timezone": "America/New_York"}}'', p_warning => 10, p_critical => 20);';
