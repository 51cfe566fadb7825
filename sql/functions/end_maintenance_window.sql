-- vigil.end_maintenance_window(p_id, p_now): the maintenance is over
-- earlier than planned (or is cancelled before it starts): from p_now on the
-- window suppresses nothing. A recurring window is retired: it has no
-- further occurrences. The row stays, with ended_at, for the record.
-- Ending a window that is already over is refused (55000) rather than
-- ignored: the operator most likely meant another window.
create or replace function vigil.end_maintenance_window(
  p_id  bigint,
  p_now timestamptz default pg_catalog.now()
)
returns vigil.maintenance_windows
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator manages windows only through this
-- API and never writes vigil.maintenance_windows directly.
declare
  v_row vigil.maintenance_windows;
begin
  if p_now is null then
    raise exception 'p_now must not be NULL'
      using errcode = 'invalid_parameter_value', hint = 'Leave p_now out to end the window now.';
  end if;
  select * into v_row from vigil.maintenance_windows w where w.id = p_id for update;
  if not found then
    raise exception 'maintenance window % does not exist', coalesce(p_id::text, 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select id, title, kind, starts_at, ends_at, recurrence, ended_at from vigil.maintenance_windows order by id desc;';
  end if;
  if v_row.ended_at <= p_now then
    raise exception 'maintenance window % (%) was already ended at %', p_id, v_row.title, v_row.ended_at
      using errcode = 'object_not_in_prerequisite_state', hint = 'See select * from vigil.active_suppressions;';
  end if;
  if v_row.kind = 'one_off' and v_row.ends_at <= p_now then
    raise exception 'maintenance window % (%) is already over: it ended at %', p_id, v_row.title, v_row.ends_at
      using errcode = 'object_not_in_prerequisite_state', hint = 'See select * from vigil.active_suppressions;';
  end if;
  update vigil.maintenance_windows w set ended_at = p_now where w.id = p_id
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.end_maintenance_window(bigint, timestamptz) is
  'Ends a maintenance window now (or cancels one not yet started; a recurring window gets no further occurrences); returns the row: select vigil.end_maintenance_window(3). Raises P0002 for an unknown id, 55000 for a window already ended or over.';
