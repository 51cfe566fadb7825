-- vigil.remove_check(p_name): unregisters a check. Its runs and samples stay
-- until retention removes them.
create or replace function vigil.remove_check(p_name text)
returns vigil.checks
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin may change vigil.checks only through this API.
declare
  v_row vigil.checks;
begin
  delete from vigil.checks c where c.name = p_name returning * into v_row;
  if not found then
    raise exception 'check % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found', hint = 'See select name from vigil.checks order by 1;';
  end if;
  delete from vigil.counters c where c.check_name = p_name;
  return v_row;
end
$$;

comment on function vigil.remove_check(text) is
  'Removes a check (its history stays until retention): select vigil.remove_check(''orders_fresh''). Raises P0002 for an unknown check; returns the removed row.';
