-- requires: superuser
-- (it uses SET ROLE, which an installer that only has CREATEROLE may not do.)
-- Who may do what (sql/grants.sql): vigil_worker claims, settles and
-- releases through the functions (SECURITY DEFINER) and cannot write
-- vigil.outbox itself; vigil_operator replays dead letters, the worker may
-- not; PUBLIC may call none of them.
begin;
select tap.plan(9);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('chat', 0);
  perform test.enqueue('chat', 1);
end $$;
update vigil.outbox set status = 'dead' where id = 2;
-- test.* are the test's helpers: let every role use them.
grant usage on schema test to public;

select tap.is_empty(
  $$select f from (values ('vigil.claim_deliveries(text, integer, interval, timestamptz, text[])'),
                          ('vigil.settle_delivery(bigint, text, text, integer, text, double precision, text, interval, timestamptz)'),
                          ('vigil.settle_deliveries(text, bigint[], text[], integer[], text[], double precision[], text[], interval[], timestamptz)'),
                          ('vigil.release_leases(text, timestamptz)'),
                          ('vigil.defer_delivery(bigint, text, timestamptz, text, timestamptz)'),
                          ('vigil.replay_dead(bigint, text, timestamptz, timestamptz)'),
                          ('vigil._retry_delay(integer, interval, double precision)')) v(f)
     where pg_catalog.has_function_privilege('public', f, 'execute')$$,
  'PUBLIC may execute none of the delivery functions');

set local role vigil_worker;
select tap.is((select pg_catalog.count(*)::int from vigil.claim_deliveries('w1', 10, '1 minute', test.t(5))), 1,
  'vigil_worker claims');
select tap.is((select status from vigil.settle_delivery(1, 'w1', 'retry', p_http_status => 503, p_now => test.t(5))), 'pending',
  'vigil_worker settles');
select tap.is((select pg_catalog.count(*)::int from vigil.claim_deliveries('w1', 10, '1 minute', test.t(10))), 1,
  'vigil_worker claims again');
select tap.is(vigil.release_leases('w1', test.t(10)), 1, 'vigil_worker releases its leases');
select tap.throws_ok($$update vigil.outbox set status = 'delivered'$$, '42501', null,
  'vigil_worker cannot update vigil.outbox directly');
select tap.throws_ok($$select vigil.replay_dead(2)$$, '42501', null, 'vigil_worker cannot replay dead letters');
reset role;

set local role vigil_operator;
select tap.is(vigil.replay_dead(2), 1, 'vigil_operator replays a dead letter');
select tap.throws_ok($$select * from vigil.claim_deliveries('op')$$, '42501', null, 'vigil_operator cannot claim deliveries');
reset role;

select * from tap.finish();
rollback;
