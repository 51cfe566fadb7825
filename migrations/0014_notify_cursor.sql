-- Up Migration
-- 0014 notification cursor: vigil._notify works on what changed since the
-- last tick instead of routing every alert again on every tick (0.9 s a
-- tick at 1,000 firing alerts, minutes at 10,000). It keeps, in one row,
-- where the last tick left off, and finds the rest of its work through
-- indexes: the members of one alert, the resolved members, the members
-- that are news, and the outbox rows of one tick. How they are used:
-- sql/functions/_notify.sql.

create table vigil.notify_cursor (
  id               boolean primary key default true,
  last_now         timestamptz not null,
  snapshot_xmin    xid8 not null,
  xact_id          xid8 not null,
  config_hash      text not null,
  suppression_hash text not null,
  constraint notify_cursor_singleton check (id)
);

comment on table vigil.notify_cursor is
  'One row, written by every vigil._notify(p_now): where the last notification step left off, so that the next one routes only the alerts that changed since (alert_state rows evaluated after last_now or written by a transaction it could not see, and alerts with events after last_now). A tick at or before last_now, or a change of routes or of the checks'' service or labels, routes every alert again.';
comment on column vigil.notify_cursor.last_now is 'p_now of the last notification step.';
comment on column vigil.notify_cursor.snapshot_xmin is 'The oldest transaction still running when that step began: alert_state rows written by it or a later one, with an older last_eval_at, are routed again (a manual run_check that committed during the tick).';
comment on column vigil.notify_cursor.xact_id is 'The transaction of that step. A step in the same transaction (ticks replayed in one transaction, as the tests do) goes by last_now alone: that transaction''s own earlier writes were seen.';
comment on column vigil.notify_cursor.config_hash is 'md5 of the routes and of the checks'' name, service and labels as that step saw them; when it differs, every alert is routed again.';
comment on column vigil.notify_cursor.suppression_hash is 'md5 of what held alerts back at that step (checks outside their active hours; active maintenance windows, silences and known issues, in precedence order); when it differs, every member''s suppression is evaluated again, otherwise only those of the alerts that changed.';

-- The members of one alert: those of the alerts that changed, and escalation.
create index group_members_alert on vigil.group_members (alert_id, route_id);
-- Resolved members, which the step forgets once told (or when nobody is to be told).
create index group_members_resolved on vigil.group_members (route_id, group_key) where status = 'resolved';
-- Members that are news (the predicate is the one vigil._notify asks): a
-- group is due at its next flush only if one of these is in it.
create index group_members_news on vigil.group_members (route_id, group_key)
  where suppressed_by is null
    and ((not flapping and status = 'firing' and notified_status is distinct from 'firing')
         or (not flapping and status = 'resolved' and notified_status = 'firing')
         or (flapping and not notified_flapping));
-- The rows one tick wrote, whose channels it wakes.
create index outbox_created_at on vigil.outbox (created_at);
