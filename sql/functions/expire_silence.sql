-- vigil.expire_silence(p_id, p_now): the silence is no longer wanted (the
-- work is done, or it was set on the wrong alerts): from p_now on it
-- suppresses nothing; one that has not started yet never will. The row
-- stays, with expired_at, for the record. Expiring a silence that is already
-- over is refused (55000), as in Alertmanager: the operator most likely
-- meant another one.
create or replace function vigil.expire_silence(
  p_id  bigint,
  p_now timestamptz default pg_catalog.now()
)
returns vigil.silences
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator manages silences only through
-- this API and never writes vigil.silences directly.
declare
  v_row vigil.silences;
begin
  if p_now is null then
    raise exception 'p_now must not be NULL'
      using errcode = 'invalid_parameter_value', hint = 'Leave p_now out to expire the silence now.';
  end if;
  select * into v_row from vigil.silences s where s.id = p_id for update;
  if not found then
    raise exception 'silence % does not exist', coalesce(p_id::text, 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select id, matchers, starts_at, ends_at, comment, expired_at from vigil.silences order by id desc;';
  end if;
  if v_row.expired_at <= p_now then
    raise exception 'silence % was already expired at %', p_id, v_row.expired_at
      using errcode = 'object_not_in_prerequisite_state', hint = 'See select * from vigil.active_suppressions;';
  end if;
  if v_row.ends_at <= p_now then
    raise exception 'silence % is already over: it ended at %', p_id, v_row.ends_at
      using errcode = 'object_not_in_prerequisite_state', hint = 'See select * from vigil.active_suppressions;';
  end if;
  update vigil.silences s set expired_at = p_now where s.id = p_id
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.expire_silence(bigint, timestamptz) is
  'Expires a silence now (one not yet started never starts); returns the row: select vigil.expire_silence(12). Raises P0002 for an unknown id, 55000 for a silence already expired or over.';
