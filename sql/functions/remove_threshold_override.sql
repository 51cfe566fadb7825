-- vigil.remove_threshold_override(p_check, p_series_pattern): back to the
-- check's own settings for those series.
create or replace function vigil.remove_threshold_override(p_check text, p_series_pattern text)
returns vigil.threshold_overrides
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes thresholds only through this API.
declare
  v_row vigil.threshold_overrides;
begin
  delete from vigil.threshold_overrides o where o.check_name = p_check and o.series_pattern = p_series_pattern
  returning * into v_row;
  if not found then
    raise exception 'no override % on check %', coalesce(pg_catalog.quote_literal(p_series_pattern), 'NULL'), coalesce(pg_catalog.quote_literal(p_check), 'NULL')
      using errcode = 'no_data_found', hint = 'See select * from vigil.threshold_overrides;';
  end if;
  return v_row;
end
$$;

comment on function vigil.remove_threshold_override(text, text) is
  'Removes a per-series override: select vigil.remove_threshold_override(''dead_tuples'', ''public.events''). Raises P0002 when there is none.';
