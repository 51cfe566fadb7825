-- requires: superuser
-- (it uses SET ROLE.)
-- Who may do what with schedules (sql/grants.sql): vigil_admin installs and
-- removes pgvigil's pg_cron jobs through vigil.schedule() and
-- vigil.unschedule() (SECURITY DEFINER: the jobs run as the role that
-- installed pgvigil) and sets the housekeeping retention; vigil_reader reads
-- it; nobody but that role runs the housekeeping itself; PUBLIC may do
-- nothing.
begin;
select tap.plan(10);
set local client_min_messages = warning;

select tap.is_empty(
  $$select f from (values ('vigil.schedule()'), ('vigil.unschedule()'), ('vigil.run_housekeeping(timestamptz)'),
                          ('vigil._cron_jobs(text, text)'), ('vigil._cron_database()'), ('vigil._cron_advice(text)'),
                          ('vigil._require_cron()')) v(f)
     where pg_catalog.has_function_privilege('public', f, 'execute')$$,
  'PUBLIC may execute none of the schedule functions');
select tap.ok(not pg_catalog.has_table_privilege('public', 'vigil.housekeeping', 'select'),
  'PUBLIC may not read vigil.housekeeping');
select tap.ok(
  (select p.prosecdef from pg_catalog.pg_proc p where p.oid = 'vigil.schedule()'::pg_catalog.regprocedure)
  and (select p.prosecdef from pg_catalog.pg_proc p where p.oid = 'vigil.unschedule()'::pg_catalog.regprocedure),
  'vigil.schedule() and vigil.unschedule() are SECURITY DEFINER (jobs belong to the installer)');

set local role vigil_reader;
select tap.lives_ok($$select * from vigil.housekeeping$$, 'vigil_reader reads vigil.housekeeping');
select tap.throws_ok($$select vigil.schedule()$$, '42501', null, '... but may not schedule');
reset role;

set local role vigil_admin;
select tap.lives_ok($$select * from vigil.schedule()$$, 'vigil_admin may schedule (here: without pg_cron, a NOTICE)');
select tap.lives_ok($$select * from vigil.unschedule()$$, '... and unschedule');
select tap.lives_ok($$update vigil.housekeeping set keep_delivered = '14 days'$$, '... and set the retention');
select tap.throws_ok($$update vigil.housekeeping set last_run_at = pg_catalog.now()$$, '42501', null,
  '... but not what housekeeping recorded');
select tap.throws_ok($$select vigil.run_housekeeping()$$, '42501', null,
  '... nor run the housekeeping (pg_cron runs it as the installer)');
reset role;

select * from tap.finish();
rollback;
