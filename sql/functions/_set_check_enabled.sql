-- vigil._set_check_enabled(p_name, p_enabled): the shared body of
-- enable_check and disable_check.
create or replace function vigil._set_check_enabled(p_name text, p_enabled boolean)
returns vigil.checks
language plpgsql
set search_path = ''
as $$
declare
  v_row vigil.checks;
begin
  update vigil.checks c set enabled = p_enabled, updated_at = pg_catalog.now()
   where c.name = p_name
  returning * into v_row;
  if not found then
    raise exception 'check % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found', hint = 'See select name from vigil.checks order by 1;';
  end if;
  return v_row;
end
$$;

comment on function vigil._set_check_enabled(text, boolean) is
  'Internal: sets vigil.checks.enabled for enable_check and disable_check; raises P0002 for an unknown check.';
