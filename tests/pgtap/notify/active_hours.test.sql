-- Active hours (docs/notifications.md, "Suppression"): a check set to
-- Monday-Friday 09:00-17:00 Europe/Berlin keeps its state at all hours but
-- notifies only inside them. 2026-03-10 is a Tuesday; Berlin is UTC+1.
begin;
select tap.plan(4);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'orders', p_function => 'test.feed_check', p_warning => 10);
  perform vigil.set_active_hours('orders', array[1, 2, 3, 4, 5], '09:00', '17:00', 'Europe/Berlin');
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_route('all', 'chat', p_group_wait => '0');
  perform test.set('orders', 'shop', 25);
  perform test.ticks(240, 245);   -- 16:00-16:05 UTC = 17:00-17:05 Berlin: outside
end $$;
select tap.results_eq($$select state from vigil.alert_state$$, $$values ('firing')$$,
  'at 17:00 Berlin the alert fires (state is kept at all hours) ...');
select tap.is_empty($$select * from test.outbox()$$, '... but is not told: outside active hours');
select tap.results_eq($$select e.event, e.detail ->> 'by' from vigil.alert_events e where e.event = 'suppressed'$$,
  $$values ('suppressed', 'active_hours:orders')$$, 'held back by the check''s active hours');

do $$ begin perform test.tick(1200); end $$;  -- Wednesday 08:00 UTC = 09:00 Berlin
select tap.results_eq($$select * from test.outbox()$$, $$values (1200, 'chat', 'alerts', 'firing', 'shop:firing')$$,
  'Wednesday 09:00 Berlin: still firing, it is told');

select * from tap.finish();
rollback;
