-- vigil.add_maintenance_window(...): plans maintenance. While the window is
-- active, the notifications of the alerts its matchers select are
-- suppressed (still recorded, and counted on the window). Either one-off
-- (p_starts_at, p_ends_at) or recurring (p_weekdays, p_start_time,
-- p_end_time, p_time_zone, optional p_first_day, p_last_day); everything is
-- validated before anything is written.
--
-- No matchers means every alert: a whole-database maintenance (an upgrade,
-- a failover) is the commonest window, and the DBA who plans it expects
-- "silence everything from 22:00 to 23:00" to need no matcher. (A silence,
-- being ad hoc, must say what it silences.)
create or replace function vigil.add_maintenance_window(
  p_title      text,
  p_matchers   text[]      default null,
  p_starts_at  timestamptz default null,
  p_ends_at    timestamptz default null,
  p_weekdays   integer[]   default null,
  p_start_time time        default null,
  p_end_time   time        default null,
  p_time_zone  text        default null,
  p_first_day  date        default null,
  p_last_day   date        default null,
  p_reason     text        default null,
  p_created_by text        default session_user
)
returns vigil.maintenance_windows
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator manages windows only through this
-- validated API and never writes vigil.maintenance_windows directly.
declare
  v_one_off    boolean := p_starts_at is not null or p_ends_at is not null;
  v_recurring  boolean := p_weekdays is not null or p_start_time is not null or p_end_time is not null
                          or p_time_zone is not null or p_first_day is not null or p_last_day is not null;
  v_matchers   jsonb;
  v_recurrence vigil.recurrence;
  v_starts_at  timestamptz := coalesce(p_starts_at, pg_catalog.now());
  v_row        vigil.maintenance_windows;
begin
  if p_title is null or pg_catalog.btrim(p_title) = '' then
    raise exception 'a maintenance window needs a title, not %', coalesce(pg_catalog.quote_literal(p_title), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'Say what the maintenance is, e.g. p_title => ''PostgreSQL 17 upgrade''.';
  end if;
  if p_created_by is null or pg_catalog.btrim(p_created_by) = '' then
    raise exception 'a maintenance window needs who created it (p_created_by), not %', coalesce(pg_catalog.quote_literal(p_created_by), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Leave p_created_by out to record session_user.';
  end if;
  if v_one_off and v_recurring then
    raise exception 'a maintenance window is either one-off or recurring, not both (got %)',
      pg_catalog.concat_ws(', ',
        case when p_starts_at is not null then 'p_starts_at' end, case when p_ends_at is not null then 'p_ends_at' end,
        case when p_weekdays is not null then 'p_weekdays' end, case when p_start_time is not null then 'p_start_time' end,
        case when p_end_time is not null then 'p_end_time' end, case when p_time_zone is not null then 'p_time_zone' end,
        case when p_first_day is not null then 'p_first_day' end, case when p_last_day is not null then 'p_last_day' end)
      using errcode = 'invalid_parameter_value',
            hint = 'One-off: p_starts_at (default now) and p_ends_at. Recurring: p_start_time, p_end_time, p_time_zone, optionally p_weekdays (ISO 1 = Monday .. 7 = Sunday; null: every day), p_first_day, p_last_day.';
  end if;
  if not v_one_off and not v_recurring then
    raise exception 'a maintenance window needs a period: p_ends_at (one-off) or p_start_time, p_end_time and p_time_zone (recurring)'
      using errcode = 'invalid_parameter_value',
            hint = 'One-off: p_starts_at (default now) and p_ends_at. Recurring: p_start_time, p_end_time, p_time_zone, optionally p_weekdays (ISO 1 = Monday .. 7 = Sunday; null: every day), p_first_day, p_last_day.';
  end if;

  -- Matchers first: a bad regex is the likeliest typo.
  v_matchers := vigil._parse_matchers(p_matchers);

  if v_one_off then
    if p_ends_at is null then
      raise exception 'a one-off maintenance window needs p_ends_at (it starts at %)', v_starts_at
        using errcode = 'invalid_parameter_value',
              hint = 'e.g. p_starts_at => ''2026-06-01 22:00+02'', p_ends_at => ''2026-06-01 23:30+02''; end it early with vigil.end_maintenance_window.';
    end if;
    if p_ends_at <= v_starts_at then
      raise exception 'maintenance window ends at %, which is not after its start %', p_ends_at, v_starts_at
        using errcode = 'invalid_parameter_value',
              hint = 'p_ends_at must be later than p_starts_at (the end is exclusive).';
    end if;
  else
    if exists (select from pg_catalog.unnest(p_weekdays) w(day) where w.day not between 1 and 7) then
      -- outside smallint's range too: name the value before the cast can fail
      raise exception 'weekdays must be ISO weekday numbers 1 to 7, not %',
        (select pg_catalog.string_agg(w.day::text, ', ') from pg_catalog.unnest(p_weekdays) w(day) where w.day not between 1 and 7)
        using errcode = 'invalid_parameter_value',
              hint = '1 = Monday .. 7 = Sunday, e.g. ''{1,2,3,4,5}'' for Monday to Friday, ''{6,7}'' for the weekend; null means every day.';
    end if;
    v_recurrence := vigil._validate_recurrence(
      row(p_weekdays::smallint[], p_start_time, p_end_time, p_time_zone, p_first_day, p_last_day)::vigil.recurrence);
  end if;

  insert into vigil.maintenance_windows (title, reason, created_by, kind, starts_at, ends_at, recurrence, matchers)
  values (p_title, p_reason, p_created_by,
          case when v_one_off then 'one_off' else 'recurring' end,
          case when v_one_off then v_starts_at end, case when v_one_off then p_ends_at end,
          v_recurrence, v_matchers)
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.add_maintenance_window(text, text[], timestamptz, timestamptz, integer[], time, time, text, date, date, text, text) is
  'Plans a maintenance window; returns the new row. One-off (p_starts_at defaults to now): select vigil.add_maintenance_window(''PG 17 upgrade'', p_starts_at => ''2026-06-01 22:00+02'', p_ends_at => ''2026-06-01 23:30+02'', p_reason => ''CHG-1234''). Recurring (wall-clock time, DST followed; an end before the start runs past midnight): select vigil.add_maintenance_window(''nightly backup'', array[''service=db'', ''check=~"replication_.*"''], p_weekdays => array[1,2,3,4,5], p_start_time => ''01:00'', p_end_time => ''03:00'', p_time_zone => ''Europe/Berlin''). Matchers are Alertmanager-style (=, !=, =~, !~ on check, service, severity, series and labels); no matchers covers every alert, as for a whole-database maintenance. Raises 22023 (both kinds or neither, end not after start, bad weekday or time, unknown time zone, malformed matcher) or 2201B (bad regex), with a HINT.';
