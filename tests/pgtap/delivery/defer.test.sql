-- vigil.defer_delivery: a worker gives back one row it will not send now
-- (circuit breaker open, rate limit spent): pending again, due at p_until,
-- the claim-time attempt given back, the reason kept, no attempt recorded.
-- And claim_deliveries' p_skip_channels leaves such channels' rows alone.
begin;
select tap.plan(10);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('chat', 0);
  perform test.enqueue('chat', 1);
  perform test.enqueue('hook', 2);
  perform test.claim('w1', 2, 5, '10 minutes');
end $$;

select tap.is(
  (select row(status, attempts, available_at, last_error, lease_owner)::text
     from vigil.defer_delivery(1, 'w1', test.t(6), 'circuit breaker open', test.t(5))),
  row('pending', 0, test.t(6), 'circuit breaker open', null::text)::text,
  'the row is pending until p_until, its attempt given back, the reason kept as last_error');
select tap.is((select pg_catalog.count(*)::int from vigil.delivery_attempts), 0, 'no attempt is recorded: nothing was sent');
select tap.is(test.claim('w2', 10, 5, '10 minutes'), array[3]::bigint[], 'it is not due before p_until (row 2 is still leased by w1)');
select tap.is(test.claim('w2', 10, 6, '10 minutes'), array[1]::bigint[], 'and due again at p_until');

select tap.throws_ok($$select vigil.defer_delivery(2, 'w9', test.t(6), 'x', test.t(5))$$, '55000',
  'outbox row 2 is not leased by worker w9', 'only the lease owner may defer: 55000');
select tap.throws_ok($$select vigil.defer_delivery(99, 'w1', test.t(6), 'x', test.t(5))$$, 'P0002',
  'outbox row 99 does not exist', 'an unknown row: P0002');
select tap.throws_ok($$select vigil.defer_delivery(2, 'w1', test.t(4), 'x', test.t(5))$$, '22023', null,
  'p_until in the past: 22023');
select tap.throws_ok($$select vigil.defer_delivery(2, 'w1', test.t(6), ' ', test.t(5))$$, '22023',
  'deferral reason '' '' is blank', 'a blank reason: 22023');

-- p_skip_channels: hook's row is due, but the worker says it will not send to hook now.
do $$ begin perform test.enqueue('hook', 3); end $$;
select tap.is(
  (select coalesce(pg_catalog.array_agg(c.id order by c.id), '{}')
     from vigil.claim_deliveries('w3', 10, '1 minute', test.t(7), p_skip_channels => array['hook']) c),
  '{}'::bigint[], 'a skipped channel''s due rows are not claimed');
select tap.is(
  (select pg_catalog.array_agg(c.id order by c.id)
     from vigil.claim_deliveries('w3', 10, '1 minute', test.t(7), p_skip_channels => '{}') c),
  array[4]::bigint[], 'and are claimed once the channel is not skipped');

select * from tap.finish();
rollback;
