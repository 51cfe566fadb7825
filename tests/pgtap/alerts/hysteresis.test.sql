-- Hysteresis (docs/alert-state.md, "Condition with hysteresis"): warning 80,
-- warning_exit 70, direction above. An alert enters at >= 80, then stays
-- while the value is >= 70 (beyond(v, warning_exit)), including exactly 70,
-- and resolves below 70. Once resolved the previous severity is null again,
-- so a value inside the band (75) does not fire; only >= 80 (exactly 80
-- included) does.
--
-- Evaluations go through vigil.tick (fixtures.sql), one tick per replayed
-- minute.
--
-- Flapping events are left out of the event list (flapping.test.sql).
begin;
select tap.plan(9);
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
create function test.state() returns table (state text, severity text)
language sql set search_path = '' as $$
  select s.state, s.severity from vigil.alert_state s where s.check_name = 'c' and s.series = 'a' $$;

delete from vigil.checks;  -- only this file's checks
insert into test.feed values ('a', 0);
do $$ begin perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_warning_exit => 70); end $$;

do $$ begin perform test.step(0, 85); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'warning')$$, '85: fires (>= enter 80)');

do $$
begin
  perform test.step(1, 75);
  perform test.step(2, 79);
  perform test.step(3, 72);
end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'warning')$$,
  '75, 79, 72 (inside the band 70..80): still firing warning');
do $$ begin perform test.step(4, 70); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'warning')$$,
  '70, exactly the exit threshold: still firing (beyond is >=)');
do $$ begin perform test.step(5, 78); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'warning')$$, '78: still firing');
select tap.results_eq($$select * from test.events()$$, $$values (test.t(0), 'firing', 'warning')$$,
  '... and no event inside the band');

do $$ begin perform test.step(6, 69); end $$;
select tap.results_eq($$select state, resolved_at from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('resolved', test.t(6))$$, '69, below the exit threshold: resolved at 12:06');

do $$
begin
  perform test.step(7, 75);
  perform test.step(8, 79.9);
end $$;
select tap.results_eq($$select * from test.events()$$,
  $$values (test.t(0), 'firing', 'warning'), (test.t(6), 'resolved', null)$$,
  '75 and 79.9 after the resolve do not fire: below the enter threshold 80');

do $$ begin perform test.step(9, 80); end $$;
select tap.results_eq($$select state, active_at, fired_at from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('firing', test.t(9), test.t(9))$$, '80, exactly the enter threshold: fires again, new active_at and fired_at');
select tap.results_eq($$select * from test.events()$$,
  $$values (test.t(0), 'firing', 'warning'), (test.t(6), 'resolved', null), (test.t(9), 'firing', 'warning')$$,
  'events: firing, resolved, firing');

select * from tap.finish();
rollback;
