-- vigil.disable_check(p_name): the check stops running; its history stays.
create or replace function vigil.disable_check(p_name text)
returns vigil.checks
language sql
security definer
set search_path = ''
as $$
  -- security definer because vigil_admin may change vigil.checks only through this API.
  select vigil._set_check_enabled(p_name, false);
$$;

comment on function vigil.disable_check(text) is
  'Disables a check without removing it or its history: select vigil.disable_check(''unused_indexes''). Raises P0002 for an unknown check.';
