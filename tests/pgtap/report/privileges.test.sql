-- requires: superuser
-- (it uses SET ROLE, which an installer that only has CREATEROLE may not do.)
-- vigil_reader may run the report; PUBLIC may not. It is a plain SECURITY
-- INVOKER function: what it reads, vigil_reader may select already.
begin;
select tap.plan(6);

select tap.ok(pg_catalog.has_function_privilege('vigil_reader', 'vigil.report(date, text, timestamptz)', 'execute'),
  'vigil_reader may execute vigil.report');
select tap.is_empty(
  $$select 1 from pg_catalog.pg_proc p cross join lateral pg_catalog.aclexplode(p.proacl) a
     where p.oid = 'vigil.report(date, text, timestamptz)'::regprocedure and a.grantee = 0$$,
  'PUBLIC may not');
select tap.ok(not (select p.prosecdef from pg_catalog.pg_proc p where p.oid = 'vigil.report(date, text, timestamptz)'::regprocedure),
  'it is SECURITY INVOKER');

-- Something in every table it reads.
do $$
begin
  insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value)
  values (pg_catalog.now() - interval '1 minute', 1, 'c', 'a', 'firing', 'warning', 85);
  insert into vigil.check_runs (check_name, started_at, duration_ms, status, error)
  values ('c', pg_catalog.now() - interval '1 minute', 1, 'error', 'boom');
  insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at, status)
  values (pg_catalog.now() - interval '1 minute', 'chat', 'alerts', 'test:privileges', '{}', pg_catalog.now(), 'dead');
  insert into vigil.delivery_attempts (outbox_id, channel, worker, attempt, started_at, outcome, http_status)
  select o.id, 'chat', 'w', 1, pg_catalog.now() - interval '1 minute', 'dead', 404 from vigil.outbox o where o.idempotency_key = 'test:privileges';
  insert into vigil.samples (at, check_name, series, value)
  values (pg_catalog.now() - interval '24 hours', 'database_size', '*', 1000);
end $$;

set local role vigil_reader;
select tap.lives_ok('select * from vigil.report()', 'vigil_reader runs the report');
select tap.is(
  (select pg_catalog.count(distinct r.section)::int from vigil.report() r), 9,
  '... and gets every section');
reset role;

create role test_nobody nologin;
grant usage on schema vigil to test_nobody;
set local role test_nobody;
select tap.throws_ok('select * from vigil.report()', '42501', null, 'a role without the grant may not run it');
reset role;

select * from tap.finish();
rollback;
