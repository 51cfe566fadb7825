-- vigil.status (sql/views/status.sql): every series that is not OK, replayed
-- through vigil.tick. Pending and firing alerts, and a resolved series that
-- still flaps, are listed; an OK series and a resolved one that does not
-- flap are not. Order: firing, then pending, then resolved; most severe
-- first; then oldest (since), check, series. Thresholds are the effective
-- ones (docs/alert-state.md): the longest matching override pattern wins, a
-- setting it leaves null falls back to the check's (not to a shorter
-- pattern), an exit threshold defaults to its enter threshold. duration is
-- now() - since to the second, so it is compared with now() (stable in the
-- transaction).
--
-- Script (minute m = test.t(m)):
--   c        warning 80, critical 90, critical_exit 85; overrides 'big%'
--            warning 50, 'big_t%' warning 60 warning_exit 55.
--            a: 95 (critical) at 0, 87 at 1 (held critical by its exit 85),
--               acked by alice at 2;
--            big_table 65 from 0 (warning by 'big_t%' 60);
--            big_other 10, 55 from 1 (warning by 'big%' 50);
--            quiet 10 (never alerts);
--            flappy 95, 0, 95, 0 at 0..3 (resolved at 3, flapping);
--            once 95 at 0, 0 from 1 (resolved, not flapping).
--   c_below  direction below, warning 20, critical 10: replica1 30, 5 from 1.
--   c_cap    max_severity warning, warning 80, critical 90: a 95 from 2
--            (severity warning).
--   c_pending warning 80, for 10 minutes: a 85 from 0 (pending).
begin;
select tap.plan(8);
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
                          p_critical_exit => 85, p_service => 'shop', p_owner => 'team-db',
                          p_runbook_url => 'https://runbooks.example/c', p_labels => '{"team": "db"}');
  perform vigil.set_threshold_override('c', 'big%', p_warning => 50);
  perform vigil.set_threshold_override('c', 'big_t%', p_warning => 60, p_warning_exit => 55);
  perform vigil.add_check(p_name => 'c_below', p_function => 'test.feed_check', p_direction => 'below',
                          p_warning => 20, p_critical => 10);
  perform vigil.add_check(p_name => 'c_cap', p_function => 'test.feed_check', p_max_severity => 'warning',
                          p_warning => 80, p_critical => 90);
  perform vigil.add_check(p_name => 'c_pending', p_function => 'test.feed_check', p_warning => 80, p_for => '10 minutes');

  perform test.set('c', 'a', 95);
  perform test.set('c', 'big_table', 65);
  perform test.set('c', 'big_other', 10);
  perform test.set('c', 'quiet', 10);
  perform test.set('c', 'flappy', 95);
  perform test.set('c', 'once', 95);
  perform test.set('c_below', 'replica1', 30);
  perform test.set('c_cap', 'a', 10);
  perform test.set('c_pending', 'a', 85);
  perform test.tick(0);

  perform test.set('c', 'a', 87);
  perform test.set('c', 'big_other', 55);
  perform test.set('c', 'flappy', 0);
  perform test.set('c', 'once', 0);
  perform test.set('c_below', 'replica1', 5);
  perform test.tick(1);

  perform vigil.ack((select s.id from vigil.alert_state s where s.check_name = 'c' and s.series = 'a'), 'alice',
                    'looking', test.t(2));
  perform test.set('c', 'flappy', 95);
  perform test.set('c_cap', 'a', 95);
  perform test.tick(2);

  perform test.set('c', 'flappy', 0);
  perform test.tick(3);
end $$;

select tap.results_eq(
  $$select check_name, series, state, severity, value, direction, warning, warning_exit, critical, critical_exit,
           override_pattern, since, fired_at, acked_by, acked_at, flapping
      from vigil.status$$,
  $$values
    ('c',         'a',         'firing',   'critical', 87::float8, 'above', 80::float8, 80::float8, 90::float8, 85::float8,
     null::text, test.t(0), test.t(0), 'alice', test.t(2), false),
    ('c_below',   'replica1',  'firing',   'critical', 5,  'below', 20, 20, 10, 10, null, test.t(1), test.t(1), null, null, false),
    ('c',         'big_table', 'firing',   'warning',  65, 'above', 60, 55, 90, 85, 'big_t%', test.t(0), test.t(0), null, null, false),
    ('c',         'big_other', 'firing',   'warning',  55, 'above', 50, 50, 90, 85, 'big%', test.t(1), test.t(1), null, null, false),
    ('c_cap',     'a',         'firing',   'warning',  95, 'above', 80, 80, 90, 90, null, test.t(2), test.t(2), null, null, false),
    ('c_pending', 'a',         'pending',  'warning',  85, 'above', 80, 80, null, null, null, test.t(0), null, null, null, false),
    ('c',         'flappy',    'resolved', 'critical', 0,  'above', 80, 80, 90, 85, null, test.t(3), test.t(2), null, null, true)$$,
  'status lists firing (most severe, then oldest first), pending, then resolved-but-flapping series, with effective thresholds');

select tap.is_empty(
  $$select 1 from vigil.status where check_name = 'c' and series in ('quiet', 'once')$$,
  'an OK series and a resolved series that does not flap are not listed');

select tap.ok(
  (select s.state = 'resolved' and not s.flapping from vigil.alert_state s where s.check_name = 'c' and s.series = 'once'),
  '... though the resolved one still has its alert_state row');

select tap.is(
  (select pg_catalog.count(*)::int from vigil.status v where v.duration = pg_catalog.date_trunc('second', pg_catalog.now() - v.since)),
  7, 'duration is now() - since, to the second, on every row');

select tap.set_eq(
  $$select v.check_name, v.series, v.alert_id from vigil.status v$$,
  $$select s.check_name, s.series, s.id from vigil.alert_state s where s.state <> 'resolved' or s.flapping$$,
  'alert_id is the alert_state row');

select tap.results_eq(
  $$select service, owner, runbook_url, labels from vigil.status where check_name = 'c' and series = 'a'$$,
  $$values ('shop', 'team-db', 'https://runbooks.example/c',
            '{"team": "db", "check": "c", "series": "a"}'::jsonb)$$,
  'service, owner and runbook_url come from the check; labels from the alert');

select tap.is(
  (select pg_catalog.array_agg(distinct v.last_run_at) from vigil.status v),
  array[test.t(3)],
  'last_run_at is the check''s last run');

-- A check removed since: its alert still shows, with no settings.
do $$ begin perform vigil.remove_check('c_cap'); end $$;
select tap.results_eq(
  $$select state, severity, direction, warning, critical, service, last_run_at from vigil.status where check_name = 'c_cap'$$,
  $$values ('firing', 'warning', null::text, null::float8, null::float8, null::text, null::timestamptz)$$,
  'an alert whose check was removed still shows, without the check''s settings');

select * from tap.finish();
rollback;
