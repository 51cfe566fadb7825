-- Severity with hysteresis (docs/alert-state.md, "Condition with hysteresis"
-- and "States and events"): warning 80 / exit 70, critical 90 / exit 85,
-- direction above.
--   82 -> firing warning;
--   95 -> severity_changed to critical at once (no pending, for 0);
--   87 -> still critical (>= critical_exit 85), no event;
--   84 -> severity_changed to warning (below critical_exit, above warning_exit);
--   88 -> still warning: from warning, critical needs the enter threshold 90;
--   65 -> resolved;
--   95 -> fires critical straight from resolved;
--   60 -> resolved straight from critical (below both exits).
-- max_severity caps the result: warning turns critical into warning, info
-- turns every severity into info.
--
-- Evaluations go through vigil.tick (fixtures.sql), one tick per replayed
-- minute.
--
-- Flapping events are left out of the event lists (flapping.test.sql).
begin;
select tap.plan(12);
\ir fixtures.sql

create table test.feed (series text primary key, value double precision);
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f $$;
-- Sets series a (read by every check) to p_value, then ticks at minute
-- p_minute: the one tick runs all three checks (test.tick: each must run ok).
create function test.step(p_minute integer, p_value double precision) returns void language plpgsql set search_path = '' as $$
begin
  update test.feed f set value = p_value where f.series = 'a';
  perform test.tick(p_minute);
end $$;
create function test.events(p_check text) returns table (at timestamptz, event text, severity text)
language sql set search_path = '' as $$
  select e.at, e.event, case when e.event in ('firing', 'severity_changed') then e.severity end
    from vigil.alert_events e
   where e.check_name = p_check and e.event not in ('flapping_started', 'flapping_stopped')
   order by e.id $$;
create function test.state(p_check text) returns table (state text, severity text)
language sql set search_path = '' as $$
  select s.state, s.severity from vigil.alert_state s where s.check_name = p_check and s.series = 'a' $$;

delete from vigil.checks;  -- only this file's checks
insert into test.feed values ('a', 0);
do $$ begin perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check',
  p_warning => 80, p_warning_exit => 70, p_critical => 90, p_critical_exit => 85); end $$;
do $$ begin perform vigil.add_check(p_name => 'c_max_warning', p_function => 'test.feed_check',
  p_warning => 80, p_warning_exit => 70, p_critical => 90, p_critical_exit => 85, p_max_severity => 'warning'); end $$;
do $$ begin perform vigil.add_check(p_name => 'c_max_info', p_function => 'test.feed_check',
  p_warning => 80, p_warning_exit => 70, p_critical => 90, p_critical_exit => 85, p_max_severity => 'info'); end $$;

do $$ begin perform test.step(0, 82); end $$;
select tap.results_eq($$select * from test.state('c')$$, $$values ('firing', 'warning')$$, '82: firing warning');
do $$ begin perform test.step(1, 95); end $$;
select tap.results_eq($$select * from test.state('c')$$, $$values ('firing', 'critical')$$, '95: critical at once');
do $$ begin perform test.step(2, 87); end $$;
select tap.results_eq($$select * from test.state('c')$$, $$values ('firing', 'critical')$$,
  '87: still critical (>= critical_exit 85)');
do $$ begin perform test.step(3, 84); end $$;
select tap.results_eq($$select * from test.state('c')$$, $$values ('firing', 'warning')$$,
  '84: back to warning (below critical_exit 85, >= warning_exit 70)');
do $$ begin perform test.step(4, 88); end $$;
select tap.results_eq($$select * from test.state('c')$$, $$values ('firing', 'warning')$$,
  '88: still warning (from warning, critical needs the enter threshold 90)');
do $$ begin perform test.step(5, 65); end $$;
select tap.results_eq($$select state, resolved_at from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('resolved', test.t(5))$$, '65: resolved (below warning_exit 70)');
do $$ begin perform test.step(6, 95); end $$;
select tap.results_eq($$select * from test.state('c')$$, $$values ('firing', 'critical')$$,
  '95 from resolved: fires critical directly');
do $$ begin perform test.step(7, 60); end $$;
select tap.results_eq(
  $$select * from test.events('c')$$,
  $$values (test.t(0), 'firing', 'warning'),
           (test.t(1), 'severity_changed', 'critical'),
           (test.t(3), 'severity_changed', 'warning'),
           (test.t(5), 'resolved', null),
           (test.t(6), 'firing', 'critical'),
           (test.t(7), 'resolved', null)$$,
  'events: firing warning, severity_changed critical, severity_changed warning, resolved, firing critical, resolved');

select tap.results_eq(
  $$select * from test.events('c_max_warning')$$,
  $$values (test.t(0), 'firing', 'warning'), (test.t(5), 'resolved', null),
           (test.t(6), 'firing', 'warning'), (test.t(7), 'resolved', null)$$,
  'max_severity warning: critical values fire as warning and change no severity');
select tap.is(
  (select pg_catalog.count(*)::int from vigil.alert_events e where e.check_name = 'c_max_warning' and e.severity = 'critical'), 0,
  '... and no event of that check says critical');
select tap.results_eq(
  $$select * from test.events('c_max_info')$$,
  $$values (test.t(0), 'firing', 'info'), (test.t(5), 'resolved', null),
           (test.t(6), 'firing', 'info'), (test.t(7), 'resolved', null)$$,
  'max_severity info: every severity becomes info');
select tap.is(
  (select pg_catalog.count(*)::int from vigil.alert_events e where e.check_name = 'c_max_info' and e.severity in ('warning', 'critical')), 0,
  '... and no event of that check says warning or critical');

select * from tap.finish();
rollback;
