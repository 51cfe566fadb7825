-- vigil._app_strings(p_params, p_key, p_hint): reads a required param that
-- is a non-empty JSON array of strings ("error_values", "priority_order")
-- into a text[], in order. Raises 22023 with p_hint otherwise.
--
-- Why: check_error_ratio and check_queue_health validated such a list with
-- the same test and the same message; only the example in the HINT differs.
create or replace function vigil._app_strings(p_params jsonb, p_key text, p_hint text)
returns text[]
language plpgsql
stable
set search_path = ''
as $$
declare
  v_values text[];
begin
  if pg_catalog.jsonb_typeof(p_params -> p_key) is distinct from 'array'
     or pg_catalog.jsonb_array_length(p_params -> p_key) = 0
     or exists (select from pg_catalog.jsonb_array_elements(p_params -> p_key) e(v)
                 where pg_catalog.jsonb_typeof(e.v) <> 'string') then
    raise exception 'param "%" must be a non-empty array of strings, not %', p_key,
          coalesce((p_params -> p_key)::text, 'missing')
      using errcode = 'invalid_parameter_value', hint = p_hint;
  end if;
  select pg_catalog.array_agg(e.v order by e.n) into v_values
    from pg_catalog.jsonb_array_elements_text(p_params -> p_key) with ordinality e(v, n);
  return v_values;
end
$$;

comment on function vigil._app_strings(jsonb, text, text) is
  'Internal: reads a required application-check param that is a non-empty JSON array of strings (e.g. error_values, priority_order) into a text[] in order; raises 22023 with the given HINT otherwise.';
