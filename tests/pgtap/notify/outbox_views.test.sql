-- vigil.delivery_backlog and vigil.dead_letters: what waits per channel and
-- what was given up on. The test plays the worker by setting rows'
-- status, attempts and errors directly.
begin;
select tap.plan(3);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_channel('chat', 'slack', 'env:SLACK_URL');
  perform vigil.add_channel('watchdog', 'webhook', 'https://deadman.example.com/ping', p_heartbeat_every => '1 minute');
  perform vigil.add_route('all', 'chat', p_group_wait => '0', p_group_by => '{series}');
  perform test.set('c', 'a', 85);
  perform test.set('c', 'b', 95);
  perform test.ticks(0, 2);
end $$;
update vigil.outbox set status = 'delivered', delivered_at = test.t(2) where channel = 'watchdog' and created_at < test.t(2);
update vigil.outbox set attempts = 3, last_error = 'HTTP 503 from receiver', available_at = test.t(5)
 where payload -> 'alerts' -> 0 ->> 'series' = 'a';
update vigil.outbox set status = 'dead', attempts = 12, last_error = 'HTTP 410 Gone'
 where payload -> 'alerts' -> 0 ->> 'series' = 'b';

select tap.results_eq(
  $$select channel, kind, pending, delivering, retrying, oldest, next_attempt_at, most_attempts, last_error
      from vigil.delivery_backlog$$,
  $$values ('chat', 'slack', 1::bigint, 0::bigint, 1::bigint, test.t(0), test.t(5), 3, 'HTTP 503 from receiver'),
           ('watchdog', 'webhook', 1::bigint, 0::bigint, 0::bigint, test.t(2), test.t(2), 0, null::text)$$,
  'the backlog per channel, oldest first: chat has one row retrying; the watchdog''s last heartbeat waits');
select tap.results_eq(
  $$select channel, kind, attempts, last_error, status, alerts, first_summary from vigil.dead_letters$$,
  $$values ('chat', 'alerts', 12, 'HTTP 410 Gone', 'firing', 1, 'warning: c b = 95')$$,
  'the dead letter, with what it was about');
select tap.ok(pg_catalog.has_table_privilege('vigil_reader', 'vigil.delivery_backlog', 'select')
              and pg_catalog.has_table_privilege('vigil_reader', 'vigil.dead_letters', 'select')
              and not pg_catalog.has_table_privilege('vigil_reader', 'vigil.channels', 'select'),
  'vigil_reader reads both views, and not the channels (their targets can be secret URLs)');

select * from tap.finish();
rollback;
