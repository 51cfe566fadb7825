-- Bad input to vigil.report: 22023 with the value in the message and a HINT.
begin;
select tap.plan(5);

select tap.throws_ok($$select * from vigil.report(p_time_zone => 'Mars/Olympus_Mons')$$, '22023',
  'unknown time zone: ''Mars/Olympus_Mons''', 'an unknown time zone is refused, named');
select tap.throws_ok($$select * from vigil.report(p_time_zone => null)$$, '22023',
  'unknown time zone: NULL', 'a null time zone too');
select tap.throws_ok($$select * from vigil.report('2026-03-11', 'UTC', '2026-03-10 23:59+00')$$, '22023',
  'day 2026-03-11 has not begun yet in UTC (now is 2026-03-10 23:59)', 'a day that has not begun is refused');

\ir ../hint_of.sql
select tap.matches(pg_temp.hint_of($$select * from vigil.report(p_time_zone => 'nowhere')$$), 'pg_timezone_names',
  '... the HINT says where the zone names are');
select tap.lives_ok($$select * from vigil.report('2026-03-10', 'europe/berlin', '2026-03-10 00:30+00')$$,
  'a zone name in any case, and the first hour of a day, are fine');

select * from tap.finish();
rollback;
