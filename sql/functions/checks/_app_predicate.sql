-- vigil._app_predicate(p_params, p_key): reads an optional raw SQL predicate
-- param ("where", "error_where"). It is raw SQL on purpose: only vigil_admin
-- may register checks (vigil.add_check). The check templates run it inside a
-- STABLE function, so it cannot write; EXECUTE refuses a second statement.
-- Returns null when absent; raises 22023 when it is not a non-empty string.
create or replace function vigil._app_predicate(p_params jsonb, p_key text)
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_params -> p_key is null or pg_catalog.jsonb_typeof(p_params -> p_key) = 'null' then
    return null;
  end if;
  if pg_catalog.jsonb_typeof(p_params -> p_key) <> 'string' or pg_catalog.btrim(p_params ->> p_key) = '' then
    raise exception 'param "%" must be a non-empty SQL predicate string, not %', p_key, (p_params -> p_key)::text
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('e.g. {"%s": "status = ''pending''"}; the table is aliased t, and functions outside pg_catalog must be schema-qualified.', p_key);
  end if;
  return p_params ->> p_key;
end
$$;

comment on function vigil._app_predicate(jsonb, text) is
  'Internal: reads an optional raw SQL predicate param of an application check ("where", "error_where"; raw by design, since only vigil_admin registers checks); null when absent; raises 22023 with a HINT when it is not a non-empty string.';
