-- vigil.schedule() installs vigil_tick, vigil_rotate and vigil_housekeeping
-- with pg_cron in this database, as the role that installed pgvigil.
-- Scheduling twice upserts: the same three jobs, the same jobids, never a
-- second job of a name. vigil.unschedule() removes them; removing them again
-- removes nothing.
begin;
select tap.plan(8);

create schema test;
create function test.jobs() returns table (jobname text, schedule text, command text, username text)
language sql set search_path = '' as $$
  select j.jobname::text, j.schedule, j.command, j.username from cron.job j
   where j.database = pg_catalog.current_database() and j.jobname like 'vigil\_%' and pg_catalog.strpos(j.jobname, '@') = 0
   order by j.jobid $$;

-- The suite scheduled them already: start from nothing.
select tap.is((select pg_catalog.count(*)::int from vigil.unschedule()), 3, 'unschedule removes the three jobs the suite scheduled');
select tap.is_empty($$select * from test.jobs()$$, '... and then there are none');

create table test.first as select * from vigil.schedule();
select tap.results_eq(
  $$select * from test.jobs()$$,
  $$values ('vigil_tick', '* * * * *', 'select vigil.tick()', 'installer'),
           ('vigil_rotate', '7 * * * *', 'select vigil.rotate_partitions()', 'installer'),
           ('vigil_housekeeping', '17 3 * * *', 'select vigil.run_housekeeping()', 'installer')$$,
  'schedule installs the three jobs (pg_cron 1.4: vigil_tick every minute), owned by the installer, though a superuser called it');
select tap.results_eq(
  $$select s.job, s.jobid from vigil.schedule() s$$,
  $$select f.job, f.jobid from test.first f$$,
  'scheduling again returns the same jobs with the same jobids');
select tap.is((select pg_catalog.count(*)::int from test.jobs()), 3, '... and there are still three: one per name');

update cron.job set schedule = '0 0 1 1 *' where jobname = 'vigil_tick' and database = pg_catalog.current_database();
select vigil.schedule();
select tap.is((select j.schedule from test.jobs() j where j.jobname = 'vigil_tick'), '* * * * *',
  'a job changed by hand is put back to pgvigil''s definition');

select tap.results_eq(
  $$select u.job from vigil.unschedule() u$$,
  $$values ('vigil_tick'), ('vigil_rotate'), ('vigil_housekeeping')$$,
  'unschedule removes them and says which');
select tap.is_empty($$select * from vigil.unschedule()$$, 'unscheduling again removes nothing, and is no error');

select * from tap.finish();
rollback;
