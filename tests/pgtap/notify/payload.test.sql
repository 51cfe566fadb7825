-- The outbox row of one notification, whole: what docs/outbox-payload.md
-- promises (version 1), its idempotency key, scheduling fields and status.
-- (The pg_notify that wakes the worker is asserted in tests/notify.test.ts,
-- which needs a commit.)
begin;
select tap.plan(3);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                          p_service => 'shop', p_labels => '{"team": "db"}', p_runbook_url => 'https://wiki.example.com/c');
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_route('all', 'chat', p_group_by => '{team}');
  perform test.set('c', 'orders', 95, '{"table": "orders"}');
  perform test.ticks(0, 1);
end $$;
select tap.is(
  (select payload from vigil.outbox),
  pg_catalog.jsonb_build_object(
    'version', 1, 'kind', 'alerts', 'route', 'all', 'channel', 'chat', 'status', 'firing',
    'groupKey', '{"team": "db"}', 'groupLabels', '{"team": "db"}'::jsonb, 'commonLabels', '{"team": "db"}'::jsonb,
    'sentAt', test.t(1),
    'alerts', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'alertId', (select id from vigil.alert_state), 'fingerprint', pg_catalog.left(pg_catalog.md5('c' || E'\x1f' || 'orders'), 16),
      'status', 'firing', 'severity', 'critical', 'check', 'c', 'series', 'orders', 'value', 95,
      'labels', '{"team": "db", "table": "orders", "check": "c", "series": "orders", "severity": "critical", "service": "shop"}'::jsonb,
      'summary', 'critical: c orders = 95', 'detail', null, 'flapping', false,
      'startsAt', test.t(0), 'endsAt', null, 'runbook', 'https://wiki.example.com/c'))),
  'the payload, whole');
select tap.results_eq(
  $$select channel, kind, idempotency_key, available_at, attempts, max_attempts, status, lease_owner from vigil.outbox$$,
  $$values ('chat', 'alerts', 'alerts:' || (select id from vigil.routes) || ':' || pg_catalog.left(pg_catalog.md5('{"team": "db"}'), 16) || ':20260310T120100.000000',
            test.t(1), 0, 12, 'pending', null::text)$$,
  'the row: channel, kind, an idempotency key of route, group and tick, due at once, pending, no lease');

do $$ begin perform vigil.tick(test.t(1)); end $$;
select tap.is((select pg_catalog.count(*)::int from vigil.outbox), 1, 'the same tick replayed enqueues nothing more');

select * from tap.finish();
rollback;
