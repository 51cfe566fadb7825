-- vigil.settle_deliveries: a batch settles each row as settle_delivery
-- would (one attempt row each, retry and dead decided the same way); a row
-- whose lease the worker lost is skipped and reported, not an error; bad
-- input fails the whole batch and applies nothing.
begin;
select tap.plan(7);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('chat', 0);
  perform test.enqueue('chat', 1);
  perform test.enqueue('chat', 2);
  perform test.enqueue('chat', 3);
  perform test.claim('w1', 3, 5);
  perform test.claim('w2', 1, 5);
end $$;

select tap.throws_ok(
  $$select * from vigil.settle_deliveries('w1', array[1, 2]::bigint[], array['delivered']::text[], p_now => test.t(5))$$,
  '22023', 'settlement arrays differ in length: 2 ids, 1 outcomes', 'arrays of different lengths: 22023');
select tap.throws_ok(
  $$select * from vigil.settle_deliveries('w1', array[1, 2]::bigint[], array['delivered', 'maybe']::text[], p_now => test.t(5))$$,
  '22023', null, 'a bad outcome in the batch: 22023');
select tap.is((select pg_catalog.count(*)::int from vigil.delivery_attempts), 0, 'and nothing of the failed batch was applied');

select tap.results_eq(
  $$select id, status, lease_lost
      from vigil.settle_deliveries('w1', array[1, 2, 3, 4]::bigint[], array['delivered', 'retry', 'dead', 'delivered']::text[],
                                   p_http_statuses => array[200, 503, 404, 200], p_now => test.t(5))$$,
  $$values (1::bigint, 'delivered', false), (2::bigint, 'pending', false), (3::bigint, 'dead', false),
           (4::bigint, 'delivering', true)$$,
  'each row settled as settle_delivery decides; w2''s row 4 is reported lease_lost and left alone');
select tap.results_eq(
  $$select outbox_id, worker, outcome, http_status from vigil.delivery_attempts order by outbox_id$$,
  $$values (1::bigint, 'w1', 'delivered', 200), (2::bigint, 'w1', 'retry', 503), (3::bigint, 'w1', 'dead', 404)$$,
  'one attempt row per settled row, none for the lost lease');
select tap.is((select lease_owner from vigil.outbox where id = 4), 'w2', 'the lost row still belongs to w2');
select tap.is(
  (select status from vigil.settle_deliveries('w2', array[4]::bigint[], array['delivered']::text[], p_now => test.t(5))),
  'delivered', 'which settles it');

select * from tap.finish();
rollback;
