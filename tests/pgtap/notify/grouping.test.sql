-- Grouping, as Alertmanager (docs/notifications.md, "Grouping"), replayed
-- through vigil.tick one minute at a time, with the route's defaults:
-- group_by {check}, group_wait 30 s, group_interval 5 min, repeat_interval
-- 4 h, send_resolved. The first notification waits group_wait; a new
-- firing alert in the group waits for the next group_interval; a resolve is
-- news for a receiver told the alert fired; with nothing new the group
-- repeats after repeat_interval; a group with nothing left is removed.
begin;
select tap.plan(9);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_route('all', 'chat');
  perform test.set('c', 'a', 85);
  perform test.tick(0);
end $$;
select tap.is_empty($$select * from test.outbox()$$, 'minute 0: a fires; its group waits group_wait (30 s): nothing yet');

do $$ begin perform test.tick(1); end $$;
select tap.results_eq($$select * from test.outbox()$$,
  $$values (1, 'chat', 'alerts', 'firing', 'a:firing')$$,
  'minute 1: group_wait is over: one notification, a firing');

do $$ begin perform test.set('c', 'b', 85); perform test.ticks(2, 5); end $$;
select tap.is((select pg_catalog.count(*)::int from test.outbox()), 1,
  'minutes 2-5: b fires in the same group; it waits for group_interval (5 min after minute 1)');

do $$ begin perform test.tick(6); end $$;
select tap.results_eq($$select * from test.outbox() offset 1$$,
  $$values (6, 'chat', 'alerts', 'firing', 'a:firing b:firing')$$,
  'minute 6: the group notifies again, with every firing alert of the group');

do $$ begin perform test.set('c', 'a', 50); perform test.ticks(7, 10); end $$;
select tap.is((select pg_catalog.count(*)::int from test.outbox()), 2,
  'minutes 7-10: a resolves; the news waits for group_interval');

do $$ begin perform test.tick(11); perform test.tick(12); perform test.tick(250); end $$;
select tap.results_eq($$select * from test.outbox() offset 2$$,
  $$values (11, 'chat', 'alerts', 'firing', 'b:firing a:resolved')$$,
  'minute 11: b still firing, a resolved (its receiver was told it fired); then nothing new until minute 250');

do $$ begin perform test.tick(251); end $$;
select tap.results_eq($$select * from test.outbox() offset 3$$,
  $$values (251, 'chat', 'alerts', 'firing', 'b:firing')$$,
  'minute 251: repeat_interval (4 h) after the last notification, the firing alert is repeated');

do $$ begin perform test.set('c', 'b', 50); perform test.ticks(252, 256); end $$;
select tap.results_eq($$select * from test.outbox() offset 4$$,
  $$values (256, 'chat', 'alerts', 'resolved', 'b:resolved')$$,
  'b resolves at 252; told at 256 (group_interval after 251), status resolved');
select tap.is_empty($$select 1 from vigil.notification_groups$$,
  'the group had nothing left to tell, and is gone');

select * from tap.finish();
rollback;
