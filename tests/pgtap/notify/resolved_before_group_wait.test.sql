-- An alert that resolves within group_wait produces no notification at all
-- (Alertmanager); the state change is still in vigil.alert_events. And a
-- route without send_resolved is never told of a resolve.
begin;
select tap.plan(5);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_channel('pager', 'webhook', 'https://pager.example.com/hook');
  perform vigil.add_route('slow', 'chat', p_group_wait => '3 minutes', p_continue => true);
  perform vigil.add_route('no-resolved', 'pager', p_group_wait => '0', p_send_resolved => false);
  perform test.set('c', 'a', 85);
  perform test.tick(0);
  perform test.set('c', 'a', 50);
  perform test.ticks(1, 6);
end $$;
select tap.is_empty($$select * from test.outbox() where channel = 'chat'$$,
  'a fired at 0 and resolved at 1, within group_wait (3 min): the chat route never said a word');
select tap.results_eq($$select e.event from vigil.alert_events e where e.check_name = 'c' and e.event in ('firing', 'resolved') order by e.id$$,
  $$values ('firing'), ('resolved')$$,
  '... though the state changes are recorded');
select tap.results_eq($$select * from test.outbox() where channel = 'pager'$$,
  $$values (0, 'pager', 'alerts', 'firing', 'a:firing')$$,
  'the route with group_wait 0 was told a fired, at once');
select tap.is((select pg_catalog.count(*)::int from test.outbox() where channel = 'pager'), 1,
  '... and, without send_resolved, nothing of the resolve');
select tap.is_empty($$select 1 from vigil.notification_groups$$, 'both groups are gone');

select * from tap.finish();
rollback;
