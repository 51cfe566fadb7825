-- Up Migration
-- 0004 alert state: exit thresholds, for, keep_firing_for, no-data, flapping
-- and ack settings on checks; per-series overrides; the alert state itself
-- and its append-only event log. Semantics: docs/alert-state.md.

alter table vigil.checks
  add column warning_exit    double precision,
  add column critical_exit   double precision,
  add column for_duration    interval not null default '0',
  add column keep_firing_for interval not null default '0',
  add column no_data         text not null default 'ok',
  add column no_data_after   integer not null default 2,
  add column flap_window     integer not null default 21,
  add column flap_start      double precision not null default 20,
  add column flap_stop       double precision not null default 5,
  add column ack_timeout     interval default '30 minutes',
  add constraint checks_no_data check (no_data in ('ok', 'keep', 'alert')),
  add constraint checks_no_data_after check (no_data_after >= 1),
  add constraint checks_flap check (flap_window between 3 and 100 and flap_stop < flap_start),
  add constraint checks_durations check (for_duration >= interval '0' and keep_firing_for >= interval '0');

comment on column vigil.checks.warning_exit is 'Exit threshold of warning (hysteresis): a warning alert ends only once the value is past it. Null: the same as warning.';
comment on column vigil.checks.critical_exit is 'Exit threshold of critical: a critical alert steps down only once the value is past it. Null: the same as critical.';
comment on column vigil.checks.for_duration is 'How long the condition must hold before pending becomes firing (Prometheus for; default 0).';
comment on column vigil.checks.keep_firing_for is 'How long an alert keeps firing after its condition clears (Prometheus keep_firing_for; default 0).';
comment on column vigil.checks.no_data is 'What a series that vanishes means: ok (it resolves), keep (its state stays) or alert (it fires).';
comment on column vigil.checks.no_data_after is 'Missing evaluations before the no-data policy applies (default 2, as Grafana resolves a missing series).';
comment on column vigil.checks.flap_window is 'Evaluations in the flap-detection window (Nagios: 21).';
comment on column vigil.checks.flap_start is 'Weighted percent state change at which an alert starts flapping (Nagios high flap threshold: 20).';
comment on column vigil.checks.flap_stop is 'Weighted percent state change below which it stops flapping (Nagios low flap threshold: 5).';
comment on column vigil.checks.ack_timeout is 'How long an acknowledgement lasts on an alert that is still firing (PagerDuty''s default: 30 minutes); null: forever.';

create table vigil.threshold_overrides (
  check_name      text not null references vigil.checks (name) on delete cascade,
  series_pattern  text not null,
  warning         double precision,
  critical        double precision,
  warning_exit    double precision,
  critical_exit   double precision,
  for_duration    interval,
  keep_firing_for interval,
  created_at      timestamptz not null default pg_catalog.now(),
  primary key (check_name, series_pattern)
);

comment on table vigil.threshold_overrides is
  'Per-series settings that override a check''s (e.g. one big table): series_pattern is a LIKE pattern; the longest matching pattern wins; a null column falls back to the check. Set with vigil.set_threshold_override.';

create table vigil.alert_state (
  id                bigint generated always as identity primary key,
  check_name        text not null,
  series            text not null,
  labels            jsonb not null default '{}'::jsonb,
  state             text not null,
  level             text not null,
  severity          text not null,
  value             double precision,
  active_at         timestamptz not null,
  fired_at          timestamptz,
  resolved_at       timestamptz,
  last_eval_at      timestamptz not null,
  keep_firing_since timestamptz,
  missing_count     integer not null default 0,
  flapping          boolean not null default false,
  flap_history      text not null default '',
  flap_percent      double precision not null default 0,
  acked_at          timestamptz,
  acked_by          text,
  ack_comment       text,
  ack_expires_at    timestamptz,
  fingerprint       text not null,
  constraint alert_state_series unique (check_name, series),
  constraint alert_state_state check (state in ('pending', 'firing', 'resolved')),
  constraint alert_state_level check (level in ('warning', 'critical')),
  constraint alert_state_severity check (severity in ('info', 'warning', 'critical'))
);

comment on table vigil.alert_state is
  'One row per series that is not silently OK: pending, firing, or resolved while its flap history still matters. level is the raw threshold crossed (warning or critical), severity the level capped by the check''s max_severity. Semantics: docs/alert-state.md.';
comment on column vigil.alert_state.flap_history is 'One character per evaluation, oldest first: 1 = alert active, 0 = not (at most flap_window).';
comment on column vigil.alert_state.fingerprint is 'Stable identity of the alert across fires: md5(check || series), 16 hex characters.';

create table vigil.alert_events (
  id         bigint generated always as identity,
  at         timestamptz not null,
  alert_id   bigint not null,
  check_name text not null,
  series     text not null,
  event      text not null,
  severity   text,
  value      double precision,
  labels     jsonb not null default '{}'::jsonb,
  detail     jsonb,
  constraint alert_events_event check (event in ('pending', 'firing', 'severity_changed', 'resolved',
    'flapping_started', 'flapping_stopped', 'acknowledged', 'unacknowledged', 'ack_expired', 'no_data'))
) partition by range (at);

create table vigil.alert_events_default partition of vigil.alert_events default;
create index alert_events_alert on vigil.alert_events (alert_id, id);
create index alert_events_at on vigil.alert_events (at);

comment on table vigil.alert_events is
  'Every alert transition, append-only, partitioned by day: pending, firing, severity_changed, resolved, flapping_started, flapping_stopped, acknowledged, unacknowledged, ack_expired, no_data.';
comment on table vigil.alert_events_default is 'Rows outside the premade daily partitions land here.';

-- The configuration API gains parameters: drop the old signatures so that
-- the repeatable layer creates the new ones.
drop function if exists vigil.add_check(text, text, jsonb, interval, text, jsonb, text, double precision, double precision, interval, text, text, text, text, boolean, interval, boolean);
drop function if exists vigil.update_check(text, jsonb, interval, text, jsonb, text, double precision, double precision, interval, text, text, text, text, boolean, interval, text);
