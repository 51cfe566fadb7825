-- vigil.unschedule(): removes the pg_cron jobs vigil.schedule() installed
-- in this database (vigil._cron_jobs names, of the role that installed
-- pgvigil, running here). Removing what is not there is no error. Without
-- pg_cron in this database: the same NOTICE as vigil.schedule(), and no
-- rows (`pgvigil unschedule` removes the jobs that another database's
-- pg_cron runs here).
create or replace function vigil.unschedule()
returns table (job text, jobid bigint)
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because the jobs belong to the role that installed
-- pgvigil (vigil.schedule() is security definer too), and pg_cron lets only
-- a job's owner (or a superuser) unschedule it.
declare
  v_version text;
  v_names   text[];
  v_job     text;
  v_jobid   bigint;
begin
  v_version := vigil._require_cron();
  if v_version is null then
    return;
  end if;
  select pg_catalog.array_agg(j.job) into v_names from vigil._cron_jobs(v_version) j;
  -- (Dynamic SQL, schema quoted with %I: the function compiles, and is
  -- linted, without pg_cron.)
  for v_job, v_jobid in execute pg_catalog.format(
    $q$select j.jobname::text, j.jobid from %I.job j
        where j.jobname = any ($1) and j.username = current_user and j.database = pg_catalog.current_database()
        order by j.jobid$q$, 'cron')
    using v_names
  loop
    execute pg_catalog.format('select %I.unschedule($1::bigint)', 'cron') using v_jobid;
    job := v_job;
    jobid := v_jobid;
    return next;
  end loop;
end
$$;

comment on function vigil.unschedule() is
  'Removes pgvigil''s pg_cron jobs (vigil_tick, vigil_rotate, vigil_housekeeping) from this database; returns those it removed (none when they were not there). Without pg_cron here: a NOTICE, no rows, no error (pgvigil unschedule removes jobs scheduled from another database). See docs/schedules.md.';
