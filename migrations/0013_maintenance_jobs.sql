-- Up Migration
-- 0013 maintenance jobs (issue 7): VACUUM ANALYZE, ANALYZE, REFRESH
-- MATERIALIZED VIEW or a SQL statement on a schedule, optionally only inside
-- a maintenance window, every run recorded and a failure alerted. VACUUM
-- cannot run inside a function or a transaction block, so SQL only plans
-- (vigil.due_maintenance) and records (vigil.record_maintenance_run); the
-- statements are run as top-level statements by the worker's scheduler or
-- `pgvigil maintain` (src/maintenance.ts). How it fits together:
-- docs/maintenance.md.

create table vigil.maintenance_jobs (
  name         text primary key,
  kind         text not null,
  target       text,
  condition    jsonb not null default '{}'::jsonb,
  every        interval not null,
  window_id    bigint references vigil.maintenance_windows (id) on delete restrict,
  run_as       text not null,
  enabled      boolean not null default true,
  description  text,
  created_by   text not null,
  created_at   timestamptz not null default pg_catalog.now(),
  last_run_at  timestamptz,
  last_status  text,
  next_due_at  timestamptz,
  constraint maintenance_jobs_name check (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  constraint maintenance_jobs_kind check (kind in ('vacuum_analyze', 'analyze', 'refresh_matview', 'sql')),
  constraint maintenance_jobs_target check (target is not null or kind in ('vacuum_analyze', 'analyze')),
  constraint maintenance_jobs_condition check (pg_catalog.jsonb_typeof(condition) = 'object'),
  constraint maintenance_jobs_every check (every > interval '0'),
  constraint maintenance_jobs_last_status check (last_status in ('ok', 'error', 'skipped'))
);

comment on table vigil.maintenance_jobs is
  'Scheduled maintenance: VACUUM (ANALYZE), ANALYZE, REFRESH MATERIALIZED VIEW [CONCURRENTLY] or one SQL statement, every `every`, optionally only while a maintenance window is active. Added with vigil.add_maintenance_job, removed with vigil.remove_maintenance_job; vigil.due_maintenance plans what is due, the worker''s scheduler or `pgvigil maintain` runs it as top-level statements and records each run in vigil.maintenance_runs. See docs/maintenance.md.';
comment on column vigil.maintenance_jobs.name is 'The job''s name: lower case letters, digits, _ . - (up to 63).';
comment on column vigil.maintenance_jobs.kind is 'vacuum_analyze, analyze, refresh_matview or sql.';
comment on column vigil.maintenance_jobs.target is 'vacuum_analyze, analyze: one table as schema.name, or null for every table that meets the condition. refresh_matview: the materialized view as schema.name. sql: the statement.';
comment on column vigil.maintenance_jobs.condition is 'vacuum_analyze and analyze only: which tables qualify, from pg_stat_user_tables: {"dead_ratio_over": 0.2} (n_dead_tup / (n_live_tup + n_dead_tup)), {"min_dead_tuples": 1000}, {"modified_ratio_over": 0.1} (n_mod_since_analyze / (n_live_tup + n_dead_tup)), {"schemas": ["public"]}, {"max_tables": 100} (the worst first; default 100). All given conditions must hold. {} with a target: always.';
comment on column vigil.maintenance_jobs.every is 'How often it runs: next_due_at is the pass time plus this.';
comment on column vigil.maintenance_jobs.window_id is 'When set, the job runs only while this maintenance window (vigil.maintenance_windows) is active; outside it the job waits, overdue, for the next occurrence.';
comment on column vigil.maintenance_jobs.run_as is 'The role the statements run as (SET ROLE by the runner): by default the role that added the job, so that adding a job never gains privileges. VACUUM and ANALYZE need the table''s owner (or MAINTAIN on 17+), REFRESH the view''s owner.';
comment on column vigil.maintenance_jobs.enabled is 'A disabled job is never due.';
comment on column vigil.maintenance_jobs.last_run_at is 'The time of the last pass that ran this job (the runner''s clock p_now).';
comment on column vigil.maintenance_jobs.last_status is 'The worst status of the last pass: error, else ok, else skipped (nothing qualified).';
comment on column vigil.maintenance_jobs.next_due_at is 'When it is next due; null: due now.';

create table vigil.maintenance_runs (
  id           bigint generated always as identity primary key,
  job          text not null references vigil.maintenance_jobs (name) on delete cascade,
  pass_at      timestamptz not null,
  started_at   timestamptz not null,
  finished_at  timestamptz not null,
  status       text not null,
  statement    text,
  run_as       text,
  error        text,
  sqlstate     text,
  detail       jsonb,
  constraint maintenance_runs_status check (status in ('ok', 'error', 'skipped')),
  constraint maintenance_runs_error check ((status = 'error') = (error is not null)),
  constraint maintenance_runs_finished check (finished_at >= started_at)
);

comment on table vigil.maintenance_runs is
  'One row per statement a maintenance job ran (status ok or error, with the error and its SQLSTATE), or one skipped row for a pass in which nothing met the condition. A failed run makes the built-in check maintenance_job_failures fire. Kept 90 days (vigil.record_maintenance_run deletes older runs of the job it records).';
comment on column vigil.maintenance_runs.pass_at is 'The clock of the pass (vigil.due_maintenance''s p_now): all statements of one pass share it.';
comment on column vigil.maintenance_runs.statement is 'The statement as it was run; null for a skipped pass.';
comment on column vigil.maintenance_runs.run_as is 'The role it ran as.';
comment on column vigil.maintenance_runs.error is 'The error message of a failed run.';
comment on column vigil.maintenance_runs.sqlstate is 'The SQLSTATE of a failed run (42501: the role may not vacuum or refresh that relation).';
comment on column vigil.maintenance_runs.detail is 'What the planner said about it, e.g. the dead-tuple counts that qualified the table.';

create index maintenance_runs_job on vigil.maintenance_runs (job, pass_at desc);

insert into vigil.checks (name, function_name, every, direction, warning, critical, max_severity, description, builtin)
values ('maintenance_job_failures', 'vigil.check_maintenance_job_failures', '1 minute', 'above', 1, null, 'warning',
        'Statements that failed in the last pass of each maintenance job (vigil.maintenance_runs).', true)
on conflict (name) do nothing;
