-- vigil.record_maintenance_run(...): records one statement a maintenance job
-- ran (ok or error) or a pass with nothing to do (skipped), and moves the
-- job on: last_run_at = p_now, next_due_at = p_now + every, last_status the
-- worst of the pass (error, ok, skipped). p_now is the clock the runner
-- passed to vigil.due_maintenance, the same for every statement of a pass.
-- Runs older than 90 days of the same job are deleted here, so the table
-- stays bounded without a housekeeping job of its own.
create or replace function vigil.record_maintenance_run(
  p_job         text,
  p_statement   text,
  p_status      text,
  p_started_at  timestamptz,
  p_finished_at timestamptz,
  p_error       text        default null,
  p_sqlstate    text        default null,
  p_run_as      text        default null,
  p_detail      jsonb       default null,
  p_now         timestamptz default pg_catalog.now()
)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_id bigint;
begin
  if p_status is null or p_status not in ('ok', 'error', 'skipped') then
    raise exception 'maintenance run status % is not known', coalesce(pg_catalog.quote_literal(p_status), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'One of ok, error, skipped.';
  end if;
  if p_status = 'error' and p_error is null then
    raise exception 'a failed maintenance run of job % needs its error message', p_job
      using errcode = 'invalid_parameter_value', hint = 'Pass p_error (and p_sqlstate).';
  end if;
  if p_started_at is null or p_finished_at is null or p_finished_at < p_started_at then
    raise exception 'maintenance run of job % finished at % before it started at %', p_job, p_finished_at, p_started_at
      using errcode = 'invalid_parameter_value', hint = 'p_finished_at must not be before p_started_at (both required).';
  end if;

  update vigil.maintenance_jobs j
     set last_status = case when j.last_run_at = p_now and (j.last_status = 'error' or (j.last_status = 'ok' and p_status = 'skipped'))
                            then j.last_status else p_status end,
         last_run_at = p_now,
         next_due_at = p_now + j.every
   where j.name = p_job;
  if not found then
    raise exception 'maintenance job % does not exist', coalesce(pg_catalog.quote_literal(p_job), 'NULL')
      using errcode = 'no_data_found', hint = 'It may have been removed while it ran; see select name from vigil.maintenance_jobs;';
  end if;

  insert into vigil.maintenance_runs (job, pass_at, started_at, finished_at, status, statement, run_as, error, sqlstate, detail)
  values (p_job, p_now, p_started_at, p_finished_at, p_status, p_statement, p_run_as,
          case when p_status = 'error' then p_error end, case when p_status = 'error' then p_sqlstate end, p_detail)
  returning id into v_id;

  delete from vigil.maintenance_runs r where r.job = p_job and r.pass_at < p_now - interval '90 days';
  return v_id;
end
$$;

comment on function vigil.record_maintenance_run(text, text, text, timestamptz, timestamptz, text, text, text, jsonb, timestamptz) is
  'Runner API: records one statement of maintenance job p_job (status ok, or error with p_error and p_sqlstate) or a pass with nothing to do (skipped, p_statement null); sets the job''s last_run_at = p_now, next_due_at = p_now + every and last_status (worst of the pass). Deletes the job''s runs older than 90 days. Returns the run''s id. A failed run makes the maintenance_job_failures check fire. Raises 22023 or P0002 with a HINT.';
