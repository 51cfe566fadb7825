-- vigil.end_known_issue(p_id, p_now): the issue is fixed (or the pattern
-- was too broad): from p_now on the known issue suppresses nothing. The row
-- stays, with ended_at, for the record. Ending one that is already over is
-- refused (55000): the operator most likely meant another one.
create or replace function vigil.end_known_issue(
  p_id  bigint,
  p_now timestamptz default pg_catalog.now()
)
returns vigil.known_issues
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator manages known issues only through
-- this API and never writes vigil.known_issues directly.
declare
  v_row vigil.known_issues;
begin
  if p_now is null then
    raise exception 'p_now must not be NULL'
      using errcode = 'invalid_parameter_value', hint = 'Leave p_now out to end the known issue now.';
  end if;
  select * into v_row from vigil.known_issues k where k.id = p_id for update;
  if not found then
    raise exception 'known issue % does not exist', coalesce(p_id::text, 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select id, pattern, expires_at, comment, ended_at from vigil.known_issues order by id desc;';
  end if;
  if v_row.ended_at <= p_now then
    raise exception 'known issue % was already ended at %', p_id, v_row.ended_at
      using errcode = 'object_not_in_prerequisite_state', hint = 'See select * from vigil.active_suppressions;';
  end if;
  if v_row.expires_at <= p_now then
    raise exception 'known issue % is already over: it expired at %', p_id, v_row.expires_at
      using errcode = 'object_not_in_prerequisite_state', hint = 'See select * from vigil.active_suppressions;';
  end if;
  update vigil.known_issues k set ended_at = p_now where k.id = p_id
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.end_known_issue(bigint, timestamptz) is
  'Ends a known issue now, so its alerts notify again; returns the row: select vigil.end_known_issue(5). Raises P0002 for an unknown id, 55000 for one already ended or expired.';
