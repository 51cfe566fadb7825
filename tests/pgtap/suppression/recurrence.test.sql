-- The recurring interval (vigil.recurrence) that maintenance windows use and
-- checks' active hours will reuse: vigil._validate_recurrence refuses what
-- cannot be meant (22023, naming the value, with a HINT) and normalises the
-- rest; vigil._in_recurrence decides on the local wall clock of the zone
-- (start inclusive, end exclusive), so it follows daylight saving time: in
-- America/New_York a daily 01:00-03:00 interval lasts one hour on the
-- spring-forward day (2026-03-08, 02:00 EST -> 03:00 EDT) and three hours
-- on the fall-back day (2026-11-01, 02:00 EDT -> 01:00 EST). An end at or
-- before the start runs past midnight; weekday and date range are those of
-- the day an occurrence starts. vigil._recurrence_until gives the end of the
-- occurrence that contains an instant.
begin;
select tap.plan(52);

-- Instants are written in UTC and results do not depend on the session's zone.
set local timezone = 'Asia/Tokyo';

create function pg_temp.r(p_weekdays text, p_start text, p_end text, p_zone text, p_first date default null, p_last date default null)
returns vigil.recurrence language sql as $$
  select vigil._validate_recurrence(row(p_weekdays::smallint[], p_start::time, p_end::time, p_zone, p_first, p_last)::vigil.recurrence)
$$;
\ir ../hint_of.sql

-- Validation.
select tap.throws_ok($$select pg_temp.r('{0,1,8}', '01:00', '03:00', 'UTC')$$,
  '22023', 'weekdays must be ISO weekday numbers 1 to 7, not 0, 8', 'weekdays outside 1..7 are refused, naming them');
select tap.throws_ok($$select pg_temp.r('{1,NULL}', '01:00', '03:00', 'UTC')$$,
  '22023', 'weekdays must be ISO weekday numbers 1 to 7, not NULL', 'a null weekday is refused');
select tap.throws_ok($$select pg_temp.r('{}', '01:00', '03:00', 'UTC')$$,
  '22023', 'weekdays must be ISO weekday numbers 1 to 7, not {} (no day at all)', 'no weekday at all is refused');
select tap.throws_ok($$select pg_temp.r(null, null, '03:00', 'UTC')$$,
  '22023', 'a recurring interval needs a start and an end time (got start NULL, end 03:00:00)', 'a null start time is refused');
select tap.throws_ok($$select pg_temp.r(null, '01:00', null, 'UTC')$$,
  '22023', 'a recurring interval needs a start and an end time (got start 01:00:00, end NULL)', 'a null end time is refused');
select tap.throws_ok($$select pg_temp.r(null, '01:00', '01:00', 'UTC')$$,
  '22023', 'start time and end time are both 01:00:00: the interval would be empty', 'start = end is refused');
select tap.throws_ok($$select pg_temp.r(null, '24:00', '01:00', 'UTC')$$,
  '22023', 'start time 24:00 is the end of a day, not a start', 'a start at 24:00 is refused');
select tap.throws_ok($$select pg_temp.r(null, '01:00', '03:00', 'Mars/Olympus_Mons')$$,
  '22023', 'unknown time zone: ''Mars/Olympus_Mons''', 'an unknown time zone is refused, naming it');
select tap.ok(pg_temp.hint_of($$select pg_temp.r(null, '01:00', '03:00', 'Mars/Olympus_Mons')$$) ~ 'Europe/Berlin',
  '... with a HINT that shows a zone name');
select tap.throws_ok($$select pg_temp.r(null, '01:00', '03:00', '+05')$$,
  '22023', 'unknown time zone: ''+05''', 'a POSIX offset is not an IANA zone');
select tap.throws_ok($$select pg_temp.r(null, '01:00', '03:00', null)$$,
  '22023', 'a recurring interval needs a time zone', 'a missing time zone is refused');
select tap.throws_ok($$select pg_temp.r(null, '01:00', '03:00', 'UTC', '2026-06-10', '2026-06-09')$$,
  '22023', 'last day 2026-06-09 is before first day 2026-06-10', 'last_day before first_day is refused');
select tap.throws_ok($$select vigil._validate_recurrence(null)$$,
  '22023', 'a recurring interval is required', 'a null recurrence is refused');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.unnest(array[
     $$select pg_temp.r('{9}', '01:00', '03:00', 'UTC')$$, $$select pg_temp.r(null, null, '03:00', 'UTC')$$,
     $$select pg_temp.r(null, '01:00', '01:00', 'UTC')$$, $$select pg_temp.r(null, '01:00', '03:00', null)$$,
     $$select pg_temp.r(null, '01:00', '03:00', 'UTC', '2026-06-10', '2026-06-09')$$]) s
    where pg_temp.hint_of(s) is not null),
  5, 'every refusal comes with a HINT');

select tap.is(pg_temp.r(null, '01:00', '03:00', 'UTC'),
  row('{1,2,3,4,5,6,7}'::smallint[], '01:00'::time, '03:00'::time, 'UTC', null::date, null::date)::vigil.recurrence,
  'null weekdays mean every day');
select tap.is((pg_temp.r('{7,1,1,5}', '01:00', '03:00', 'UTC')).weekdays, '{1,5,7}'::smallint[],
  'weekdays are stored sorted and distinct');
select tap.is((pg_temp.r(null, '01:00', '03:00', ' america/new_york')).time_zone, 'America/New_York',
  'the zone is spelled as pg_timezone_names spells it');

-- DST, spring forward: 2026-03-08 in New York, 02:00 EST (07:00Z) becomes 03:00 EDT.
create temp table ny as select pg_temp.r(null, '01:00', '03:00', 'America/New_York') as r;
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-03-07 05:59:59Z'), 'the day before: 00:59:59 EST is outside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-03-07 06:00Z'), 'the day before: 01:00 EST (06:00Z) is inside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-03-07 07:59:59Z'), 'the day before: 02:59:59 EST (07:59:59Z) is inside');
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-03-07 08:00Z'), 'the day before: 03:00 EST (08:00Z) is outside (end exclusive)');
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-03-08 05:59:59Z'), 'spring forward: 00:59:59 EST (05:59:59Z) is outside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-03-08 06:00Z'), 'spring forward: 01:00 EST (06:00Z) is inside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-03-08 06:59:59Z'), 'spring forward: 01:59:59 EST (06:59:59Z) is inside');
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-03-08 07:00Z'), 'spring forward: 07:00Z is 03:00 EDT, outside: the window lasted one hour');
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-03-08 07:30Z'), 'spring forward: 07:30Z (03:30 EDT) is outside');
select tap.is(vigil._recurrence_until((select r from ny), '2026-03-08 06:30Z'), '2026-03-08 07:00Z'::timestamptz,
  'spring forward: the occurrence ends at 03:00 EDT (07:00Z)');
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-03-09 04:59:59Z'), 'the day after: 00:59:59 EDT (04:59:59Z) is outside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-03-09 05:00Z'), 'the day after: 01:00 EDT (05:00Z) is inside');
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-03-09 07:00Z'), 'the day after: 03:00 EDT (07:00Z) is outside');

-- DST, fall back: 2026-11-01 in New York, 02:00 EDT (06:00Z) becomes 01:00 EST.
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-11-01 04:59:59Z'), 'fall back: 00:59:59 EDT (04:59:59Z) is outside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-11-01 05:00Z'), 'fall back: the first 01:00 (EDT, 05:00Z) is inside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-11-01 05:59:59Z'), 'fall back: 01:59:59 EDT (05:59:59Z) is inside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-11-01 06:30Z'), 'fall back: the repeated 01:30 (EST, 06:30Z) is inside');
select tap.ok(vigil._in_recurrence((select r from ny), '2026-11-01 07:59:59Z'), 'fall back: 02:59:59 EST (07:59:59Z) is inside');
select tap.ok(not vigil._in_recurrence((select r from ny), '2026-11-01 08:00Z'), 'fall back: 03:00 EST (08:00Z) is outside: the window lasted three hours');
select tap.is(vigil._recurrence_until((select r from ny), '2026-11-01 05:00Z'), '2026-11-01 08:00Z'::timestamptz,
  'fall back: the occurrence ends at 03:00 EST (08:00Z)');
select tap.is(vigil._recurrence_until((select r from ny), '2026-11-01 08:00Z'), null::timestamptz,
  'outside an occurrence there is no end');

-- Past midnight: Fridays 22:00 to 02:00 in Berlin (CEST, UTC+2 in June); 2026-06-05 is a Friday.
create temp table fri as select pg_temp.r('{5}', '22:00', '02:00', 'Europe/Berlin') as r;
select tap.ok(not vigil._in_recurrence((select r from fri), '2026-06-05 19:59:59Z'), 'past midnight: Friday 21:59:59 is outside');
select tap.ok(vigil._in_recurrence((select r from fri), '2026-06-05 20:00Z'), 'past midnight: Friday 22:00 is inside');
select tap.ok(vigil._in_recurrence((select r from fri), '2026-06-05 23:59:59Z'), 'past midnight: Saturday 01:59:59 is inside (the occurrence started on Friday)');
select tap.ok(not vigil._in_recurrence((select r from fri), '2026-06-06 00:00Z'), 'past midnight: Saturday 02:00 is outside');
select tap.is(vigil._recurrence_until((select r from fri), '2026-06-05 21:00Z'), '2026-06-06 00:00Z'::timestamptz,
  'past midnight: the occurrence ends on Saturday at 02:00 local');
select tap.ok(not vigil._in_recurrence((select r from fri), '2026-06-04 23:30Z'), 'past midnight: Friday 01:30 is outside (Thursday is not a listed day)');
select tap.ok(not vigil._in_recurrence((select r from fri), '2026-06-06 21:00Z'), 'past midnight: Saturday 23:00 is outside');
select tap.ok(vigil._in_recurrence(pg_temp.r(null, '20:00', '00:00', 'UTC'), '2026-06-06 23:59:59Z')
              and not vigil._in_recurrence(pg_temp.r(null, '20:00', '00:00', 'UTC'), '2026-06-07 00:00Z'),
  'an end at 00:00 is midnight at the end of the day');
select tap.ok(vigil._in_recurrence(pg_temp.r(null, '00:00', '24:00', 'UTC'), '2026-06-06 23:59:59Z'),
  '00:00 to 24:00 is the whole day');

-- Date range: occurrences start from first_day to last_day (local dates, inclusive).
create temp table days as select pg_temp.r(null, '09:00', '17:00', 'UTC', '2026-06-10', '2026-06-12') as r;
select tap.ok(not vigil._in_recurrence((select r from days), '2026-06-09 10:00Z'), 'date range: the day before first_day is outside');
select tap.ok(vigil._in_recurrence((select r from days), '2026-06-10 09:00Z'), 'date range: first_day is inside');
select tap.ok(vigil._in_recurrence((select r from days), '2026-06-12 16:59:59Z'), 'date range: last_day is inside');
select tap.ok(not vigil._in_recurrence((select r from days), '2026-06-13 10:00Z'), 'date range: the day after last_day is outside');
create temp table nights as select pg_temp.r(null, '22:00', '02:00', 'UTC', '2026-06-10', '2026-06-12') as r;
select tap.ok(not vigil._in_recurrence((select r from nights), '2026-06-10 01:00Z')
              and vigil._in_recurrence((select r from nights), '2026-06-13 01:00Z')
              and not vigil._in_recurrence((select r from nights), '2026-06-13 23:00Z'),
  'date range, past midnight: the range bounds the day an occurrence starts');

select * from tap.finish();
rollback;
