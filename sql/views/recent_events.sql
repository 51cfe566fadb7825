-- vigil.recent_events: what happened to the alerts in the last 24 hours
-- (against now()), newest first:
--   select * from vigil.recent_events;
--   select * from vigil.recent_events where check_name = 'long_queries';
-- Every row of vigil.alert_events whose at is within 24 hours of now(): the
-- state events (pending, firing, severity_changed, resolved, no_data), the
-- flapping ones and the acks. Within one tick, events of one alert keep the
-- order they were written in (newest first, like the rest). Older events
-- stay in vigil.alert_events until retention drops their partition.
--
-- Privileges: a plain view runs with its owner's rights on PostgreSQL 14 to
-- 18 alike, so vigil_reader needs select on the view only (sql/grants.sql);
-- security_invoker (15+) is not used (see sql/views/status.sql).
create or replace view vigil.recent_events as
select e.at,
       e.event,
       e.severity,
       e.check_name,
       e.series,
       e.value,
       e.alert_id,
       e.detail
  from vigil.alert_events e
 where e.at >= pg_catalog.now() - interval '24 hours'
 order by e.at desc, e.id desc;

comment on view vigil.recent_events is
  'Alert events of the last 24 hours (against now()), newest first: firing, resolved, severity changes, pending, no data, flapping, acks. select * from vigil.recent_events; the full history is vigil.alert_events. Runs with its owner''s rights: vigil_reader needs select on the view only.';
comment on column vigil.recent_events.at is 'When it happened: the tick time of the evaluation, or the time of the ack.';
comment on column vigil.recent_events.event is 'pending, firing, severity_changed, resolved, no_data, flapping_started, flapping_stopped, acknowledged, unacknowledged or ack_expired.';
comment on column vigil.recent_events.severity is 'The alert''s severity at the event.';
comment on column vigil.recent_events.value is 'The series'' value at the event.';
comment on column vigil.recent_events.alert_id is 'The alert (vigil.alert_state.id; the row is gone once the series is OK again for good).';
comment on column vigil.recent_events.detail is 'What changed: from and to (severity_changed), percent (flapping), missing_evaluations and policy (no_data), by, comment and expires_at (acknowledged), by (unacknowledged), acked_by and acked_at (ack_expired); null for the others.';
