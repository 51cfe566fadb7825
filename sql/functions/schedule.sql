-- vigil.schedule(): installs pgvigil's pg_cron jobs in this database, or
-- updates them: vigil_tick (every minute, or every 15 seconds on pg_cron 1.5
-- or newer), vigil_rotate (hourly) and vigil_housekeeping (daily); the list
-- is vigil._cron_jobs. Scheduling twice upserts: pg_cron keeps one job per
-- name and role, so a second call updates the same jobs (same jobid) and
-- never adds any. Every migrate calls it again where the jobs exist
-- (sql/cron/refresh_schedules.sql), so that an upgrade of pgvigil or of
-- pg_cron reaches them.
--
-- pg_cron lives in one database of the cluster. Where that is another one,
-- its schema is out of reach from here: this raises a NOTICE saying where
-- it is and what to run there (`pgvigil schedule` does it with
-- cron.schedule_in_database), and returns no rows. Without pg_cron at all,
-- the NOTICE points to the worker's scheduler. Either way it carries on.
create or replace function vigil.schedule()
returns table (job text, schedule text, command text, jobid bigint)
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because pg_cron runs a job as the role that scheduled it,
-- and pgvigil's jobs must run as the role that installed pgvigil (the owner
-- of this function): vigil.tick() runs the checks and writes pgvigil's tables
-- with its rights. vigil_admin needs no rights on pg_cron, and the commands
-- come from vigil._cron_jobs, never from the caller.
declare
  v_version  text;
  v_names    text[];
  v_conflict text;
  v_jobid    bigint;
begin
  v_version := vigil._require_cron();
  if v_version is null then
    return;
  end if;
  select pg_catalog.array_agg(j.job) into v_names from vigil._cron_jobs(v_version) j;
  -- pg_cron upserts by (name, role) and keeps the database of the job it
  -- updates: a job of this name and role that runs in another database
  -- would be changed, not this one created.
  -- (Dynamic SQL, schema quoted with %I: the function compiles, and is
  -- linted, without pg_cron.)
  execute pg_catalog.format(
    $q$select pg_catalog.string_agg(pg_catalog.format('%%s (jobid %%s, database %%s)', j.jobname, j.jobid, j.database), ', ' order by j.jobid)
         from %I.job j
        where j.jobname = any ($1) and j.username = current_user and j.database <> pg_catalog.current_database()$q$, 'cron')
    into v_conflict using v_names;
  if v_conflict is not null then
    raise exception 'pg_cron jobs of role % with pgvigil''s names run in another database: %', current_user, v_conflict
      using errcode = 'duplicate_object',
            hint = 'pg_cron names jobs per role, so one role cannot have them in two databases. Remove those (select cron.unschedule(jobid)) or schedule as another role.';
  end if;
  for job, schedule, command in
    select j.job, j.schedule, j.command from vigil._cron_jobs(v_version) j
  loop
    execute pg_catalog.format('select %I.schedule($1, $2, $3)', 'cron') into v_jobid using job, schedule, command;
    jobid := v_jobid;
    return next;
  end loop;
end
$$;

comment on function vigil.schedule() is
  'Installs or updates pgvigil''s pg_cron jobs in this database, run as the role that installed pgvigil: vigil_tick (select vigil.tick(); every minute, every 15 seconds on pg_cron 1.5+), vigil_rotate (select vigil.rotate_partitions(); hourly at :07), vigil_housekeeping (select vigil.run_housekeeping(); daily at 03:17 GMT). Twice is the same as once: named jobs upsert. Returns the jobs and their jobids. When pg_cron is not in this database: a NOTICE (pgvigil worker runs vigil.tick() instead; or, where pg_cron lives in another database, pgvigil schedule or the cron.schedule_in_database calls in its HINT), no rows, no error. Raises 42501 when the installer may not use schema cron. See docs/schedules.md.';
