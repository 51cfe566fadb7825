-- vigil._validate_recurrence(p_recurrence): the one place that says what a
-- valid recurring interval is, for maintenance windows now and checks'
-- active hours later. Returns it normalised (weekdays sorted and distinct,
-- null weekdays = every day, the time zone spelled as pg_timezone_names
-- spells it) or raises with an SQLSTATE, a message naming the bad value and
-- a HINT. A zone is checked here, once, because an unknown zone would
-- otherwise make every later tick fail.
create or replace function vigil._validate_recurrence(p_recurrence vigil.recurrence)
returns vigil.recurrence
language plpgsql
stable
set search_path = ''
as $$
declare
  v_row  vigil.recurrence := p_recurrence;
  v_bad  text;
  v_zone text;
begin
  if p_recurrence is not distinct from null then
    raise exception 'a recurring interval is required'
      using errcode = 'invalid_parameter_value',
            hint = 'Give weekdays, a start and end time and a time zone, e.g. (''{1,2,3,4,5}'', ''01:00'', ''03:00'', ''Europe/Berlin'', null, null)::vigil.recurrence.';
  end if;

  if v_row.weekdays is null then
    v_row.weekdays := '{1,2,3,4,5,6,7}'::smallint[];
  end if;
  select pg_catalog.string_agg(coalesce(w.day::text, 'NULL'), ', ') into v_bad
    from pg_catalog.unnest(v_row.weekdays) w(day)
   where w.day is null or w.day not between 1 and 7;
  if v_bad is not null or pg_catalog.cardinality(v_row.weekdays) = 0 then
    raise exception 'weekdays must be ISO weekday numbers 1 to 7, not %', coalesce(v_bad, '{} (no day at all)')
      using errcode = 'invalid_parameter_value',
            hint = '1 = Monday .. 7 = Sunday, e.g. ''{1,2,3,4,5}'' for Monday to Friday, ''{6,7}'' for the weekend; null means every day.';
  end if;
  select pg_catalog.array_agg(distinct w.day order by w.day) into v_row.weekdays
    from pg_catalog.unnest(v_row.weekdays) w(day);

  if v_row.start_time is null or v_row.end_time is null then
    raise exception 'a recurring interval needs a start and an end time (got start %, end %)',
      coalesce(v_row.start_time::text, 'NULL'), coalesce(v_row.end_time::text, 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'Local times, start inclusive and end exclusive, e.g. start ''01:00'', end ''03:00''; an end before the start runs past midnight (''22:00'' to ''02:00'').';
  end if;
  if v_row.start_time = '24:00'::time then
    raise exception 'start time 24:00 is the end of a day, not a start'
      using errcode = 'invalid_parameter_value', hint = 'Use 00:00 for an occurrence that starts at midnight.';
  end if;
  if v_row.start_time = v_row.end_time then
    raise exception 'start time and end time are both %: the interval would be empty', v_row.start_time
      using errcode = 'invalid_parameter_value',
            hint = 'For whole days use ''00:00'' to ''24:00''; an end before the start runs past midnight.';
  end if;

  if v_row.time_zone is null or pg_catalog.btrim(v_row.time_zone) = '' then
    raise exception 'a recurring interval needs a time zone'
      using errcode = 'invalid_parameter_value',
            hint = 'Give an IANA zone name, e.g. ''Europe/Berlin'', ''America/New_York'' or ''UTC'' (see pg_catalog.pg_timezone_names).';
  end if;
  select z.name into v_zone
    from pg_catalog.pg_timezone_names z
   where pg_catalog.lower(z.name) = pg_catalog.lower(pg_catalog.btrim(v_row.time_zone))
   order by z.name = pg_catalog.btrim(v_row.time_zone) desc, z.name
   limit 1;
  if v_zone is null then
    raise exception 'unknown time zone: %', pg_catalog.quote_literal(v_row.time_zone)
      using errcode = 'invalid_parameter_value',
            hint = 'Give an IANA zone name such as ''Europe/Berlin'', ''America/New_York'' or ''UTC'' (see select name from pg_catalog.pg_timezone_names).';
  end if;
  v_row.time_zone := v_zone;

  if v_row.last_day < v_row.first_day then
    raise exception 'last day % is before first day %', v_row.last_day, v_row.first_day
      using errcode = 'invalid_parameter_value',
            hint = 'first_day and last_day are the local dates (inclusive) on which occurrences may start; leave either null for no bound.';
  end if;
  return v_row;
end
$$;

comment on function vigil._validate_recurrence(vigil.recurrence) is
  'Internal: validates and normalises a recurring interval: select vigil._validate_recurrence((''{1,2,3,4,5}'', ''01:00'', ''03:00'', ''Europe/Berlin'', null, null)::vigil.recurrence). Null weekdays become every day; the zone is spelled as pg_timezone_names spells it. Raises 22023 with a HINT for a weekday outside 1..7, a missing time, start = end, an unknown time zone, or last_day before first_day.';
