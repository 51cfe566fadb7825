-- A maintenance window that matches by labels (docs/notifications.md,
-- "Suppression"): while it is on, a firing alert it matches is held back,
-- recorded as a suppressed event with the window as the reason, and counted
-- once by the window; an alert it does not match goes out. When the window
-- ends, the held alert is news and goes out at the group's next due time.
begin;
select tap.plan(6);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_route('all', 'chat', p_group_wait => '0');
  perform vigil.add_maintenance_window('db migration', p_matchers => array['team=db'],
                                       p_starts_at => test.t(0), p_ends_at => test.t(10), p_reason => 'pg_repack of orders');
  perform test.set('c', 'x', 85, '{"team": "db"}');
  perform test.set('c', 'z', 85, '{"team": "web"}');
  perform test.tick(0);
end $$;
select tap.results_eq($$select * from test.outbox()$$, $$values (0, 'chat', 'alerts', 'firing', 'z:firing')$$,
  'minute 0: both fire; x (team=db) is inside the window and held back; z goes out');
select tap.results_eq(
  $$select e.series, e.event, e.detail ->> 'by' from vigil.alert_events e where e.event in ('suppressed', 'unsuppressed')$$,
  $$values ('x', 'suppressed', 'maintenance_window:' || (select id from vigil.maintenance_windows))$$,
  'x has a suppressed event naming the window');

do $$ begin perform test.ticks(1, 9); end $$;
select tap.is((select pg_catalog.count(*)::int from test.outbox()), 1, 'minutes 1-9: the window holds x back; nothing new');
select tap.results_eq($$select suppressed_count, last_suppressed_at from vigil.maintenance_windows$$,
  $$values (1::bigint, test.t(0))$$,
  'the window counted the one alert it held back, once');

do $$ begin perform test.tick(10); end $$;
select tap.results_eq($$select * from test.outbox() offset 1$$,
  $$values (10, 'chat', 'alerts', 'firing', 'x:firing z:firing')$$,
  'minute 10: the window is over; x, still firing, goes out with the group');
select tap.results_eq(
  $$select (pg_catalog.date_part('epoch', e.at - test.t(0)) / 60)::int, e.event from vigil.alert_events e
     where e.event in ('suppressed', 'unsuppressed') order by e.id$$,
  $$values (0, 'suppressed'), (10, 'unsuppressed')$$,
  '... with an unsuppressed event at minute 10');

select * from tap.finish();
rollback;
