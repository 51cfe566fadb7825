-- Without pg_cron in this database (a test database never has it: pg_cron
-- is created only in cron.database_name), vigil.schedule() and
-- vigil.unschedule() raise a NOTICE saying what to do instead and carry on:
-- no rows, no error, nothing scheduled. The NOTICE is vigil._cron_advice's,
-- for where pg_cron lives: nowhere (run the worker's scheduler), here but
-- not created, or another database (pgvigil schedule, or the
-- cron.schedule_in_database calls of its hint).
begin;
select tap.plan(10);
set local client_min_messages = warning; -- the NOTICEs themselves: tests/cron.test.ts

select tap.ok(not exists (select from pg_catalog.pg_extension e where e.extname = 'pg_cron'),
  'pg_cron is not installed in this database');
select tap.lives_ok($$select vigil.schedule()$$, 'vigil.schedule() carries on without pg_cron');
select tap.is_empty($$select * from vigil.schedule()$$, '... and schedules nothing');
select tap.is_empty($$select * from vigil.unschedule()$$, 'vigil.unschedule() carries on too, removing nothing');
select tap.isnt(vigil._cron_database(), pg_catalog.current_database()::text,
  'vigil._cron_database() does not claim pg_cron is here');

select tap.is(
  (select a.message from vigil._cron_advice(null) a),
  'pg_cron is not installed; run the worker''s scheduler: pgvigil worker (it calls vigil.tick() every 15 s)',
  'without pg_cron anywhere, the NOTICE points to the worker''s scheduler');
select tap.matches(
  (select a.message || ' / ' || a.hint from vigil._cron_advice(pg_catalog.current_database()) a),
  '^pg_cron is preloaded but its extension is not created in this database .*pgvigil worker.* / create extension pg_cron;',
  'preloaded for this database but not created: create extension pg_cron, or the worker meanwhile');
select tap.matches(
  (select a.message from vigil._cron_advice('cron_db') a),
  '^pg_cron lives in database cron_db, not in this one \(' || pg_catalog.current_database() || '\).*pgvigil worker',
  'pg_cron in another database: the NOTICE says which, and still offers the worker');
select tap.matches(
  (select a.hint from vigil._cron_advice('cron_db') a),
  '^Run pgvigil schedule --database-url .* or run this in cron_db .*: select cron\.schedule_in_database\(''vigil_tick@'
    || pg_catalog.current_database() || ''', ''\* \* \* \* \*'', ''select vigil\.tick\(\)'', ''' || pg_catalog.current_database() || '''\);',
  '... and its HINT has the cron.schedule_in_database calls to run there');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.regexp_matches((select a.hint from vigil._cron_advice('cron_db') a), 'cron\.schedule_in_database\(', 'g')),
  4, '... one per job: tick, rotate, housekeeping, and the run-history clean-up in cron_db');

select * from tap.finish();
rollback;
