-- vigil.set_threshold_override(...): different thresholds (or for /
-- keep_firing_for) for the series of a check matching a LIKE pattern, e.g.
-- one big table. Null settings fall back to the check's. Upserts by
-- (check, pattern). The merged result is validated like a check.
create or replace function vigil.set_threshold_override(
  p_check           text,
  p_series_pattern  text,
  p_warning         double precision default null,
  p_critical        double precision default null,
  p_warning_exit    double precision default null,
  p_critical_exit   double precision default null,
  p_for             interval default null,
  p_keep_firing_for interval default null
)
returns vigil.threshold_overrides
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes thresholds only through this
-- validated API.
declare
  v_check vigil.checks;
  v_row   vigil.threshold_overrides;
begin
  select * into v_check from vigil.checks c where c.name = p_check;
  if not found then
    raise exception 'check % does not exist', coalesce(pg_catalog.quote_literal(p_check), 'NULL')
      using errcode = 'no_data_found', hint = 'See select name from vigil.checks order by 1;';
  end if;
  if p_series_pattern is null or p_series_pattern = '' then
    raise exception 'a series pattern is required'
      using errcode = 'invalid_parameter_value', hint = 'A LIKE pattern, e.g. ''public.events%'' or an exact series name.';
  end if;
  -- Validate the merged settings as the check they make for matching series.
  if p_warning is not null then v_check.warning := p_warning; v_check.warning_exit := p_warning_exit; end if;
  if p_critical is not null then v_check.critical := p_critical; v_check.critical_exit := p_critical_exit; end if;
  v_check.warning_exit  := coalesce(p_warning_exit, v_check.warning_exit);
  v_check.critical_exit := coalesce(p_critical_exit, v_check.critical_exit);
  v_check.for_duration  := coalesce(p_for, v_check.for_duration);
  v_check.keep_firing_for := coalesce(p_keep_firing_for, v_check.keep_firing_for);
  perform vigil._validate_check(v_check);

  insert into vigil.threshold_overrides as o (check_name, series_pattern, warning, critical, warning_exit, critical_exit,
                                              for_duration, keep_firing_for)
  values (p_check, p_series_pattern, p_warning, p_critical, p_warning_exit, p_critical_exit, p_for, p_keep_firing_for)
  on conflict (check_name, series_pattern) do update
     set warning = excluded.warning, critical = excluded.critical, warning_exit = excluded.warning_exit,
         critical_exit = excluded.critical_exit, for_duration = excluded.for_duration,
         keep_firing_for = excluded.keep_firing_for
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.set_threshold_override(text, text, double precision, double precision, double precision, double precision, interval, interval) is
  'Overrides thresholds, for and keep_firing_for for the series of a check that match a LIKE pattern: select vigil.set_threshold_override(''dead_tuples'', ''public.events'', p_warning => 20, p_critical => 50). The longest matching pattern wins; null falls back to the check. Validated like add_check.';
