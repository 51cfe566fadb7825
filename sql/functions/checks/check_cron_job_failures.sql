-- vigil.check_cron_job_failures(p_params): failed runs of each pg_cron job in
-- the last `window` (default 1 hour).
--
-- Why: a scheduled job that fails (a purge, a refresh, a partition rotation,
-- pgvigil's own vigil_* jobs) fails quietly: pg_cron writes the error into
-- cron.job_run_details and nobody reads it. The check counts the runs with
-- status 'failed' that ended in (_now - window, _now], per job, with the last
-- error message, when it happened and the command. Every job of cron.job is
-- returned (0 when it did not fail); a job that was unscheduled is gone from
-- cron.job and no longer reported, whatever its past failures. pg_cron is optional and lives in one database of the cluster: when
-- its extension is not in this database, or job_run_details is not readable,
-- there are no rows and no error. It is read with dynamic SQL (schema cron,
-- quoted with %I), so the function compiles without it. pg_cron
-- shows a non-superuser only the jobs it owns (row level security).
-- job_run_details is never purged by pg_cron itself: vigil_housekeeping
-- purges the rows of pgvigil's own jobs (vigil.run_housekeeping); schedule a
-- purge for the others, or this scan grows with them.
create or replace function vigil.check_cron_job_failures(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_now     timestamptz := coalesce((p_params->>'_now')::timestamptz, pg_catalog.now());
  v_window  interval := coalesce((p_params->>'window')::interval, interval '1 hour');
  v_length  integer := coalesce((p_params->>'message_length')::integer, 500);
  v_schema  name;
  v_details regclass;
  v_jobs    regclass;
begin
  -- pg_cron keeps its tables in schema cron, whatever pg_extension.extnamespace says.
  select n.nspname into v_schema
    from pg_catalog.pg_namespace n
   where n.nspname = 'cron'
     and exists (select from pg_catalog.pg_extension e where e.extname = 'pg_cron');
  if v_schema is null or not pg_catalog.has_schema_privilege(v_schema, 'usage') then
    return;
  end if;
  v_details := pg_catalog.to_regclass(pg_catalog.format('%I.job_run_details', v_schema));
  v_jobs := pg_catalog.to_regclass(pg_catalog.format('%I.job', v_schema));
  if v_details is null or v_jobs is null
     or not pg_catalog.has_table_privilege(v_details, 'select')
     or not pg_catalog.has_table_privilege(v_jobs, 'select') then
    return;
  end if;

  for series, value, labels, detail in execute pg_catalog.format($q$
    with failed as (
      select d.jobid,
             pg_catalog.count(*)::double precision as n,
             pg_catalog.max(coalesce(d.end_time, d.start_time)) as last_at,
             (pg_catalog.array_agg(d.return_message order by coalesce(d.end_time, d.start_time) desc))[1] as last_error,
             (pg_catalog.array_agg(d.command order by coalesce(d.end_time, d.start_time) desc))[1] as last_command
        from %1$I.job_run_details d
       where d.status = 'failed'
         and coalesce(d.end_time, d.start_time) > $1 - $2
         and coalesce(d.end_time, d.start_time) <= $1
       group by d.jobid
    ), jobs as (
      select j.jobid, j.jobname, j.active, j.command, j.database, j.username,
             coalesce(f.n, 0) as n,
             f.last_at, f.last_error, f.last_command,
             pg_catalog.count(*) over (partition by j.jobname) as same_name
        from %1$I.job j
        left join failed f on f.jobid = j.jobid
    )
    select case when jobs.jobname is null then 'job ' || jobs.jobid::text
                when jobs.same_name > 1 then jobs.jobname || ':' || jobs.jobid::text
                else jobs.jobname end,
           jobs.n,
           pg_catalog.jsonb_build_object('job', coalesce(jobs.jobname, jobs.jobid::text), 'jobid', jobs.jobid,
                                         'database', jobs.database, 'username', jobs.username),
           pg_catalog.jsonb_build_object('window', $2::text, 'active', jobs.active,
                                         'command', pg_catalog.left(jobs.command, $3))
           || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                'last_error', pg_catalog.left(jobs.last_error, $3),
                'last_failure_at', jobs.last_at,
                'failed_command', case when jobs.last_command is distinct from jobs.command
                                       then pg_catalog.left(jobs.last_command, $3) end))
      from jobs
  $q$, v_schema)
  using v_now, v_window, v_length
  loop
    return next;
  end loop;
end
$$;

comment on function vigil.check_cron_job_failures(jsonb) is
  'Failed runs of each pg_cron job (status failed in cron.job_run_details) that ended in the last param window (default 1 hour) before the tick time _now; one row per job of cron.job (0 when healthy; unscheduled jobs are not reported), series = jobname (jobid when unnamed), labels {job, jobid, database, username}, detail {last_error (return_message, truncated to message_length, default 500), last_failure_at, command, window}. pgvigil''s own vigil_* jobs are reported like any other. No rows when pg_cron is not installed in this database or cron.job_run_details is not readable. Default thresholds (direction above): warning 1, critical 3 failed runs; pgvigil''s own choice (no monitoring tool we checked ships one for pg_cron): one failure deserves a look, three in the window mean the job is broken.';
