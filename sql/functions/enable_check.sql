-- vigil.enable_check(p_name): the check runs again from the next tick.
create or replace function vigil.enable_check(p_name text)
returns vigil.checks
language sql
security definer
set search_path = ''
as $$
  -- security definer because vigil_admin may change vigil.checks only through this API.
  select vigil._set_check_enabled(p_name, true);
$$;

comment on function vigil.enable_check(text) is
  'Enables a check: select vigil.enable_check(''connections''). Raises P0002 for an unknown check.';
