-- Up Migration
-- 0008 delivery: what the worker (issue 6) needs in SQL to deliver the
-- outbox. The retry schedule is a table a DBA can edit, every attempt is
-- recorded, and a channel whose receiver answered 410 Gone is disabled with
-- the reason. The decisions (claim, settle, retry, dead, replay) are made by
-- vigil.claim_deliveries, vigil.settle_delivery, vigil.release_leases and
-- vigil.replay_dead (sql/functions); the worker only calls them.

create table vigil.retry_schedule (
  attempt integer primary key,
  delay   interval not null,
  constraint retry_schedule_attempt check (attempt >= 1),
  constraint retry_schedule_delay check (delay >= interval '0')
);

comment on table vigil.retry_schedule is
  'How long to wait before the next attempt after attempt n failed (±10% jitter; a longer Retry-After from the receiver wins). A failed attempt with no row here is the last one: the notification goes dead. Defaults: 0 (the first retry is immediate), 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 6 h, 12 h: 11 attempts over about 22 hours. Shorter than the Standard Webhooks example (which spans days): an alert delivered days late is worthless, so hours are the useful horizon; past it the notification is a dead letter for a person to look at (vigil.dead_letters, vigil.replay_dead). A DBA may change the rows: update vigil.retry_schedule set delay = ''1 minute'' where attempt = 3; beyond 11 rows, raise vigil.outbox.max_attempts (default 12) too.';
comment on column vigil.retry_schedule.attempt is 'The attempt that failed (1 is the first delivery attempt).';
comment on column vigil.retry_schedule.delay is 'Wait this long (±10%) after that failure before the next attempt.';

insert into vigil.retry_schedule (attempt, delay)
values (1, '0'), (2, '5 seconds'), (3, '30 seconds'), (4, '2 minutes'), (5, '10 minutes'),
       (6, '30 minutes'), (7, '1 hour'), (8, '2 hours'), (9, '6 hours'), (10, '12 hours');

-- outbox.max_attempts keeps its default of 12: with the default schedule a
-- row goes dead after 11 attempts (the first and one retry per row), when
-- the schedule runs out; max_attempts is a per-row cap below that, and the
-- headroom lets a DBA add one schedule row without touching it.
comment on column vigil.outbox.max_attempts is
  'Give up (status dead) after this many attempts, or earlier when vigil.retry_schedule has no row for the attempt that failed (by default after 11: the first attempt and one retry per schedule row).';
comment on column vigil.outbox.attempts is 'Attempts started: counted when vigil.claim_deliveries claims the row.';
comment on column vigil.outbox.lease_owner is 'The worker that holds the row while status is delivering; only it may settle the row.';
comment on column vigil.outbox.lease_expires_at is 'When the lease lapses: after that another worker may claim the row again (its owner was killed or hangs).';

create table vigil.delivery_attempts (
  id               bigint generated always as identity primary key,
  outbox_id        bigint not null references vigil.outbox (id) on delete cascade,
  channel          text not null,
  worker           text not null,
  attempt          integer not null,
  started_at       timestamptz not null,
  latency_ms       double precision,
  outcome          text not null,
  http_status      integer,
  error            text,
  response_excerpt text,
  constraint delivery_attempts_outcome check (outcome in ('delivered', 'retry', 'dead')),
  constraint delivery_attempts_http_status check (http_status between 100 and 599),
  constraint delivery_attempts_latency check (latency_ms >= 0),
  constraint delivery_attempts_excerpt check (pg_catalog.length(response_excerpt) <= 500)
);

create index delivery_attempts_outbox on vigil.delivery_attempts (outbox_id, id);

comment on table vigil.delivery_attempts is
  'Every delivery attempt the worker settled (vigil.settle_delivery): which notification, channel, worker and attempt number, when it started, how long it took, the outcome as decided (delivered, retry, dead), the HTTP status, the error and an excerpt of the response. select * from vigil.delivery_attempts where outbox_id = 42 order by id;';
comment on column vigil.delivery_attempts.started_at is 'When the attempt started: the settle time minus latency_ms (the settle time when the latency is unknown).';
comment on column vigil.delivery_attempts.outcome is 'What settle_delivery decided: delivered; retry (the row waits for its next attempt); dead (given up: the receiver refused it, 410 Gone, or the attempts ran out).';
comment on column vigil.delivery_attempts.response_excerpt is
  'At most 500 characters of the receiver''s response body, to tell failures apart. The worker passes it and must never put a secret in it: no request headers, no URL (a Slack or Discord webhook URL is a secret), no signature.';

alter table vigil.channels add column disabled_reason text;
alter table vigil.channels add column disabled_at timestamptz;
comment on column vigil.channels.disabled_reason is 'Why the channel was disabled, e.g. ''receiver answered 410 Gone'' (set by vigil.settle_delivery); null while enabled or disabled by hand without a reason.';
comment on column vigil.channels.disabled_at is 'When the channel was disabled automatically (see disabled_reason).';
