-- pg_cron upserts a named job by (name, role) and keeps the database of the
-- job it updates. A job of the installer named vigil_tick that runs in
-- another database would be changed instead of this one made: vigil.schedule()
-- refuses, naming it, and changes nothing.
begin;
select tap.plan(3);

select vigil.unschedule();
select cron.schedule_in_database('vigil_tick', '0 0 1 1 *', 'select 1', 'app', 'installer');

select tap.throws_like($$select vigil.schedule()$$,
  'pg_cron jobs of role installer with pgvigil''s names run in another database: vigil_tick (jobid %, database app)',
  'schedule refuses when a job of the same name and role runs in another database');
select tap.is(
  (select pg_catalog.count(*)::int from cron.job j where j.jobname like 'vigil\_%' and j.database = pg_catalog.current_database()
     and pg_catalog.strpos(j.jobname, '@') = 0),
  0, '... and schedules nothing here');
select tap.is(
  (select j.command from cron.job j where j.jobname = 'vigil_tick' and j.database = 'app'),
  'select 1', '... nor changes that job');

select * from tap.finish();
rollback;
