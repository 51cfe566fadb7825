-- vigil.unack(p_alert_id, p_by, p_now): takes an acknowledgement back, so
-- escalation resumes. Recorded as an 'unacknowledged' event.
create or replace function vigil.unack(
  p_alert_id bigint,
  p_by       text,
  p_now      timestamptz default pg_catalog.now()
)
returns vigil.alert_state
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator un-acknowledges through this API
-- and never writes vigil.alert_state or vigil.alert_events directly.
declare
  v_row vigil.alert_state;
begin
  select * into v_row from vigil.alert_state a where a.id = p_alert_id for update;
  if not found then
    raise exception 'alert % does not exist', coalesce(p_alert_id::text, 'NULL')
      using errcode = 'no_data_found', hint = 'See select id, check_name, series, state from vigil.alert_state;';
  end if;
  if v_row.acked_at is null then
    raise exception 'alert % is not acknowledged', p_alert_id
      using errcode = 'object_not_in_prerequisite_state', hint = 'See acked_at in vigil.alert_state.';
  end if;
  update vigil.alert_state a
     set acked_at = null, acked_by = null, ack_comment = null, ack_expires_at = null
   where a.id = p_alert_id
  returning * into v_row;
  insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value, labels, detail)
  values (p_now, v_row.id, v_row.check_name, v_row.series, 'unacknowledged', v_row.severity, v_row.value, v_row.labels,
          pg_catalog.jsonb_build_object('by', p_by));
  return v_row;
end
$$;

comment on function vigil.unack(bigint, text, timestamptz) is
  'Takes back an acknowledgement so escalation resumes: select vigil.unack(42, ''alice''). Raises P0002 for an unknown id, 55000 when it is not acknowledged.';
