-- Direction below (docs/alert-state.md, "beyond" and "Condition with
-- hysteresis"), the mirror image of severity.test.sql: a cache hit ratio with
-- warning 99 / exit 99.5 and critical 95 / exit 96; beyond(x, t) is x <= t.
--   98.5 -> firing warning (<= 99);
--   94   -> severity_changed to critical (<= 95);
--   95.5 -> still critical (<= critical_exit 96);
--   97   -> severity_changed to warning (above critical_exit, <= warning_exit 99.5);
--   99.2 -> still warning (inside the band 99..99.5);
--   99.6 -> resolved (above warning_exit);
--   99.3 -> does not fire again (above the enter threshold 99);
--   99   -> fires (exactly the enter threshold).
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
insert into test.feed values ('a', 100);
do $$ begin perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_direction => 'below',
  p_warning => 99, p_warning_exit => 99.5, p_critical => 95, p_critical_exit => 96); end $$;

do $$ begin perform test.step(0, 98.5); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'warning')$$, '98.5 (<= 99): firing warning');
do $$ begin perform test.step(1, 94); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'critical')$$, '94 (<= 95): critical');
do $$ begin perform test.step(2, 95.5); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'critical')$$,
  '95.5: still critical (<= critical_exit 96)');
do $$ begin perform test.step(3, 97); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'warning')$$,
  '97: back to warning (above critical_exit 96, <= warning_exit 99.5)');
do $$ begin perform test.step(4, 99.2); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', 'warning')$$,
  '99.2: still warning (inside the band 99..99.5)');
do $$ begin perform test.step(5, 99.6); end $$;
select tap.results_eq($$select state, resolved_at from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('resolved', test.t(5))$$, '99.6 (above warning_exit 99.5): resolved');
do $$ begin perform test.step(6, 99.3); end $$;
select tap.results_eq($$select state from vigil.alert_state where check_name = 'c' and series = 'a'$$,
  $$values ('resolved')$$, '99.3 after the resolve: does not fire (above the enter threshold 99)');
do $$ begin perform test.step(7, 99); end $$;
select tap.results_eq(
  $$select * from test.events()$$,
  $$values (test.t(0), 'firing', 'warning'),
           (test.t(1), 'severity_changed', 'critical'),
           (test.t(3), 'severity_changed', 'warning'),
           (test.t(5), 'resolved', null),
           (test.t(7), 'firing', 'warning')$$,
  'events: firing warning, severity_changed critical, severity_changed warning, resolved, firing warning at exactly 99');

select * from tap.finish();
rollback;
