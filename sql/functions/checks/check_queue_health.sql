-- vigil.check_queue_health(p_params): how deep a work queue is, and how long
-- its oldest (urgent) item has waited. Generalises the runbook's manual
-- queue check: "more than 50 pending items", "urgent items older than 60 /
-- 120 minutes".
--
-- Params:
--   table            schema-qualified table or view (required)
--   time_column      timestamptz column: when the item was queued (required
--                    for oldest_minutes; with it, rows queued after _now are
--                    left out of both measures, so replayed ticks see the past)
--   where            optional raw SQL predicate selecting the queued items,
--                    e.g. "status = 'pending'" (table aliased t)
--   priority_column  optional column; with min_priority, oldest_minutes counts
--   min_priority     only items at or above that priority. Order: numeric
--                    columns by value, enum columns by the enum's order, other
--                    columns by the param priority_order
--   priority_order   array of strings from lowest to highest priority, for a
--                    text priority column, e.g. ["low", "normal", "high", "urgent"]
--   measure          "depth", "oldest_minutes", or absent for both
--
-- Series: "depth" (count of matching items) and "oldest_minutes" (minutes
-- the oldest matching item at or above min_priority has waited; 0 when there
-- is none). Direction above. Both share the check's thresholds, so register
-- one check per measure.
create or replace function vigil.check_queue_health(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
-- "where" is raw SQL by design: only vigil_admin may register checks.
declare
  v_now       timestamptz := coalesce((p_params ->> '_now')::timestamptz, pg_catalog.now());
  v_t         record;
  v_measure   text;
  v_time      name;
  v_where     text;
  v_prio      name;
  v_typtype   "char";
  v_typcat    "char";
  v_typid     oid;
  v_min_num   double precision;
  v_prio_vals text[];
  v_conds     text[] := array[]::text[];
  v_prio_cond text;
  v_depth     bigint;
  v_count     bigint;
  v_oldest    timestamptz;
begin
  v_t := vigil._app_table(p_params, 'table');
  if p_params -> 'measure' is not null
     and (pg_catalog.jsonb_typeof(p_params -> 'measure') <> 'string'
          or (p_params ->> 'measure') not in ('depth', 'oldest_minutes')) then
    raise exception 'param "measure" must be "depth" or "oldest_minutes", not %', (p_params -> 'measure')::text
      using errcode = 'invalid_parameter_value', hint = 'Leave it out to return both series.';
  end if;
  v_measure := p_params ->> 'measure';
  v_time := vigil._app_column(v_t.rel, p_params, 'time_column', v_measure is distinct from 'depth', 'timestamptz');
  v_where := vigil._app_predicate(p_params, 'where');
  v_prio := vigil._app_column(v_t.rel, p_params, 'priority_column', false);

  if (v_prio is null) <> (p_params -> 'min_priority' is null) then
    raise exception 'params "priority_column" and "min_priority" go together (got only %)',
          case when v_prio is null then 'min_priority' else 'priority_column' end
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. {"priority_column": "priority", "min_priority": "urgent"}, or neither to age every item.';
  end if;
  if v_prio is not null then
    select t.oid, t.typtype, t.typcategory into v_typid, v_typtype, v_typcat
      from pg_catalog.pg_attribute a join pg_catalog.pg_type t on t.oid = a.atttypid
     where a.attrelid = v_t.rel and a.attname = v_prio;
    if p_params -> 'priority_order' is not null then
      v_prio_vals := vigil._app_strings(p_params, 'priority_order',
        'Lowest first, e.g. {"priority_order": ["low", "normal", "high", "urgent"]}.');
      -- min_priority and every value after it (null when it is not in the list)
      v_prio_vals := v_prio_vals[pg_catalog.array_position(v_prio_vals, p_params ->> 'min_priority'):];
      if v_prio_vals is null or pg_catalog.jsonb_typeof(p_params -> 'min_priority') <> 'string' then
        raise exception 'param "min_priority" % is not in priority_order %', (p_params -> 'min_priority')::text,
              (p_params -> 'priority_order')::text
          using errcode = 'invalid_parameter_value', hint = 'min_priority must be one of the strings in priority_order.';
      end if;
      v_prio_cond := pg_catalog.format('t.%I::text = any ($4)', v_prio);
    elsif v_typcat = 'N' then
      if pg_catalog.jsonb_typeof(p_params -> 'min_priority') <> 'number' then
        raise exception 'param "min_priority" must be a number for the numeric column %, not %', v_prio,
              (p_params -> 'min_priority')::text
          using errcode = 'invalid_parameter_value', hint = 'e.g. {"min_priority": 3}: items with priority >= 3 count.';
      end if;
      v_min_num := (p_params ->> 'min_priority')::double precision;
      v_prio_cond := pg_catalog.format('t.%I >= $3', v_prio);
    elsif v_typtype = 'e' then
      select pg_catalog.array_agg(e.enumlabel::text order by e.enumsortorder) into v_prio_vals
        from pg_catalog.pg_enum e
       where e.enumtypid = v_typid
         and e.enumsortorder >= (select m.enumsortorder from pg_catalog.pg_enum m
                                  where m.enumtypid = v_typid and m.enumlabel = p_params ->> 'min_priority');
      if v_prio_vals is null or pg_catalog.jsonb_typeof(p_params -> 'min_priority') <> 'string' then
        raise exception 'param "min_priority" % is not a label of the enum %', (p_params -> 'min_priority')::text,
              pg_catalog.format_type(v_typid, null)
          using errcode = 'invalid_parameter_value',
                hint = pg_catalog.format('Labels, lowest first: %s.',
                  (select pg_catalog.string_agg(e.enumlabel::text, ', ' order by e.enumsortorder)
                     from pg_catalog.pg_enum e where e.enumtypid = v_typid));
      end if;
      v_prio_cond := pg_catalog.format('t.%I::text = any ($4)', v_prio);
    else
      raise exception 'priority column % is %, which has no order pgvigil knows', v_prio, pg_catalog.format_type(v_typid, null)
        using errcode = 'invalid_parameter_value',
              hint = 'Give the order, lowest first: {"priority_order": ["low", "normal", "high", "urgent"]}.';
    end if;
  end if;

  if v_time is not null then
    v_conds := v_conds || pg_catalog.format('t.%I <= $1', v_time);
  end if;
  if v_where is not null then
    v_conds := v_conds || pg_catalog.format('(%s)', v_where);
  end if;

  begin
    if v_measure is distinct from 'oldest_minutes' then
      execute pg_catalog.format('select pg_catalog.count(*) from %I.%I as t', v_t.schema_name, v_t.table_name)
              || case when pg_catalog.cardinality(v_conds) > 0
                      then ' where ' || pg_catalog.array_to_string(v_conds, ' and ') else '' end
         into v_depth
        using v_now;
    end if;
    if v_measure is distinct from 'depth' then
      if v_prio_cond is not null then
        v_conds := v_conds || v_prio_cond;
      end if;
      execute pg_catalog.format('select pg_catalog.min(t.%I), pg_catalog.count(*) from %I.%I as t where ',
                                v_time, v_t.schema_name, v_t.table_name)
              || pg_catalog.array_to_string(v_conds, ' and ')
         into v_oldest, v_count
        using v_now, null::int, v_min_num, v_prio_vals;
    end if;
  exception
    when insufficient_privilege then
      raise;
    when syntax_error_or_access_rule_violation or data_exception or feature_not_supported then
      perform vigil._app_query_failed('check_queue_health', v_t.label, sqlstate, sqlerrm,
        'Check the raw "where" param: a SQL predicate on the table (aliased t), e.g. "status = ''pending''"; functions outside pg_catalog must be schema-qualified.');
  end;

  if v_measure is distinct from 'oldest_minutes' then
    series := 'depth';
    value := v_depth;
    labels := pg_catalog.jsonb_build_object('table', v_t.label, 'measure', 'depth');
    detail := pg_catalog.jsonb_build_object('items', v_depth, 'where', v_where);
    return next;
  end if;
  if v_measure is distinct from 'depth' then
    series := 'oldest_minutes';
    value := case when v_oldest is null then 0
                  else greatest(pg_catalog.date_part('epoch', v_now - v_oldest) / 60, 0) end;
    labels := pg_catalog.jsonb_build_object('table', v_t.label, 'measure', 'oldest_minutes');
    detail := pg_catalog.jsonb_build_object('oldest', v_oldest, 'items', v_count, 'where', v_where,
                                            'priority_column', v_prio, 'min_priority', p_params -> 'min_priority');
    return next;
  end if;
end
$$;

comment on function vigil.check_queue_health(jsonb) is
  'Application template: a work queue''s depth and the age of its oldest (urgent) item (params: table, time_column (timestamptz, required for oldest_minutes), optional where (raw SQL, table aliased t, e.g. "status = ''pending''"), optional priority_column + min_priority (numeric and enum columns use their own order; text columns need priority_order, lowest first), measure "depth" | "oldest_minutes" (default both)). Series depth (items) and oldest_minutes (minutes; 0 when empty). Measures relative to the tick time (_now). Direction above; both series share the thresholds, so register one check per measure. The runbook''s defaults: oldest urgent 60 / 120 minutes, depth 50. Example: select vigil.add_check(p_name => ''manual_queue_urgent_age'', p_function => ''vigil.check_queue_health'', p_params => ''{"table": "shop.manual_queue", "time_column": "created_at", "where": "status = ''''pending''''", "priority_column": "priority", "min_priority": "urgent", "measure": "oldest_minutes"}'', p_warning => 60, p_critical => 120);';
