-- vigil._app_interval(p_params, p_key, p_default): reads a positive interval
-- param ("15 minutes", "7 days"), or p_default when the param is absent.
-- Raises 22023 with a HINT when it is not a string, not an interval, or not
-- positive.
create or replace function vigil._app_interval(p_params jsonb, p_key text, p_default interval)
returns interval
language plpgsql
stable
set search_path = ''
as $$
declare
  v_value interval;
begin
  if p_params -> p_key is null or pg_catalog.jsonb_typeof(p_params -> p_key) = 'null' then
    return p_default;
  end if;
  if pg_catalog.jsonb_typeof(p_params -> p_key) = 'string' then
    begin
      v_value := (p_params ->> p_key)::interval;
    exception when others then
      v_value := null;
    end;
  end if;
  if v_value is null or v_value <= interval '0' then
    raise exception 'param "%" must be a positive interval, not %', p_key, (p_params -> p_key)::text
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Write it as a string, e.g. {"%s": "%s"}.', p_key, coalesce(p_default::text, '15 minutes'));
  end if;
  return v_value;
end
$$;

comment on function vigil._app_interval(jsonb, text, interval) is
  'Internal: reads a positive interval param of an application check (a JSON string such as "15 minutes"), or the default when absent; raises 22023 with a HINT otherwise.';
