-- vigil.run_housekeeping(p_now): the daily clean-up, run by the
-- vigil_housekeeping pg_cron job (vigil.schedule()):
--   * delivered outbox rows delivered more than vigil.housekeeping
--     .keep_delivered (30 days) before p_now; their delivery attempts go
--     with them. Dead letters and rows still to deliver stay.
--   * cron.job_run_details rows of pgvigil's vigil_* jobs in this database
--     that ended more than keep_cron_history (7 days) before p_now. pg_cron
--     never purges that table itself, and it grows by a row per run: 1,440
--     a day for a tick every minute. Only when pg_cron is in this database
--     and readable (else "cron_job_run_details" is null; where pg_cron lives
--     in another database, the vigil_cron_cleanup@<db> job purges there).
-- Old samples, check runs, alert events and attempts go with their
-- partitions (vigil.rotate_partitions). Returns what it deleted, and keeps it
-- in vigil.housekeeping.last_result.
create or replace function vigil.run_housekeeping(p_now timestamptz default pg_catalog.now())
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_settings vigil.housekeeping;
  v_outbox   bigint;
  v_cron     bigint;
  v_result   jsonb;
begin
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;
  select h.* into v_settings from vigil.housekeeping h;

  delete from vigil.outbox o
   where o.status = 'delivered'
     and o.delivered_at < p_now - v_settings.keep_delivered;
  get diagnostics v_outbox = row_count;

  -- Only the rows this role may see and delete: pg_cron shows a
  -- non-superuser its own jobs and runs (row level security).
  -- (to_regclass raises in a schema this role may not use: usage first.)
  if exists (select from pg_catalog.pg_extension e where e.extname = 'pg_cron')
     and pg_catalog.to_regnamespace('cron') is not null
     and pg_catalog.has_schema_privilege('cron', 'usage')
     and pg_catalog.to_regclass('cron.job_run_details') is not null
     and pg_catalog.to_regclass('cron.job') is not null
     and pg_catalog.has_table_privilege('cron.job', 'select')
     and pg_catalog.has_table_privilege('cron.job_run_details', 'select, delete') then
    -- (Dynamic SQL, schema quoted with %I: the function compiles, and is
    -- linted, without pg_cron.)
    execute pg_catalog.format(
      $q$delete from %1$I.job_run_details d
          where d.jobid in (select j.jobid from %1$I.job j
                             where j.jobname like $1 and j.database = pg_catalog.current_database())
            and coalesce(d.end_time, d.start_time) < $2$q$, 'cron')
      using 'vigil\_%', p_now - v_settings.keep_cron_history;
    get diagnostics v_cron = row_count;
  end if;

  v_result := pg_catalog.jsonb_build_object('outbox_delivered', v_outbox, 'cron_job_run_details', v_cron);
  update vigil.housekeeping h set last_run_at = p_now, last_result = v_result;
  return v_result;
end
$$;

comment on function vigil.run_housekeeping(timestamptz) is
  'The daily clean-up (pg_cron job vigil_housekeeping): deletes delivered outbox rows delivered more than vigil.housekeeping.keep_delivered (30 days) before p_now, with their delivery attempts, and the cron.job_run_details rows of this database''s vigil_* jobs that ended more than keep_cron_history (7 days) before p_now (when pg_cron is here). Dead letters stay. Returns {"outbox_delivered": n, "cron_job_run_details": n, or null without pg_cron here}; the last result is in vigil.housekeeping.';
