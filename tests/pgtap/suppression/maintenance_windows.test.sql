-- Maintenance windows: vigil.add_maintenance_window takes either a one-off
-- period or a recurrence (not both, not neither), validates everything
-- before writing (22023 / 2201B, naming the bad value) and stores parsed
-- matchers; no matchers covers every alert. A one-off window is active in
-- [starts_at, ends_at); a recurring one in its occurrences, DST included;
-- a window with matchers covers only the alerts whose labels match.
-- vigil.end_maintenance_window ends it at p_now (unknown id P0002, already
-- over 55000), and an ended window still counts before it was ended.
begin;
select tap.plan(38);
set local timezone = 'UTC';

-- The HINT of the error a statement raises, or null.
\ir ../hint_of.sql

-- Validation.
select tap.throws_ok($$select vigil.add_maintenance_window('x')$$,
  '22023', 'a maintenance window needs a period: p_ends_at (one-off) or p_start_time, p_end_time and p_time_zone (recurring)', 'neither kind is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_starts_at => '2026-06-01 10:00Z', p_ends_at => '2026-06-01 11:00Z', p_time_zone => 'UTC')$$,
  '22023', 'a maintenance window is either one-off or recurring, not both (got p_starts_at, p_ends_at, p_time_zone)', 'mixing the kinds is refused, naming the parameters');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'a one-off maintenance window needs p_ends_at (it starts at 2026-06-01 10:00:00+00)', 'a one-off window without an end is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_starts_at => '2026-06-01 10:00Z', p_ends_at => '2026-06-01 09:00Z')$$,
  '22023', 'maintenance window ends at 2026-06-01 09:00:00+00, which is not after its start 2026-06-01 10:00:00+00', 'an end before the start is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_starts_at => '2026-06-01 10:00Z', p_ends_at => '2026-06-01 10:00Z')$$,
  '22023', 'maintenance window ends at 2026-06-01 10:00:00+00, which is not after its start 2026-06-01 10:00:00+00', 'an end equal to the start is refused');
select tap.throws_ok($$select vigil.add_maintenance_window(' ', p_starts_at => '2026-06-01 10:00Z', p_ends_at => '2026-06-01 11:00Z')$$,
  '22023', 'a maintenance window needs a title, not '' ''', 'a blank title is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_starts_at => '2026-06-01 10:00Z', p_ends_at => '2026-06-01 11:00Z', p_created_by => '')$$,
  '22023', 'a maintenance window needs who created it (p_created_by), not ''''', 'a blank created_by is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_start_time => '01:00', p_end_time => '03:00', p_time_zone => 'Europe/Berlln')$$,
  '22023', 'unknown time zone: ''Europe/Berlln''', 'an unknown time zone is refused, naming it');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_start_time => '01:00', p_end_time => '03:00')$$,
  '22023', 'a recurring interval needs a time zone', 'a recurring window without a time zone is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_weekdays => array[1, 100000], p_start_time => '01:00', p_end_time => '03:00', p_time_zone => 'UTC')$$,
  '22023', 'weekdays must be ISO weekday numbers 1 to 7, not 100000', 'a weekday outside 1..7 is refused, naming it');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_start_time => '03:00', p_end_time => '03:00', p_time_zone => 'UTC')$$,
  '22023', 'start time and end time are both 03:00:00: the interval would be empty', 'start = end is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', p_start_time => '01:00', p_end_time => '03:00', p_time_zone => 'UTC', p_first_day => '2026-06-02', p_last_day => '2026-06-01')$$,
  '22023', 'last day 2026-06-01 is before first day 2026-06-02', 'last_day before first_day is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', array['check=~replication_(lag'], p_starts_at => '2026-06-01 10:00Z', p_ends_at => '2026-06-01 11:00Z')$$,
  '2201B', null, 'a bad regex is refused');
select tap.throws_ok($$select vigil.add_maintenance_window('x', array['service db'], p_starts_at => '2026-06-01 10:00Z', p_ends_at => '2026-06-01 11:00Z')$$,
  '22023', 'invalid matcher: ''service db''', 'a malformed matcher is refused, naming it');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.unnest(array[
     $q$select vigil.add_maintenance_window('x')$q$,
     $q$select vigil.add_maintenance_window('x', p_ends_at => '2026-06-01 11:00Z', p_time_zone => 'UTC')$q$,
     $q$select vigil.add_maintenance_window('x', p_starts_at => '2026-06-01 10:00Z')$q$,
     $q$select vigil.add_maintenance_window('x', p_starts_at => '2026-06-01 10:00Z', p_ends_at => '2026-06-01 09:00Z')$q$,
     $q$select vigil.add_maintenance_window('', p_ends_at => '2026-06-01 11:00Z')$q$,
     $q$select vigil.add_maintenance_window('x', p_ends_at => '2026-06-01 11:00Z', p_created_by => null)$q$,
     $q$select vigil.add_maintenance_window('x', p_weekdays => array[0], p_start_time => '01:00', p_end_time => '03:00', p_time_zone => 'UTC')$q$,
     $q$select vigil.add_maintenance_window('x', p_start_time => '01:00', p_end_time => '03:00', p_time_zone => 'Nowhere')$q$,
     $q$select vigil.add_maintenance_window('x', array['a=~('], p_ends_at => '2026-06-01 11:00Z')$q$,
     $q$select vigil.end_maintenance_window(999999999)$q$]) s
    where pg_temp.hint_of(s) is not null),
  10, 'every refusal comes with a HINT');
select tap.is((select pg_catalog.count(*)::int from vigil.maintenance_windows), 0, 'nothing was written by the refused calls');

-- A one-off window for everything, and one for the db service.
do $$ begin
  perform vigil.add_maintenance_window('PG 17 upgrade', p_starts_at => '2026-06-01 22:00Z', p_ends_at => '2026-06-01 23:30Z',
                                       p_reason => 'CHG-1', p_created_by => 'alice');
  perform vigil.add_maintenance_window('replica rebuild', array['service=db', 'series=~replica[0-9]+'],
                                       p_starts_at => '2026-06-02 08:00Z', p_ends_at => '2026-06-02 12:00Z', p_created_by => 'bob');
end $$;
select tap.results_eq(
  $$select title, reason, created_by, kind, starts_at, ends_at, recurrence is null, matchers, ended_at, suppressed_count
      from vigil.maintenance_windows where title = 'PG 17 upgrade'$$,
  $$values ('PG 17 upgrade', 'CHG-1', 'alice', 'one_off', '2026-06-01 22:00Z'::timestamptz, '2026-06-01 23:30Z'::timestamptz,
            true, '[]'::jsonb, null::timestamptz, 0::bigint)$$,
  'a one-off window is stored with no matchers, not ended, nothing suppressed');
select tap.is((select w.created_by from vigil.add_maintenance_window('mine', p_ends_at => pg_catalog.now() + interval '1 hour') w),
  session_user::text, 'created_by defaults to session_user, starts_at to now');
select tap.is((select matchers from vigil.maintenance_windows where title = 'replica rebuild'),
  '[{"name": "service", "op": "=", "value": "db"}, {"name": "series", "op": "=~", "value": "replica[0-9]+"}]'::jsonb,
  'the matchers are stored parsed');

select tap.ok(not exists (select from vigil._suppression_for('{"check": "x"}', null, '2026-06-01 21:59:59Z')),
  'one-off: nothing is suppressed before starts_at');
select tap.results_eq(
  $$select kind, title, until from vigil._suppression_for('{"check": "x", "service": "api"}', null, '2026-06-01 22:00Z')$$,
  $$values ('maintenance_window', 'PG 17 upgrade', '2026-06-01 23:30Z'::timestamptz)$$,
  'one-off: from starts_at (inclusive) a window without matchers covers any alert, until ends_at');
select tap.ok(not exists (select from vigil._suppression_for('{"check": "x"}', null, '2026-06-01 23:30Z')),
  'one-off: nothing is suppressed from ends_at on (exclusive)');

-- Matching by labels.
select tap.is((select title from vigil._suppression_for('{"check": "replication_lag", "service": "db", "series": "replica2"}', null, '2026-06-02 09:00Z')),
  'replica rebuild', 'a window with matchers covers an alert whose labels match');
select tap.ok(not exists (select from vigil._suppression_for('{"check": "replication_lag", "service": "api", "series": "replica2"}', null, '2026-06-02 09:00Z')),
  '... not one with another service');
select tap.ok(not exists (select from vigil._suppression_for('{"check": "replication_lag", "service": "db", "series": "primary"}', null, '2026-06-02 09:00Z')),
  '... nor one whose series does not match the anchored regex');

-- Ending a window.
select tap.throws_ok($$select vigil.end_maintenance_window(999999999, '2026-06-02 10:00Z')$$,
  'P0002', 'maintenance window 999999999 does not exist', 'ending an unknown window names it');
select tap.is(
  (select w.ended_at from vigil.end_maintenance_window((select id from vigil.maintenance_windows where title = 'replica rebuild'), '2026-06-02 10:00Z') w),
  '2026-06-02 10:00Z'::timestamptz, 'end_maintenance_window sets ended_at = p_now');
select tap.ok(exists (select from vigil._suppression_for('{"service": "db", "series": "replica2"}', null, '2026-06-02 09:59:59Z')),
  'an ended window still counts before it was ended (a replay sees what was)');
select tap.ok(not exists (select from vigil._suppression_for('{"service": "db", "series": "replica2"}', null, '2026-06-02 10:00Z')),
  '... and covers nothing from then on');
select tap.throws_ok(
  $$select vigil.end_maintenance_window((select id from vigil.maintenance_windows where title = 'replica rebuild'), '2026-06-02 10:30Z')$$,
  '55000', null, 'ending it again is refused');
select tap.throws_ok(
  $$select vigil.end_maintenance_window((select id from vigil.maintenance_windows where title = 'PG 17 upgrade'), '2026-06-01 23:30Z')$$,
  '55000', null, 'ending a one-off window that is over is refused');

-- A recurring window across DST: daily 01:00-03:00 New York time, for the db service.
do $$ begin
  perform vigil.add_maintenance_window('nightly backup', array['service=db'], p_start_time => '01:00', p_end_time => '03:00',
                                       p_time_zone => 'America/New_York', p_created_by => 'carol');
end $$;
select tap.is((select recurrence from vigil.maintenance_windows where title = 'nightly backup'),
  row('{1,2,3,4,5,6,7}'::smallint[], '01:00'::time, '03:00'::time, 'America/New_York', null::date, null::date)::vigil.recurrence,
  'a recurring window without weekdays runs every day');
select tap.results_eq(
  $$select t, exists (select from vigil._suppression_for('{"service": "db"}', null, t) s where s.kind = 'maintenance_window')
      from pg_catalog.unnest(array['2026-03-08 05:59:59Z', '2026-03-08 06:00Z', '2026-03-08 06:59:59Z', '2026-03-08 07:00Z']::timestamptz[]) t$$,
  $$values ('2026-03-08 05:59:59Z'::timestamptz, false), ('2026-03-08 06:00Z', true), ('2026-03-08 06:59:59Z', true), ('2026-03-08 07:00Z', false)$$,
  'recurring, spring forward: suppressing from 06:00Z (01:00 EST) to 07:00Z (03:00 EDT)');
select tap.results_eq(
  $$select t, exists (select from vigil._suppression_for('{"service": "db"}', null, t) s where s.kind = 'maintenance_window')
      from pg_catalog.unnest(array['2026-11-01 04:59:59Z', '2026-11-01 05:00Z', '2026-11-01 06:30Z', '2026-11-01 07:59:59Z', '2026-11-01 08:00Z']::timestamptz[]) t$$,
  $$values ('2026-11-01 04:59:59Z'::timestamptz, false), ('2026-11-01 05:00Z', true), ('2026-11-01 06:30Z', true),
           ('2026-11-01 07:59:59Z', true), ('2026-11-01 08:00Z', false)$$,
  'recurring, fall back: suppressing from 05:00Z (01:00 EDT) to 08:00Z (03:00 EST)');
select tap.is((select until from vigil._active_suppressions_at('2026-11-01 05:30Z') where title = 'nightly backup'),
  '2026-11-01 08:00Z'::timestamptz, 'recurring: until is the end of the current occurrence');
select tap.ok(not exists (select from vigil._suppression_for('{"service": "api"}', null, '2026-03-08 06:30Z')),
  'recurring: an alert of another service is not covered');
select tap.is(
  (select w.ended_at from vigil.end_maintenance_window((select id from vigil.maintenance_windows where title = 'nightly backup'), '2026-11-02 12:00Z') w),
  '2026-11-02 12:00Z'::timestamptz, 'a recurring window can be ended between occurrences');
select tap.ok(not exists (select from vigil._suppression_for('{"service": "db"}', null, '2026-11-03 06:30Z'))
              and exists (select from vigil._suppression_for('{"service": "db"}', null, '2026-11-02 06:30Z')),
  '... it has no further occurrences, and the earlier ones still count');

select * from tap.finish();
rollback;
