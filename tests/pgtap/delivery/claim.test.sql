-- vigil.claim_deliveries: due rows of enabled channels, oldest available
-- first, at most p_limit; each leased to the worker with its attempt
-- counted. A leased row is not claimed again until its lease expires; then
-- another worker reclaims it and counts another attempt. A row whose lease
-- expired after its last attempt goes dead instead.
begin;
select tap.plan(14);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('chat', 3);
  perform test.enqueue('hook', 1);
  perform test.enqueue('off', 0);    -- a disabled channel
  perform test.enqueue('chat', 2);
  perform test.enqueue('chat', 10);  -- not due before minute 10
end $$;

select tap.is(test.claim('w1', 2, 5, '2 minutes'), array[2, 4]::bigint[],
  'the oldest due rows first (by available_at), at most p_limit');
select tap.results_eq(
  $$select status, lease_owner, lease_expires_at, attempts from vigil.outbox where id in (2, 4) order by id$$,
  $$values ('delivering', 'w1', test.t(7), 1), ('delivering', 'w1', test.t(7), 1)$$,
  'each claimed row is delivering, leased to the worker until p_now + p_lease, its attempt counted');
select tap.is(test.claim('w2', 10, 5, '2 minutes'), array[1]::bigint[],
  'another worker gets what is left that is due: not the leased rows, not the disabled channel''s, not the future one');
select tap.is(test.claim('w2', 10, 5), '{}'::bigint[], 'nothing left to claim');
select tap.is((select status from vigil.outbox where id = 3), 'pending', 'the disabled channel''s row stays pending');
select tap.is(test.claim('w3', 10, 6), '{}'::bigint[], 'a leased row is not claimed again while its lease runs (until minute 7)');
select tap.is(test.claim('w3', 1, 7), array[2]::bigint[], 'once the lease expired another worker reclaims it, oldest first');
select tap.results_eq(
  $$select lease_owner, attempts, lease_expires_at from vigil.outbox where id = 2$$,
  $$values ('w3', 2, test.t(8))$$,
  'the reclaimed row is leased to the new worker and the lost attempt counts');

select tap.results_eq(
  $$select c.id, c.channel, c.kind, c.idempotency_key, c.payload ->> 'summary', c.attempts, c.max_attempts,
           c.channel_kind, c.target, c.secret_ref, c.allow_private, c.rate_limit_per_minute
      from vigil.claim_deliveries('w4', 10, '30 seconds', test.t(10)) c$$,
  $$values (2::bigint, 'hook', 'heartbeat', 'test:hook:1', 'test 1', 3, 12, 'webhook', 'https://hooks.example.com/s3cr3t', 'env:HOOK_SECRET', true, 60),
           (4::bigint, 'chat', 'heartbeat', 'test:chat:2', 'test 2', 2, 12, 'slack', 'env:SLACK_URL', null::text, false, null::integer),
           (1::bigint, 'chat', 'heartbeat', 'test:chat:3', 'test 3', 2, 12, 'slack', 'env:SLACK_URL', null::text, false, null::integer),
           (5::bigint, 'chat', 'heartbeat', 'test:chat:10', 'test 10', 1, 12, 'slack', 'env:SLACK_URL', null::text, false, null::integer)$$,
  'at minute 10 every expired lease and the newly due row are claimed, oldest first, with what the worker needs (the channel''s settings included)');
select tap.is(test.claim('w5', 10, 10), '{}'::bigint[], 'all leased: nothing for another worker');

-- A row whose lease expired after its last allowed attempt is not retried.
update vigil.outbox set max_attempts = 3, last_error = 'HTTP 503' where id = 2;
select tap.is(test.claim('w6', 10, 20), array[4, 1, 5]::bigint[],
  'a row whose lease expired with its last attempt is not claimed again');
select tap.results_eq(
  $$select status, attempts, lease_owner, last_error from vigil.outbox where id = 2$$,
  $$values ('dead', 3, null::text,
            'gave up: the lease of worker w4 expired with attempt 3 of 3 unsettled (the worker died or hung); last error: HTTP 503')$$,
  'it is dead, saying whose lease expired and the last error');

update vigil.channels set enabled = true where name = 'off';
select tap.is(test.claim('w7', 10, 20), array[3]::bigint[], 'once the channel is enabled again its rows are claimed');

select tap.ok(
  (select pg_catalog.count(*) from vigil.outbox where status = 'delivering') = 4
  and not exists (select from vigil.delivery_attempts),
  'claiming records no attempt: the worker records it when it settles');

select * from tap.finish();
rollback;
