-- Fire and resolve (docs/alert-state.md, "States and events"): with for 0 a
-- warning fires on the first evaluation that sees it (state firing, event
-- firing with its severity, active_at = fired_at = p_now), stays firing
-- without new events while the condition holds, resolves on the first
-- evaluation where it is gone (state resolved, resolved_at = p_now, event
-- resolved), and fires again from resolved like a new alert. A series that
-- never breaches gets no row. The row's labels and fingerprint follow the
-- contract.
--
-- Evaluations go through vigil.tick (fixtures.sql), one tick per replayed
-- minute.
--
-- Flapping events are left out of the event lists here: a 1,1,0 history is
-- already a percent state change of 60 (>= 20) under the contract, which
-- flapping.test.sql asserts; this file is about the state events.
begin;
select tap.plan(14);
\ir fixtures.sql

create table test.feed (series text primary key, value double precision, labels jsonb not null default '{}');
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select f.series, f.value, f.labels, null::jsonb from test.feed f $$;
-- Sets series a to p_value, then ticks at minute p_minute (test.tick: c must run ok).
create function test.step(p_minute integer, p_value double precision) returns void language plpgsql set search_path = '' as $$
begin
  update test.feed f set value = p_value where f.series = 'a';
  perform test.tick(p_minute);
end $$;
-- State events of check c in the order written; severity only where the contract gives it.
create function test.events() returns table (at timestamptz, event text, severity text)
language sql set search_path = '' as $$
  select e.at, e.event, case when e.event in ('firing', 'severity_changed') then e.severity end
    from vigil.alert_events e
   where e.check_name = 'c' and e.event not in ('flapping_started', 'flapping_stopped')
   order by e.id $$;

delete from vigil.checks;  -- only this file's checks
insert into test.feed values ('a', 0, '{"db": "shop"}'), ('quiet', 10, '{}');
do $$ begin perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                                    p_labels => '{"team": "db"}'); end $$;

do $$ begin perform test.step(0, 85); end $$;
select tap.results_eq(
  $$select state, severity, active_at, fired_at, resolved_at from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('firing', 'warning', test.t(0), test.t(0), null::timestamptz)$$,
  '85 >= warning 80 with for 0: firing at once, active_at = fired_at = now');
select tap.results_eq($$select * from test.events()$$, $$values (test.t(0), 'firing', 'warning')$$,
  '... one firing event with severity warning');
select tap.is(
  (select e.alert_id from vigil.alert_events e where e.check_name = 'c' and e.event = 'firing'),
  (select s.id from vigil.alert_state s where s.check_name = 'c' and s.series = 'a'),
  '... whose alert_id is the alert_state row');
select tap.is(
  (select e.series from vigil.alert_events e where e.check_name = 'c' and e.event = 'firing'), 'a',
  '... and whose series is the series');
select tap.is_empty($$select 1 from vigil.alert_state where check_name = 'c' and series = 'quiet'$$,
  'a series that never breached has no alert_state row');
select tap.is(
  (select labels from vigil.alert_state where check_name = 'c' and series = 'a'),
  '{"team": "db", "db": "shop", "check": "c", "series": "a"}'::jsonb,
  'labels = check labels || series labels || {check, series}');
select tap.is(
  (select fingerprint from vigil.alert_state where check_name = 'c' and series = 'a'),
  pg_catalog.left(pg_catalog.md5('c' || E'\x1f' || 'a'), 16),
  'fingerprint = first 16 hex characters of md5(check || 0x1f || series)');

do $$ begin perform test.step(1, 86); end $$;
select tap.results_eq(
  $$select state, severity, active_at, fired_at from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('firing', 'warning', test.t(0), test.t(0))$$,
  'still 86: still firing, active_at and fired_at unchanged');
select tap.is((select pg_catalog.count(*)::int from test.events()), 1, '... and no new event');

do $$ begin perform test.step(2, 50); end $$;
select tap.results_eq(
  $$select state, resolved_at from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('resolved', test.t(2))$$,
  '50 < 80: resolved, resolved_at = now');
select tap.results_eq($$select * from test.events()$$,
  $$values (test.t(0), 'firing', 'warning'), (test.t(2), 'resolved', null)$$,
  '... events: firing, then resolved');

do $$ begin perform test.step(3, 50); end $$;
select tap.is((select pg_catalog.count(*)::int from test.events()), 2, 'still 50: no new event');

do $$ begin perform test.step(4, 95); end $$;
select tap.results_eq(
  $$select state, severity, active_at, fired_at from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('firing', 'critical', test.t(4), test.t(4))$$,
  'a resolved alert whose condition comes back fires again, with a new active_at and fired_at');
select tap.results_eq($$select * from test.events()$$,
  $$values (test.t(0), 'firing', 'warning'), (test.t(2), 'resolved', null), (test.t(4), 'firing', 'critical')$$,
  '... events: firing, resolved, firing (critical)');

select * from tap.finish();
rollback;
