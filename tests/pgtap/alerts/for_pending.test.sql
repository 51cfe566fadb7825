-- for (docs/alert-state.md, "States and events"): with for_duration 5 minutes
-- a breach is pending first (event pending, active_at = p_now); while pending
-- the severity follows the condition without an event; a pending alert whose
-- condition goes away is deleted without an event, so the timer starts over
-- (Prometheus); when it comes back it is a new pending alert with a new
-- active_at, and it fires (event firing, fired_at = p_now) only once p_now -
-- active_at >= for_duration counted from that NEW active_at.
--
-- Evaluations go through vigil.tick (fixtures.sql), one tick per replayed
-- minute.
--
-- Flapping events are left out of the event list (flapping.test.sql).
begin;
select tap.plan(14);
\ir fixtures.sql

create table test.feed (series text primary key, value double precision);
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f $$;
-- Sets series a to p_value, then ticks at minute p_minute (test.tick: c must run ok).
create function test.step(p_minute integer, p_value double precision) returns void language plpgsql set search_path = '' as $$
begin
  update test.feed f set value = p_value where f.series = 'a';
  perform test.tick(p_minute);
end $$;
create function test.events() returns table (at timestamptz, event text, severity text)
language sql set search_path = '' as $$
  select e.at, e.event, case when e.event in ('firing', 'severity_changed') then e.severity end
    from vigil.alert_events e
   where e.check_name = 'c' and e.event not in ('flapping_started', 'flapping_stopped')
   order by e.id $$;
create function test.state() returns table (state text, severity text, active_at timestamptz, fired_at timestamptz)
language sql set search_path = '' as $$
  select s.state, s.severity, s.active_at, s.fired_at from vigil.alert_state s where s.check_name = 'c' and s.series = 'a' $$;

delete from vigil.checks;  -- only this file's checks
insert into test.feed values ('a', 0);
do $$ begin perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                                    p_for => '5 minutes'); end $$;

do $$ begin perform test.step(0, 85); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('pending', 'warning', test.t(0), null::timestamptz)$$,
  '12:00 85: pending, active_at 12:00, not fired');
do $$ begin perform test.step(1, 85); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('pending', 'warning', test.t(0), null::timestamptz)$$,
  '12:01 85: still pending, same active_at');
select tap.is(
  (select e.alert_id from vigil.alert_events e where e.check_name = 'c' and e.event = 'pending'),
  (select s.id from vigil.alert_state s where s.check_name = 'c'),
  'the pending event belongs to the pending row');

do $$ begin perform test.step(2, 50); end $$;
select tap.is_empty($$select * from test.state()$$, '12:02 50: the pending alert is deleted');
select tap.results_eq($$select * from test.events()$$, $$values (test.t(0), 'pending', null::text)$$,
  '... without an event');

do $$ begin perform test.step(3, 85); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('pending', 'warning', test.t(3), null::timestamptz)$$,
  '12:03 85: a new pending alert with active_at 12:03');
do $$ begin perform test.step(4, 95); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('pending', 'critical', test.t(3), null::timestamptz)$$,
  '12:04 95: still pending; the severity follows the condition to critical');
select tap.results_eq($$select * from test.events()$$,
  $$values (test.t(0), 'pending', null::text), (test.t(3), 'pending', null)$$,
  '... without an event for the severity change while pending');

do $$
begin
  perform test.step(5, 95);  -- 5 minutes after the first, deleted, active_at: must not fire
  perform test.step(6, 95);
  perform test.step(7, 95);
end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('pending', 'critical', test.t(3), null::timestamptz)$$,
  '12:07: still pending (the timer started over at 12:03, not 12:00)');

do $$ begin perform test.step(8, 95); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'critical', test.t(3), test.t(8))$$,
  '12:08, 5 minutes after the new active_at: firing, fired_at 12:08');
select tap.results_eq($$select * from test.events()$$,
  $$values (test.t(0), 'pending', null::text), (test.t(3), 'pending', null), (test.t(8), 'firing', 'critical')$$,
  'events: pending, pending, firing (critical)');

-- Once firing, severity changes do not wait for for_duration.
do $$ begin perform test.step(9, 85); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'warning', test.t(3), test.t(8))$$,
  '12:09 85: firing warning at once');
do $$ begin perform test.step(10, 95); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'critical', test.t(3), test.t(8))$$,
  '12:10 95: firing critical at once, no pending');
select tap.results_eq($$select * from test.events() where at > test.t(8)$$,
  $$values (test.t(9), 'severity_changed', 'warning'), (test.t(10), 'severity_changed', 'critical')$$,
  'events: severity_changed warning at 12:09, severity_changed critical at 12:10');

select * from tap.finish();
rollback;
