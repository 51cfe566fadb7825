-- vigil.check_maintenance_job_failures(p_params): the statements that failed
-- in the last pass of each maintenance job.
--
-- Why: a VACUUM that lost its lock, a REFRESH the role may not run, a sql
-- job that broke with a schema change: the runner records the error in
-- vigil.maintenance_runs and goes on, so nobody would see it. One row per
-- enabled job that has run: value = failed statements of its last pass (0
-- when it went well, so the alert resolves at the next good pass).
create or replace function vigil.check_maintenance_job_failures(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  select j.name,
         coalesce(f.n, 0)::double precision,
         pg_catalog.jsonb_build_object('job', j.name, 'kind', j.kind),
         pg_catalog.jsonb_build_object('last_pass_at', j.last_run_at, 'last_status', j.last_status, 'run_as', j.run_as)
         || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
              'last_error', pg_catalog.left(f.error, coalesce((p_params->>'message_length')::integer, 500)),
              'sqlstate', f.sqlstate,
              'statement', pg_catalog.left(f.statement, coalesce((p_params->>'message_length')::integer, 500))))
    from vigil.maintenance_jobs j
    left join lateral (
      select pg_catalog.count(*) over () as n, r.error, r.sqlstate, r.statement
        from vigil.maintenance_runs r
       where r.job = j.name and r.pass_at = j.last_run_at and r.status = 'error'
       order by r.finished_at desc, r.id desc
       limit 1) f on true
   where j.enabled and j.last_run_at is not null
$$;

comment on function vigil.check_maintenance_job_failures(jsonb) is
  'Statements that failed in the last pass of each enabled maintenance job that has run (vigil.maintenance_runs): one row per job, series = job name, value = failed statements (0 when the pass went well), labels {job, kind}, detail {last_error (truncated to param message_length, default 500), sqlstate, statement, last_pass_at, last_status, run_as}. Default thresholds (direction above): warning 1, no critical: a failed VACUUM or REFRESH needs a look but is rarely an emergency.';
