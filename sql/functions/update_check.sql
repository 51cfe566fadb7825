-- vigil.update_check(...): changes some settings of a check. A null argument
-- leaves that setting as it is; pass 'NaN' as a threshold to remove it. The
-- result is validated as a whole, exactly as add_check validates.
create or replace function vigil.update_check(
  p_name         text,
  p_params       jsonb default null,
  p_every        interval default null,
  p_service      text default null,
  p_labels       jsonb default null,
  p_direction    text default null,
  p_warning      double precision default null,
  p_critical     double precision default null,
  p_timeout      interval default null,
  p_runbook_url  text default null,
  p_description  text default null,
  p_owner        text default null,
  p_max_severity text default null,
  p_keep_series  boolean default null,
  p_lock_timeout interval default null,
  p_function     text default null,
  p_warning_exit    double precision default null,
  p_critical_exit   double precision default null,
  p_for             interval default null,
  p_keep_firing_for interval default null,
  p_no_data         text default null,
  p_no_data_after   integer default null,
  p_flap_window     integer default null,
  p_flap_start      double precision default null,
  p_flap_stop       double precision default null,
  p_ack_timeout     interval default null
)
returns vigil.checks
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin may change vigil.checks only through
-- this validated API, never by writing the table directly.
declare
  v_row vigil.checks;
begin
  select * into v_row from vigil.checks c where c.name = p_name for update;
  if not found then
    raise exception 'check % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found', hint = 'See select name from vigil.checks order by 1;';
  end if;
  v_row.function_name := coalesce(p_function, v_row.function_name);
  v_row.params        := coalesce(p_params, v_row.params);
  v_row.every         := coalesce(p_every, v_row.every);
  v_row.service       := coalesce(p_service, v_row.service);
  v_row.labels        := coalesce(p_labels, v_row.labels);
  v_row.direction     := coalesce(p_direction, v_row.direction);
  v_row.warning       := case when p_warning = 'NaN' then null else coalesce(p_warning, v_row.warning) end;
  v_row.critical      := case when p_critical = 'NaN' then null else coalesce(p_critical, v_row.critical) end;
  v_row.timeout       := coalesce(p_timeout, v_row.timeout);
  v_row.runbook_url   := coalesce(p_runbook_url, v_row.runbook_url);
  v_row.description   := coalesce(p_description, v_row.description);
  v_row.owner         := coalesce(p_owner, v_row.owner);
  v_row.max_severity  := coalesce(p_max_severity, v_row.max_severity);
  v_row.keep_series   := coalesce(p_keep_series, v_row.keep_series);
  v_row.lock_timeout  := coalesce(p_lock_timeout, v_row.lock_timeout);
  v_row.warning_exit  := case when p_warning_exit = 'NaN' then null else coalesce(p_warning_exit, v_row.warning_exit) end;
  v_row.critical_exit := case when p_critical_exit = 'NaN' then null else coalesce(p_critical_exit, v_row.critical_exit) end;
  v_row.for_duration  := coalesce(p_for, v_row.for_duration);
  v_row.keep_firing_for := coalesce(p_keep_firing_for, v_row.keep_firing_for);
  v_row.no_data       := coalesce(p_no_data, v_row.no_data);
  v_row.no_data_after := coalesce(p_no_data_after, v_row.no_data_after);
  v_row.flap_window   := coalesce(p_flap_window, v_row.flap_window);
  v_row.flap_start    := coalesce(p_flap_start, v_row.flap_start);
  v_row.flap_stop     := coalesce(p_flap_stop, v_row.flap_stop);
  v_row.ack_timeout   := coalesce(p_ack_timeout, v_row.ack_timeout);
  v_row := vigil._validate_check(v_row);
  if p_params is not null or p_function is not null then
    perform vigil._probe_check(v_row);
  end if;
  update vigil.checks c
     set function_name = v_row.function_name, params = v_row.params, every = v_row.every,
         service = v_row.service, labels = v_row.labels, direction = v_row.direction,
         warning = v_row.warning, critical = v_row.critical, timeout = v_row.timeout,
         runbook_url = v_row.runbook_url, description = v_row.description, owner = v_row.owner,
         max_severity = v_row.max_severity, keep_series = v_row.keep_series,
         lock_timeout = v_row.lock_timeout, warning_exit = v_row.warning_exit, critical_exit = v_row.critical_exit,
         for_duration = v_row.for_duration, keep_firing_for = v_row.keep_firing_for, no_data = v_row.no_data,
         no_data_after = v_row.no_data_after, flap_window = v_row.flap_window, flap_start = v_row.flap_start,
         flap_stop = v_row.flap_stop, ack_timeout = v_row.ack_timeout, updated_at = pg_catalog.now()
   where c.name = p_name
  returning * into v_row;
  -- An alert's labels include its check's: keep them current.
  if p_labels is not null then
    update vigil.alert_state a
       set labels = v_row.labels || a.series_labels || pg_catalog.jsonb_build_object('check', a.check_name, 'series', a.series)
     where a.check_name = v_row.name;
  end if;
  return v_row;
end
$$;

comment on function vigil.update_check(text, jsonb, interval, text, jsonb, text, double precision, double precision, interval, text, text, text, text, boolean, interval, text, double precision, double precision, interval, interval, text, integer, integer, double precision, double precision, interval) is
  'Changes settings of a check; null leaves a setting unchanged, ''NaN'' removes a threshold (exit thresholds too). Example: select vigil.update_check(''connections'', p_warning => 70). Validated like add_check; raises P0002 for an unknown check.';
