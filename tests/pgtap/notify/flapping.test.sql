-- Flapping (docs/notifications.md, "Grouping"; docs/alert-state.md,
-- "Flapping"): an alert that fires and resolves every minute is told each
-- time until it starts flapping (minute 3); that is said once, with
-- "flapping": true, and then its comings and goings are not news, even a
-- three-minute fire while it flaps. Once it stops flapping (minute 40,
-- resolved, as last told) it is news again as usual.
-- Route: group_wait 0, group_interval 1 minute, so that every change could go out.
begin;
select tap.plan(4);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_route('all', 'chat', p_group_wait => '0', p_group_interval => '1 minute');
  for m in 0 .. 44 loop
    -- 85 on even minutes up to 10, and 20 to 22; 50 otherwise.
    perform test.set('c', 'a', case when m < 12 and m % 2 = 0 then 85 when m between 20 and 22 then 85 else 50 end);
    perform test.tick(m);
  end loop;
end $$;
select tap.results_eq(
  $$select x.minute, x.status, x.alerts, o.payload -> 'alerts' -> 0 ->> 'flapping'
      from test.outbox() x join vigil.outbox o on o.created_at = test.t(x.minute) order by o.id$$,
  $$values (0, 'firing', 'a:firing', 'false'), (1, 'resolved', 'a:resolved', 'false'), (2, 'firing', 'a:firing', 'false'),
           (3, 'resolved', 'a:resolved', 'true')$$,
  'told at 0, 1 and 2; at 3 it starts flapping and says so once; nothing more through minute 44');
select tap.results_eq(
  $$select (pg_catalog.date_part('epoch', at - test.t(0)) / 60)::int, event from vigil.alert_events
     where event in ('flapping_started', 'flapping_stopped') order by id$$,
  $$values (3, 'flapping_started'), (40, 'flapping_stopped')$$,
  'it flapped from minute 3 to minute 40');
select tap.is((select pg_catalog.count(*)::int from vigil.alert_events where event = 'firing' and at > test.t(3)), 5,
  '... firing five more times meanwhile, none of them told');

do $$ begin perform test.set('c', 'a', 85); perform test.tick(45); end $$;
select tap.results_eq($$select minute, status, alerts from test.outbox() offset 4$$,
  $$values (45, 'firing', 'a:firing')$$,
  'no longer flapping: the next fire, at 45, is told at once');

select * from tap.finish();
rollback;
