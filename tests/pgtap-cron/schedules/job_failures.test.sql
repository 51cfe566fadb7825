-- The self-check vigil.check_cron_job_failures covers pgvigil's own jobs: a
-- failed run of vigil_rotate (say, a partition it could not make) is
-- reported under its name, with the error; a healthy vigil job reports 0.
begin;
select tap.plan(3);

insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
select j.jobid, 1, j.database, j.username, j.command, 'failed', 'ERROR: could not create partition', '2000-01-15 00:06+00', '2000-01-15 00:07+00'
  from cron.job j where j.jobname = 'vigil_rotate' and j.database = pg_catalog.current_database();

select tap.results_eq(
  $$select c.series, c.value, c.labels ->> 'username', c.detail ->> 'last_error'
      from vigil.check_cron_job_failures('{"_now": "2000-01-15T00:30:00Z"}') c where c.series = 'vigil_rotate'$$,
  $$values ('vigil_rotate', 1::double precision, 'installer', 'ERROR: could not create partition')$$,
  'a failed run of vigil_rotate is reported, with its error');
select tap.is(
  (select c.value from vigil.check_cron_job_failures('{"_now": "2000-01-15T00:30:00Z"}') c where c.series = 'vigil_tick'),
  0::double precision, 'vigil_tick, which did not fail then, reports 0');
select tap.is(
  (select c.value from vigil.check_cron_job_failures('{"_now": "2000-01-15T03:00:00Z"}') c where c.series = 'vigil_rotate'),
  0::double precision, 'an hour past the window, vigil_rotate is clean again');

select * from tap.finish();
rollback;
