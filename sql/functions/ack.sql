-- vigil.ack(p_alert_id, p_by, p_comment, p_now): an on-call person says
-- "I have it". The ack stops escalation until it lapses (ack_timeout of the
-- check) or the alert resolves. Recorded as an 'acknowledged' event.
create or replace function vigil.ack(
  p_alert_id bigint,
  p_by       text,
  p_comment  text default null,
  p_now      timestamptz default pg_catalog.now()
)
returns vigil.alert_state
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator acknowledges through this API and
-- never writes vigil.alert_state or vigil.alert_events directly.
declare
  v_row vigil.alert_state;
begin
  if p_by is null or pg_catalog.btrim(p_by) = '' then
    raise exception 'ack needs who acknowledges (p_by)'
      using errcode = 'invalid_parameter_value', hint = 'e.g. select vigil.ack(42, ''alice'', ''looking into it'');';
  end if;
  select * into v_row from vigil.alert_state a where a.id = p_alert_id for update;
  if not found then
    raise exception 'alert % does not exist', coalesce(p_alert_id::text, 'NULL')
      using errcode = 'no_data_found', hint = 'See select id, check_name, series, state from vigil.alert_state;';
  end if;
  if v_row.state not in ('pending', 'firing') then
    raise exception 'alert % is %, not pending or firing', p_alert_id, v_row.state
      using errcode = 'object_not_in_prerequisite_state', hint = 'Only an active alert can be acknowledged.';
  end if;
  update vigil.alert_state a
     set acked_at = p_now, acked_by = p_by, ack_comment = p_comment,
         ack_expires_at = p_now + (select c.ack_timeout from vigil.checks c where c.name = a.check_name)
   where a.id = p_alert_id
  returning * into v_row;
  insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value, labels, detail)
  values (p_now, v_row.id, v_row.check_name, v_row.series, 'acknowledged', v_row.severity, v_row.value, v_row.labels,
          pg_catalog.jsonb_build_object('by', p_by, 'comment', p_comment, 'expires_at', v_row.ack_expires_at));
  return v_row;
end
$$;

comment on function vigil.ack(bigint, text, text, timestamptz) is
  'Acknowledges an active alert: select vigil.ack(42, ''alice'', ''on it''). Stops escalation until the check''s ack_timeout lapses or the alert resolves. Raises P0002 for an unknown id, 55000 for an alert that is not active.';
