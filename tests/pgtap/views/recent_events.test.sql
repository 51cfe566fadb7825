-- vigil.recent_events (sql/views/recent_events.sql): the alert events whose
-- at is within the last 24 hours of now() (inclusive: at >= now() - 24h),
-- newest first (then the last written first), with their severity, check,
-- series, value, alert id and detail.
--
-- The view reads now(), so the ticks here are replayed relative to it:
-- minute m is date_trunc('minute', now()) + m minutes (m < 0).
--   check c, warning 80, critical 90:
--     -1500 (25 hours ago): a 85 fires (warning)  -> too old, not listed;
--     -60: a 50 resolves;
--     -59: b 95 fires (critical);
--     -30: bob acks b.
-- Two events written directly straddle the 24-hour edge.
begin;
select tap.plan(3);

create schema test;
create function test.n(p_minute integer) returns timestamptz language sql stable set search_path = ''
  as $$ select pg_catalog.date_trunc('minute', pg_catalog.now()) + pg_catalog.make_interval(mins => p_minute) $$;
create table test.feed (series text primary key, value double precision);
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f $$;
create function test.id(p_series text) returns bigint language sql stable set search_path = ''
  as $$ select s.id from vigil.alert_state s where s.check_name = 'c' and s.series = p_series $$;

delete from vigil.checks;  -- only this file's checks
do $$
begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90);
  insert into test.feed values ('a', 85), ('b', 10);
  perform vigil.tick(test.n(-1500));
  update test.feed set value = 50 where series = 'a';
  perform vigil.tick(test.n(-60));
  update test.feed set value = 95 where series = 'b';
  perform vigil.tick(test.n(-59));
  perform vigil.ack(test.id('b'), 'bob', 'on it', test.n(-30));
end $$;

select tap.results_eq(
  $$select at, event, severity, check_name, series, value, alert_id, detail from vigil.recent_events$$,
  $$values
    (test.n(-30), 'acknowledged', 'critical', 'c', 'b', 95::float8, test.id('b'),
     pg_catalog.jsonb_build_object('by', 'bob', 'comment', 'on it', 'expires_at', test.n(-30) + interval '30 minutes')),
    (test.n(-59), 'firing', 'critical', 'c', 'b', 95, test.id('b'), null::jsonb),
    (test.n(-60), 'resolved', 'warning', 'c', 'a', 50, test.id('a'), null)$$,
  'the events of the last 24 hours, newest first; the firing 25 hours ago is left out');

select tap.is(
  (select pg_catalog.count(*)::int from vigil.alert_events e where e.check_name = 'c' and e.event = 'firing' and e.series = 'a'),
  1, '... though it is still in vigil.alert_events');

insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value)
values (pg_catalog.now() - interval '24 hours', 0, 'edge', 'in', 'firing', 'warning', 1),
       (pg_catalog.now() - interval '24 hours 1 microsecond', 0, 'edge', 'out', 'firing', 'warning', 1);
select tap.results_eq(
  $$select series from vigil.recent_events where check_name = 'edge'$$,
  $$values ('in')$$,
  'an event exactly 24 hours old is listed; one a microsecond older is not');

select * from tap.finish();
rollback;
