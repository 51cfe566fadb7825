-- Up Migration
-- 0007 notification policy: channels, ordered routes, escalation policies,
-- Alertmanager-style notification groups and the transactional outbox.
-- vigil._notify(p_now), called by every tick after the checks, turns alert
-- state into outbox rows in the same transaction. The rules:
-- docs/notifications.md; the payload: docs/outbox-payload.md.

create table vigil.channels (
  name            text primary key,
  kind            text not null,
  target          text not null,
  secret_ref      text,
  rate_limit_per_minute integer,
  heartbeat_every interval,
  last_heartbeat_at timestamptz,
  allow_private   boolean not null default false,
  enabled         boolean not null default true,
  comment         text,
  created_at      timestamptz not null default pg_catalog.now(),
  constraint channels_name_slug check (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  constraint channels_kind check (kind in ('slack', 'discord', 'pagerduty', 'webhook', 'alertmanager', 'teams')),
  constraint channels_rate_limit check (rate_limit_per_minute > 0),
  constraint channels_heartbeat check (heartbeat_every > interval '0')
);

comment on table vigil.channels is
  'Where notifications go. target is a URL or env:NAME (the worker reads the URL from its environment, so it never sits in the database); secret_ref (env:NAME) names the signing secret or routing key. Set with vigil.add_channel.';
comment on column vigil.channels.heartbeat_every is 'Send a watchdog notification this often, so that a silent pgvigil is noticed downstream; null: none.';
comment on column vigil.channels.allow_private is 'Let the worker deliver to a private or loopback address (refused by default: SSRF).';

create table vigil.escalation_policies (
  name       text primary key,
  repeat     integer not null default 0,
  created_at timestamptz not null default pg_catalog.now(),
  constraint escalation_policies_name_slug check (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  constraint escalation_policies_repeat check (repeat between 0 and 9)
);

comment on table vigil.escalation_policies is
  'Who is told next while a firing alert stays unacknowledged: ordered steps (vigil.escalation_steps), run again repeat more times (at most 9). Set with vigil.add_escalation_policy.';

create table vigil.escalation_steps (
  policy   text not null references vigil.escalation_policies (name) on delete cascade,
  position integer not null,
  delay    interval not null,
  channel  text not null references vigil.channels (name),
  primary key (policy, position),
  constraint escalation_steps_delay check (delay >= interval '0')
);

comment on table vigil.escalation_steps is
  'One step of an escalation policy: delay after the previous step (the first: after the alert fired), then notify channel.';

create table vigil.routes (
  id                bigint generated always as identity primary key,
  position          integer not null unique,
  name              text not null unique,
  min_severity      text not null default 'warning',
  service           text,
  matchers          jsonb not null default '[]'::jsonb,
  channel           text not null references vigil.channels (name),
  escalation_policy text references vigil.escalation_policies (name),
  group_by          text[] not null default '{check}',
  group_wait        interval not null default '30 seconds',
  group_interval    interval not null default '5 minutes',
  repeat_interval   interval not null default '4 hours',
  send_resolved     boolean not null default true,
  continue          boolean not null default false,
  enabled           boolean not null default true,
  created_at        timestamptz not null default pg_catalog.now(),
  constraint routes_min_severity check (min_severity in ('info', 'warning', 'critical')),
  constraint routes_timing check (group_wait >= interval '0' and group_interval > interval '0'
                                  and repeat_interval > interval '0')
);

comment on table vigil.routes is
  'Ordered routes (by position): an alert goes to the first route that matches it (min_severity, service, label matchers) and, while the matched route says continue, to the next matching ones too. Grouping follows Alertmanager: group_by, group_wait, group_interval, repeat_interval, send_resolved. Set with vigil.add_route.';

create table vigil.notification_groups (
  route_id      bigint not null references vigil.routes (id) on delete cascade,
  group_key     text not null,
  group_labels  jsonb not null,
  created_at    timestamptz not null,
  next_flush_at timestamptz not null,
  last_sent_at  timestamptz,
  flushes       integer not null default 0,
  primary key (route_id, group_key)
);

comment on table vigil.notification_groups is
  'One aggregation group per (route, group_by label values): when it may next notify (next_flush_at: group_wait after it was created, then group_interval after each notification) and when it last did (repeat_interval counts from there).';

create table vigil.group_members (
  route_id        bigint not null,
  group_key       text not null,
  alert_id        bigint not null,
  check_name      text not null,
  series          text not null,
  fingerprint     text not null,
  status          text not null,
  severity        text not null,
  value           double precision,
  labels          jsonb not null,
  summary         text not null,
  detail          jsonb,
  flapping        boolean not null default false,
  starts_at       timestamptz not null,
  ends_at         timestamptz,
  suppressed_by   text,
  notified_status text,
  notified_flapping boolean not null default false,
  primary key (route_id, group_key, alert_id),
  foreign key (route_id, group_key) references vigil.notification_groups (route_id, group_key) on delete cascade,
  constraint group_members_status check (status in ('firing', 'resolved')),
  constraint group_members_notified check (notified_status in ('firing', 'resolved'))
);

comment on table vigil.group_members is
  'The alerts of each notification group as the receiver should know them: status now, and notified_status, what the receiver was last told (null: nothing yet). A resolved alert the receiver was never told about leaves without a word.';
comment on column vigil.group_members.suppressed_by is 'kind:id of the maintenance window, silence or known issue that holds this alert back, if any.';

create table vigil.escalations (
  alert_id   bigint not null,
  route_id   bigint not null references vigil.routes (id) on delete cascade,
  policy     text not null references vigil.escalation_policies (name) on delete cascade,
  started_at timestamptz not null,
  next_step  integer not null default 1,
  loop       integer not null default 0,
  next_at    timestamptz not null,
  primary key (alert_id, route_id)
);

comment on table vigil.escalations is
  'Escalation of one firing, unacknowledged alert along its route''s policy: the next step and when it is due. An ack, a resolve or a suppression ends it (the row goes); an ack that times out starts it again from the first step.';

create table vigil.outbox (
  id               bigint generated always as identity primary key,
  created_at       timestamptz not null,
  channel          text not null,
  kind             text not null,
  idempotency_key  text not null unique,
  payload          jsonb not null,
  available_at     timestamptz not null,
  attempts         integer not null default 0,
  max_attempts     integer not null default 12,
  lease_owner      text,
  lease_expires_at timestamptz,
  status           text not null default 'pending',
  last_error       text,
  delivered_at     timestamptz,
  constraint outbox_kind check (kind in ('alerts', 'escalation', 'heartbeat')),
  constraint outbox_status check (status in ('pending', 'delivering', 'delivered', 'dead'))
);

create index outbox_due on vigil.outbox (available_at, id) where status in ('pending', 'delivering');

comment on table vigil.outbox is
  'One row per notification, written in the same transaction as the alert change that caused it. The worker claims rows (FOR UPDATE SKIP LOCKED, under a lease), delivers the payload (docs/outbox-payload.md) with idempotency_key as the webhook-id, and settles them: delivered, or retried until max_attempts, then dead.';

-- Suppressed notifications are recorded as events.
alter table vigil.alert_events drop constraint alert_events_event;
alter table vigil.alert_events add constraint alert_events_event check (event in ('pending', 'firing', 'severity_changed',
  'resolved', 'flapping_started', 'flapping_stopped', 'acknowledged', 'unacknowledged', 'ack_expired', 'no_data',
  'suppressed', 'unsuppressed', 'escalated'));

-- Active hours: a check whose alerts matter only at certain times (business
-- hours) holds its notifications back outside them. The same recurring
-- interval as maintenance windows.
alter table vigil.checks add column active_hours vigil.recurrence;
comment on column vigil.checks.active_hours is 'When this check''s alerts are notified (e.g. Monday to Friday 09:00-17:00 Europe/Berlin); outside, they are held back like a silence. Null: always. Set with vigil.set_active_hours.';
