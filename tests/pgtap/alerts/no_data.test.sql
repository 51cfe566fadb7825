-- No data (docs/alert-state.md, "No data"), no_data_after 2, warning 80,
-- critical 90 unless said otherwise. Series vanish at 12:01 (b of nd_alert
-- at 12:02); the checks keep running ok every minute: each replayed minute
-- is one vigil.tick (fixtures.sql), which runs every check of this file.
--   nd_ok        ('ok'): the firing alert stays firing on the 1st missing run,
--                resolves on the 2nd with a no_data event, and no further
--                no_data event; missing_count keeps counting; when the series
--                comes back above the threshold it fires again and
--                missing_count is 0.
--   nd_ok_kf     ('ok', keep_firing_for 3 min): the no-data resolve honours
--                keep_firing_for (keep_firing_since = the 2nd missing run).
--   nd_ok_for    ('ok', for 10 min): a pending alert is deleted on the 2nd
--                missing run; the no_data event is still written then.
--   nd_keep      ('keep'): a firing critical alert stays firing critical,
--                with no event, however long the series is missing.
--   nd_alert     ('alert'): on the 2nd missing run the condition is critical
--                (the check has a critical threshold): a firing warning alert
--                changes to critical (severity_changed) with a no_data event;
--                a resolved alert (series b) fires critical with a no_data
--                event.
--   nd_alert_nocrit ('alert', no critical threshold): the condition is
--                warning, so a firing warning alert stays warning; only the
--                no_data event.
-- The contract lists the state events of one run without saying whether
-- resolved/severity_changed/firing or no_data comes first, so events are
-- compared ordered by (at, series, event), not by id.
--
-- Flapping events are left out of the event lists (flapping.test.sql).
begin;
select tap.plan(23);
\ir fixtures.sql

create table test.feed (check_name text, series text, value double precision, primary key (check_name, series));
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f where f.check_name = p_params->>'_check' $$;
create function test.events(p_check text) returns table (at timestamptz, series text, event text, severity text)
language sql set search_path = '' as $$
  select e.at, e.series, e.event, case when e.event in ('firing', 'severity_changed') then e.severity end
    from vigil.alert_events e
   where e.check_name = p_check and e.event not in ('flapping_started', 'flapping_stopped')
   order by e.at, e.series, e.event $$;
create function test.state(p_check text, p_series text default 'a')
returns table (state text, severity text, missing_count integer)
language sql set search_path = '' as $$
  select s.state, s.severity, s.missing_count from vigil.alert_state s where s.check_name = p_check and s.series = p_series $$;

delete from vigil.checks;  -- only this file's checks
do $$
begin
  perform vigil.add_check(p_name => 'nd_ok', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                          p_no_data => 'ok', p_no_data_after => 2);
  perform vigil.add_check(p_name => 'nd_ok_kf', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                          p_no_data => 'ok', p_no_data_after => 2, p_keep_firing_for => '3 minutes');
  perform vigil.add_check(p_name => 'nd_ok_for', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                          p_no_data => 'ok', p_no_data_after => 2, p_for => '10 minutes');
  perform vigil.add_check(p_name => 'nd_keep', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                          p_no_data => 'keep', p_no_data_after => 2);
  perform vigil.add_check(p_name => 'nd_alert', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                          p_no_data => 'alert', p_no_data_after => 2);
  perform vigil.add_check(p_name => 'nd_alert_nocrit', p_function => 'test.feed_check', p_warning => 80,
                          p_no_data => 'alert', p_no_data_after => 2);
end $$;
insert into test.feed values
  ('nd_ok', 'a', 85), ('nd_ok_kf', 'a', 85), ('nd_ok_for', 'a', 85), ('nd_keep', 'a', 95),
  ('nd_alert', 'a', 85), ('nd_alert', 'b', 85), ('nd_alert_nocrit', 'a', 85);

do $$ begin perform test.tick(0); end $$;
select tap.set_eq(
  $$select check_name, series, state, severity from vigil.alert_state$$,
  $$values ('nd_ok', 'a', 'firing', 'warning'), ('nd_ok_kf', 'a', 'firing', 'warning'), ('nd_ok_for', 'a', 'pending', 'warning'),
           ('nd_keep', 'a', 'firing', 'critical'), ('nd_alert', 'a', 'firing', 'warning'), ('nd_alert', 'b', 'firing', 'warning'),
           ('nd_alert_nocrit', 'a', 'firing', 'warning')$$,
  '12:00: every series is firing (pending for nd_ok_for)');

-- 12:01: every a vanishes; nd_alert b goes back to 50 and resolves.
delete from test.feed where series = 'a';
update test.feed set value = 50 where check_name = 'nd_alert' and series = 'b';
do $$ begin perform test.tick(1); end $$;
select tap.set_eq(
  $$select check_name, series, state, missing_count from vigil.alert_state$$,
  $$values ('nd_ok', 'a', 'firing', 1), ('nd_ok_kf', 'a', 'firing', 1), ('nd_ok_for', 'a', 'pending', 1),
           ('nd_keep', 'a', 'firing', 1), ('nd_alert', 'a', 'firing', 1), ('nd_alert', 'b', 'resolved', 0),
           ('nd_alert_nocrit', 'a', 'firing', 1)$$,
  '12:01, 1st missing run: missing_count 1, nothing else changes yet');
select tap.is(
  (select pg_catalog.count(*)::int from vigil.alert_events e where e.at = test.t(1) and e.event = 'no_data'), 0,
  '... and no no_data event before no_data_after missing runs');

-- 12:02: b vanishes too.
delete from test.feed where check_name = 'nd_alert' and series = 'b';
do $$ begin perform test.tick(2); end $$;

select tap.results_eq($$select state, missing_count from test.state('nd_ok')$$, $$values ('resolved', 2)$$,
  'ok, 12:02 (2nd missing run): resolved');
select tap.is((select resolved_at from vigil.alert_state where check_name = 'nd_ok'), test.t(2), '... resolved_at 12:02');

select tap.results_eq($$select state, keep_firing_since from vigil.alert_state where check_name = 'nd_ok_kf'$$,
  $$values ('firing', test.t(2))$$, 'ok with keep_firing_for: still firing at 12:02, keep_firing_since 12:02');

select tap.is_empty($$select 1 from vigil.alert_state where check_name = 'nd_ok_for'$$,
  'ok, pending alert: deleted on the 2nd missing run');

select tap.results_eq($$select * from test.state('nd_alert')$$, $$values ('firing', 'critical', 2)$$,
  'alert, firing warning: critical on the 2nd missing run (the check has a critical threshold)');
select tap.results_eq($$select state, missing_count from test.state('nd_alert', 'b')$$, $$values ('resolved', 1)$$,
  'alert, resolved b: still resolved on its 1st missing run');
select tap.results_eq($$select * from test.state('nd_alert_nocrit')$$, $$values ('firing', 'warning', 2)$$,
  'alert without a critical threshold: stays warning');

do $$
begin
  perform test.tick(3);
  perform test.tick(4);
end $$;
select tap.results_eq($$select state, missing_count from test.state('nd_ok')$$, $$values ('resolved', 4)$$,
  'ok, 12:04: still resolved, missing_count 4');
select tap.results_eq($$select state, resolved_at from vigil.alert_state where check_name = 'nd_ok_kf'$$,
  $$values ('firing', null::timestamptz)$$, 'ok with keep_firing_for: still firing at 12:04');
select tap.results_eq($$select state, fired_at from vigil.alert_state where check_name = 'nd_alert' and series = 'b'$$,
  $$values ('firing', test.t(3))$$, 'alert, b: fires on its 2nd missing run (12:03)');
select tap.is((select severity from vigil.alert_state where check_name = 'nd_alert' and series = 'b'), 'critical',
  '... critical');

do $$ begin perform test.tick(5); end $$;
select tap.results_eq($$select state, resolved_at from vigil.alert_state where check_name = 'nd_ok_kf'$$,
  $$values ('resolved', test.t(5))$$, 'ok with keep_firing_for: resolved at 12:05, 3 minutes after 12:02');

insert into test.feed values ('nd_ok', 'a', 85);
do $$ begin perform test.tick(6); end $$;
select tap.results_eq($$select state, fired_at, missing_count from vigil.alert_state where check_name = 'nd_ok'$$,
  $$values ('firing', test.t(6), 0)$$, 'ok: the series comes back at 85 and fires again, missing_count 0');
select tap.results_eq($$select state, severity, missing_count from vigil.alert_state where check_name = 'nd_keep'$$,
  $$values ('firing', 'critical', 6)$$, 'keep: still firing critical after 6 missing runs');

select tap.results_eq(
  $$select series, at, event, severity from test.events('nd_ok')$$,
  $$values ('a', test.t(0), 'firing', 'warning'), ('a', test.t(2), 'no_data', null), ('a', test.t(2), 'resolved', null),
           ('a', test.t(6), 'firing', 'warning')$$,
  'events of nd_ok: no_data and resolved at the 2nd missing run, once; firing again when the series is back');
select tap.results_eq(
  $$select series, at, event, severity from test.events('nd_ok_kf')$$,
  $$values ('a', test.t(0), 'firing', 'warning'), ('a', test.t(2), 'no_data', null), ('a', test.t(5), 'resolved', null)$$,
  'events of nd_ok_kf: no_data at the 2nd missing run, resolved keep_firing_for later');
-- The contract writes no_data "once, when missing_count reaches
-- no_data_after" for the series, whatever its state; deleting the pending row
-- does not take that event away.
select tap.results_eq(
  $$select series, at, event, severity from test.events('nd_ok_for')$$,
  $$values ('a', test.t(0), 'pending', null), ('a', test.t(2), 'no_data', null)$$,
  'events of nd_ok_for: pending, then no_data when the pending alert is deleted');
select tap.results_eq(
  $$select series, at, event, severity from test.events('nd_keep')$$,
  $$values ('a', test.t(0), 'firing', 'critical')$$,
  'events of nd_keep: only the firing (keep writes no no_data event)');
select tap.results_eq(
  $$select series, at, event, severity from test.events('nd_alert')$$,
  $$values ('a', test.t(0), 'firing', 'warning'), ('b', test.t(0), 'firing', 'warning'),
           ('b', test.t(1), 'resolved', null),
           ('a', test.t(2), 'no_data', null), ('a', test.t(2), 'severity_changed', 'critical'),
           ('b', test.t(3), 'firing', 'critical'), ('b', test.t(3), 'no_data', null)$$,
  'events of nd_alert: a no_data + severity_changed critical at 12:02; b no_data + firing critical at 12:03');
select tap.results_eq(
  $$select series, at, event, severity from test.events('nd_alert_nocrit')$$,
  $$values ('a', test.t(0), 'firing', 'warning'), ('a', test.t(2), 'no_data', null)$$,
  'events of nd_alert_nocrit: only no_data at 12:02');

select * from tap.finish();
rollback;
