-- Heartbeat (docs/notifications.md, "Heartbeat"): a channel with
-- heartbeat_every 5 minutes gets a heartbeat on the first tick and then
-- every 5 minutes, whatever else happens; a channel without one gets none.
begin;
select tap.plan(3);
\ir fixtures.sql

do $$ begin
  perform vigil.add_channel('watchdog', 'webhook', 'https://deadman.example.com/ping', p_heartbeat_every => '5 minutes');
  perform vigil.add_channel('chat', 'slack', 'env:SLACK_URL');
  perform test.ticks(0, 12);
end $$;
select tap.results_eq($$select minute, channel, kind from test.outbox()$$,
  $$values (0, 'watchdog', 'heartbeat'), (5, 'watchdog', 'heartbeat'), (10, 'watchdog', 'heartbeat')$$,
  'minutes 0 to 12: heartbeats at 0, 5 and 10, to the watchdog channel only');
select tap.results_eq($$select idempotency_key from vigil.outbox order by id limit 1$$,
  $$values ('heartbeat:watchdog:20260310T120000.000000')$$,
  'the idempotency key names the channel and the tick');
do $$ begin perform vigil.tick(test.t(12)); end $$;
select tap.is((select pg_catalog.count(*)::int from vigil.outbox), 3, 'a tick replayed at the same time adds nothing');

select * from tap.finish();
rollback;
