-- vigil.firing (sql/views/firing.sql): the firing alerts only, most severe
-- first (critical, warning, info), then oldest (fired_at), then id (c_keep
-- and c_kff fire in the same tick; run_checks runs checks by name); pending
-- and resolved alerts are left out. acked says whether someone has it.
-- summary is "severity: check series = value (level >= threshold)" with the
-- effective threshold of the level crossed (overrides applied, <= for
-- direction below), the value with at most two decimals, and why a value
-- not past the threshold still fires: ", held until < exit" (hysteresis),
-- ", clearing" (keep_firing_for), ", no data" (the series vanished, policy
-- keep). duration is now() - since, to the second (now() is stable in the
-- transaction).
--
-- Script (minute m = test.t(m)):
--   c         warning 80, critical 90, critical_exit 85, runbook; override
--             'big%' warning 60.
--             a 95 at 0, 87 from 1 (held critical by exit 85), acked by alice at 2;
--             big_table 65.125 from 1 (warning by the override);
--             calm 85 at 0, 10 from 1 (resolved); low 50 (never alerts).
--   c_below   direction below, warning 20, critical 10: replica1 30, 5 from 2.
--   c_cap     max_severity warning, critical 90: a 95 from 1 (severity warning, level critical).
--   c_info    max_severity info, warning 80: a 85 from 0.
--   c_kff     warning 80, keep_firing_for 10 minutes: a 85 at 0, 0 from 1.
--   c_keep    warning 80, no_data keep: a 85 at 0, gone from 1.
--   c_pending warning 80, for 10 minutes: a 85 from 0 (pending, not listed).
begin;
select tap.plan(5);
\ir ../alerts/fixtures.sql

create table test.feed (check_name text, series text, value double precision, primary key (check_name, series));
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f where f.check_name = p_params->>'_check' $$;
create function test.set(p_check text, p_series text, p_value double precision) returns void
language sql set search_path = '' as $$
  insert into test.feed (check_name, series, value) values (p_check, p_series, p_value)
  on conflict (check_name, series) do update set value = excluded.value $$;

delete from vigil.checks;  -- only this file's checks
do $$
begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                          p_critical_exit => 85, p_runbook_url => 'https://runbooks.example/c',
                          p_labels => '{"team": "db"}');
  perform vigil.set_threshold_override('c', 'big%', p_warning => 60);
  perform vigil.add_check(p_name => 'c_below', p_function => 'test.feed_check', p_direction => 'below',
                          p_warning => 20, p_critical => 10);
  perform vigil.add_check(p_name => 'c_cap', p_function => 'test.feed_check', p_max_severity => 'warning',
                          p_warning => 80, p_critical => 90);
  perform vigil.add_check(p_name => 'c_info', p_function => 'test.feed_check', p_max_severity => 'info', p_warning => 80);
  perform vigil.add_check(p_name => 'c_kff', p_function => 'test.feed_check', p_warning => 80,
                          p_keep_firing_for => '10 minutes');
  perform vigil.add_check(p_name => 'c_keep', p_function => 'test.feed_check', p_warning => 80, p_no_data => 'keep');
  perform vigil.add_check(p_name => 'c_pending', p_function => 'test.feed_check', p_warning => 80, p_for => '10 minutes');

  perform test.set('c', 'a', 95);
  perform test.set('c', 'big_table', 10);
  perform test.set('c', 'calm', 85);
  perform test.set('c', 'low', 50);
  perform test.set('c_below', 'replica1', 30);
  perform test.set('c_cap', 'a', 10);
  perform test.set('c_info', 'a', 85);
  perform test.set('c_kff', 'a', 85);
  perform test.set('c_keep', 'a', 85);
  perform test.set('c_pending', 'a', 85);
  perform test.tick(0);

  perform test.set('c', 'a', 87);
  perform test.set('c', 'big_table', 65.125);
  perform test.set('c', 'calm', 10);
  perform test.set('c_cap', 'a', 95);
  perform test.set('c_kff', 'a', 0);
  delete from test.feed f where f.check_name = 'c_keep';
  perform test.tick(1);

  perform vigil.ack((select s.id from vigil.alert_state s where s.check_name = 'c' and s.series = 'a'), 'alice',
                    'looking', test.t(2));
  perform test.set('c_below', 'replica1', 5);
  perform test.tick(2);
end $$;

select tap.results_eq(
  $$select severity, check_name, series, value, since, acked, acked_by, flapping, summary, runbook_url from vigil.firing$$,
  $$values
    ('critical', 'c',       'a',         87::float8, test.t(0), true,  'alice'::text, false,
     'critical: c a = 87 (critical >= 90, held until < 85)', 'https://runbooks.example/c'),
    ('critical', 'c_below', 'replica1',  5,      test.t(2), false, null, false, 'critical: c_below replica1 = 5 (critical <= 10)', null),
    ('warning',  'c_keep',  'a',         85,     test.t(0), false, null, false, 'warning: c_keep a = 85 (warning >= 80, no data)', null),
    ('warning',  'c_kff',   'a',         0,      test.t(0), false, null, false, 'warning: c_kff a = 0 (warning >= 80, clearing)', null),
    ('warning',  'c',       'big_table', 65.125, test.t(1), false, null, false,
     'warning: c big_table = 65.13 (warning >= 60)', 'https://runbooks.example/c'),
    ('warning',  'c_cap',   'a',         95,     test.t(1), false, null, false, 'warning: c_cap a = 95 (critical >= 90)', null),
    ('info',     'c_info',  'a',         85,     test.t(0), false, null, false, 'info: c_info a = 85 (warning >= 80)', null)$$,
  'firing: critical, warning, info, each oldest first; summaries with the threshold of the level crossed');

select tap.is_empty(
  $$select 1 from vigil.firing f where (f.check_name, f.series) in (('c_pending', 'a'), ('c', 'calm'), ('c', 'low'))$$,
  'pending, resolved and OK series are not in firing');

select tap.set_eq(
  $$select f.id, f.check_name, f.series from vigil.firing f$$,
  $$select s.id, s.check_name, s.series from vigil.alert_state s where s.state = 'firing'$$,
  'id is the alert_state row, and every firing alert is listed');

select tap.is(
  (select pg_catalog.count(*)::int from vigil.firing f where f.duration = pg_catalog.date_trunc('second', pg_catalog.now() - f.since)),
  7, 'duration is now() - since, to the second, on every row');

select tap.is(
  (select f.labels from vigil.firing f where f.check_name = 'c' and f.series = 'a'),
  '{"team": "db", "check": "c", "series": "a"}'::jsonb,
  'labels are the alert''s');

select * from tap.finish();
rollback;
