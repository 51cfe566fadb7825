-- vigil.status: what is not OK right now, for the on-call person in psql:
--   select * from vigil.status;
-- One row per series in vigil.alert_state that is pending or firing, plus a
-- resolved series that is still flapping (between two flaps it is resolved,
-- but it is not OK: it would otherwise blink in and out of this view while
-- its notifications stay quiet). A resolved series that is not flapping is
-- OK and is left out (its history is in vigil.recent_events).
--
-- The thresholds shown are the effective ones, computed as the evaluator
-- does (docs/alert-state.md): the longest matching series_pattern of
-- vigil.threshold_overrides wins (ties: the alphabetically first pattern);
-- a setting the override leaves null falls back to the check's; an exit
-- threshold that is null is the same as its enter threshold, and the check's
-- exit is not used under an override that sets its own enter threshold.
--
-- Privileges: a plain view runs with its owner's (the installer's) rights,
-- on PostgreSQL 14 to 18 alike, so vigil_reader needs select on the view
-- only (sql/grants.sql). security_invoker (15+) is not used: it does not
-- exist on 14, and the view shows nothing vigil_reader could not read from
-- the base tables anyway. No view depends on another view, so sql/views can
-- be applied in any order.
create or replace view vigil.status as
select s.check_name,
       s.series,
       s.state,
       s.severity,
       s.value,
       c.direction,
       coalesce(o.warning, c.warning) as warning,
       case when o.warning is not null then coalesce(o.warning_exit, o.warning)
            else coalesce(o.warning_exit, c.warning_exit, c.warning) end as warning_exit,
       coalesce(o.critical, c.critical) as critical,
       case when o.critical is not null then coalesce(o.critical_exit, o.critical)
            else coalesce(o.critical_exit, c.critical_exit, c.critical) end as critical_exit,
       o.series_pattern as override_pattern,
       case when s.state = 'resolved' then s.resolved_at else s.active_at end as since,
       s.fired_at,
       pg_catalog.date_trunc('second', pg_catalog.now() - case when s.state = 'resolved' then s.resolved_at else s.active_at end)
         as duration,
       s.acked_by,
       s.acked_at,
       s.flapping,
       c.service,
       c.owner,
       c.runbook_url,
       s.labels,
       s.id as alert_id,
       c.last_run_at
  from vigil.alert_state s
  -- left: an alert of a check removed since still shows (with no settings).
  left join vigil.checks c on c.name = s.check_name
  left join lateral (
    select ov.series_pattern, ov.warning, ov.critical, ov.warning_exit, ov.critical_exit
      from vigil.threshold_overrides ov
     where ov.check_name = s.check_name and s.series like ov.series_pattern
     order by pg_catalog.length(ov.series_pattern) desc, ov.series_pattern
     limit 1) o on true
 where s.state in ('pending', 'firing') or s.flapping
 order by case s.state when 'firing' then 1 when 'pending' then 2 else 3 end,
          case s.severity when 'critical' then 1 when 'warning' then 2 else 3 end,
          since, s.check_name, s.series;

comment on view vigil.status is
  'Every series that is not OK: pending or firing alerts, and resolved series that are still flapping; firing first, most severe first, then oldest. With its value, the effective thresholds (per-series overrides applied), since when, for how long (against now()), the ack, and the check''s service, owner and runbook. select * from vigil.status; (\x auto for the wide rows). Runs with its owner''s rights: vigil_reader needs select on the view only.';
comment on column vigil.status.check_name is 'The check (vigil.checks.name).';
comment on column vigil.status.series is 'What the check measured: a table, a pid, a replica...';
comment on column vigil.status.state is 'pending (waiting for its for_duration), firing, or resolved (only while flapping).';
comment on column vigil.status.severity is 'info, warning or critical: the threshold crossed, capped by the check''s max_severity.';
comment on column vigil.status.value is 'The value at the last evaluation that changed the alert (a steady firing alert is not rewritten; vigil.samples has every run''s value).';
comment on column vigil.status.direction is 'above: value >= threshold breaches; below: value <= threshold breaches.';
comment on column vigil.status.warning is 'Effective warning threshold (override, else the check''s); null: none.';
comment on column vigil.status.warning_exit is 'Effective warning exit threshold: a warning alert ends only once the value is past it (hysteresis).';
comment on column vigil.status.critical is 'Effective critical threshold (override, else the check''s); null: none.';
comment on column vigil.status.critical_exit is 'Effective critical exit threshold: a critical alert steps down only once the value is past it.';
comment on column vigil.status.override_pattern is 'The vigil.threshold_overrides series_pattern that applies to this series (the longest that matches); null: the check''s own settings.';
comment on column vigil.status.since is 'When the alert became active (pending or firing: active_at); for a resolved flapping series, when it resolved.';
comment on column vigil.status.fired_at is 'When it last started firing; null while pending.';
comment on column vigil.status.duration is 'now() - since, to the second: how long it has been in this state.';
comment on column vigil.status.acked_by is 'Who acknowledged it (vigil.ack); null: not acknowledged.';
comment on column vigil.status.flapping is 'Flapping (Nagios percent state change): it notified once that it flaps and stays quiet until it stops.';
comment on column vigil.status.labels is 'The alert''s labels: the check''s || the series'' || {check, series}.';
comment on column vigil.status.alert_id is 'vigil.alert_state.id: pass it to vigil.ack(alert_id, ''me'', ''on it'').';
comment on column vigil.status.last_run_at is 'When the check last ran (tick time); vigil.check_errors lists checks that fail or stopped running.';
