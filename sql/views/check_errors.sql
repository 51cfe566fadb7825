-- vigil.check_errors: the enabled checks that are not doing their job, so
-- that nobody trusts a quiet vigil.status by mistake:
--   select * from vigil.check_errors;
-- status is
--   * error or timeout: the check's latest run (vigil.check_runs) failed. A
--     failing check evaluates nothing, so its alerts stay as they were.
--     since is the first failing run of the current streak (the runs after
--     its last ok run), failing_runs how many runs in a row have failed;
--   * overdue: its latest run was ok (or it never ran), but it has not run
--     for more than 3 x every against now() (counted from when it was added
--     if it never ran): the tick is not being called (pg_cron job gone, the
--     worker stopped) or the check cannot get its turn. since is its last
--     run (or when it was added), failing_runs 0.
-- A failing check that is also overdue is listed once, as error or timeout
-- (last_run_at shows how stale it is). Disabled checks are left out: they
-- are not expected to run. The failing ones come first, the longest failing
-- first.
--
-- Privileges: a plain view runs with its owner's rights on PostgreSQL 14 to
-- 18 alike, so vigil_reader needs select on the view only (sql/grants.sql);
-- security_invoker (15+) is not used (see sql/views/status.sql).
create or replace view vigil.check_errors as
select c.name as check_name,
       case when l.failed then l.status else 'overdue' end as status,
       case when l.failed then l.error
            when c.last_run_at is null then 'never ran: is vigil.tick() running (pg_cron or the worker)?'
            else 'no run for over 3 x every: is vigil.tick() running (pg_cron or the worker)?' end as error,
       case when l.failed then l.sqlstate end as sqlstate,
       case when l.failed then f.first_failed_at else coalesce(c.last_run_at, c.created_at) end as since,
       case when l.failed then f.runs else 0 end as failing_runs,
       ok.started_at as last_ok_at,
       c.last_run_at,
       c.every
  from vigil.checks c
  -- The latest run.
  left join lateral (
    select r.status, r.error, r.sqlstate, r.status in ('error', 'timeout') as failed
      from vigil.check_runs r
     where r.check_name = c.name
     order by r.started_at desc
     limit 1) l on true
  -- The latest ok run.
  left join lateral (
    select r.started_at
      from vigil.check_runs r
     where r.check_name = c.name and r.status = 'ok'
     order by r.started_at desc
     limit 1) ok on true
  -- The current failing streak: every run after the latest ok one.
  left join lateral (
    select pg_catalog.min(r.started_at) as first_failed_at, pg_catalog.count(*)::integer as runs
      from vigil.check_runs r
     where r.check_name = c.name and r.started_at > coalesce(ok.started_at, '-infinity')
       and l.failed) f on true
 where c.enabled
   and (l.failed or coalesce(c.last_run_at, c.created_at) < pg_catalog.now() - 3 * c.every)
 order by case when l.failed then 1 else 2 end, since, c.name;

comment on view vigil.check_errors is
  'Enabled checks that are not doing their job: status error or timeout (the latest run failed: the error, its SQLSTATE, since the first failing run of the streak, how many runs in a row, the last ok run), or overdue (no run for over 3 x every against now(): is vigil.tick() running?). Failing first, longest first. select * from vigil.check_errors; Runs with its owner''s rights: vigil_reader needs select on the view only.';
comment on column vigil.check_errors.status is 'error (the check function raised), timeout (statement or lock timeout) or overdue (no run for over 3 x every).';
comment on column vigil.check_errors.error is 'The error of the latest run; for overdue, what to look at.';
comment on column vigil.check_errors.sqlstate is 'The SQLSTATE of the latest run''s error (57014: statement timeout, 55P03: lock timeout).';
comment on column vigil.check_errors.since is 'error/timeout: the first failing run of the current streak; overdue: the last run (or when the check was added, if it never ran).';
comment on column vigil.check_errors.failing_runs is 'Runs in a row that failed, up to the latest (0 for overdue).';
comment on column vigil.check_errors.last_ok_at is 'The latest run that went ok; null: none on record.';
comment on column vigil.check_errors.last_run_at is 'When the check last ran (tick time), whatever the outcome.';
comment on column vigil.check_errors.every is 'How often the check should run.';
