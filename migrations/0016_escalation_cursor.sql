-- Up Migration
-- 0016 escalation cursor: vigil._escalate works on the alerts whose
-- escalation may have changed since the last step instead of comparing every
-- firing group member with every escalation on every tick (220 ms a tick at
-- 10,000 firing alerts with nothing changing). It is told which alerts'
-- members the notification step just changed; what else can start or end
-- an escalation it finds itself: acknowledgements (the set of acknowledged
-- alerts, kept here, against the set now, through a partial index), the
-- escalations with a step due (an index on next_at), and a change of the
-- routes' policies or of the policies' steps (config_hash: then every
-- alert is compared again). How they are used: sql/functions/_escalate.sql.
-- _escalate takes the changed alerts as a second parameter: drop the old
-- signature so that the repeatable layer creates the new one.

create table vigil.escalation_cursor (
  id          boolean primary key default true,
  last_now    timestamptz not null,
  config_hash text not null,
  acked       bigint[] not null,
  constraint escalation_cursor_singleton check (id)
);

comment on table vigil.escalation_cursor is
  'One row, written by every vigil._escalate(p_now): where the last escalation step left off, so that the next one compares only the alerts that may have changed since (those whose group members the notification step changed, those acknowledged or no longer acknowledged, those with a step due). A step that is not after last_now, that follows a notification step which did not escalate, or that sees other routes'' policies or policy steps (config_hash), compares every alert.';
comment on column vigil.escalation_cursor.last_now is 'p_now of the last escalation step.';
comment on column vigil.escalation_cursor.config_hash is 'md5 of the routes'' ids and escalation policies and of the policies'' steps as that step saw them; when it differs, every alert is compared again.';
comment on column vigil.escalation_cursor.acked is 'The alerts acknowledged at that step (alert_state.acked_at not null), in id order: an alert that is in it and no longer acknowledged (unack, ack expired) or the other way round is compared again.';

-- Acknowledged alerts: few, and found without a scan of alert_state. An
-- evaluation that rewrites a row leaves acked_at as it was, so its update
-- stays HOT; only an ack, an unack or an ack that lapses changes the index.
create index alert_state_acked on vigil.alert_state (id) where acked_at is not null;
-- Escalations with a step due (and whether there is any: min(next_at)).
create index escalations_next_at on vigil.escalations (next_at);

drop function if exists vigil._escalate(timestamptz);
