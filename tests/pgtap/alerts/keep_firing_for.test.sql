-- keep_firing_for (docs/alert-state.md, "States and events"): with
-- keep_firing_for 10 minutes a firing alert whose condition goes away stays
-- firing and records keep_firing_since = p_now (the first such evaluation);
-- if the condition comes back meanwhile keep_firing_since is reset to null
-- without any event; once the condition is gone again the 10 minutes count
-- from the new keep_firing_since, and the alert resolves (event resolved,
-- resolved_at = p_now) at the first evaluation with p_now - keep_firing_since
-- >= keep_firing_for, not before.
--
-- Evaluations go through vigil.tick (fixtures.sql), one tick per replayed
-- minute.
--
-- Flapping events are left out of the event list (flapping.test.sql).
begin;
select tap.plan(10);
\ir fixtures.sql

create table test.feed (series text primary key, value double precision);
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f $$;
-- Sets series a to p_value, then ticks every minute from p_from to p_to (test.ticks).
create function test.steps(p_from integer, p_to integer, p_value double precision) returns void language plpgsql set search_path = '' as $$
begin
  update test.feed f set value = p_value where f.series = 'a';
  perform test.ticks(p_from, p_to);
end $$;
create function test.events() returns table (at timestamptz, event text)
language sql set search_path = '' as $$
  select e.at, e.event from vigil.alert_events e
   where e.check_name = 'c' and e.event not in ('flapping_started', 'flapping_stopped')
   order by e.id $$;
create function test.state() returns table (state text, keep_firing_since timestamptz, resolved_at timestamptz)
language sql set search_path = '' as $$
  select s.state, s.keep_firing_since, s.resolved_at from vigil.alert_state s where s.check_name = 'c' and s.series = 'a' $$;

delete from vigil.checks;  -- only this file's checks
insert into test.feed values ('a', 0);
do $$ begin perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80,
                                    p_keep_firing_for => '10 minutes'); end $$;

do $$ begin perform test.steps(0, 4, 85); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', null::timestamptz, null::timestamptz)$$,
  '12:00-12:04 85: firing, no keep_firing_since');

do $$ begin perform test.steps(5, 5, 50); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', test.t(5), null::timestamptz)$$,
  '12:05 50: still firing, keep_firing_since 12:05');
do $$ begin perform test.steps(6, 7, 50); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', test.t(5), null::timestamptz)$$,
  '12:07 50: still firing, keep_firing_since stays 12:05');

do $$ begin perform test.steps(8, 8, 85); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', null::timestamptz, null::timestamptz)$$,
  '12:08 85: the condition is back, keep_firing_since reset to null');
select tap.results_eq($$select * from test.events()$$, $$values (test.t(0), 'firing')$$,
  '... and no event but the first firing');

do $$ begin perform test.steps(9, 9, 85); perform test.steps(10, 10, 50); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', test.t(10), null::timestamptz)$$,
  '12:10 50: gone again, keep_firing_since 12:10');
do $$ begin perform test.steps(11, 15, 50); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', test.t(10), null::timestamptz)$$,
  '12:15 (10 minutes after the first keep_firing_since 12:05): still firing');
do $$ begin perform test.steps(16, 19, 50); end $$;
select tap.results_eq($$select * from test.state()$$, $$values ('firing', test.t(10), null::timestamptz)$$,
  '12:19: still firing');

do $$ begin perform test.steps(20, 20, 50); end $$;
select tap.results_eq($$select state, resolved_at from test.state()$$, $$values ('resolved', test.t(20))$$,
  '12:20, 10 minutes after keep_firing_since: resolved, resolved_at 12:20');
select tap.results_eq($$select * from test.events()$$, $$values (test.t(0), 'firing'), (test.t(20), 'resolved')$$,
  'events: firing at 12:00, resolved at 12:20, nothing between');

select * from tap.finish();
rollback;
