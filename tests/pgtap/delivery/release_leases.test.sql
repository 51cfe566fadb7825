-- vigil.release_leases: a worker shutting down gives back the rows it holds
-- and never sent: pending again, due at once, the claim-time attempt given
-- back. Other workers' rows and settled rows are untouched.
begin;
select tap.plan(5);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('chat', 0);
  perform test.enqueue('chat', 1);
  perform test.enqueue('chat', 2);
  perform test.claim('w1', 2, 5);
  perform test.claim('w2', 1, 5);
  perform vigil.settle_delivery(1, 'w1', 'delivered', p_now => test.t(5));
end $$;

select tap.is(vigil.release_leases('w1', test.t(5)), 1, 'w1 releases the one row it still holds');
select tap.results_eq(
  $$select id, status, attempts, lease_owner, lease_expires_at, available_at from vigil.outbox order by id$$,
  $$values (1::bigint, 'delivered', 1, null::text, null::timestamptz, test.t(0)),
           (2::bigint, 'pending', 0, null::text, null::timestamptz, test.t(1)),
           (3::bigint, 'delivering', 1, 'w2', test.t(6), test.t(2))$$,
  'its row is pending again with the attempt given back; w2''s lease and the delivered row are untouched');
select tap.is(test.claim('w3', 10, 5), array[2]::bigint[], 'another worker claims the released row at once');
select tap.is(vigil.release_leases('w1', test.t(5)), 0, 'releasing again gives back nothing');
select tap.throws_ok($$select vigil.release_leases(' ')$$, '22023', 'worker name '' '' is blank',
  'a blank worker name: 22023');

select * from tap.finish();
rollback;
