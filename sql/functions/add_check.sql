-- vigil.add_check(...): registers a check. Every input is validated by
-- vigil._validate_check; nothing is written unless all of it is valid.
create or replace function vigil.add_check(
  p_name         text,
  p_function     text,
  p_params       jsonb default '{}'::jsonb,
  p_every        interval default '1 minute',
  p_service      text default null,
  p_labels       jsonb default '{}'::jsonb,
  p_direction    text default 'above',
  p_warning      double precision default null,
  p_critical     double precision default null,
  p_timeout      interval default '10 seconds',
  p_runbook_url  text default null,
  p_description  text default null,
  p_owner        text default null,
  p_max_severity text default 'critical',
  p_keep_series  boolean default false,
  p_lock_timeout interval default '1 second',
  p_enabled      boolean default true,
  p_warning_exit    double precision default null,
  p_critical_exit   double precision default null,
  p_for             interval default '0',
  p_keep_firing_for interval default '0',
  p_no_data         text default 'ok',
  p_no_data_after   integer default 2,
  p_flap_window     integer default 21,
  p_flap_start      double precision default 20,
  p_flap_stop       double precision default 5,
  p_ack_timeout     interval default '30 minutes'
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
  v_row := vigil._validate_check(pg_catalog.jsonb_populate_record(null::vigil.checks, pg_catalog.jsonb_build_object(
    'name', p_name, 'function_name', p_function, 'params', p_params, 'every', p_every,
    'service', p_service, 'labels', p_labels, 'direction', p_direction,
    'warning', p_warning, 'critical', p_critical, 'timeout', p_timeout,
    'runbook_url', p_runbook_url, 'description', p_description, 'owner', p_owner,
    'max_severity', p_max_severity, 'keep_series', p_keep_series,
    'lock_timeout', p_lock_timeout, 'enabled', p_enabled,
    'warning_exit', p_warning_exit, 'critical_exit', p_critical_exit, 'for_duration', p_for,
    'keep_firing_for', p_keep_firing_for, 'no_data', p_no_data, 'no_data_after', p_no_data_after,
    'flap_window', p_flap_window, 'flap_start', p_flap_start, 'flap_stop', p_flap_stop,
    'ack_timeout', p_ack_timeout)));
  if exists (select from vigil.checks c where c.name = v_row.name) then
    raise exception 'check % already exists', v_row.name
      using errcode = 'unique_violation',
            hint = 'Use vigil.update_check to change it, or vigil.remove_check first.';
  end if;
  perform vigil._probe_check(v_row);
  insert into vigil.checks (name, function_name, params, every, service, labels, direction, warning, critical,
                            max_severity, keep_series, timeout, lock_timeout, runbook_url, owner, description, enabled,
                            warning_exit, critical_exit, for_duration, keep_firing_for, no_data, no_data_after,
                            flap_window, flap_start, flap_stop, ack_timeout)
  values (v_row.name, v_row.function_name, v_row.params, v_row.every, v_row.service, v_row.labels, v_row.direction,
          v_row.warning, v_row.critical, v_row.max_severity, v_row.keep_series, v_row.timeout, v_row.lock_timeout,
          v_row.runbook_url, v_row.owner, v_row.description, v_row.enabled,
          v_row.warning_exit, v_row.critical_exit, v_row.for_duration, v_row.keep_firing_for, v_row.no_data,
          v_row.no_data_after, v_row.flap_window, v_row.flap_start, v_row.flap_stop, v_row.ack_timeout)
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.add_check(text, text, jsonb, interval, text, jsonb, text, double precision, double precision, interval, text, text, text, text, boolean, interval, boolean, double precision, double precision, interval, interval, text, integer, integer, double precision, double precision, interval) is
  'Registers a check: select vigil.add_check(p_name => ''orders_fresh'', p_function => ''vigil.check_freshness'', p_params => ''{"table": "public.orders", "column": "created_at"}'', p_warning => 600, p_critical => 1800). Alert settings (exit thresholds, for, keep_firing_for, no-data, flapping, ack timeout) are described in docs/alert-state.md. Validates everything (SQLSTATE 22023, 42883, 42P13 or 23505, with a HINT), runs the function once to try its params (a bad table or column is refused with its own SQLSTATE), and writes nothing on bad input.';
