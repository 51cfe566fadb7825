-- vigil._cron_jobs(p_cron_version, p_database): the pg_cron jobs pgvigil
-- runs, as one list that vigil.schedule() (pg_cron in this database) and
-- `pgvigil schedule` (pg_cron in another database) both install, so that
-- the two cannot drift apart.
--
--   vigil_tick          every minute; every 15 seconds on pg_cron 1.5 or newer
--                       (older versions know only cron syntax, to the minute)
--   vigil_rotate        hourly, at minute 7 (off the hour, when others run)
--   vigil_housekeeping  daily at 03:17 (pg_cron's time zone, GMT by default)
--
-- p_database null: the jobs run here, in the database pg_cron lives in.
-- p_database given: pg_cron lives in another database and runs the jobs in
-- p_database (cron.schedule_in_database). pg_cron upserts a named job by
-- (name, user) and keeps the database of the job it updates, so one name
-- cannot serve two databases: these jobs are named <job>@<p_database>. Their
-- run history lies in pg_cron's database, out of reach of
-- vigil.run_housekeeping, so one more job, vigil_cron_cleanup@<p_database>,
-- deletes it there (database null: the cron database).
create or replace function vigil._cron_jobs(p_cron_version text, p_database text default null)
returns table (job text, schedule text, command text, database text)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_version integer[] := pg_catalog.regexp_match(p_cron_version, '^(\d+)\.(\d+)')::integer[];
  v_suffix  text := case when p_database is not null then '@' || p_database else '' end;
  v_target  text := coalesce(p_database, pg_catalog.current_database());
  v_keep    interval;
begin
  if p_database = '' then
    raise exception 'database name is empty'
      using errcode = 'invalid_parameter_value', hint = 'Pass the name of the database pgvigil is installed in, or null when the jobs run where pg_cron is.';
  end if;
  -- pg_cron job names are of type name (63 bytes); a longer one would be
  -- cut, and its @<database> with it.
  if pg_catalog.octet_length('vigil_housekeeping' || v_suffix) > 63 then
    raise exception 'database name % is too long for pg_cron job names (vigil_housekeeping@% is over 63 bytes)', p_database, p_database
      using errcode = 'name_too_long',
            hint = 'Create the jobs by hand with shorter names (see select * from vigil._cron_jobs(null, current_database())), or run the worker''s scheduler: pgvigil worker.';
  end if;
  job := 'vigil_tick' || v_suffix;
  schedule := case when v_version is not null and (v_version[1], v_version[2]) >= (1, 5) then '15 seconds' else '* * * * *' end;
  command := 'select vigil.tick()';
  database := v_target;
  return next;
  job := 'vigil_rotate' || v_suffix;
  schedule := '7 * * * *';
  command := 'select vigil.rotate_partitions()';
  return next;
  job := 'vigil_housekeeping' || v_suffix;
  schedule := '17 3 * * *';
  command := 'select vigil.run_housekeeping()';
  return next;
  if p_database is not null then
    select h.keep_cron_history into v_keep from vigil.housekeeping h;
    job := 'vigil_cron_cleanup' || v_suffix;
    schedule := '27 3 * * *';
    command := pg_catalog.format(
      'delete from cron.job_run_details d using cron.job j where j.jobid = d.jobid and pg_catalog.starts_with(j.jobname, %L) and pg_catalog.right(j.jobname, %s) = %L and coalesce(d.end_time, d.start_time) < pg_catalog.now() - %L::interval',
      'vigil_', pg_catalog.length(v_suffix), v_suffix, coalesce(v_keep, interval '7 days'));
    database := null;
    return next;
  end if;
end
$$;

comment on function vigil._cron_jobs(text, text) is
  'The pg_cron jobs pgvigil runs (name, schedule, command, database), for pg_cron version p_cron_version (1.5 or newer: vigil_tick every 15 seconds, else every minute): vigil_tick, vigil_rotate (hourly), vigil_housekeeping (daily). With p_database (pg_cron in another database): names get @p_database, and vigil_cron_cleanup@p_database (database null: runs in pg_cron''s database) deletes their run history after vigil.housekeeping.keep_cron_history. Used by vigil.schedule() and pgvigil schedule.';
