-- Up Migration
-- 0002 check engine: the check registry, its run log, samples, counters for
-- rate-based checks, and the tick's own state.
--
-- check_runs and samples are range-partitioned by time from day one. Each
-- gets a DEFAULT partition so that no row is ever refused. The tick premakes
-- daily partitions (vigil._ensure_partitions); retention comes with partition
-- rotation.

create table vigil.checks (
  name          text primary key,
  function_name text not null,
  params        jsonb not null default '{}'::jsonb,
  every         interval not null default '1 minute',
  service       text,
  labels        jsonb not null default '{}'::jsonb,
  direction     text not null default 'above',
  warning       double precision,
  critical      double precision,
  max_severity  text not null default 'critical',
  keep_series   boolean not null default false,
  timeout       interval not null default '10 seconds',
  lock_timeout  interval not null default '1 second',
  runbook_url   text,
  owner         text,
  description   text,
  enabled       boolean not null default true,
  builtin       boolean not null default false,
  last_run_at   timestamptz,
  created_at    timestamptz not null default pg_catalog.now(),
  updated_at    timestamptz not null default pg_catalog.now(),
  constraint checks_name_slug check (name ~ '^[a-z][a-z0-9_]{0,62}$'),
  constraint checks_direction check (direction in ('above', 'below')),
  constraint checks_max_severity check (max_severity in ('info', 'warning', 'critical')),
  constraint checks_every_positive check (every > interval '0'),
  constraint checks_timeout_positive check (timeout > interval '0' and lock_timeout > interval '0'),
  constraint checks_params_object check (pg_catalog.jsonb_typeof(params) = 'object'),
  constraint checks_labels_object check (pg_catalog.jsonb_typeof(labels) = 'object')
);

comment on table vigil.checks is
  'The check registry: one row per check. Change it with vigil.add_check, update_check, remove_check, enable_check and disable_check, which validate their input.';
comment on column vigil.checks.name is 'Slug that names the check: lower case, digits and _, starting with a letter.';
comment on column vigil.checks.function_name is 'Schema-qualified check function, fn(p_params jsonb) returns table(series text, value double precision, labels jsonb, detail jsonb).';
comment on column vigil.checks.params is 'Parameters passed to the function. The engine adds _check (the check name) and _now (the tick time).';
comment on column vigil.checks.every is 'How often the check runs. Runs are aligned to multiples of this interval.';
comment on column vigil.checks.service is 'The service the check belongs to, for routing.';
comment on column vigil.checks.labels is 'Labels added to every series of this check, for routing and silences.';
comment on column vigil.checks.direction is 'above: higher values are worse (value >= threshold breaches); below: lower values are worse (value <= threshold breaches).';
comment on column vigil.checks.warning is 'Warning threshold; null means none.';
comment on column vigil.checks.critical is 'Critical threshold; null means none.';
comment on column vigil.checks.max_severity is 'The highest severity this check may raise: info for hygiene checks that should never page.';
comment on column vigil.checks.keep_series is 'Write a sample for every series on every run (for baselines and graphs), not only for breaching ones.';
comment on column vigil.checks.timeout is 'statement_timeout for one run of the check.';
comment on column vigil.checks.lock_timeout is 'lock_timeout for one run of the check.';
comment on column vigil.checks.runbook_url is 'Where the on-call person reads what to do.';
comment on column vigil.checks.owner is 'Who owns the check (a team or a person).';
comment on column vigil.checks.description is 'What the check measures, in a sentence.';
comment on column vigil.checks.enabled is 'Disabled checks are not run.';
comment on column vigil.checks.builtin is 'Shipped by pgvigil.';
comment on column vigil.checks.last_run_at is 'Tick time of the last run; the next run is due at the next multiple of every.';

create table vigil.check_runs (
  check_name   text not null,
  started_at   timestamptz not null,
  duration_ms  double precision not null,
  status       text not null,
  error        text,
  sqlstate     text,
  series_count integer not null default 0,
  breaching    integer not null default 0,
  constraint check_runs_status check (status in ('ok', 'error', 'timeout'))
) partition by range (started_at);

create table vigil.check_runs_default partition of vigil.check_runs default;
create index check_runs_check_started on vigil.check_runs (check_name, started_at desc);

comment on table vigil.check_runs is
  'One row per run of a check: when (tick time), how long, ok/error/timeout, the error, and how many series it returned and how many breached. Partitioned by day.';
comment on column vigil.check_runs.started_at is 'The tick time (p_now) of the run.';
comment on column vigil.check_runs.duration_ms is 'Wall-clock duration of the run in milliseconds.';
comment on column vigil.check_runs.status is 'ok, error (the function raised) or timeout (statement or lock timeout).';
comment on column vigil.check_runs.series_count is 'How many series (rows) the check returned.';
comment on column vigil.check_runs.breaching is 'How many of them crossed the warning or critical threshold.';
comment on table vigil.check_runs_default is 'Rows outside the premade daily partitions land here; a self-check reports rows in default partitions.';

create table vigil.samples (
  at         timestamptz not null,
  check_name text not null,
  series     text not null,
  value      double precision,
  labels     jsonb not null default '{}'::jsonb,
  detail     jsonb
) partition by range (at);

create table vigil.samples_default partition of vigil.samples default;
create index samples_check_series_at on vigil.samples (check_name, series, at desc);

comment on table vigil.samples is
  'Measured values, partitioned by day. Volume rule: every run writes one aggregate row per check (series ''*'': the worst value, with counts in detail), plus one row per series only for series that breach a threshold, or that carry a note instead of a value (value null, detail set: what the check could not see; at most 10 a run), or for every series when the check has keep_series (it feeds a baseline or a graph). A healthy database with 10,000 tables writes rows in proportion to its checks, not its tables.';
comment on column vigil.samples.at is 'Tick time of the run.';
comment on column vigil.samples.series is 'What was measured (a table, a replica, a provider); ''*'' is the per-run aggregate.';
comment on column vigil.samples.value is 'The measured value; for ''*'', the worst value of the run.';
comment on column vigil.samples.labels is 'Labels of the series, as the check returned them.';
comment on column vigil.samples.detail is 'Context the check returned (for ''*'': series, warning and critical counts).';
comment on table vigil.samples_default is 'Rows outside the premade daily partitions land here; a self-check reports rows in default partitions.';

create table vigil.counters (
  check_name text not null,
  series     text not null,
  value      double precision not null,
  at         timestamptz not null,
  primary key (check_name, series)
);

comment on table vigil.counters is
  'Last observed value of cumulative counters (deadlocks, rollbacks, checkpoints), so that rate checks can report the increase since their previous run. Maintained by vigil._counter_delta.';

create table vigil.tick_state (
  id            boolean primary key default true,
  last_tick_at  timestamptz,
  prev_tick_at  timestamptz,
  last_wall_at  timestamptz,
  last_duration_ms double precision,
  constraint tick_state_singleton check (id)
);
insert into vigil.tick_state (id) values (true);

comment on table vigil.tick_state is
  'One row: when the last two ticks ran (tick time), when the last one ran by the wall clock and how long it took. The tick_lag self-check reads it.';
