-- With pg_cron here, vigil.run_housekeeping(p_now) also deletes the
-- cron.job_run_details rows of this database's vigil_* jobs that ended more
-- than 7 days (keep_cron_history) before p_now, and no others: not those of
-- other jobs, not those of vigil_*@<db> jobs run in another database, not
-- newer ones. p_now is in 2000, so the real runs of the suite's jobs are all
-- newer than it and stay.
begin;
select tap.plan(2);

create schema test;
select cron.schedule('not_pgvigil', '0 3 * * *', 'select 1');
create function test.run(p_job text, p_database text, p_end timestamptz) returns void
language sql set search_path = '' as $$
  insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
  select j.jobid, 1, j.database, j.username, j.command, 'succeeded', 'test ' || p_end, p_end - interval '1 second', p_end
    from cron.job j where j.jobname = p_job and j.database = p_database $$;

-- 2000-01-15 00:00 UTC minus 7 days is 2000-01-08 00:00.
select test.run('vigil_tick', 'postgres', '2000-01-01 00:00+00');
select test.run('vigil_rotate', 'postgres', '2000-01-07 23:59+00');
select test.run('vigil_tick', 'postgres', '2000-01-08 00:00+00');
select test.run('vigil_housekeeping', 'postgres', '2000-01-14 00:00+00');
select test.run('not_pgvigil', 'postgres', '2000-01-01 00:00+00');
select test.run('vigil_tick@app', 'app', '2000-01-01 00:00+00');

select tap.is(vigil.run_housekeeping('2000-01-15 00:00+00'),
  '{"outbox_delivered": 0, "cron_job_run_details": 2}'::jsonb,
  'it deletes the two runs of vigil jobs here that ended more than 7 days before p_now');
select tap.results_eq(
  $$select d.return_message from cron.job_run_details d where d.return_message like 'test %' order by d.end_time, d.return_message$$,
  $$select 'test ' || t from pg_catalog.unnest(array['2000-01-01 00:00+00', '2000-01-01 00:00+00', '2000-01-08 00:00+00', '2000-01-14 00:00+00']::timestamptz[]) t$$,
  '... exactly those: another job''s, the other database''s and the newer ones stay');
select * from tap.finish();
rollback;
