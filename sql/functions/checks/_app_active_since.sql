-- vigil._app_active_since(p_spec, p_now): the start of the active window that
-- contains p_now, for checks that matter only during business hours.
--
-- p_spec is {"days": [1..7], "start": "HH:MM", "end": "HH:MM", "timezone": "America/New_York"}:
-- ISO weekdays (1 = Monday; default all), start inclusive and end exclusive
-- in local time (defaults 00:00 and 24:00), an IANA time zone (default UTC).
-- A window with start > end runs over midnight (22:00-06:00) and belongs to
-- the day it starts on.
--
-- Returns '-infinity' when p_spec is null (always active), null when p_now
-- is outside the active hours, else the start of the current window. Raises
-- 22023 with a HINT on a malformed spec.
create or replace function vigil._app_active_since(p_spec jsonb, p_now timestamptz)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  v_days  int[];
  v_start time;
  v_end   time;
  v_tz    text;
  v_local timestamp;
  v_date  date;
  v_time  time;
  v_bad   text;
begin
  if p_spec is null or pg_catalog.jsonb_typeof(p_spec) = 'null' then
    return '-infinity'::timestamptz;
  end if;
  if pg_catalog.jsonb_typeof(p_spec) <> 'object' then
    raise exception 'param "active_hours" must be an object, not %', p_spec::text
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. {"active_hours": {"days": [1,2,3,4,5], "start": "06:00", "end": "23:00", "timezone": "America/New_York"}}';
  end if;
  select pg_catalog.string_agg(k.key, ', ') into v_bad
    from pg_catalog.jsonb_object_keys(p_spec) as k(key)
   where k.key not in ('days', 'start', 'end', 'timezone');
  if v_bad is not null then
    raise exception 'param "active_hours" has unknown keys: %', v_bad
      using errcode = 'invalid_parameter_value', hint = 'Known keys: days, start, end, timezone.';
  end if;

  if p_spec -> 'days' is null then
    v_days := array[1, 2, 3, 4, 5, 6, 7];
  elsif pg_catalog.jsonb_typeof(p_spec -> 'days') = 'array'
        and pg_catalog.jsonb_array_length(p_spec -> 'days') > 0
        and not exists (select from pg_catalog.jsonb_array_elements(p_spec -> 'days') e(d)
                         where pg_catalog.jsonb_typeof(e.d) <> 'number'
                            or e.d::text !~ '^[1-7]$') then
    select pg_catalog.array_agg(e.d::text::int) into v_days
      from pg_catalog.jsonb_array_elements(p_spec -> 'days') e(d);
  else
    raise exception 'param "active_hours": days must be a non-empty array of ISO weekdays 1-7, not %', (p_spec -> 'days')::text
      using errcode = 'invalid_parameter_value', hint = '1 = Monday ... 7 = Sunday, e.g. "days": [1,2,3,4,5].';
  end if;

  foreach v_bad in array array['start', 'end'] loop
    if p_spec -> v_bad is not null
       and (pg_catalog.jsonb_typeof(p_spec -> v_bad) <> 'string'
            or (p_spec ->> v_bad) !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
            or (v_bad = 'start' and (p_spec ->> v_bad) = '24:00')) then
      raise exception 'param "active_hours": % must be a local time "HH:MM", not %', v_bad, (p_spec -> v_bad)::text
        using errcode = 'invalid_parameter_value', hint = 'e.g. "start": "06:00", "end": "23:00" (end may be "24:00").';
    end if;
  end loop;
  v_start := coalesce(p_spec ->> 'start', '00:00')::time;
  v_end := coalesce(p_spec ->> 'end', '24:00')::time;
  if v_start = v_end then
    raise exception 'param "active_hours": start and end are both %', v_start
      using errcode = 'invalid_parameter_value', hint = 'For always active, leave out active_hours; for a whole day, use "00:00" to "24:00".';
  end if;

  v_tz := coalesce(p_spec ->> 'timezone', 'UTC');
  begin
    v_local := pg_catalog.timezone(v_tz, p_now);
  exception when others then
    raise exception 'param "active_hours": unknown time zone %', (p_spec -> 'timezone')::text
      using errcode = 'invalid_parameter_value',
            hint = 'Use an IANA name, e.g. "America/New_York" (see pg_catalog.pg_timezone_names).';
  end;
  v_date := v_local::date;
  v_time := v_local::time;

  if v_start < v_end then
    if v_time >= v_start and v_time < v_end
       and pg_catalog.date_part('isodow', v_date)::int = any (v_days) then
      return pg_catalog.timezone(v_tz, v_date + v_start);
    end if;
  else
    if v_time >= v_start and pg_catalog.date_part('isodow', v_date)::int = any (v_days) then
      return pg_catalog.timezone(v_tz, v_date + v_start);
    end if;
    if v_time < v_end and pg_catalog.date_part('isodow', v_date - 1)::int = any (v_days) then
      return pg_catalog.timezone(v_tz, (v_date - 1) + v_start);
    end if;
  end if;
  return null;
end
$$;

comment on function vigil._app_active_since(jsonb, timestamptz) is
  'Internal: for an active_hours spec {"days": [1..7], "start": "HH:MM", "end": "HH:MM", "timezone": "..."}, the start of the active window containing p_now; -infinity without a spec; null outside active hours; raises 22023 with a HINT on a malformed spec.';
