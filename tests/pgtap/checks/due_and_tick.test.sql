-- Checks run once per multiple of their interval however the ticks jitter;
-- disabled checks do not run; the tick records its time for tick_lag; rate
-- checks see counter increases.
begin;
select tap.plan(11);

create schema test;
create function test.ok_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select 'a'::text, 1::double precision, '{}'::jsonb, null::jsonb $$;

delete from vigil.checks;
do $$ begin perform vigil.add_check(p_name => 'every_minute', p_function => 'test.ok_check'); end $$;
do $$ begin perform vigil.add_check(p_name => 'every_5m', p_function => 'test.ok_check', p_every => '5 minutes'); end $$;
do $$ begin perform vigil.add_check(p_name => 'off', p_function => 'test.ok_check', p_enabled => false); end $$;
do $$ begin perform vigil.add_check(p_name => 'tick_lag', p_function => 'vigil.check_tick_lag', p_warning => 180, p_critical => 600, p_keep_series => true); end $$;

select tap.set_eq($$select name from vigil.due_checks('2026-03-10 12:00:05+00')$$,
  $$values ('every_minute'), ('every_5m'), ('tick_lag')$$, 'new checks are due at once; disabled ones never');
do $$ begin perform vigil.tick('2026-03-10 12:00:05+00'); end $$;
select tap.is_empty($$select name from vigil.due_checks('2026-03-10 12:00:50+00')$$,
  'nothing is due again within the same minute');
select tap.set_eq($$select name from vigil.due_checks('2026-03-10 12:01:01+00')$$,
  $$values ('every_minute'), ('tick_lag')$$, 'a new minute makes the one-minute checks due, 56 s after the last run');
do $$ begin perform vigil.tick('2026-03-10 12:01:01+00'); end $$;
select tap.set_eq($$select name from vigil.due_checks('2026-03-10 12:05:00+00')$$,
  $$values ('every_minute'), ('every_5m'), ('tick_lag')$$, 'the five-minute check is due at the next multiple of 5 minutes');

select tap.is((select value from vigil.samples where check_name = 'tick_lag' and series = 'tick' and at = '2026-03-10 12:01:01+00'),
  56::double precision, 'tick_lag measures the gap since the previous tick');
do $$ begin perform vigil.tick('2026-03-10 12:20:00+00'); end $$;
select tap.is((select value from vigil.samples where check_name = 'tick_lag' and series = 'tick' and at = '2026-03-10 12:20:00+00'),
  1139::double precision, 'a long gap shows as lag');
select tap.is((select breaching from vigil.check_runs where check_name = 'tick_lag' and started_at = '2026-03-10 12:20:00+00'),
  1, '... and breaches the threshold');
select tap.is((select last_tick_at from vigil.tick_state), '2026-03-10 12:20:00+00'::timestamptz, 'tick_state holds the last tick');

select tap.set_eq($$select check_name, status from vigil.run_checks('2026-03-10 12:25:00+00')$$,
  $$values ('every_minute', 'ok'), ('every_5m', 'ok'), ('tick_lag', 'ok')$$,
  'vigil.run_checks runs the due checks and returns their statuses');

select tap.is(vigil._counter_delta('c', 's', 10, '2026-03-10 12:00:00+00'), null::double precision, 'a counter has no delta on first sight');
select tap.is(vigil._counter_delta('c', 's', 15, '2026-03-10 12:01:00+00'), 5::double precision, '... then reports the increase');

select * from tap.finish();
rollback;
