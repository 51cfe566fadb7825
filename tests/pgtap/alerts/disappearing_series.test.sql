-- A series that disappears (docs/alert-state.md, "No data", with the check's
-- defaults: no_data 'ok', no_data_after 2): a check returns two firing
-- series, a and b; b stops being returned. Only b is missing: its
-- missing_count counts the consecutive missing runs (1, then 2, 3), it
-- resolves with a no_data event on the 2nd missing run, and a is unaffected
-- (missing_count 0, still firing, no event). A run in which the check
-- errors evaluates nothing: no missing run is counted and no state changes
-- (last_eval_at stays at the last evaluation).
-- Evaluations go through vigil.tick, one tick per replayed minute: test.run
-- ticks and returns c's status from vigil.check_runs, the other minutes use
-- test.tick (fixtures.sql), which requires the run to be ok.
--
-- Flapping events are left out of the event list (flapping.test.sql).
begin;
select tap.plan(10);
\ir fixtures.sql

create table test.feed (series text primary key, value double precision);
create table test.broken (yes boolean);
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql set search_path = '' as $$
begin
  if exists (select from test.broken) then
    raise exception 'the feed is broken' using errcode = 'data_exception';
  end if;
  return query select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f;
end $$;
-- Ticks at minute p_minute and returns the status of c's run at that minute
-- (null if c did not run).
create function test.run(p_minute integer) returns text language plpgsql set search_path = '' as $$
declare v_status text;
begin
  perform vigil.tick(test.t(p_minute));
  select r.status into v_status from vigil.check_runs r where r.check_name = 'c' and r.started_at = test.t(p_minute);
  return v_status;
end $$;
create function test.events() returns table (at timestamptz, series text, event text)
language sql set search_path = '' as $$
  select e.at, e.series, e.event from vigil.alert_events e
   where e.check_name = 'c' and e.event not in ('flapping_started', 'flapping_stopped')
   order by e.at, e.series, e.event $$;

delete from vigil.checks;  -- only this file's checks
do $$ begin perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80); end $$;
insert into test.feed values ('a', 85), ('b', 86);

select tap.is(test.run(0), 'ok', '12:00: the check runs');
select tap.set_eq($$select series, state, missing_count from vigil.alert_state where check_name = 'c'$$,
  $$values ('a', 'firing', 0), ('b', 'firing', 0)$$, '... and both series fire');

delete from test.feed where series = 'b';
do $$ begin perform test.tick(1); end $$;
select tap.set_eq($$select series, state, missing_count from vigil.alert_state where check_name = 'c'$$,
  $$values ('a', 'firing', 0), ('b', 'firing', 1)$$, '12:01, b not returned: b missing_count 1, both still firing');

insert into test.broken values (true);
select tap.is(test.run(2), 'error', '12:02: the check errors');
select tap.set_eq($$select series, state, missing_count, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values ('a', 'firing', 0, test.t(1)), ('b', 'firing', 1, test.t(1))$$,
  '... and evaluates nothing: b is not counted missing, no row is touched');
delete from test.broken;

do $$ begin perform test.tick(3); end $$;
select tap.set_eq($$select series, state, missing_count from vigil.alert_state where check_name = 'c'$$,
  $$values ('a', 'firing', 0), ('b', 'resolved', 2)$$, '12:03, b''s 2nd missing run: b resolves, a still firing');
select tap.is((select resolved_at from vigil.alert_state where check_name = 'c' and series = 'b'), test.t(3),
  '... b resolved_at 12:03');

do $$ begin perform test.tick(4); end $$;
select tap.set_eq($$select series, state, missing_count from vigil.alert_state where check_name = 'c'$$,
  $$values ('a', 'firing', 0), ('b', 'resolved', 3)$$, '12:04: b missing_count 3, a unaffected');
select tap.is((select last_eval_at from vigil.alert_state where check_name = 'c' and series = 'a'), test.t(4),
  'a was evaluated at 12:04');

select tap.results_eq($$select * from test.events()$$,
  $$values (test.t(0), 'a', 'firing'), (test.t(0), 'b', 'firing'),
           (test.t(3), 'b', 'no_data'), (test.t(3), 'b', 'resolved')$$,
  'events: both fire; only b gets no_data and resolved, once, at its 2nd missing run');

select * from tap.finish();
rollback;
