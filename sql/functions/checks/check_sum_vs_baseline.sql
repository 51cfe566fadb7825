-- vigil.check_sum_vs_baseline(p_params): today's sum of an amount column
-- against the average daily sum over the previous N days, in percent above
-- that baseline. Generalises the runbook's cost anomaly check ("daily cost
-- 25% / 50% above the 30-day average").
--
-- Params:
--   table            schema-qualified table or view (required)
--   time_column      its timestamptz column (required)
--   amount_column    a numeric column, e.g. "amount" (required)
--   timezone         IANA zone where days begin, default "UTC"
--   baseline_days    whole number 1..3660, default 30: the N days before today
--   same_time_of_day default false: today so far is compared with whole past
--                    days (the runbook's rule; it fires late rather than
--                    early). true compares with each past day up to the same
--                    local time of day (fires earlier)
--   group_by         optional column: one series per value
--   where            optional raw SQL predicate (table aliased t)
--
-- value = (today / baseline_average - 1) * 100, e.g. 25 = 25% above. Days
-- with no rows count as 0 in the average, so a table younger than N days
-- reads low; choose baseline_days accordingly. A zero baseline gives null.
-- Today runs from local midnight to _now. Direction above.
create or replace function vigil.check_sum_vs_baseline(p_params jsonb)
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
  v_amount     name;
  v_group      name;
  v_tz         text := coalesce(p_params ->> 'timezone', 'UTC');
  v_days       double precision;
  v_same_time  boolean := false;
  v_where      text;
  v_local      timestamp;
  v_day        date;
  v_sql        text;
begin
  v_t := vigil._app_table(p_params, 'table');
  v_time := vigil._app_column(v_t.rel, p_params, 'time_column', true, 'timestamptz');
  v_amount := vigil._app_column(v_t.rel, p_params, 'amount_column', true, 'numeric');
  v_group := vigil._app_column(v_t.rel, p_params, 'group_by', false);
  v_days := vigil._app_number(p_params, 'baseline_days', 30, 1, 3660, true);
  v_where := vigil._app_predicate(p_params, 'where');
  if p_params -> 'same_time_of_day' is not null then
    if pg_catalog.jsonb_typeof(p_params -> 'same_time_of_day') <> 'boolean' then
      raise exception 'param "same_time_of_day" must be true or false, not %', (p_params -> 'same_time_of_day')::text
        using errcode = 'invalid_parameter_value', hint = 'A JSON boolean: {"same_time_of_day": true}.';
    end if;
    v_same_time := (p_params ->> 'same_time_of_day')::boolean;
  end if;
  if p_params -> 'timezone' is not null and pg_catalog.jsonb_typeof(p_params -> 'timezone') <> 'string' then
    v_tz := null;
  end if;
  begin
    v_local := pg_catalog.timezone(v_tz, v_now);
  exception when others then
    v_local := null;
  end;
  if v_local is null then
    raise exception 'param "timezone": unknown time zone %', (p_params -> 'timezone')::text
      using errcode = 'invalid_parameter_value',
            hint = 'Use an IANA name, e.g. "America/New_York" (see pg_catalog.pg_timezone_names).';
  end if;
  v_day := v_local::date;

  v_sql := vigil._app_grouped_query(v_t.rel, v_group,
    p_aggregates => pg_catalog.format($a$
           coalesce(pg_catalog.sum(t.%I) filter (where t.%I >= $1), 0)::numeric as today,
           (coalesce(pg_catalog.sum(t.%I) filter (where t.%I < $1 and (not $7 or (t.%I at time zone $5)::time <= $6)), 0)
            / $4::numeric) as baseline$a$,
      v_amount, v_time, v_amount, v_time, v_time),
    p_where      => array[pg_catalog.format('t.%I >= $2 and t.%I <= $3', v_time, v_time), '(' || v_where || ')'],
    p_value      => 'case when g.baseline > 0 then (g.today / g.baseline - 1) * 100 end',
    p_detail     => $d$pg_catalog.jsonb_build_object('today', g.today::double precision, 'baseline_average', g.baseline::double precision,
                                                    'baseline_days', $4, 'day', $8::date, 'timezone', $5::text,
                                                    'same_time_of_day', $7)$d$);

  begin
    for series, value, labels, detail in execute v_sql
      using pg_catalog.timezone(v_tz, v_day::timestamp),             -- $1 today's start
            pg_catalog.timezone(v_tz, (v_day - v_days::int)::timestamp), -- $2 baseline start
            v_now, v_days, v_tz, v_local::time, v_same_time, v_day    -- $3 .. $8
    loop
      return next;
    end loop;
  exception
    when insufficient_privilege then
      raise;
    when syntax_error_or_access_rule_violation or data_exception or feature_not_supported then
      perform vigil._app_query_failed('check_sum_vs_baseline', v_t.label, sqlstate, sqlerrm,
        'Check the raw "where" param: a SQL predicate on the table (aliased t); functions outside pg_catalog must be schema-qualified.');
  end;
end
$$;

comment on function vigil.check_sum_vs_baseline(jsonb) is
  'Application template: today''s sum of a numeric column (local midnight in param timezone, default UTC, up to the tick time _now) against the average daily sum over the previous baseline_days (default 30; days without rows count as 0), in percent above the baseline (params: table, time_column (timestamptz), amount_column (numeric), timezone, baseline_days, same_time_of_day (default false: whole past days), optional group_by, optional where (raw SQL, table aliased t)). A zero baseline gives null. Direction above, unit percent; the runbook''s defaults are warning 25, critical 50. Example: select vigil.add_check(p_name => ''daily_cost'', p_function => ''vigil.check_sum_vs_baseline'', p_params => ''{"table": "shop.costs", "time_column": "incurred_at", "amount_column": "amount", "timezone": "America/New_York"}'', p_every => ''15 minutes'', p_warning => 25, p_critical => 50);';
