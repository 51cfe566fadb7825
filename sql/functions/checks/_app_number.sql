-- vigil._app_number(p_params, p_key, p_default, p_min, p_max, p_integer):
-- reads a numeric param (a JSON number) within [p_min, p_max], or p_default
-- when absent. With p_integer it must be a whole number. Raises 22023 with a
-- HINT otherwise.
create or replace function vigil._app_number(
  p_params  jsonb,
  p_key     text,
  p_default double precision,
  p_min     double precision,
  p_max     double precision,
  p_integer boolean default false
)
returns double precision
language plpgsql
stable
set search_path = ''
as $$
declare
  v_value double precision;
begin
  if p_params -> p_key is null or pg_catalog.jsonb_typeof(p_params -> p_key) = 'null' then
    return p_default;
  end if;
  if pg_catalog.jsonb_typeof(p_params -> p_key) = 'number' then
    v_value := (p_params ->> p_key)::double precision;
  end if;
  if v_value is null or v_value < p_min or v_value > p_max
     or (p_integer and v_value <> pg_catalog.trunc(v_value)) then
    raise exception 'param "%" must be % between % and %, not %', p_key,
          case when p_integer then 'a whole number' else 'a number' end, p_min, p_max, (p_params -> p_key)::text
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Write it as a JSON number, e.g. {"%s": %s}.', p_key, coalesce(p_default, p_min));
  end if;
  return v_value;
end
$$;

comment on function vigil._app_number(jsonb, text, double precision, double precision, double precision, boolean) is
  'Internal: reads a numeric param of an application check (a JSON number within bounds, optionally whole), or the default when absent; raises 22023 with a HINT otherwise.';
