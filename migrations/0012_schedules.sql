-- Up Migration
-- 0012 schedules (issue 7): what housekeeping keeps, and for how long. The
-- pg_cron jobs themselves are installed on request by vigil.schedule()
-- (sql/functions/schedule.sql); the daily vigil_housekeeping job runs
-- vigil.run_housekeeping(), which reads this row. How it fits together:
-- docs/schedules.md.

create table vigil.housekeeping (
  id                 boolean primary key default true,
  keep_delivered     interval not null default '30 days',
  keep_cron_history  interval not null default '7 days',
  last_run_at        timestamptz,
  last_result        jsonb,
  constraint housekeeping_singleton check (id),
  constraint housekeeping_keep_delivered check (keep_delivered > interval '0'),
  constraint housekeeping_keep_cron_history check (keep_cron_history > interval '0')
);
insert into vigil.housekeeping (id) values (true);

comment on table vigil.housekeeping is
  'One row: how long vigil.run_housekeeping (the daily vigil_housekeeping pg_cron job) keeps delivered outbox rows and the pg_cron run history of pgvigil''s jobs, and what its last run did. A DBA may change the keep_ columns: update vigil.housekeeping set keep_delivered = ''7 days'';';
comment on column vigil.housekeeping.keep_delivered is
  'Delivered outbox rows are deleted this long after delivered_at (default 30 days, as long as vigil.delivery_attempts keeps its partitions: deleting a row deletes its attempts too). Dead letters and rows not yet delivered are never deleted here.';
comment on column vigil.housekeeping.keep_cron_history is
  'cron.job_run_details rows of pgvigil''s vigil_* jobs in this database are deleted this long after they ended (default 7 days). pg_cron never purges that table itself.';
comment on column vigil.housekeeping.last_run_at is 'p_now of the last vigil.run_housekeeping.';
comment on column vigil.housekeeping.last_result is 'What it deleted, as it returned it: {"outbox_delivered": n, "cron_job_run_details": n}.';

-- Housekeeping finds the delivered rows past their retention by this index.
create index outbox_delivered on vigil.outbox (delivered_at) where status = 'delivered';
