-- Bad input to the delivery functions: 22023 with a message naming the bad
-- value (and a HINT), nothing written.
begin;
select tap.plan(14);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('chat', 0);
  perform test.claim('w1', 1, 5);
end $$;

select tap.throws_ok($$select * from vigil.claim_deliveries('  ')$$, '22023', 'worker name ''  '' is blank', 'claim: a blank worker');
select tap.throws_ok($$select * from vigil.claim_deliveries(null)$$, '22023', 'worker name NULL is blank', 'claim: a NULL worker');
select tap.throws_ok($$select * from vigil.claim_deliveries('w', 0)$$, '22023', 'batch size 0 is not between 1 and 1000', 'claim: p_limit 0');
select tap.throws_ok($$select * from vigil.claim_deliveries('w', 1001)$$, '22023', 'batch size 1001 is not between 1 and 1000', 'claim: p_limit 1001');
select tap.throws_ok($$select * from vigil.claim_deliveries('w', 10, '0')$$, '22023', 'lease 00:00:00 is not positive', 'claim: a zero lease');
select tap.throws_ok($$select vigil.settle_delivery(1, 'w1', 'sent')$$, '22023', 'delivery outcome ''sent'' is not known', 'settle: an unknown outcome');
select tap.throws_ok($$select vigil.settle_delivery(1, 'w1', null)$$, '22023', 'delivery outcome NULL is not known', 'settle: a NULL outcome');
select tap.throws_ok($$select vigil.settle_delivery(1, 'w1', 'retry', p_http_status => 42)$$, '22023', 'HTTP status 42 is not between 100 and 599', 'settle: an impossible HTTP status');
select tap.throws_ok($$select vigil.settle_delivery(1, 'w1', 'retry', p_latency_ms => -1)$$, '22023', 'latency -1 ms is negative', 'settle: a negative latency');
select tap.throws_ok($$select vigil.settle_delivery(1, 'w1', 'retry', p_retry_after => '-5 seconds')$$, '22023', 'Retry-After -00:00:05 is negative', 'settle: a negative Retry-After');
select tap.throws_ok($$select vigil.settle_delivery(1, '', 'delivered')$$, '22023', 'worker name '''' is blank', 'settle: a blank worker');
select tap.throws_ok($$select vigil._retry_delay(2, null, 1.5)$$, '22023', 'random number 1.5 is not between 0 and 1', '_retry_delay: p_random outside 0..1');
select tap.throws_ok($$select vigil.claim_deliveries('w', 0)$$, '22023', null,
  'the errors carry a HINT (checked below)');
-- The HINT, read through a handler.
\ir ../hint_of.sql
select tap.is_empty(
  $$select s from (values ('select vigil.claim_deliveries(''w'', 0)'), ('select vigil.settle_delivery(1, ''w1'', ''x'')'),
                          ('select vigil.replay_dead()'), ('select vigil.release_leases(null)')) v(s)
     where coalesce(pg_temp.hint_of(s), '') = ''$$,
  'every refusal has a HINT');

select * from tap.finish();
rollback;
