-- vigil.set_active_hours(p_check, ...): "alert only during business hours".
-- Outside the given weekdays and hours (in p_time_zone), the check still
-- runs and its alert state is kept, but its notifications are held back,
-- like a silence; when the hours begin, a still-firing alert is told.
-- Null weekdays clear the active hours (always notify).
create or replace function vigil.set_active_hours(
  p_check      text,
  p_weekdays   integer[],
  p_start_time time default null,
  p_end_time   time default null,
  p_time_zone  text default null
)
returns vigil.checks
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes vigil.checks only through
-- validated APIs.
declare
  v_hours vigil.recurrence;
  v_row   vigil.checks;
begin
  if not exists (select from vigil.checks c where c.name = p_check) then
    raise exception 'check % does not exist', coalesce(pg_catalog.quote_literal(p_check), 'NULL')
      using errcode = 'no_data_found', hint = 'See select name from vigil.checks order by 1;';
  end if;
  if p_weekdays is not null then
    v_hours := vigil._validate_recurrence(row(p_weekdays::smallint[], p_start_time, p_end_time, p_time_zone, null, null)::vigil.recurrence);
  end if;
  update vigil.checks c set active_hours = v_hours, updated_at = pg_catalog.now()
   where c.name = p_check
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.set_active_hours(text, integer[], time, time, text) is
  'Notify a check''s alerts only during these hours: select vigil.set_active_hours(''orders_flowing'', array[1,2,3,4,5], ''09:00'', ''17:00'', ''Europe/Berlin''). Weekdays ISO (1 = Monday); start inclusive, end exclusive, local time; end before start runs past midnight. Outside them the alerts are held back (suppressed_by active_hours). Null weekdays: always. Raises P0002 for an unknown check, 22023 for bad hours or an unknown time zone.';
