-- Per-series threshold overrides (vigil.set_threshold_override; docs/alert-
-- state.md, "Settings ... per-series overrides in vigil.threshold_overrides"):
-- check c has warning 100, critical 2000. An override matches series by a
-- SQL LIKE pattern; settings it leaves null fall back to the check's; when
-- several patterns match a series the longest pattern wins.
--   'big%'   warning 1000  -> big_table and big_other at 500 do not fire,
--                             small at 500 (no override) fires;
--   'big_t%' warning 200   -> (added at 12:01) big_table at 500 fires: its
--                             longer pattern beats 'big%'; big_other still not;
--   big_other at 2500      -> critical: 'big%' sets no critical, the check's
--                             2000 applies;
--   'slow%'  for 5 minutes -> slow_q at 500 is pending (warning falls back to
--                             the check's 100) and fires at 12:05;
--   'hyst%'  warning_exit 50 -> hyst_x fires at 500, stays firing at 60
--                             (>= its exit 50, though below the check's
--                             warning 100) and resolves at 40.
-- Events of different series in one run have no order in the contract, so
-- they are compared ordered by (at, series).
--
-- Evaluations go through vigil.tick (fixtures.sql), one tick per replayed
-- minute.
--
-- Flapping events are left out of the event list (flapping.test.sql).
begin;
select tap.plan(8);
\ir fixtures.sql

create table test.feed (series text primary key, value double precision);
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f $$;
create function test.events() returns table (at timestamptz, series text, event text, severity text)
language sql set search_path = '' as $$
  select e.at, e.series, e.event, case when e.event in ('firing', 'severity_changed') then e.severity end
    from vigil.alert_events e
   where e.check_name = 'c' and e.event not in ('flapping_started', 'flapping_stopped')
   order by e.at, e.series $$;

delete from vigil.checks;  -- only this file's checks
do $$
begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 100, p_critical => 2000);
  perform vigil.set_threshold_override('c', 'big%', p_warning => 1000);
  perform vigil.set_threshold_override('c', 'slow%', p_for => '5 minutes');
  perform vigil.set_threshold_override('c', 'hyst%', p_warning_exit => 50);
end $$;
insert into test.feed values ('big_table', 500), ('big_other', 500), ('small', 500), ('slow_q', 500), ('hyst_x', 500);

do $$ begin perform test.tick(0); end $$;
select tap.set_eq($$select series, state, severity from vigil.alert_state where check_name = 'c'$$,
  $$values ('small', 'firing', 'warning'), ('slow_q', 'pending', 'warning'), ('hyst_x', 'firing', 'warning')$$,
  '12:00: small (500 >= 100) fires; big_table and big_other (500 < 1000 for big%) do not; slow_q is pending');

do $$ begin perform vigil.set_threshold_override('c', 'big_t%', p_warning => 200); end $$;
do $$ begin perform test.tick(1); end $$;
select tap.set_eq($$select series, state, severity from vigil.alert_state where check_name = 'c'$$,
  $$values ('small', 'firing', 'warning'), ('slow_q', 'pending', 'warning'), ('hyst_x', 'firing', 'warning'),
           ('big_table', 'firing', 'warning')$$,
  '12:01, with big_t% warning 200: big_table fires (the longer pattern wins), big_other does not');

update test.feed set value = 2500 where series = 'big_other';
do $$ begin perform test.tick(2); end $$;
update test.feed set value = 60 where series = 'hyst_x';
do $$ begin perform test.ticks(3, 4); end $$;
select tap.results_eq($$select state from vigil.alert_state where check_name = 'c' and series = 'hyst_x'$$,
  $$values ('firing')$$, '12:04 hyst_x 60: still firing (>= its override warning_exit 50)');
select tap.results_eq($$select state, severity from vigil.alert_state where check_name = 'c' and series = 'big_other'$$,
  $$values ('firing', 'critical')$$, '12:02 big_other 2500: critical (the override sets no critical; the check''s 2000 applies)');
select tap.results_eq($$select state from vigil.alert_state where check_name = 'c' and series = 'slow_q'$$,
  $$values ('pending')$$, '12:04: slow_q still pending (for 5 minutes from its override)');

update test.feed set value = 40 where series = 'hyst_x';
do $$ begin perform test.tick(5); end $$;
select tap.results_eq($$select * from test.events()$$,
  $$values (test.t(0), 'hyst_x', 'firing', 'warning'), (test.t(0), 'slow_q', 'pending', null), (test.t(0), 'small', 'firing', 'warning'),
           (test.t(1), 'big_table', 'firing', 'warning'),
           (test.t(2), 'big_other', 'firing', 'critical'),
           (test.t(5), 'hyst_x', 'resolved', null), (test.t(5), 'slow_q', 'firing', 'warning')$$,
  'events: hyst_x, small fire and slow_q is pending at 12:00, big_table fires at 12:01, big_other critical at 12:02; at 12:05 hyst_x (40) resolves and slow_q fires');

select tap.lives_ok($$select vigil.remove_threshold_override('c', 'big%')$$,
  'vigil.remove_threshold_override removes an override');
select tap.throws_ok($$select vigil.remove_threshold_override('c', 'big%')$$, 'P0002', null,
  '... and names one that does not exist');

select * from tap.finish();
rollback;
