-- vigil._validate_check(p_check): the one place that says what a valid check
-- is. add_check and update_check pass it the row they are about to write; it
-- returns the row normalised (function_name schema-qualified) or raises with
-- an SQLSTATE, a message naming the bad value, and a HINT.
create or replace function vigil._validate_check(p_check vigil.checks)
returns vigil.checks
language plpgsql
stable
set search_path = ''
as $$
declare
  v_row     vigil.checks := p_check;
  v_fn      regprocedure;
  v_types   regtype[];
  v_bad     text;
begin
  if v_row.name is null or v_row.name !~ '^[a-z][a-z0-9_]{0,62}$' then
    raise exception 'invalid check name: %', coalesce(pg_catalog.quote_literal(v_row.name), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'A check name is a slug: lower-case letters, digits and _, starting with a letter, at most 63 characters (e.g. orders_freshness).';
  end if;

  begin
    v_fn := pg_catalog.to_regprocedure(v_row.function_name || '(jsonb)');
  exception when others then
    v_fn := null;
  end;
  if v_fn is null or v_row.function_name !~ '\.' then
    raise exception 'check function %(jsonb) does not exist', coalesce(v_row.function_name, 'NULL')
      using errcode = 'undefined_function',
            hint = 'Give the schema-qualified name of a function fn(p_params jsonb) returns table(series text, value double precision, labels jsonb, detail jsonb), e.g. vigil.check_connections.';
  end if;

  select pg_catalog.array_agg(t.typ::regtype order by t.ord)
    into v_types
    from pg_catalog.pg_proc p
    cross join lateral rows from (pg_catalog.unnest(p.proallargtypes), pg_catalog.unnest(p.proargmodes))
                       with ordinality as t(typ, mode, ord)
   where p.oid = v_fn and t.mode = 't';
  if v_types is distinct from array['text', 'double precision', 'jsonb', 'jsonb']::regtype[]
     or not (select p.proretset from pg_catalog.pg_proc p where p.oid = v_fn) then
    raise exception 'function % does not have the check signature', v_fn
      using errcode = 'invalid_function_definition',
            hint = 'A check function is fn(p_params jsonb) returns table(series text, value double precision, labels jsonb, detail jsonb).';
  end if;
  select pg_catalog.format('%I.%I', n.nspname, p.proname) into v_row.function_name
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where p.oid = v_fn;

  if v_row.params is null or pg_catalog.jsonb_typeof(v_row.params) <> 'object' then
    raise exception 'check params must be a JSON object, not %', coalesce(v_row.params::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Pass params as a jsonb object, e.g. ''{"table": "public.orders"}''.';
  end if;

  if v_row.labels is null or pg_catalog.jsonb_typeof(v_row.labels) <> 'object' then
    raise exception 'check labels must be a JSON object, not %', coalesce(v_row.labels::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Pass labels as a jsonb object of strings, e.g. ''{"team": "payments"}''.';
  end if;
  select pg_catalog.string_agg(e.key, ', ') into v_bad
    from pg_catalog.jsonb_each(v_row.labels) e where pg_catalog.jsonb_typeof(e.value) <> 'string';
  if v_bad is not null then
    raise exception 'check label values must be strings; not so for: %', v_bad
      using errcode = 'invalid_parameter_value', hint = 'Quote the values, e.g. ''{"tier": "1"}''.';
  end if;

  if v_row.every is null or v_row.every <= interval '0' then
    raise exception 'check interval must be positive, not %', coalesce(v_row.every::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Use e.g. ''1 minute'' or ''1 day''.';
  end if;
  if pg_catalog.date_part('month', v_row.every) <> 0 or pg_catalog.date_part('year', v_row.every) <> 0 then
    raise exception 'check interval % has months or years in it', v_row.every
      using errcode = 'invalid_parameter_value', hint = 'Months have no fixed length; use days, e.g. ''30 days''.';
  end if;
  if v_row.timeout is null or v_row.timeout <= interval '0' then
    raise exception 'check timeout must be positive, not %', coalesce(v_row.timeout::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Use e.g. ''10 seconds''.';
  end if;
  if v_row.lock_timeout is null or v_row.lock_timeout <= interval '0' then
    raise exception 'check lock_timeout must be positive, not %', coalesce(v_row.lock_timeout::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Use e.g. ''1 second''.';
  end if;

  if v_row.direction is null or v_row.direction not in ('above', 'below') then
    raise exception 'check direction must be above or below, not %', coalesce(pg_catalog.quote_literal(v_row.direction), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'above: higher values are worse; below: lower values are worse.';
  end if;
  if v_row.max_severity is null or v_row.max_severity not in ('info', 'warning', 'critical') then
    raise exception 'check max_severity must be info, warning or critical, not %', coalesce(pg_catalog.quote_literal(v_row.max_severity), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'info never pages; critical is the default.';
  end if;
  if v_row.warning in ('NaN', 'Infinity', '-Infinity') or v_row.critical in ('NaN', 'Infinity', '-Infinity') then
    raise exception 'check thresholds must be finite numbers (warning %, critical %)', v_row.warning, v_row.critical
      using errcode = 'invalid_parameter_value', hint = 'Use null for no threshold.';
  end if;
  if v_row.direction = 'above' and v_row.critical < v_row.warning then
    raise exception 'critical threshold % is below warning threshold % for a check whose direction is above', v_row.critical, v_row.warning
      using errcode = 'invalid_parameter_value', hint = 'With direction above, higher values are worse, so critical must be >= warning.';
  end if;
  if v_row.direction = 'below' and v_row.critical > v_row.warning then
    raise exception 'critical threshold % is above warning threshold % for a check whose direction is below', v_row.critical, v_row.warning
      using errcode = 'invalid_parameter_value', hint = 'With direction below, lower values are worse, so critical must be <= warning.';
  end if;

  -- Hysteresis: an exit threshold is strictly less severe than its enter one.
  if (v_row.warning_exit is not null and (v_row.warning is null
        or (v_row.direction = 'above' and v_row.warning_exit >= v_row.warning)
        or (v_row.direction = 'below' and v_row.warning_exit <= v_row.warning)))
     or (v_row.critical_exit is not null and (v_row.critical is null
        or (v_row.direction = 'above' and v_row.critical_exit >= v_row.critical)
        or (v_row.direction = 'below' and v_row.critical_exit <= v_row.critical))) then
    raise exception 'exit thresholds (warning_exit %, critical_exit %) must be strictly less severe than their enter thresholds (warning %, critical %) for direction %',
      v_row.warning_exit, v_row.critical_exit, v_row.warning, v_row.critical, v_row.direction
      using errcode = 'invalid_parameter_value',
            hint = 'With direction above, an alert entered at 80 may exit at 70 (exit < enter); with direction below, exit > enter. Leave the exit null for no hysteresis.';
  end if;
  if v_row.warning_exit in ('NaN', 'Infinity', '-Infinity') or v_row.critical_exit in ('NaN', 'Infinity', '-Infinity') then
    raise exception 'exit thresholds must be finite numbers (warning_exit %, critical_exit %)', v_row.warning_exit, v_row.critical_exit
      using errcode = 'invalid_parameter_value', hint = 'Use null for no hysteresis.';
  end if;
  if v_row.for_duration is null or v_row.for_duration < interval '0'
     or v_row.keep_firing_for is null or v_row.keep_firing_for < interval '0' then
    raise exception 'for (%) and keep_firing_for (%) must be zero or positive', v_row.for_duration, v_row.keep_firing_for
      using errcode = 'invalid_parameter_value', hint = 'e.g. p_for => ''5 minutes''; 0 fires at once.';
  end if;
  if v_row.no_data is null or v_row.no_data not in ('ok', 'keep', 'alert') then
    raise exception 'no_data policy must be ok, keep or alert, not %', coalesce(pg_catalog.quote_literal(v_row.no_data), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'ok: a vanished series resolves; keep: its state stays; alert: it fires.';
  end if;
  if v_row.no_data_after is null or v_row.no_data_after < 1 then
    raise exception 'no_data_after must be at least 1, not %', coalesce(v_row.no_data_after::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'The number of missing evaluations before the no-data policy applies (default 2).';
  end if;
  if v_row.flap_window is null or v_row.flap_window not between 3 and 100 then
    raise exception 'flap_window must be between 3 and 100 evaluations, not %', coalesce(v_row.flap_window::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Nagios uses 21.';
  end if;
  if v_row.flap_start is null or v_row.flap_stop is null or v_row.flap_stop >= v_row.flap_start
     or v_row.flap_start > 100 or v_row.flap_stop < 0 then
    raise exception 'flap thresholds must satisfy 0 <= flap_stop < flap_start <= 100 (got stop %, start %)', v_row.flap_stop, v_row.flap_start
      using errcode = 'invalid_parameter_value', hint = 'Nagios uses start 20, stop 5 (percent state change).';
  end if;
  if v_row.ack_timeout is not null and v_row.ack_timeout <= interval '0' then
    raise exception 'ack_timeout must be positive or null, not %', v_row.ack_timeout
      using errcode = 'invalid_parameter_value', hint = 'null: an acknowledgement never lapses.';
  end if;

  if v_row.runbook_url is not null and v_row.runbook_url !~ '^https?://\S+$' then
    raise exception 'runbook_url must be an http(s) URL, not %', pg_catalog.quote_literal(v_row.runbook_url)
      using errcode = 'invalid_parameter_value', hint = 'e.g. https://wiki.example.com/runbooks/orders';
  end if;
  return v_row;
end
$$;

comment on function vigil._validate_check(vigil.checks) is
  'Internal: validates and normalises a check row for add_check and update_check; raises 22023, 42883 or 42P13 with a HINT on bad input.';
